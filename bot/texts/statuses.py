"""An order status as a person reads it."""

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
