"""A customer's own orders, and coming back to one from a payment page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import Order, OrderStatus, Size
from bot.services.errors import NotAllowed, NotFound
from bot.usecases import orders, start
from bot.usecases.customers import Sender
from tests.factories import make_order, make_product, make_user

ANN = Sender(telegram_id=801, first_name="Ann")
BOB = Sender(telegram_id=802, first_name="Bob")


async def _order_of_ann(db: Database, status: OrderStatus) -> Order:
    async with db.transaction() as session:
        ann = await make_user(session, telegram_id=ANN.telegram_id, first_name="Ann")
        sneakers = await make_product(session)
        size = (await session.scalars(select(Size).where(Size.product_id == sneakers.id))).one()
        return await make_order(session, user=ann, product=sneakers, size=size, status=status)


async def test_an_unpaid_order_is_cancelled_and_shows_its_history(db: Database) -> None:
    placed = await _order_of_ann(db, OrderStatus.PENDING_PAYMENT)
    cancelled = await orders.cancel_unpaid_order(db, sender=ANN, order_id=placed.id)
    assert cancelled.status is OrderStatus.CANCELLED
    assert [change.to_status for change in cancelled.history] == [
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.CANCELLED,
    ]


async def test_a_paid_order_is_not_cancelled_by_its_customer(db: Database) -> None:
    paid = await _order_of_ann(db, OrderStatus.PAID)
    with pytest.raises(NotAllowed):
        await orders.cancel_unpaid_order(db, sender=ANN, order_id=paid.id)
    assert (await orders.own_order(db, sender=ANN, order_id=paid.id)).status is OrderStatus.PAID


async def test_someone_elses_order_looks_missing(db: Database) -> None:
    placed = await _order_of_ann(db, OrderStatus.PENDING_PAYMENT)
    with pytest.raises(NotFound):
        await orders.own_order(db, sender=BOB, order_id=placed.id)
    with pytest.raises(NotFound):
        await orders.cancel_unpaid_order(db, sender=BOB, order_id=placed.id)
    assert (await orders.order_history(db, sender=BOB, page=1, per_page=5)).total == 0


async def test_a_return_link_brings_back_only_the_customers_own_order(db: Database) -> None:
    placed = await _order_of_ann(db, OrderStatus.PENDING_PAYMENT)
    back = await start.start(db, sender=ANN, start_parameter=f"unpaid_{placed.id}")
    assert back.back_from_payment is not None
    assert (back.back_from_payment.order.id, back.back_from_payment.paid) == (placed.id, False)
    for stranger in (
        await start.start(db, sender=BOB, start_parameter=f"paid_{placed.id}"),
        await start.start(db, sender=ANN, start_parameter="paid_9999999999"),
        await start.start(db, sender=ANN, start_parameter="hello"),
    ):
        assert stranger.back_from_payment is None
