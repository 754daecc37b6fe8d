// A category's products in a grid, and a product's page.

import { api } from "../api.js";
import { fill, h, number, t } from "../dom.js";
import {
  actionBar,
  busy,
  button,
  empty,
  loading,
  photo,
  primary,
  rating,
  secondary,
  showNotice,
  stepper,
} from "../ui.js";
import { haptic } from "../telegram.js";
import { stockAlerts } from "./stock-alert.js";
import { saveToggle } from "./wishlist.js";

export async function category(screen) {
  const { root, params } = screen;
  screen.setTitle(params.name ?? "");
  const grid = h("div", { class: "grid" });
  const footer = h("div", { class: "more" });
  root.append(grid, footer);
  grid.append(loading());

  async function load(page, more) {
    const data = await api.category(params.id, page);
    if (!screen.alive()) return;
    if (page === 1) grid.replaceChildren();
    more?.remove();
    params.name = data.category.name;
    screen.setTitle(data.category.name);
    if (!data.total) {
      grid.replaceWith(empty(t("category_empty")));
      return;
    }
    grid.append(...data.products.map((item) => card(item, screen)));
    if (data.page < data.pages) {
      const next = secondary(t("load_more"), "load-more", () =>
        busy(next, () => load(data.page + 1, next)).catch(screen.fail),
      );
      footer.replaceChildren(next);
    }
  }

  await load(1, null);
}

function card(item, screen) {
  return h(
    "button",
    {
      type: "button",
      class: `card${item.sold_out ? " sold-out" : ""}`,
      testid: `product-${item.id}`,
      onclick: () => screen.go("product", { id: item.id }),
    },
    h(
      "span",
      { class: "card-photo" },
      photo(item.photo, "", "square"),
      item.sold_out ? h("span", { class: "badge", testid: "sold-out", text: t("sold_out") }) : null,
    ),
    h("span", { class: "card-name", text: item.name }),
    h(
      "span",
      { class: "card-meta" },
      h("span", { class: "price", text: item.price }),
      item.rating != null ? rating(item.rating, 0) : null,
    ),
  );
}

export async function product(screen) {
  const { root, params } = screen;
  root.append(loading());
  const item = await api.product(params.id);
  if (!screen.alive()) return;

  const sizes = item.sizes ?? [];
  const inStock = sizes.filter((size) => size.stock > 0);
  if (params.sizeId == null && inStock.length === 1) params.sizeId = inStock[0].id;
  params.quantity ??= 1;
  const chosen = () => sizes.find((size) => size.id === params.sizeId && size.stock > 0) ?? null;

  const chips = h("div", {
    class: "chips",
    role: "group",
    "aria-labelledby": "sizes-title",
  });
  const quantity = h("div", { class: "quantity" });
  const hint = h("p", { class: "hint choose-size", text: t("choose_size") });
  const add = primary(t("add_to_cart"), "add-to-cart", () => addToCart());

  function render() {
    const focus = document.activeElement;
    const focused = root.contains(focus) ? focus.dataset.testid : null;
    const size = chosen();
    chips.replaceChildren(
      ...sizes.map((each) => {
        const soldOut = each.stock <= 0;
        const chip = button(null, {
          class: "chip",
          testid: `size-${each.id}`,
          "aria-pressed": String(each.id === size?.id),
          onclick: () => {
            params.sizeId = each.id;
            params.quantity = Math.min(params.quantity, each.stock);
            haptic("select");
            render();
          },
        });
        chip.append(
          h("span", { class: "chip-name", text: each.name }),
          h("span", {
            class: "chip-stock",
            text: soldOut ? t("sold_out") : t("in_stock", { count: number(each.stock) }),
          }),
        );
        chip.disabled = soldOut;
        return chip;
      }),
    );
    const most = size ? size.stock : Math.max(1, ...inStock.map((each) => each.stock));
    quantity.replaceChildren(
      h("span", { class: "label", text: t("quantity") }),
      stepper(params.quantity, {
        min: 1,
        max: most,
        change: (next) => {
          params.quantity = Math.max(1, Math.min(next, most));
          render();
        },
      }),
    );
    hint.hidden = Boolean(size) || !inStock.length;
    add.disabled = !size;
    if (focused) root.querySelector(`[data-testid="${focused}"]:not(:disabled)`)?.focus();
  }

  async function addToCart() {
    const size = chosen();
    if (!size) return;
    await busy(add, async () => {
      const cart = await api.addToCart(item.id, size.id, params.quantity);
      screen.setCartCount(cart.count);
      haptic("success");
      showNotice(t("added_to_cart"));
    }).catch(screen.fail);
  }

  render();
  fill(
    root,
    gallery(item.photos ?? [], item.name),
    h(
      "div",
      { class: "product" },
      h("h2", { class: "product-name", testid: "product-name", text: item.name }),
      h(
        "div",
        { class: "product-price-row" },
        h("p", { class: "product-price price", text: item.price }),
        saveToggle(item, screen),
      ),
      h(
        "p",
        { class: "product-rating" },
        item.rating != null
          ? rating(item.rating, item.rating_count)
          : h("span", { class: "hint", text: t("not_rated") }),
      ),
      item.description ? h("p", { class: "description", text: item.description }) : null,
      sizes.length
        ? h(
            "div",
            { class: "field-group" },
            h("h3", { id: "sizes-title", class: "label", text: t("size") }),
            chips,
          )
        : null,
      inStock.length ? quantity : h("p", { class: "warning", text: t("product_sold_out") }),
      stockAlerts(item, screen),
    ),
    actionBar(hint, add),
  );
  screen.setTitle("");
  screen.setMain(add, { hideWhenDisabled: true });
}

// The product's photos, swiped sideways (snapping to each), with "2 / 4" over them; one photo,
// or none, is shown alone.
function gallery(urls, name) {
  if (urls.length < 2) return photo(urls[0] ?? null, name, "hero");
  const counter = h("span", { class: "gallery-counter", testid: "gallery-counter" });
  const strip = h(
    "div",
    { class: "gallery-strip", testid: "gallery" },
    ...urls.map((url, index) => photo(url, `${name} ${index + 1}/${urls.length}`, "hero")),
  );
  const shown = () => {
    const index = Math.round(strip.scrollLeft / Math.max(strip.clientWidth, 1));
    counter.textContent = `${index + 1} / ${urls.length}`;
  };
  strip.addEventListener("scroll", shown, { passive: true });
  shown();
  return h("div", { class: "gallery" }, strip, counter);
}
