"""Notices: what the outbox tells customers and admins, put into words when it is sent.

The outbox stores a notice as a key ("order.paid") with plain parameters (ids, amounts in minor
units with their currency, names), and its buttons as label keys with the data they carry. This
module renders them at send time, in the recipient's language (gettext, bot/texts/i18n.py): a
new language is one more catalogue, not a change to the services that queue notices.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot import texts
from bot.texts import esc, money, size_name, tracking_line
from bot.texts.i18n import _, current_language, using_language

# A verbatim text, as rows queued before notices had keys were written (already HTML).
LEGACY_TEXT = "legacy.text"

Template = Callable[..., str]
_LABEL_FIELDS = frozenset({"label", "params"})
# A button's "product": the id of a product whose card it opens; the sender makes that its
# callback data (the services that queue notices know nothing of the chat's buttons).
PRODUCT_ACTION = "product"
# A button's "reminders": "off" under a reminder turns reminders off (the profile's switch).
REMINDERS_ACTION = "reminders"
# A button's "checkout": "start" opens the checkout, as the cart screen's ✅ Checkout does.
CHECKOUT_ACTION = "checkout"
_ACTIONS = frozenset({"callback_data", "url", PRODUCT_ACTION, REMINDERS_ACTION, CHECKOUT_ACTION})
# [[{"label": key, "params": {...}, "callback_data"|"url": ...}]] stored; [[{"text": ...}]] sent.
Buttons = list[list[dict[str, Any]]]


class NoticeError(ValueError):
    """A stored notice no catalogue can render: an unknown key, or parameters that don't fit."""


# ---------------------------------------------------------------- to the customer


def _paid(*, order_id: int, amount: int, currency: str) -> str:
    return _(
        "✅ Thank you! We received {amount} for order <b>#{order_id}</b>. "
        "We will let you know when it ships."
    ).format(amount=money(amount, currency.upper()), order_id=order_id)


def _paid_digital(*, order_id: int, amount: int, currency: str) -> str:
    return _(
        "✅ Thank you! We received {amount} for order <b>#{order_id}</b>. "
        "What you bought follows here in this chat; you can have it sent again from /orders."
    ).format(amount=money(amount, currency.upper()), order_id=order_id)


def digital_content(
    *, order_id: int, product: str, text: str | None = None, keys: Sequence[str] = ()
) -> str:
    """A digital line's content: its text or its keys, each on a line of its own to copy."""
    parts = [
        _("📩 <b>{product}</b> from order <b>#{order_id}</b>").format(
            product=esc(product), order_id=order_id
        )
    ]
    if text:
        parts.append(f"<code>{esc(text)}</code>" if "\n" not in text else esc(text))
    if keys:
        parts.append("\n".join(f"<code>{esc(key)}</code>" for key in keys))
    return "\n\n".join(parts)


def _delivery(
    *,
    order_id: int,
    product: str,
    product_id: int | None = None,
    text: str | None = None,
    keys: Sequence[str] = (),
    attachment: Mapping[str, str] | None = None,
) -> str:
    """The file itself, when there is one, is attached by the sender (outbox ATTACHMENT)."""
    return digital_content(order_id=order_id, product=product, text=text, keys=keys)


def _payment_failed(*, order_id: int) -> str:
    return _(
        "❌ The payment for order <b>#{order_id}</b> did not go through. Your order is still "
        "reserved for a while: open /orders to try again, or contact us if you need help."
    ).format(order_id=order_id)


def _expired(*, order_id: int) -> str:
    return _(
        "⌛ Order <b>#{order_id}</b> was cancelled because it was not paid in time. "
        "Nothing was charged, and the items are back on sale."
    ).format(order_id=order_id)


def _refunded(*, order_id: int, amount: int, currency: str) -> str:
    if currency.upper() == "XTR":
        return _(
            "↩️ We refunded {amount} for order <b>#{order_id}</b>. "
            "The Stars are back on your Telegram balance."
        ).format(amount=money(amount, currency.upper()), order_id=order_id)
    return _(
        "↩️ We refunded {amount} for order <b>#{order_id}</b>. "
        "Depending on your bank it can take a few days to show."
    ).format(amount=money(amount, currency.upper()), order_id=order_id)


