"""A customer's own orders: the history, one order, and taking back one not paid yet.

Someone else's order looks exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.languages import reader
from bot.models import Order, OrderStatus
from bot.services import digital, notifications
from bot.services import order as orders
from bot.services import product as catalog
from bot.services.digital import Delivered
from bot.services.errors import NotAllowed
from bot.services.pagination import Page
from bot.services.tracking import Tracking
from bot.usecases.customers import Sender, shopper, shopper_id

__all__ = ["Delivered"]  # the handlers send what it holds


@dataclass(frozen=True, slots=True)
class ListedOrder:
    id: int
    created_at: datetime
    status: OrderStatus
    total: int
    currency: str


@dataclass(frozen=True, slots=True)
class OrderLine:
    product_id: int | None  # None once the product is deleted
    product_name: str
    size_name: str
    quantity: int
    unit_price: int
    line_total: int


@dataclass(frozen=True, slots=True)
class StatusChange:
    to_status: OrderStatus
    note: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CustomerOrder:
    id: int
    status: OrderStatus
    total: int
    currency: str
    shipping_address: str
    items: tuple[OrderLine, ...]
    history: tuple[StatusChange, ...]
    tracking: Tracking | None = None  # the parcel's, once shipped with a tracking number
    discount: int = 0  # a promo code's, taken off the lines
    promo_code: str | None = None
    shipping_name: str | None = None  # the delivery option, as it was when ordered
    shipping_price: int = 0


async def order_history(
    db: Database, *, sender: Sender, page: int, per_page: int
) -> Page[ListedOrder]:
    """Newest first."""
    async with db.reading() as session:
        user_id = await shopper_id(session, sender)
        found = await orders.list_orders(session, user_id=user_id, page=page, per_page=per_page)
    listed = [ListedOrder(o.id, o.created_at, o.status, o.total, o.currency) for o in found.items]
    return Page(listed, found.page, found.per_page, found.total)


async def own_order(db: Database, *, sender: Sender, order_id: int) -> CustomerOrder:
    """The order with its lines and its status history."""
    async with db.reading() as session:
        user_id = await shopper_id(session, sender)
        order = await orders.get_order(session, order_id=order_id, user_id=user_id)
        return await customer_order(session, order)


async def cancel_unpaid_order(db: Database, *, sender: Sender, order_id: int) -> CustomerOrder:
    """The order as it reads cancelled; one paid for already is refused (NotAllowed)."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await orders.cancel_order(session, order_id=order_id, user_id=user_id)
        order = await orders.get_order(session, order_id=order_id, user_id=user_id)
        return await customer_order(session, order)


async def request_cancellation(
    db: Database, *, sender: Sender, order_id: int, admin_chat_ids: Sequence[int]
) -> bool:
    """A paid order not shipped yet: the admins are asked to cancel it (they answer with
    /cancelorder, which refunds, or /keeporder). False when it was asked already."""
    async with db.transaction() as session:
        user = await shopper(session, sender)
        order = await orders.get_order(session, order_id=order_id, user_id=user.id)
        if order.status is not OrderStatus.PAID:
            raise NotAllowed(
                "order.cannot_request_cancel", order_id=order.id, status=order.status.value
            )
        return await notifications.ask_admins_to_cancel(
            session,
            order_id=order.id,
            customer=user.first_name,
            total=order.total,
            currency=order.currency,
            admin_chat_ids=admin_chat_ids,
        )


async def customer_order(session: AsyncSession, order: Order) -> CustomerOrder:
    """The order as its customer sees it; its lines and history must be loaded. Products the
    catalogue translates read in the customer's language, the others by the name they were
    ordered by."""
    items = (item.product_id for item in order.items)
    names = await catalog.product_names(session, items, reader())
    lines = tuple(
        OrderLine(
            item.product_id,
            names.get(item.product_id or 0, item.product_name),
            item.size_name,
            item.quantity,
            item.unit_price,
            item.line_total,
        )
        for item in order.items
    )
    history = tuple(
        StatusChange(change.to_status, change.note, change.created_at) for change in order.history
    )
    number, carrier = order.tracking_number, order.tracking_carrier
    parcel = Tracking(number, carrier) if number else None
    return CustomerOrder(
        order.id,
        order.status,
        order.total,
        order.currency,
        order.shipping_address,
        lines,
        history,
        parcel,
        order.discount,
        order.promo_code,
        order.shipping_name,
        order.shipping_price,
    )


async def digital_goods(db: Database, *, sender: Sender, order_id: int) -> list[Delivered]:
    """What a paid order of the customer's delivered, to send again at their request."""
    async with db.reading() as session:
        user_id = await shopper_id(session, sender)
        return await digital.delivered(session, order_id=order_id, user_id=user_id)
