// Checkout: where to deliver (a saved address or a new one), then the summary to confirm.

import { ApiError, api } from "../api.js";
import { fill, h, number, t } from "../dom.js";
import { actionBar, busy, loading, primary, secondary, showError } from "../ui.js";
import { haptic } from "../telegram.js";
import { promoCode } from "./promo.js";

// What the browser may fill in each field with, and how a phone keyboard should look.
const FIELD_INPUT = {
  recipient_name: { autocomplete: "name", autocapitalize: "words" },
  phone: { type: "tel", autocomplete: "tel", inputmode: "tel" },
  street: { autocomplete: "address-line1" },
  city: { autocomplete: "address-level2" },
  region: { autocomplete: "address-level1" },
  postal_code: { autocomplete: "postal-code", autocapitalize: "characters" },
  country: {
    autocomplete: "country",
    autocapitalize: "characters",
    maxlength: "2",
    spellcheck: "false",
  },
};

export async function checkout(screen) {
  const { root } = screen;
  screen.setTitle(t("delivery_address"));
  root.append(loading());
  const { addresses, fields } = await api.addresses();
  if (!screen.alive()) return;

  const toSummary = async (addressId) => {
    const summary = await api.checkout(addressId);
    if (screen.alive()) screen.go("summary", { addressId, summary });
  };

  const choices = addresses.map((address) => {
    const choice = h(
      "button",
      { type: "button", class: "address", testid: `address-${address.id}` },
      h("span", { class: "address-text", text: address.text }),
      address.default ? h("span", { class: "tag", text: t("default_address") }) : null,
    );
    choice.addEventListener("click", () =>
      busy(choice, () => toSummary(address.id)).catch(screen.fail),
    );
    return choice;
  });

  const form = addressForm(fields, screen, toSummary);
  const save = primary(t("save_address"), "save-address");
  save.type = "submit";
  save.setAttribute("form", form.id);
  const bar = actionBar(save);
  const open = () => {
    form.hidden = false;
    bar.hidden = false;
    screen.setMain(save);
    form.querySelector("input")?.focus();
  };
  const add = secondary(`+ ${t("new_address")}`, "new-address", open);
  form.hidden = addresses.length > 0;
  bar.hidden = form.hidden;

  fill(
    root,
    h("p", { class: "intro", text: t("choose_address") }),
    choices.length ? h("div", { class: "addresses" }, choices) : null,
    add,
    form,
    bar,
  );
  if (!form.hidden) screen.setMain(save);
}

function addressForm(fields, screen, toSummary) {
  const form = h("form", { id: "address-form", class: "address-form", novalidate: true });
  const inputs = {};
  const errors = {};
  for (const field of fields) {
    const id = `field-${field.name}`;
    const input = h("input", {
      id,
      name: field.name,
      class: "input",
      testid: id,
      type: "text",
      required: !field.optional,
      "aria-describedby":
        field.name === "country" ? "hint-country error-country" : `error-${field.name}`,
      ...FIELD_INPUT[field.name],
    });
    const error = h("p", {
      id: `error-${field.name}`,
      class: "field-error",
      testid: `error-${field.name}`,
    });
    input.addEventListener("input", () => clear(field.name));
    inputs[field.name] = input;
    errors[field.name] = error;
    form.append(
      h(
        "div",
        { class: "field" },
        h(
          "label",
          { for: id, class: "label" },
          field.label,
          field.optional ? h("span", { class: "hint", text: ` (${t("optional")})` }) : null,
        ),
        input,
        field.name === "country"
          ? h("p", { id: "hint-country", class: "hint", text: t("country_hint") })
          : null,
        error,
      ),
    );
  }

  function clear(name) {
    errors[name].textContent = "";
    inputs[name].removeAttribute("aria-invalid");
  }

  function mark(name, text) {
    if (!inputs[name]) return false;
    errors[name].textContent = text;
    inputs[name].setAttribute("aria-invalid", "true");
    return true;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = {};
    const missing = [];
    for (const field of fields) {
      clear(field.name);
      values[field.name] = inputs[field.name].value.trim();
      if (!values[field.name] && !field.optional) missing.push(field.name);
    }
    if (values.country) values.country = values.country.toUpperCase();
    if (missing.length) {
      for (const name of missing) mark(name, t("required"));
      inputs[missing[0]].focus();
      return;
    }
    const save = form.ownerDocument.querySelector('[data-testid="save-address"]');
    busy(save, async () => {
      let saved;
      try {
        saved = await api.saveAddress(values);
      } catch (error) {
        if (error instanceof ApiError && error.field && mark(error.field, error.message)) {
          inputs[error.field].focus();
          return;
        }
        throw error;
      }
      try {
        await toSummary(saved.id);
      } catch (error) {
        // The address is saved: show it among the others rather than the form again.
        screen.reload();
        throw error;
      }
    }).catch(screen.fail);
  });
  return form;
}