def _shipped(
    *, order_id: int, address: str, tracking_number: str | None = None, carrier: str | None = None
) -> str:
    text = _(
        "🚚 Good news: order <b>#{order_id}</b> has shipped! It is on its way to\n{address}"
    ).format(order_id=order_id, address=esc(address))
    if tracking_number:
        text += "\n\n" + tracking_line(tracking_number, carrier)
    return text


def _delivered(*, order_id: int) -> str:
    return _(
        "📬 Order <b>#{order_id}</b> has been delivered. We hope you like it! "
        "You can rate what you bought in /orders."
    ).format(order_id=order_id)


def _cancelled_by_shop(
    *, order_id: int, refund_amount: int | None = None, refund_currency: str | None = None
) -> str:
    """The refund: what goes back to the customer, when they had paid."""
    if refund_amount is not None and refund_currency:
        return _(
            "✖ We are sorry: we had to cancel order <b>#{order_id}</b>. Your payment of "
            "{amount} will be refunded to you. Please contact us if you have any questions."
        ).format(order_id=order_id, amount=money(refund_amount, refund_currency.upper()))
    return _(
        "✖ We are sorry: we had to cancel order <b>#{order_id}</b>. Nothing was charged. "
        "Please contact us if you have any questions."
    ).format(order_id=order_id)


def _payment_review(*, order_id: int) -> str:
    return _(
        "We received a payment for order <b>#{order_id}</b>, but it does not match the order. "
        "We are checking it and will contact you shortly."
    ).format(order_id=order_id)


def _late_payment(*, order_id: int) -> str:
    return _(
        "We received a payment for order <b>#{order_id}</b> after it was closed. "
        "Don't worry: we will refund it to you."
    ).format(order_id=order_id)


def _cancel_requested(*, order_id: int) -> str:
    return _(
        "🙋 We asked the shop to cancel order <b>#{order_id}</b>. You'll hear back here; "
        "if it's cancelled, your money is refunded in full."
    ).format(order_id=order_id)


def _cancel_declined(*, order_id: int) -> str:
    return _(
        "Order <b>#{order_id}</b> can't be cancelled any more: it's already on its way to you. "
        "Please contact us if you need help."
    ).format(order_id=order_id)


def _unmatched_payment(*, amount: int, currency: str) -> str:
    return _(
        "We received your payment of {amount} but couldn't match it to an order. "
        "Don't worry: we are checking it and will contact you shortly."
    ).format(amount=money(amount, currency.upper()))


def _back_in_stock(
    *, product_id: int, product: str, size: str, names: Mapping[str, str] | None = None
) -> str:
    """`names`: the product's name by language, where it was translated."""
    name = (names or {}).get(current_language(), product)
    return _(
        "🔔 Back in stock: <b>{product}</b> ({size}). You asked us to tell you: "
        "it may go quickly, so have a look soon."
    ).format(product=esc(name), size=esc(size_name(size)))


def _support_closed() -> str:
    return _(
        "✔️ The shop closed your conversation. If you need anything else, send /support "
        "to write again."
    )


def _price_drop(
    *,
    product_id: int,
    product: str,
    old_price: int,
    new_price: int,
    currency: str,
    names: Mapping[str, str] | None = None,
) -> str:
    """`names`: the product's name by language, where it was translated."""
    name = (names or {}).get(current_language(), product)
    return _(
        "♥ A product you saved costs less now: <b>{product}</b>, <s>{old_price}</s> → "
        "<b>{new_price}</b>."
    ).format(
        product=esc(name),
        old_price=money(old_price, currency),
        new_price=money(new_price, currency),
    )


