"""Notices: what the outbox tells customers and admins, put into words when it is sent.

The outbox stores a notice as a key ("order.paid") with plain parameters (ids, amounts in minor
units with their currency, names), and its buttons as label keys with the data they carry. This
module renders them at send time, so a notice can be shown in the recipient's language: a new
language is one more pair of catalogues here, not a change to the services that queue notices.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.texts import esc, money

DEFAULT_LANGUAGE = "en"
# A verbatim text, as rows queued before notices had keys were written (already HTML).
LEGACY_TEXT = "legacy.text"

Template = Callable[..., str]
_LABEL_FIELDS = frozenset({"label", "params"})
_ACTIONS = frozenset({"callback_data", "url"})
# [[{"label": key, "params": {...}, "callback_data"|"url": ...}]] stored; [[{"text": ...}]] sent.
Buttons = list[list[dict[str, Any]]]


class NoticeError(ValueError):
    """A stored notice no catalogue can render: an unknown key, or parameters that don't fit."""


# ---------------------------------------------------------------- to the customer


def _paid(*, order_id: int, amount: int, currency: str) -> str:
    return (
        f"✅ Thank you! We received {money(amount, currency.upper())} for order "
        f"<b>#{order_id}</b>. We will let you know when it ships."
    )


def _payment_failed(*, order_id: int) -> str:
    return (
        f"❌ The payment for order <b>#{order_id}</b> did not go through. Your order is still "
        "reserved for a while: open /orders to try again, or contact us if you need help."
    )


def _expired(*, order_id: int) -> str:
    return (
        f"⌛ Order <b>#{order_id}</b> was cancelled because it was not paid in time. "
        "Nothing was charged, and the items are back on sale."
    )


def _refunded(*, order_id: int, amount: int, currency: str) -> str:
    return (
        f"↩️ We refunded {money(amount, currency.upper())} for order <b>#{order_id}</b>. "
        "Depending on your bank it can take a few days to show."
    )


def _shipped(*, order_id: int, address: str) -> str:
    return (
        f"🚚 Good news: order <b>#{order_id}</b> has shipped! It is on its way to\n{esc(address)}"
    )


def _delivered(*, order_id: int) -> str:
    return (
        f"📬 Order <b>#{order_id}</b> has been delivered. We hope you like it! "
        "You can rate what you bought in /orders."
    )


def _cancelled_by_shop(
    *, order_id: int, refund_amount: int | None = None, refund_currency: str | None = None
) -> str:
    """The refund: what goes back to the customer, when they had paid."""
    money_back = (
        f"Your payment of {money(refund_amount, refund_currency.upper())} will be refunded to you."
        if refund_amount is not None and refund_currency
        else "Nothing was charged."
    )
    return (
        f"✖ We are sorry: we had to cancel order <b>#{order_id}</b>. {money_back} "
        "Please contact us if you have any questions."
    )


def _payment_review(*, order_id: int) -> str:
    return (
        f"We received a payment for order <b>#{order_id}</b>, but it does not match the order. "
        "We are checking it and will contact you shortly."
    )


def _late_payment(*, order_id: int) -> str:
    return (
        f"We received a payment for order <b>#{order_id}</b> after it was closed. "
        "Don't worry: we will refund it to you."
    )


def _cancel_requested(*, order_id: int) -> str:
    return (
        f"🙋 We asked the shop to cancel order <b>#{order_id}</b>. You'll hear back here; "
        "if it's cancelled, your money is refunded in full."
    )


def _cancel_declined(*, order_id: int) -> str:
    return (
        f"Order <b>#{order_id}</b> can't be cancelled any more: it's already on its way to you. "
        "Please contact us if you need help."
    )


def _unmatched_payment(*, amount: int, currency: str) -> str:
    return (
        f"We received your payment of {money(amount, currency.upper())} but couldn't match it "
        "to an order. Don't worry: we are checking it and will contact you shortly."
    )


