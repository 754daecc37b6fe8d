"""Every customer's orders, for the admins: a page of them, or one in full."""

from __future__ import annotations

from bot.db import Database
from bot.models import Order, OrderStatus
from bot.services import order as orders
from bot.services.pagination import Page

PER_PAGE = 10


async def orders_page(db: Database, *, status: OrderStatus | None, page: int) -> Page[Order]:
    """Newest first, each with its customer; only those in `status` when it is given."""
    async with db.reading() as session:
        return await orders.list_all_orders(session, status=status, page=page, per_page=PER_PAGE)


async def order_details(db: Database, *, order_id: int) -> Order:
    """The order with its customer, lines, payment and history, all loaded."""
    async with db.reading() as session:
        return await orders.get_order(session, order_id=order_id, with_customer=True)
