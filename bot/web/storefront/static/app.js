// The storefront: one page, a stack of screens, Telegram's buttons kept in step with them.

import { ApiError, Offline, Unauthorized, api } from "./api.js";
import { h, languageTag, number, t, useTexts } from "./dom.js";
import * as telegram from "./telegram.js";
import { button, hideBanners, icon, showError, toasts } from "./ui.js";
import { cart } from "./views/cart.js";
import { category, product } from "./views/catalog.js";
import { checkout, summary } from "./views/checkout.js";
import { home } from "./views/home.js";
import { order } from "./views/order.js";
import { wishlist } from "./views/wishlist.js";

const SCREENS = { home, category, product, cart, checkout, summary, order, wishlist };
const WITH_CART_PILL = new Set(["home", "category", "product", "wishlist"]);

const state = { firstName: "", payment: "none", cartCount: 0 };
let stack = [];
let generation = 0;
let timers = new Set();
let locked = false;
let chrome = null;

// ---------------------------------------------------------------- the main action
// A screen puts its main action on a button of its own (so the page works, and is tested,
// without Telegram) and hands it over: Telegram's MainButton then shows the same text, is
// active and busy when it is, and presses it.

let mainElement = null;
let mainOptions = {};
const mainObserver = new MutationObserver(syncMain);

function setMain(button, options = {}) {
  mainObserver.disconnect();
  mainElement = button;
  mainOptions = options;
  if (button) {
    mainObserver.observe(button, {
      attributes: true,
      attributeFilter: ["disabled", "aria-busy", "hidden"],
      childList: true,
      characterData: true,
      subtree: true,
    });
  }
  syncMain();
}

function syncMain() {
  const button = mainElement;
  const busy = button?.getAttribute("aria-busy") === "true";
  if (!button || button.hidden || (mainOptions.hideWhenDisabled && button.disabled && !busy)) {
    telegram.mainButton.hide();
    return;
  }
  telegram.mainButton.show({ text: button.textContent, active: !button.disabled, busy });
}

function pressMain() {
  if (mainElement?.isConnected && !mainElement.disabled) mainElement.click();
}

// ---------------------------------------------------------------- screens

function show(entry, scroll = 0) {
  if (locked) return;
  for (const timer of timers) clearTimeout(timer);
  timers = new Set();
  const mine = ++generation;
  const root = h("section", {
    class: `screen screen-${entry.name}`,
    testid: `screen-${entry.name}`,
  });
  chrome.host.replaceChildren(root);
  hideBanners();
  // The page's own back button only where Telegram has none to show (a plain browser).
  chrome.back.hidden = stack.length < 2 || telegram.backButton.available;
  chrome.pill.hidden = !WITH_CART_PILL.has(entry.name);
  chrome.title.textContent = "";
  telegram.backButton.show(stack.length > 1);
  setMain(null);
  window.scrollTo(0, 0);

  const alive = () => mine === generation && !locked;
  const screen = {
    root,
    params: entry.params,
    state,
    alive,
    go,
    back,
    reset,
    reload: () => alive() && show(entry, window.scrollY),
    fail,
    setCartCount,
    setTitle(text) {
      if (alive()) chrome.title.textContent = text;
    },
    setMain(button, options) {
      if (alive()) setMain(button, options);
    },
    // Runs `task` after `ms` unless the reader has left this screen by then.
    later(task, ms) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (alive()) task();
      }, ms);
      timers.add(timer);
    },
  };
  Promise.resolve()
    .then(() => SCREENS[entry.name](screen))
    .then(() => {
      if (scroll && alive()) window.scrollTo(0, scroll);
    })
    .catch((error) => {
      fail(error);
      if (!alive() || error?.name === "AbortError") return;
      setMain(null);
      const retry = button(t("retry"), {
        class: "btn btn-secondary",
        testid: "retry",
        onclick: () => show(entry),
      });
      root.replaceChildren(h("div", { class: "empty" }, retry));
    });
}