def _promoted() -> str:
    return (
        "🔑 You are now an admin of this shop. Send /admin to see the commands you can use: "
        "the catalogue, orders, refunds and more."
    )


def _demoted() -> str:
    return "You are no longer an admin of this shop. Thank you for your help!"


# ---------------------------------------------------------------- to the admins


def _admin_paid(*, order_id: int, amount: int, currency: str, customer: str) -> str:
    return (
        f"💰 New paid order <b>#{order_id}</b>: {money(amount, currency.upper())} "
        f"from {esc(customer or 'a customer')}."
    )


def _admin_mismatch(
    *,
    order_id: int,
    expected_amount: int,
    expected_currency: str,
    received_amount: int,
    received_currency: str,
) -> str:
    expected = money(expected_amount, expected_currency.upper())
    received = money(received_amount, received_currency.upper())
    return (
        f"⚠️ Payment for order <b>#{order_id}</b> does not match: expected {expected}, "
        f"received {received}. The order was NOT marked paid; please check it and refund "
        "or settle it with the customer."
    )


def _admin_refund(*, order_id: int, amount: int, currency: str) -> str:
    return (
        f"⚠️ {money(amount, currency.upper())} arrived for order <b>#{order_id}</b>, which can "
        "no longer be paid (cancelled or already paid). Please refund it."
    )


def _admin_refunding(*, order_id: int, amount: int, currency: str) -> str:
    return (
        f"↩️ {money(amount, currency.upper())} arrived for order <b>#{order_id}</b>, which can "
        "no longer be paid (cancelled or already paid). The shop is refunding it through "
        "Stripe; the customer is told when Stripe confirms."
    )


def _admin_unmatched(
    *, amount: int, currency: str, telegram_charge_id: str, provider_charge_id: str
) -> str:
    return (
        f"⚠️ A Telegram payment of {money(amount, currency.upper())} matches no order. "
        f"Telegram charge: <code>{esc(telegram_charge_id)}</code>, provider charge: "
        f"<code>{esc(provider_charge_id)}</code>. Please refund it or settle it with the customer."
    )


def _admin_unknown_stripe(*, session_id: str, amount: int, currency: str) -> str:
    return (
        f"⚠️ Stripe reports {money(amount, currency.upper())} paid through checkout session "
        f"<code>{esc(session_id)}</code>, which this shop did not create. No order was changed. "
        "If it is not another app's payment on the same Stripe account, check it in the Stripe "
        "dashboard and refund it."
    )


def _admin_dispute(*, order_id: int | None, amount: int, currency: str, reason: str) -> str:
    which = f"order <b>#{order_id}</b>" if order_id else "a payment that matches no order"
    why = f" (reason: {esc(reason.replace('_', ' '))})" if reason else ""
    return (
        f"🚨 A customer disputed {money(amount, currency.upper())} for {which}{why}. "
        "Their bank takes the money back unless you answer: respond in the Stripe dashboard "
        "with the order's evidence (shipping, tracking, messages) before the deadline shown."
    )


def _admin_undelivered(*, chat_id: int, message_key: str, error: str) -> str:
    return (
        f"⚠️ A message to chat <code>{chat_id}</code> ({esc(message_key)}) could not be "
        f"delivered and was given up: {esc(error)}. If it mattered (a payment, a shipment), "
        "please tell the customer yourself."
    )


def _admin_cancel_request(*, order_id: int, customer: str, amount: int, currency: str) -> str:
    return (
        f"🙋 {esc(customer or 'A customer')} asks to cancel order <b>#{order_id}</b> "
        f"({money(amount, currency.upper())}, paid). <code>/cancelorder {order_id}</code> "
        f"cancels it and refunds the money; <code>/keeporder {order_id}</code> tells them it "
        "stays."
    )


def _admin_sold_out(*, product_id: int, product: str, size: str, order_id: int) -> str:
    return (
        f"📦 <b>Sold out:</b> {esc(product)} (#{product_id}), size <b>{esc(size)}</b>, "
        f"after order #{order_id}.\nRestock with "
        f"<code>/setstock {product_id} {esc(size)} &lt;quantity&gt;</code>."
    )