export function summary(screen) {
  const { root, params } = screen;
  const data = params.summary;
  if (!data) {
    screen.back();
    return;
  }
  screen.setTitle(t("summary_title"));
  const shipping = data.shipping || { options: [], chosen: 0, line: "" };
  const place = primary(t("place_order"), "place-order", () =>
    busy(place, async () => {
      try {
        const placed = await api.placeOrder(
          params.addressId, data.fingerprint, shipping.chosen, data.promo_id,
        );
        haptic("success");
        screen.reset([["home"], ["order", { id: placed.id, order: placed }]]);
        api.cart().then((cart) => screen.setCartCount(cart.count), () => {});
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) {
          // The cart changed, or something in it sold out: the cart shows what and why.
          haptic("error");
          screen.reset([["home"], ["cart"]]);
          showError(error.message || t("error_generic"));
          return;
        }
        throw error;
      }
    }).catch(screen.fail),
  );
  fill(
    root,
    data.address
      ? h(
          "div",
          { class: "panel" },
          h("h2", { class: "label", text: t("shipping_to") }),
          h("p", { class: "address-text", testid: "summary-address", text: data.address }),
        )
      : h("p", { class: "hint", testid: "delivered-in-chat", text: t("delivered_in_chat") }),
    h("ul", { class: "lines" }, data.lines.map(summaryLine)),
    shipping.options.length ? deliveryChoice(screen, params.addressId, shipping) : null,
    ...(data.promo || []).map((line) =>
      h("p", { class: "hint promo", testid: "summary-promo", text: line }),
    ),
    shipping.line ? h("p", { class: "hint", testid: "summary-shipping", text: shipping.line }) : null,
    promoCode(screen),
    h(
      "p",
      { class: "total", testid: "summary-total" },
      h("span", { text: t("total") }),
      h("strong", { text: data.total }),
    ),
    actionBar(place),
  );
  place.disabled = shipping.options.length > 0 && !shipping.chosen;
  screen.setMain(place);
}

// The delivery options serving the address: picking one asks for the summary with it.
function deliveryChoice(screen, addressId, shipping) {
  const choices = shipping.options.map((option) => {
    const choice = h(
      "button",
      {
        type: "button",
        class: "address",
        testid: `shipping-${option.id}`,
        "aria-pressed": String(option.id === shipping.chosen),
      },
      h("span", { class: "address-text", text: `${option.name} · ${option.price}` }),
    );
    choice.addEventListener("click", () =>
      busy(choice, async () => {
        const summary = await api.checkout(addressId, option.id);
        if (!screen.alive()) return;
        screen.params.summary = summary;
        screen.reload();
      }).catch(screen.fail),
    );
    return choice;
  });
  return h(
    "div",
    { class: "panel" },
    h("h2", { class: "label", text: t("delivery_option") }),
    shipping.chosen ? null : h("p", { class: "hint", text: t("choose_delivery") }),
    h("div", { class: "addresses" }, choices),
  );
}

function summaryLine(line) {
  return h(
    "li",
    { class: "line", testid: `summary-line-${line.size_id}` },
    h(
      "div",
      { class: "line-head" },
      h("span", { class: "line-name", text: line.name }),
      h("strong", { class: "line-total", text: line.line_total }),
    ),
    h(
      "p",
      { class: "hint line-detail" },
      `${t("size_value", { size: line.size })} · ${number(line.quantity)} × ${line.unit_price}`,
    ),
    line.problem ? h("p", { class: "problem", text: `⚠️ ${line.problem}` }) : null,
  );
}