def _abandoned_cart(*, lines: Sequence[Mapping[str, Any]], total: int, currency: str) -> str:
    """Each line's `names`: its product's name by language, where it was translated."""
    language = current_language()
    listed = "\n".join(
        "• <b>{product}</b> · {size} × {quantity}".format(
            product=esc((line.get("names") or {}).get(language, line["product"])),
            size=esc(size_name(line["size"])),
            quantity=int(line["quantity"]),
        )
        for line in lines
    )
    return "{intro}\n\n{lines}\n\n{total}\n{outro}".format(
        intro=_("🛒 You left something in your cart:"),
        lines=listed,
        total=texts.cart_total(money(total, currency)),
        outro=_("Your items are still waiting. Check out in one tap while they are in stock."),
    )


def _promoted() -> str:
    return _(
        "🔑 You are now an admin of this shop. Send /admin to see the commands you can use: "
        "the catalogue, orders, refunds and more."
    )


def _demoted() -> str:
    return _("You are no longer an admin of this shop. Thank you for your help!")


# ---------------------------------------------------------------- to the admins


def _admin_paid(*, order_id: int, amount: int, currency: str, customer: str) -> str:
    return _("💰 New paid order <b>#{order_id}</b>: {amount} from {customer}.").format(
        order_id=order_id,
        amount=money(amount, currency.upper()),
        customer=esc(customer or _("a customer")),
    )


def _admin_mismatch(
    *,
    order_id: int,
    expected_amount: int,
    expected_currency: str,
    received_amount: int,
    received_currency: str,
) -> str:
    return _(
        "⚠️ Payment for order <b>#{order_id}</b> does not match: expected {expected}, "
        "received {received}. The order was NOT marked paid; please check it and refund "
        "or settle it with the customer."
    ).format(
        order_id=order_id,
        expected=money(expected_amount, expected_currency.upper()),
        received=money(received_amount, received_currency.upper()),
    )


def _admin_refund(*, order_id: int, amount: int, currency: str) -> str:
    return _(
        "⚠️ {amount} arrived for order <b>#{order_id}</b>, which can no longer be paid "
        "(cancelled or already paid). Please refund it."
    ).format(amount=money(amount, currency.upper()), order_id=order_id)


def _admin_refunding(*, order_id: int, amount: int, currency: str) -> str:
    return _(
        "↩️ {amount} arrived for order <b>#{order_id}</b>, which can no longer be paid "
        "(cancelled or already paid). The shop is refunding it through Stripe; the customer "
        "is told when Stripe confirms."
    ).format(amount=money(amount, currency.upper()), order_id=order_id)


def _admin_unmatched(
    *, amount: int, currency: str, telegram_charge_id: str, provider_charge_id: str
) -> str:
    return _(
        "⚠️ A Telegram payment of {amount} matches no order. Telegram charge: "
        "<code>{telegram_charge}</code>, provider charge: <code>{provider_charge}</code>. "
        "Please refund it or settle it with the customer."
    ).format(
        amount=money(amount, currency.upper()),
        telegram_charge=esc(telegram_charge_id),
        provider_charge=esc(provider_charge_id),
    )


def _admin_unknown_stripe(*, session_id: str, amount: int, currency: str) -> str:
    return _(
        "⚠️ Stripe reports {amount} paid through checkout session <code>{session}</code>, "
        "which this shop did not create. No order was changed. If it is not another app's "
        "payment on the same Stripe account, check it in the Stripe dashboard and refund it."
    ).format(amount=money(amount, currency.upper()), session=esc(session_id))


def _admin_dispute(*, order_id: int | None, amount: int, currency: str, reason: str) -> str:
    if order_id:
        which = _("order <b>#{order_id}</b>").format(order_id=order_id)
    else:
        which = _("a payment that matches no order")
    why = _(" (reason: {reason})").format(reason=esc(reason.replace("_", " "))) if reason else ""
    return _(
        "🚨 A customer disputed {amount} for {which}{why}. Their bank takes the money back "
        "unless you answer: respond in the Stripe dashboard with the order's evidence "
        "(shipping, tracking, messages) before the deadline shown."
    ).format(amount=money(amount, currency.upper()), which=which, why=why)


