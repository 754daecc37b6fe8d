// The summary's promo code: a field and Apply, the reason a code is refused under the field,
// and the code on the cart removed. Each answer is the summary as it reads now.

import { ApiError, Unauthorized, api } from "../api.js";
import { h, t } from "../dom.js";
import { busy, button, secondary } from "../ui.js";
import { haptic } from "../telegram.js";

export function promoCode(screen) {
  const { params } = screen;
  const data = params.summary;
  const shown = (summary) => {
    params.summary = summary;
    screen.reload();
  };

  if (data.promo_code) {
    const remove = secondary(t("remove_code"), "remove-promo", () =>
      busy(remove, async () => shown(await api.removePromo(params.addressId))).catch(
        screen.fail,
      ),
    );
    return h("div", { class: "promo-box" }, remove);
  }

  const input = h("input", {
    id: "promo-code",
    class: "input",
    testid: "promo-input",
    type: "text",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    maxlength: "32",
    enterkeyhint: "done",
    "aria-describedby": "error-promo",
  });
  const error = h("p", { id: "error-promo", class: "field-error", testid: "promo-error" });
  const apply = button(t("apply"), { class: "btn btn-secondary", testid: "apply-promo" });
  apply.type = "submit";
  input.addEventListener("input", () => {
    error.textContent = "";
    input.removeAttribute("aria-invalid");
  });

  const form = h(
    "form",
    { class: "promo-box", novalidate: true },
    h("label", { for: "promo-code", class: "label", text: t("promo_code") }),
    h("div", { class: "promo-row" }, input, apply),
    error,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = input.value.trim();
    if (!code) {
      input.focus();
      return;
    }
    busy(apply, async () => {
      try {
        shown(await api.applyPromo(params.addressId, code));
        haptic("success");
      } catch (refused) {
        // Unknown, ended, used up…: the reason, in the reader's words, under the field.
        const reason = refused instanceof ApiError && !(refused instanceof Unauthorized);
        if (!reason || refused.status >= 500 || !refused.message) {
          throw refused;
        }
        haptic("error");
        error.textContent = refused.message;
        input.setAttribute("aria-invalid", "true");
        input.focus();
      }
    }).catch(screen.fail);
  });
  return form;
}
