// An order: its status, total and items; while it awaits payment, Pay, and a look every 2 s.

import { api, Unauthorized } from "../api.js";
import { fill, h, number, t } from "../dom.js";
import { actionBar, busy, loading, primary, secondary, showError } from "../ui.js";
import { haptic, openInvoice, openLink } from "../telegram.js";

const POLL_MS = 2000;

export async function order(screen) {
  const { root, params } = screen;
  screen.setTitle(t("order_title", { order_id: params.id }));
  if (!params.order) {
    root.append(loading());
    params.order = await api.order(params.id);
  }
  if (!screen.alive()) return;
  let shown = params.order;
  // Where the last Pay led: pressed again, it opens at once, within the tap (some clients
  // open a link only in answer to one).
  let payment = null;

  function render() {
    const current = shown;
    const status = h("span", {
      class: `status status-${current.status}`,
      testid: "order-status",
      "data-status": current.status,
      text: current.status_label,
    });
    const pay = primary(t("pay", { total: current.total }), "pay", () => startPayment(pay));
    // Stars (digital goods) are taken whatever the shop's provider for parcels.
    const payable = current.awaiting_payment && (current.stars || screen.state.payment !== "none");
    fill(
      root,
      current.paid
        ? h("p", { class: "success", testid: "order-paid", role: "status", text: `✓ ${t("paid")}` })
        : null,
      h(
        "div",
        { class: "panel order-head" },
        h("span", { class: "label", text: t("status") }),
        status,
      ),
      h("h2", { class: "section-title", text: t("items") }),
      h(
        "ul",
        { class: "lines" },
        current.items.map((item) =>
          h(
            "li",
            { class: "line" },
            h(
              "div",
              { class: "line-head" },
              h("span", { class: "line-name", text: item.name }),
              h("strong", { class: "line-total", text: item.line_total }),
            ),
            h("p", {
              class: "hint line-detail",
              text: [
                t("size_value", { size: item.size }),
                t("quantity_value", { quantity: number(item.quantity) }),
              ].join(" · "),
            }),
          ),
        ),
      ),
      current.shipping
        ? h("p", { class: "hint", testid: "order-shipping", text: current.shipping })
        : null,
      h(
        "p",
        { class: "total", testid: "order-total" },
        h("span", { text: t("total") }),
        h("strong", { text: current.total }),
      ),
      current.awaiting_payment
        ? h("p", { class: "hint", text: payable ? t("awaiting_payment") : t("payment_off") })
        : null,
      actionBar(
        payable ? pay : null,
        secondary(t("continue_shopping"), "continue-shopping", () => screen.reset([["home"]])),
      ),
    );
    screen.setMain(payable ? pay : null);
  }

  async function startPayment(button) {
    if (payment) {
      open(payment);
      return;
    }
    await busy(button, async () => {
      payment = await api.pay(params.id);
      open(payment);
    }).catch(screen.fail);
  }

  function open(how) {
    if (how.kind === "stripe") {
      openLink(how.url);
    } else if (how.kind === "telegram") {
      openInvoice(how.invoice_link, (status) => {
        if (status === "paid") poll();
        if (status === "failed") {
          haptic("error");
          showError(t("payment_failed"));
        }
      });
    }
  }

  // One look at a time, and one waiting: a look asked for early (an invoice just paid)
  // replaces the one waiting.
  let polling = false;
  let waiting = 0;
  const schedule = () => {
    const mine = ++waiting;
    screen.later(() => mine === waiting && poll(), POLL_MS);
  };

  async function poll() {
    if (polling || !screen.alive()) return;
    polling = true;
    waiting += 1;
    try {
      const fresh = await api.order(params.id);
      if (!screen.alive()) return;
      const changed = fresh.status !== shown.status || fresh.paid !== shown.paid;
      if (fresh.paid && !shown.paid) haptic("success");
      shown = fresh;
      params.order = fresh;
      if (changed) render();
    } catch (error) {
      // A missed look is tried again at the next; only a lost session ends it.
      if (error instanceof Unauthorized) screen.fail(error);
    } finally {
      polling = false;
      if (screen.alive() && shown.awaiting_payment) schedule();
    }
  }

  render();
  if (shown.awaiting_payment) schedule();
}
