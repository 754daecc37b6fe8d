// The cart: its lines with − / + and remove, what keeps a line from being ordered, the total.

import { api } from "../api.js";
import { fill, h, number, t } from "../dom.js";
import { actionBar, busy, button, empty, icon, loading, primary, stepper } from "../ui.js";

const NO_ADDRESS = 0;

export async function cart(screen) {
  const { root } = screen;
  screen.setTitle(t("cart_title"));
  root.append(loading());
  render(screen, await api.cart());
}

function render(screen, data) {
  if (!screen.alive()) return;
  const { root } = screen;
  screen.setCartCount(data.count);
  if (!data.lines.length) {
    const browse = primary(t("browse_catalogue"), "browse", () => screen.reset([["home"]]));
    fill(root, empty(t("cart_empty")), actionBar(browse));
    screen.setMain(browse);
    return;
  }
  const checkout = primary(t("checkout"), "checkout", () => {
    if (data.needs_address) screen.go("checkout");
    else busy(checkout, () => toSummary(screen)).catch(screen.fail);
  });
  checkout.disabled = !data.can_checkout;
  fill(
    root,
    h("ul", { class: "lines" }, data.lines.map((line) => cartLine(line, screen))),
    data.total
      ? h(
          "p",
          { class: "total", testid: "cart-total" },
          h("span", { text: t("total") }),
          h("strong", { text: data.total }),
        )
      : null,
    data.can_checkout
      ? null
      : h("p", { class: "warning", testid: "cart-problems", text: t("cart_problems") }),
    actionBar(checkout),
  );
  screen.setMain(checkout);
}

// Digital goods are sent in the chat: no address to ask for, straight to the summary.
async function toSummary(screen) {
  const summary = await api.checkout(NO_ADDRESS);
  if (screen.alive()) screen.go("summary", { addressId: NO_ADDRESS, summary });
}

function cartLine(line, screen) {
  const item = h("li", { class: "line", testid: `cart-line-${line.size_id}` });
  const change = (quantity, pressed) => {
    const buttons = [pressed, ...item.querySelectorAll("button")];
    busy(buttons, async () => {
      render(screen, await api.setQuantity(line.size_id, quantity));
    }).catch(screen.fail);
  };
  const remove = button(icon("trash"), {
    class: "btn icon-btn remove",
    testid: "remove",
    "aria-label": t("remove"),
    title: t("remove"),
    onclick: () => change(0, remove),
  });
  fill(
    item,
    h(
      "div",
      { class: "line-head" },
      h("span", { class: "line-name", text: line.name }),
      h("strong", { class: "line-total", testid: "line-total", text: line.line_total }),
    ),
    h(
      "p",
      { class: "hint line-detail" },
      `${t("size_value", { size: line.size })} · ${number(line.quantity)} × ${line.unit_price}`,
    ),
    h(
      "div",
      { class: "line-controls" },
      stepper(line.quantity, { min: 1, max: Infinity, change }),
      remove,
    ),
    line.problem
      ? h("p", { class: "problem", testid: "problem", text: `⚠️ ${line.problem}` })
      : null,
  );
  return item;
}
