"""Releasing unpaid orders once their hold runs out, for the expiry job."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.db import Database
from bot.models import Order, OrderStatus, utcnow
from bot.services import notifications
from bot.services import order as orders

# How long past its deadline an unpaid order is still kept. Its Stripe page closes at the
# deadline, but a payment made in the page's last second reaches us by webhook a little later:
# waiting for it makes that customer's order paid, not cancelled and refunded.
LATE_PAYMENT_GRACE = timedelta(minutes=5)


async def expire_unpaid_orders(
    db: Database, *, older_than: timedelta, now: datetime | None = None, limit: int = 100
) -> list[int]:
    """Cancel abandoned checkouts and queue each customer's notice in the same transaction, so
    an expiry is never committed untold nor told twice (the notice's key is the order's).
    Returns the ids of the orders cancelled."""
    now = now or utcnow()
    if not await _anything_overdue(db, older_than, now):
        return []
    async with db.transaction() as session:
        expired = await orders.expire_unpaid_orders(
            session, older_than=older_than, now=now, limit=limit
        )
        for order_id in expired:
            await notifications.announce_expiry(session, order_id)
    return expired


async def _anything_overdue(db: Database, older_than: timedelta, now: datetime) -> bool:
    """A read-only look first, so an idle shop never takes SQLite's write lock: a handler whose
    read transaction turns into a write at that very moment would fail with "database is
    locked" instead of waiting."""
    async with db.reading() as session:
        overdue = await session.scalar(
            select(Order.id)
            .where(Order.status == OrderStatus.PENDING_PAYMENT, Order.created_at < now - older_than)
            .limit(1)
        )
    return overdue is not None
