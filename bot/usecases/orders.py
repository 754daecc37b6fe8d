"""A customer's own orders: the history, one order, and taking back one not paid yet.

Someone else's order looks exactly like a missing one.
"""

from __future__ import annotations

from bot.db import Database
from bot.models import Order
from bot.services import order as orders
from bot.services.pagination import Page
from bot.usecases.customers import Sender, shopper


async def order_history(db: Database, *, sender: Sender, page: int, per_page: int) -> Page[Order]:
    """Newest first, each with its lines."""
    async with db.reading() as session:
        user = await shopper(session, sender)
        return await orders.list_orders(session, user_id=user.id, page=page, per_page=per_page)


async def own_order(db: Database, *, sender: Sender, order_id: int) -> Order:
    """The order with its lines and its status history."""
    async with db.reading() as session:
        user = await shopper(session, sender)
        return await orders.get_order(session, order_id=order_id, user_id=user.id)


async def cancel_unpaid_order(db: Database, *, sender: Sender, order_id: int) -> Order:
    """The order as it reads cancelled; one paid for already is refused (NotAllowed)."""
    async with db.transaction() as session:
        user = await shopper(session, sender)
        await orders.cancel_order(session, order_id=order_id, user_id=user.id)
        return await orders.get_order(session, order_id=order_id, user_id=user.id)
