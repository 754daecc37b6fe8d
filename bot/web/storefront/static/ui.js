// Pieces every screen uses: banners, buttons that wait for their request, photos, steppers.

import { h, number, t } from "./dom.js";

const BANNER_MS = 6000;
let bannerTimer = 0;
let noticeTimer = 0;

const banner = h("div", { class: "banner banner-error", testid: "error-banner", role: "alert" });
const notice = h("div", { class: "banner banner-notice", testid: "notice", role: "status" });
banner.hidden = true;
notice.hidden = true;

export function toasts() {
  return h("div", { class: "toasts" }, banner, notice);
}

// An error in a small banner at the top; `text` is already in the reader's language.
export function showError(text) {
  notice.hidden = true;
  const close = h("button", {
    type: "button",
    class: "banner-close",
    "aria-label": t("close"),
    text: "×",
    onclick: () => {
      banner.hidden = true;
    },
  });
  banner.replaceChildren(h("span", { class: "banner-text", text }), close);
  banner.hidden = false;
  clearTimeout(bannerTimer);
  bannerTimer = setTimeout(() => {
    banner.hidden = true;
  }, BANNER_MS);
}

export function showNotice(text) {
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    notice.hidden = true;
  }, BANNER_MS / 2);
}

export function hideBanners() {
  banner.hidden = true;
  notice.hidden = true;
}

// Runs `task` with the buttons disabled, the first (the one pressed) marked busy, so a request
// is never sent twice; afterwards each button is as it was.
export async function busy(buttons, task) {
  const list = (Array.isArray(buttons) ? buttons : [buttons]).filter(Boolean);
  if (list[0]?.disabled) return undefined;
  const before = list.map((button) => button.disabled);
  for (const button of list) button.disabled = true;
  list[0]?.setAttribute("aria-busy", "true");
  try {
    return await task();
  } finally {
    list.forEach((button, index) => {
      button.disabled = before[index];
    });
    list[0]?.removeAttribute("aria-busy");
  }
}

export function button(text, props = {}) {
  return h("button", { type: "button", class: "btn", ...props }, text);
}

export function primary(text, testid, onclick) {
  return button(text, { class: "btn btn-primary", testid, onclick });
}

export function secondary(text, testid, onclick) {
  return button(text, { class: "btn btn-secondary", testid, onclick });
}

// The bar at the bottom of a screen that holds its main action.
export function actionBar(...content) {
  return h("div", { class: "action-bar" }, ...content);
}

export function loading() {
  return h(
    "div",
    { class: "loading", role: "status", testid: "loading" },
    h("span", { class: "spinner", "aria-hidden": "true" }),
    h("span", { class: "sr-only", text: t("loading") }),
  );
}

export function empty(text, ...actions) {
  return h("div", { class: "empty" }, h("p", { text }), ...actions);
}

// A product photo, or a neutral placeholder when it has none or it fails to load.
export function photo(url, alt, className) {
  const frame = h("div", { class: `photo ${className ?? ""}` });
  if (url) {
    const image = h("img", { src: url, alt, loading: "lazy", decoding: "async" });
    image.addEventListener("error", () => image.remove(), { once: true });
    frame.append(image);
  }
  return frame;
}

// − quantity +: `change(next)` is called with the wanted quantity.
export function stepper(quantity, { min, max, change, label }) {
  const minus = button("−", {
    class: "btn step",
    testid: "qty-minus",
    "aria-label": t("decrease"),
    onclick: () => change(quantity - 1, minus),
  });
  const plus = button("+", {
    class: "btn step",
    testid: "qty-plus",
    "aria-label": t("increase"),
    onclick: () => change(quantity + 1, plus),
  });
  minus.disabled = quantity <= min;
  plus.disabled = quantity >= max;
  const value = h("output", {
    class: "step-value",
    testid: "qty-value",
    "aria-live": "polite",
    "aria-label": label ?? t("quantity"),
    text: String(quantity),
  });
  return h(
    "div",
    { class: "stepper", role: "group", "aria-label": t("quantity") },
    minus,
    value,
    plus,
  );
}

export function rating(value, count) {
  const written = number(value, 1);
  return h("span", {
    class: "rating",
    "aria-label": t("rating", { rating: written }),
    text: `★ ${written}${count ? ` · ${t("ratings_count", { count: number(count) })}` : ""}`,
  });
}

// Small line icons drawn in the text's colour (an emoji may be missing from a desktop's fonts).
const ICONS = {
  cart: "M3 4h2l2.2 10.2a1 1 0 0 0 1 .8h9.1a1 1 0 0 0 1-.8L20 8H6.2M9 20h.01M17 20h.01",
  trash: "M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3",
};

export function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}
