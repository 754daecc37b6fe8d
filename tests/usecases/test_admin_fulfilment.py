"""/setstatus and /refund … done as use cases: the change, the customer's notice and the audit
entry commit together, or none of them does."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.models import AdminAction, OrderStatus, OutboxMessage, PaymentProvider, PaymentStatus
from bot.services import ledger
from bot.services.errors import IllegalTransition, NotAllowed
from bot.usecases import admin_orders, fulfilment
from tests.fakes.orders import PlacedOrder, place_order

ADMIN = 7000


async def _paid_by_telegram(db: Database) -> PlacedOrder:
    placed = await place_order(db)
    async with db.transaction() as session:
        await ledger.mark_paid(
            session,
            provider=PaymentProvider.TELEGRAM,
            reference=f"tg_{placed.order_id}",
            amount=placed.total,
            currency=placed.currency,
            order_id=placed.order_id,
            payment_intent_id=None,
            provider_charge_id=f"ch_{placed.order_id}",
            actor="telegram",
        )
    return placed


async def _count(db: Database, model: type[Any]) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_shipping_a_paid_order_tells_the_customer_and_is_logged(db: Database) -> None:
    placed = await _paid_by_telegram(db)
    notices = await _count(db, OutboxMessage)
    order = await fulfilment.set_order_status(
        db, order_id=placed.order_id, status=OrderStatus.SHIPPED, admin_telegram_id=ADMIN
    )
    assert order.status is OrderStatus.SHIPPED
    assert await _count(db, OutboxMessage) == notices + 1
    async with db.reading() as session:
        entry = (await session.scalars(select(AdminAction))).one()
    assert (entry.admin_telegram_id, entry.action, entry.entity_id) == (
        ADMIN,
        "set_status",
        placed.order_id,
    )


async def test_an_order_awaiting_payment_cannot_be_shipped_and_nothing_is_written(
    db: Database,
) -> None:
    placed = await place_order(db)
    notices = await _count(db, OutboxMessage)
    with pytest.raises(IllegalTransition):
        await fulfilment.set_order_status(
            db, order_id=placed.order_id, status=OrderStatus.SHIPPED, admin_telegram_id=ADMIN
        )
    assert await _count(db, OutboxMessage) == notices
    assert await _count(db, AdminAction) == 0
    card = await admin_orders.order_details(db, order_id=placed.order_id)
    assert card.status is OrderStatus.PENDING_PAYMENT


async def test_a_refund_made_outside_the_bot_is_confirmed_by_hand(db: Database) -> None:
    placed = await _paid_by_telegram(db)
    order = await fulfilment.confirm_refund(
        db, order_id=placed.order_id, admin_telegram_id=ADMIN, stripe_connected=True
    )
    assert order.status is OrderStatus.REFUNDED
    card = await admin_orders.order_details(db, order_id=placed.order_id)
    assert card.payment is not None and card.payment.status is PaymentStatus.REFUNDED
    assert card.user.telegram_id  # the card shows who placed it


async def test_stripe_refunds_are_never_confirmed_by_hand(db: Database) -> None:
    placed = await place_order(db)
    async with db.transaction() as session:
        await ledger.mark_paid(
            session,
            provider=PaymentProvider.STRIPE,
            reference=f"cs_{placed.order_id}",
            amount=placed.total,
            currency=placed.currency,
            order_id=placed.order_id,
            payment_intent_id=f"pi_{placed.order_id}",
            provider_charge_id=None,
            actor="stripe",
        )
    with pytest.raises(NotAllowed):
        await fulfilment.confirm_refund(
            db, order_id=placed.order_id, admin_telegram_id=ADMIN, stripe_connected=True
        )
    assert (await admin_orders.order_details(db, order_id=placed.order_id)).status is (
        OrderStatus.PAID
    )


async def test_a_known_carrier_is_named_its_own_way_and_its_link_carries_the_number(
    db: Database,
) -> None:
    placed = await _paid_by_telegram(db)

    order = await fulfilment.set_order_status(
        db,
        order_id=placed.order_id,
        status=OrderStatus.SHIPPED,
        admin_telegram_id=ADMIN,
        tracking_number="RM 123/456GB",
        carrier="royal-mail",
    )

    assert (order.tracking_number, order.tracking_carrier) == ("RM 123/456GB", "Royal Mail")
    async with db.reading() as session:
        told = (await session.scalars(select(OutboxMessage))).all()[-1]
        entry = (await session.scalars(select(AdminAction))).one()
    assert told.params["tracking_number"] == "RM 123/456GB"
    assert told.buttons == [
        [
            {
                "label": "order.track",
                "url": "https://www.royalmail.com/track-your-item#/tracking-results/RM%20123%2F456GB",
            }
        ]
    ]
    assert entry.details.endswith("(RM 123/456GB, Royal Mail)")
