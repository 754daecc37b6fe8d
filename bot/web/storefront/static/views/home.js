// Home: a search box (results as you type) over the categories.

import { api } from "../api.js";
import { h, number, t } from "../dom.js";
import { button, empty, loading, secondary } from "../ui.js";

const DEBOUNCE_MS = 250;

export async function home(screen) {
  const { root, params } = screen;
  const name = screen.state.firstName;
  screen.setTitle(name ? t("greeting", { name }) : t("shop"));

  const input = h("input", {
    id: "search",
    type: "search",
    class: "search-input",
    testid: "search-input",
    placeholder: t("search_placeholder"),
    autocomplete: "off",
    enterkeyhint: "search",
    value: params.query ?? "",
  });
  const results = h("div", { class: "search-results", testid: "search-results" });
  const categories = h("div", { class: "categories" }, loading());
  const saved = button(`♥ ${t("wishlist")}`, {
    class: "btn btn-secondary wishlist-link",
    testid: "wishlist-link",
    onclick: () => screen.go("wishlist"),
  });
  root.append(
    h(
      "form",
      { class: "search", role: "search", onsubmit: (event) => event.preventDefault() },
      h("label", { for: "search", class: "sr-only", text: t("search_label") }),
      input,
    ),
    saved,
    results,
    categories,
  );

  let timer = 0;
  let pending = null;

  async function search(query, page = 1, more = null) {
    pending?.abort();
    const controller = new AbortController();
    pending = controller;
    if (page === 1) results.replaceChildren(loading());
    try {
      const found = await api.search(query, page, controller.signal);
      if (controller.signal.aborted || !screen.alive()) return;
      more?.remove();
      if (page === 1) results.replaceChildren(summaryOf(found, query));
      results.append(...found.products.map((item) => resultRow(item, screen)));
      if (found.page < found.pages) {
        const next = secondary(t("load_more"), "search-more", () => {
          next.disabled = true;
          search(query, found.page + 1, next);
        });
        results.append(next);
      }
    } catch (error) {
      if (error?.name === "AbortError") return;
      if (page === 1) results.replaceChildren();
      if (more) more.disabled = false;
      screen.fail(error);
    }
  }

  function update(immediately = false) {
    clearTimeout(timer);
    const query = input.value.trim();
    params.query = input.value;
    const searching = query.length > 0;
    results.hidden = !searching;
    categories.hidden = searching;
    saved.hidden = searching;
    if (!searching) {
      pending?.abort();
      results.replaceChildren();
      return;
    }
    if (immediately) search(query);
    else timer = setTimeout(() => screen.alive() && search(query), DEBOUNCE_MS);
  }

  input.addEventListener("input", () => update());
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      update(true);
      input.blur();
    }
  });
  update(true);

  const { categories: list } = await api.categories();
  if (!screen.alive()) return;
  if (!list.length) {
    categories.replaceChildren(empty(t("catalogue_empty")));
    return;
  }
  categories.replaceChildren(
    h("h2", { class: "section-title", text: t("categories") }),
    h("div", { class: "tiles" }, list.map((item) => tile(item, screen))),
  );
}

function tile(item, screen) {
  return h(
    "button",
    {
      type: "button",
      class: "tile",
      testid: `category-${item.id}`,
      onclick: () => screen.go("category", { id: item.id, name: item.name }),
    },
    h("span", { class: "tile-name", text: item.name }),
    h("span", { class: "tile-count", text: t("products_count", { count: number(item.count) }) }),
  );
}

function summaryOf(found, query) {
  if (!found.total) {
    const text = t("search_nothing", { query });
    return h("p", { class: "hint", testid: "search-nothing", text });
  }
  return h("p", { class: "hint", text: t("search_found", { count: number(found.total) }) });
}

function resultRow(item, screen) {
  return h(
    "button",
    {
      type: "button",
      class: "row",
      testid: `search-result-${item.id}`,
      onclick: () => screen.go("product", { id: item.id }),
    },
    h("span", { class: "row-name", text: item.name }),
    h("span", { class: "row-price", text: item.price }),
  );
}
