"""Moving an order on by hand: shipped, delivered, or refunded outside the bot.

The customer's notice is queued in the outbox, and the audit entry written, in the same
transaction as the change. (Refunds through Stripe and cancellations: bot.usecases.refunds.)
"""

from __future__ import annotations

from bot.db import Database
from bot.models import Order, OrderStatus
from bot.services import admin, fulfilment, notifications
from bot.services import order as orders
from bot.services.errors import NotAllowed
from bot.services.tracking import tracking

SETTABLE = fulfilment.SETTABLE  # the statuses /setstatus may set


async def set_order_status(
    db: Database,
    *,
    order_id: int,
    status: OrderStatus,
    admin_telegram_id: int,
    tracking_number: str | None = None,
    carrier: str | None = None,
) -> Order:
    """A shipment may carry its parcel's tracking number and carrier; checked before anything
    changes."""
    parcel = tracking(tracking_number, carrier) if tracking_number is not None else None
    async with db.transaction() as session:
        return await fulfilment.set_status(
            session,
            order_id=order_id,
            status=status,
            admin_telegram_id=admin_telegram_id,
            tracking=parcel,
        )


async def confirm_refund(
    db: Database, *, order_id: int, admin_telegram_id: int, stripe_connected: bool
) -> Order:
    """The admin refunded the customer in the provider's dashboard; Stripe's own refunds are
    confirmed by Stripe, never by hand."""
    async with db.transaction() as session:
        return await fulfilment.confirm_refund(
            session,
            order_id=order_id,
            admin_telegram_id=admin_telegram_id,
            stripe_connected=stripe_connected,
        )


async def keep_order(db: Database, *, order_id: int, admin_telegram_id: int) -> bool:
    """The answer to a customer's request to cancel: the order stays, and they are told.
    False when they were told already."""
    async with db.transaction() as session:
        order = await orders.get_order(session, order_id=order_id)
        if order.status not in (OrderStatus.PAID, OrderStatus.SHIPPED):
            raise NotAllowed("order.keep_needs_paid", order_id=order.id, status=order.status.value)
        told = await notifications.announce_cancel_declined(session, order.id)
        if told:
            await admin.record(
                session,
                admin_telegram_id=admin_telegram_id,
                action="keep_order",
                entity="order",
                entity_id=order.id,
                details="cancel_request_declined",
            )
        return told
