"""Expiring unpaid orders: the cancellation and the customer's notice commit together."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.models import Order, OrderStatus, OutboxMessage, Size
from bot.models.base import utcnow
from bot.services import notifications
from bot.usecases.expiry import expire_unpaid_orders
from tests.fakes.orders import PlacedOrder, place_order
from tests.notices import text_of

HOUR = timedelta(hours=1)


async def state(db: Database, placed: PlacedOrder) -> tuple[OrderStatus, int, list[str]]:
    async with db.reading() as session:
        order = await session.get_one(Order, placed.order_id)
        stock = await session.scalar(select(Size.stock).where(Size.id == placed.size_ids[0]))
        keys = await session.scalars(select(OutboxMessage.key).order_by(OutboxMessage.key))
        return order.status, stock or 0, list(keys)


async def test_an_overdue_order_is_cancelled_with_one_notice_for_its_customer(
    db: Database,
) -> None:
    placed = await place_order(db)
    later = utcnow() + HOUR + timedelta(minutes=1)

    expired = await expire_unpaid_orders(db, older_than=HOUR, now=later)
    again = await expire_unpaid_orders(db, older_than=HOUR, now=later)

    assert (expired, again) == ([placed.order_id], [])
    key = f"order:{placed.order_id}:cancelled:customer"
    assert await state(db, placed) == (OrderStatus.CANCELLED, 10, [key])
    async with db.reading() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
    assert row.chat_id == placed.telegram_id
    assert "not paid in time" in text_of(row)


async def test_an_order_within_its_time_is_left_alone(db: Database) -> None:
    placed = await place_order(db)

    expired = await expire_unpaid_orders(db, older_than=HOUR)

    assert expired == []
    assert await state(db, placed) == (OrderStatus.PENDING_PAYMENT, 8, [])


async def test_a_rolled_back_expiry_leaves_neither_a_cancellation_nor_a_notice(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    placed = await place_order(db)
    later = utcnow() + 2 * HOUR

    async def crash(session: AsyncSession, order_id: int) -> None:
        raise RuntimeError("crash before commit")

    monkeypatch.setattr(notifications, "announce_expiry", crash)
    with pytest.raises(RuntimeError):
        await expire_unpaid_orders(db, older_than=HOUR, now=later)

    assert await state(db, placed) == (OrderStatus.PENDING_PAYMENT, 8, [])
