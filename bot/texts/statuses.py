"""An order status, and the note kept with each change of it, as a person reads them."""

from __future__ import annotations

from bot.models import OrderStatus

STATUS_LABELS: dict[OrderStatus, str] = {
    OrderStatus.PENDING_PAYMENT: "awaiting payment",
    OrderStatus.PAID: "paid",
    OrderStatus.SHIPPED: "shipped",
    OrderStatus.DELIVERED: "delivered",
    OrderStatus.CANCELLED: "cancelled",
    OrderStatus.REFUNDED: "refunded",
}


def status_label(status: OrderStatus | str) -> str:
    return STATUS_LABELS[OrderStatus(status)]


# The services keep a key with each status change; older rows (and anything not listed) hold
# their note as words already and are shown as stored.
STATUS_NOTES: dict[str, str] = {
    "payment_timeout": "payment timeout",
    "shop_cancelled": "cancelled by the shop",
    "checkout_expired": "Stripe checkout expired",
    "paid_stripe": "stripe payment",
    "paid_telegram": "telegram payment",
}


def note_text(note: str | None) -> str | None:
    return STATUS_NOTES.get(note, note) if note else None