function go(name, params = {}) {
  const top = stack.at(-1);
  if (top) top.scroll = window.scrollY;
  stack.push({ name, params });
  show(stack.at(-1));
}

function back() {
  if (stack.length < 2) return;
  stack.pop();
  const entry = stack.at(-1);
  show(entry, entry.scroll ?? 0);
}

// A new history, e.g. [["home"], ["order", {id: 7}]] once an order is placed.
function reset(entries) {
  stack = entries.map(([name, params = {}]) => ({ name, params }));
  show(stack.at(-1));
}

function setCartCount(count) {
  state.cartCount = count;
  chrome.count.textContent = number(count);
  chrome.pill.setAttribute("aria-label", `${t("cart")}: ${number(count)}`);
  chrome.pill.classList.toggle("has-items", count > 0);
}

// ---------------------------------------------------------------- errors

function fail(error) {
  if (error?.name === "AbortError") return;
  if (error instanceof Unauthorized) {
    fatal(error.message);
  } else if (error instanceof ApiError && error.message) {
    showError(error.message);
  } else if (error instanceof Offline) {
    showError(t("offline"));
  } else {
    console.error(error);
    showError(t("error_generic"));
  }
}

// Without a valid initData nothing can work, and the page has no texts: a sign and the
// server's own words, nothing else.
function fatal(message) {
  locked = true;
  for (const timer of timers) clearTimeout(timer);
  setMain(null);
  telegram.backButton.show(false);
  document.body.replaceChildren(
    h(
      "div",
      { class: "fatal", testid: "fatal-error", role: "alert" },
      h("div", { class: "fatal-icon", "aria-hidden": "true", text: "⚠️" }),
      message ? h("p", { class: "fatal-text", text: message }) : null,
    ),
  );
}

// ---------------------------------------------------------------- start

function buildChrome() {
  const backControl = h("button", {
    type: "button",
    class: "icon-btn",
    testid: "back",
    "aria-label": t("back"),
    text: "‹",
    onclick: back,
  });
  const title = h("h1", { class: "topbar-title" });
  const count = h("span", { class: "pill-count", testid: "cart-count" });
  const pill = h(
    "button",
    { type: "button", class: "cart-pill", testid: "cart-pill", onclick: () => go("cart") },
    icon("cart"),
    count,
  );
  const host = h("main", { class: "host" });
  const topbar = h("header", { class: "topbar" }, backControl, title, pill);
  document.body.replaceChildren(topbar, host, toasts());
  return { back: backControl, title, count, pill, host };
}

async function load() {
  document.body.replaceChildren(
    h(
      "div",
      { class: "boot", testid: "boot" },
      h("span", { class: "spinner", "aria-hidden": "true" }),
    ),
  );
  let session;
  try {
    session = await api.session();
  } catch (error) {
    if (error instanceof Unauthorized) {
      fatal(error.message);
      return;
    }
    const message = error instanceof ApiError ? error.message : "";
    const retry = h("button", {
      type: "button",
      class: "btn btn-primary",
      testid: "retry",
      text: "↻",
      onclick: load,
    });
    document.body.replaceChildren(
      h(
        "div",
        { class: "fatal", testid: "fatal-error", role: "alert" },
        h("div", { class: "fatal-icon", "aria-hidden": "true", text: "⚠️" }),
        message ? h("p", { class: "fatal-text", text: message }) : null,
        retry,
      ),
    );
    return;
  }
  useTexts(session.texts, session.language);
  document.documentElement.lang = languageTag();
  document.title = t("shop");
  state.firstName = session.user?.first_name ?? "";
  state.payment = session.payment ?? "none";
  chrome = buildChrome();
  setCartCount(session.cart_count ?? 0);
  reset([["home"]]);
}

telegram.start();
telegram.backButton.onClick(back);
telegram.mainButton.onClick(pressMain);
telegram.onThemeChanged(syncMain);
load();
