"""An order status, and the note kept with each change of it, as a person reads them."""

from __future__ import annotations

from bot.models import OrderStatus
from bot.texts.i18n import N_, _

_STATUS_LABELS: dict[OrderStatus, str] = {
    OrderStatus.PENDING_PAYMENT: N_("awaiting payment"),
    OrderStatus.PAID: N_("paid"),
    OrderStatus.SHIPPED: N_("shipped"),
    OrderStatus.DELIVERED: N_("delivered"),
    OrderStatus.CANCELLED: N_("cancelled"),
    OrderStatus.REFUNDED: N_("refunded"),
}


def status_label(status: OrderStatus | str) -> str:
    return _(_STATUS_LABELS[OrderStatus(status)])


# The services keep a key with each status change; older rows (and anything not listed) hold
# their note as words already and are shown as stored.
_STATUS_NOTES: dict[str, str] = {
    "payment_timeout": N_("payment timeout"),
    "shop_cancelled": N_("cancelled by the shop"),
    "checkout_expired": N_("Stripe checkout expired"),
    "paid_stripe": N_("stripe payment"),
    "paid_telegram": N_("telegram payment"),
    "paid_stars": N_("Telegram Stars payment"),
}


def note_text(note: str | None) -> str | None:
    if not note:
        return None
    known = _STATUS_NOTES.get(note)
    return _(known) if known is not None else note