def _verbatim(*, text: str) -> str:
    return text


ENGLISH: Mapping[str, Template] = {
    "order.paid": _paid,
    "order.payment_failed": _payment_failed,
    "order.expired": _expired,
    "order.refunded": _refunded,
    "order.shipped": _shipped,
    "order.delivered": _delivered,
    "order.cancelled_by_shop": _cancelled_by_shop,
    "order.payment_review": _payment_review,
    "order.late_payment": _late_payment,
    "payment.unmatched": _unmatched_payment,
    "order.cancel_requested": _cancel_requested,
    "order.cancel_declined": _cancel_declined,
    "role.promoted": _promoted,
    "role.demoted": _demoted,
    "admin.paid": _admin_paid,
    "admin.mismatch": _admin_mismatch,
    "admin.refund_needed": _admin_refund,
    "admin.refunding": _admin_refunding,
    "admin.unmatched_payment": _admin_unmatched,
    "admin.sold_out": _admin_sold_out,
    "admin.unknown_stripe_payment": _admin_unknown_stripe,
    "admin.undelivered": _admin_undelivered,
    "admin.dispute": _admin_dispute,
    "admin.cancel_request": _admin_cancel_request,
    LEGACY_TEXT: _verbatim,
}

# Button labels (plain text: Telegram shows them as they are).


def _open_order(*, order_id: int) -> str:
    return f"Order #{order_id}"


ENGLISH_LABELS: Mapping[str, Template] = {
    "order.open": _open_order,
    LEGACY_TEXT: _verbatim,
}

_CATALOGUES: Mapping[str, tuple[Mapping[str, Template], Mapping[str, Template]]] = {
    "en": (ENGLISH, ENGLISH_LABELS),
}


def render_notice(
    key: str,
    params: Mapping[str, Any],
    buttons: Sequence[Sequence[Mapping[str, Any]]] | None = None,
    *,
    language: str = DEFAULT_LANGUAGE,
) -> tuple[str, Buttons | None]:
    """The HTML text and the labelled buttons to send; a language without catalogues falls back
    to English. Raises NoticeError for a row that cannot be rendered, whatever is wrong with it."""
    notices, labels = _CATALOGUES.get(language, _CATALOGUES[DEFAULT_LANGUAGE])
    text = _render(notices, key, params)
    if not buttons:
        return text, None
    if not isinstance(buttons, list) or not all(isinstance(row, list) for row in buttons):
        raise NoticeError(f"buttons are not rows of buttons: {buttons!r}")
    return text, [[_button(labels, button) for button in row] for row in buttons]


def _button(labels: Mapping[str, Template], button: Mapping[str, Any]) -> dict[str, Any]:
    """A button does one thing: opens a URL or sends callback data (a string either way)."""
    try:
        label, params = button["label"], button.get("params") or {}
        (action, value), *more = ((k, v) for k, v in button.items() if k not in _LABEL_FIELDS)
    except Exception as error:  # stored JSON: anything may be wrong with it
        raise NoticeError(f"unreadable button {button!r}") from error
    if more or action not in _ACTIONS or not isinstance(value, str):
        raise NoticeError(f"unreadable button {button!r}")
    return {"text": _render(labels, label, params), action: value}


def _render(catalogue: Mapping[str, Template], key: str, params: Mapping[str, Any]) -> str:
    template = catalogue.get(key) if isinstance(key, str) else None
    if template is None:
        raise NoticeError(f"unknown notice {key!r}")
    try:
        text = template(**params)
    except Exception as error:  # stored JSON: anything may be wrong with it
        raise NoticeError(f"notice {key!r} does not fit {params!r}: {error}") from error
    if not isinstance(text, str):
        raise NoticeError(f"notice {key!r} made {text!r} of {params!r}")
    return text