def _admin_undelivered(*, chat_id: int, message_key: str, error: str) -> str:
    return _(
        "⚠️ A message to chat <code>{chat_id}</code> ({message_key}) could not be delivered "
        "and was given up: {error}. If it mattered (a payment, a shipment), please tell the "
        "customer yourself."
    ).format(chat_id=chat_id, message_key=esc(message_key), error=esc(error))


def _admin_cancel_request(*, order_id: int, customer: str, amount: int, currency: str) -> str:
    return _(
        "🙋 {customer} asks to cancel order <b>#{order_id}</b> ({amount}, paid). "
        "<code>/cancelorder {order_id}</code> cancels it and refunds the money; "
        "<code>/keeporder {order_id}</code> tells them it stays."
    ).format(
        customer=esc(customer or _("A customer")),
        order_id=order_id,
        amount=money(amount, currency.upper()),
    )


def _admin_sold_out(*, product_id: int, product: str, size: str, order_id: int) -> str:
    return _(
        "📦 <b>Sold out:</b> {product} (#{product_id}), size <b>{size}</b>, after order "
        "#{order_id}.\nRestock with <code>/setstock {product_id} {size} &lt;quantity&gt;</code>."
    ).format(product=esc(product), product_id=product_id, size=esc(size), order_id=order_id)


def _admin_keys_ran_out(*, order_id: int, products: Sequence[str]) -> str:
    return _(
        "🔑 <b>Keys ran out</b> for paid order #{order_id}: {products}. The customer got the keys "
        "there were; import more with /importkeys and send them the rest yourself."
    ).format(order_id=order_id, products=esc(", ".join(products)))


def _verbatim(*, text: str) -> str:
    return text


NOTICES: Mapping[str, Template] = {
    "order.paid": _paid,
    "order.paid_digital": _paid_digital,
    "digital.delivery": _delivery,
    "admin.keys_ran_out": _admin_keys_ran_out,
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
    "stock.back": _back_in_stock,
    "support.closed": _support_closed,
    "wishlist.price_drop": _price_drop,
    "cart.abandoned": _abandoned_cart,
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
    return _("Order #{order_id}").format(order_id=order_id)


def _track() -> str:
    return texts.TRACK_PARCEL


def _open_product() -> str:
    return _("🛍 See the product")


def _reminders_off() -> str:
    return _("⏰ No more reminders")


def _dont_remind() -> str:
    return _("🔕 Don't remind me")


def _checkout() -> str:
    return texts.CART_CHECKOUT


LABELS: Mapping[str, Template] = {
    "order.open": _open_order,
    "order.track": _track,
    "product.open": _open_product,
    "reminders.off": _reminders_off,
    "reminders.dont": _dont_remind,
    "cart.checkout": _checkout,
    LEGACY_TEXT: _verbatim,
}


def render_notice(
    key: str,
    params: Mapping[str, Any],
    buttons: Sequence[Sequence[Mapping[str, Any]]] | None = None,
    *,
    language: str | None = None,
) -> tuple[str, Buttons | None]:
    """The HTML text and the labelled buttons to send, in `language` (else the current one;
    a text its catalogue lacks stays English). Raises NoticeError for a row that cannot be
    rendered, whatever is wrong with it."""
    with using_language(language or current_language()):
        text = _render(NOTICES, key, params)
        if not buttons:
            return text, None
        if not isinstance(buttons, list) or not all(isinstance(row, list) for row in buttons):
            raise NoticeError(f"buttons are not rows of buttons: {buttons!r}")
        return text, [[_button(LABELS, button) for button in row] for row in buttons]


def _button(labels: Mapping[str, Template], button: Mapping[str, Any]) -> dict[str, Any]:
    """A button does one thing: opens a URL or sends callback data (a string either way)."""
    try:
        label, params = button["label"], button.get("params") or {}
        (action, value), *more = ((k, v) for k, v in button.items() if k not in _LABEL_FIELDS)
    except Exception as error:  # stored JSON: anything may be wrong with it
        raise NoticeError(f"unreadable button {button!r}") from error
    wanted = int if action == PRODUCT_ACTION else str
    if more or action not in _ACTIONS or not isinstance(value, wanted) or isinstance(value, bool):
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
