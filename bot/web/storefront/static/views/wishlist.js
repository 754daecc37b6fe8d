// The wishlist: saved products (price, what is in stock), each opened or let go; and the
// ♡ Save / ♥ Saved toggle on a product's page.

import { api } from "../api.js";
import { fill, h, t } from "../dom.js";
import { busy, button, empty, icon, loading, primary, secondary, showNotice } from "../ui.js";
import { haptic } from "../telegram.js";

export async function wishlist(screen) {
  const { root } = screen;
  screen.setTitle(t("wishlist_title"));
  root.append(loading());
  render(screen, await api.wishlist(1), []);
}

function render(screen, data, shown) {
  if (!screen.alive()) return;
  const { root } = screen;
  const products = [...shown, ...data.products];
  if (!products.length) {
    const browse = primary(t("browse_catalogue"), "browse", () => screen.reset([["home"]]));
    fill(root, empty(t("wishlist_empty")), browse);
    return;
  }
  const more =
    data.page < data.pages
      ? secondary(t("load_more"), "wishlist-more", () =>
          busy(more, async () =>
            render(screen, await api.wishlist(data.page + 1), products),
          ).catch(screen.fail),
        )
      : null;
  fill(
    root,
    h(
      "ul",
      { class: "lines", testid: "wishlist" },
      products.map((item) => savedRow(item, data.page, screen)),
    ),
    more,
  );
}

function savedRow(item, page, screen) {
  const remove = button(icon("trash"), {
    class: "btn icon-btn remove",
    testid: "remove",
    "aria-label": t("remove"),
    title: t("remove"),
    // The page as it reads after: the products shown before it, from the first page on.
    onclick: () =>
      busy(remove, async () => render(screen, await api.unsave(item.id, 1), [])).catch(
        screen.fail,
      ),
  });
  return h(
    "li",
    { class: "line saved", testid: `saved-${item.id}` },
    h(
      "div",
      { class: "line-head" },
      h(
        "button",
        {
          type: "button",
          class: "line-name link",
          testid: `open-${item.id}`,
          onclick: () => screen.go("product", { id: item.id }),
        },
        item.name,
      ),
      remove,
    ),
    h(
      "p",
      { class: `hint line-detail${item.sold_out ? " out-of-stock" : ""}` },
      h("strong", { class: "price", text: item.price }),
      ` · ${item.stock}`,
    ),
  );
}

// ♡ Save, or ♥ Saved: pressed, it does what it says and shows the shop's answer.
export function saveToggle(item, screen) {
  const toggle = button("", { class: "btn btn-secondary save-toggle", testid: "save" });
  const show = () => {
    toggle.textContent = item.saved ? t("saved") : t("save");
    toggle.setAttribute("aria-pressed", String(Boolean(item.saved)));
  };
  toggle.addEventListener("click", () =>
    busy(toggle, async () => {
      const answer = await api.save(item.id, !item.saved);
      if (!screen.alive()) return;
      item.saved = answer.product.saved;
      show();
      haptic("select");
      showNotice(answer.notice);
    }).catch(screen.fail),
  );
  show();
  return toggle;
}
