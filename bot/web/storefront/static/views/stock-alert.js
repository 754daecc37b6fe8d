// On a product's page, one toggle for each sold-out size: "Notify me when 43 is back", and once
// asked, "We'll tell you when 43 is back" (pressed again, the shop lets the alert go).

import { api } from "../api.js";
import { fill, h, t } from "../dom.js";
import { busy, button, showNotice } from "../ui.js";
import { haptic } from "../telegram.js";

export function stockAlerts(item, screen) {
  const box = h("div", { class: "stock-alerts", testid: "stock-alerts" });

  function render() {
    const soldOut = (item.sizes ?? []).filter((size) => size.stock <= 0);
    fill(
      box,
      soldOut.map((size) => toggle(size)),
      soldOut.some((size) => size.waiting)
        ? h("p", { class: "hint", text: t("stop_waiting") })
        : null,
    );
    box.hidden = !soldOut.length;
  }

  function toggle(size) {
    const values = { size: size.name };
    const text = size.waiting ? t("waiting", values) : t("notify_me", values);
    const pressed = button(text, {
      class: "btn btn-secondary alert-toggle",
      testid: `notify-${size.id}`,
      "aria-pressed": String(Boolean(size.waiting)),
    });
    pressed.addEventListener("click", () =>
      busy(pressed, async () => {
        const answer = await api.notifyMe(item.id, size.id, !size.waiting);
        if (!screen.alive()) return;
        item.sizes = answer.product.sizes;
        haptic("select");
        if (answer.notice) showNotice(answer.notice);
        // A size back in stock meanwhile: the whole page, with the size to choose.
        if (answer.product.sizes.some((each) => each.id === size.id && each.stock > 0)) {
          screen.reload();
          return;
        }
        render();
      }).catch(screen.fail),
    );
    return pressed;
  }

  render();
  return box;
}
