"""What admins do to orders, on the services: status changes, cancellations and refunds."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import (
    AdminAction,
    Order,
    OrderStatus,
    OutboxMessage,
    PaymentProvider,
    PaymentStatus,
    Size,
)
from bot.services import fulfilment, ledger
from bot.services import order as orders
from bot.services.errors import IllegalTransition, NotAllowed
from bot.services.fulfilment import RefundRoute
from tests.fakes.orders import PlacedOrder, place_order
from tests.notices import text_of
from tests.refusals import refused

ADMIN = 7000
S = OrderStatus


async def paid(db: Database, provider: PaymentProvider = PaymentProvider.STRIPE) -> PlacedOrder:
    """2 × €49.99 taken from a size with 10, paid in full."""
    placed = await place_order(db)
    stripe = provider is PaymentProvider.STRIPE
    async with db.transaction() as session:
        await ledger.mark_paid(
            session,
            provider=provider,
            reference=f"{'cs' if stripe else 'tg'}_{placed.order_id}",
            amount=placed.total,
            currency=placed.currency,
            order_id=placed.order_id,
            payment_intent_id=f"pi_{placed.order_id}" if stripe else None,
            provider_charge_id=None if stripe else f"ch_{placed.order_id}",
            actor=provider.value,
        )
    return placed


async def set_status(db: Database, order_id: int, status: OrderStatus) -> Order:
    async with db.transaction() as session:
        return await fulfilment.set_status(
            session, order_id=order_id, status=status, admin_telegram_id=ADMIN
        )


async def reload(db: Database, order_id: int) -> Order:
    async with db.reading() as session:
        return await orders.get_order(session, order_id=order_id)


async def rows(db: Database, model: Any) -> list[Any]:
    async with db.reading() as session:
        return list((await session.scalars(select(model).order_by(model.id))).all())


async def stock(db: Database, placed: PlacedOrder) -> int:
    async with db.reading() as session:
        return await session.scalar(select(Size.stock).where(Size.id == placed.size_ids[0])) or 0


async def cancel(db: Database, order_id: int, *, stripe_connected: bool = True) -> Any:
    async with db.reading() as session:
        plan = await fulfilment.plan_cancel(
            session, order_id=order_id, stripe_connected=stripe_connected
        )
    async with db.transaction() as session:
        return await fulfilment.cancel(session, plan=plan, admin_telegram_id=ADMIN)


# /setstatus


async def test_shipping_records_the_admin_and_queues_one_notice(db: Database) -> None:
    placed = await paid(db)

    shipped = await set_status(db, placed.order_id, S.SHIPPED)

    assert shipped.status is S.SHIPPED
    assert shipped.history[-1].actor == f"admin:{ADMIN}"
    [entry] = await rows(db, AdminAction)
    assert (entry.admin_telegram_id, entry.action, entry.entity, entry.entity_id) == (
        ADMIN,
        "set_status",
        "order",
        placed.order_id,
    )
    assert entry.details == "paid -> shipped"
    keys = [row.key for row in await rows(db, OutboxMessage)]
    assert f"order:{placed.order_id}:shipped:customer" in keys


async def test_shipping_twice_is_refused_and_queues_nothing_more(db: Database) -> None:
    placed = await paid(db)
    await set_status(db, placed.order_id, S.SHIPPED)
    queued = len(await rows(db, OutboxMessage))

    with refused(IllegalTransition, "already shipped"):
        await set_status(db, placed.order_id, S.SHIPPED)

    assert len(await rows(db, OutboxMessage)) == queued
    assert len(await rows(db, AdminAction)) == 1


@pytest.mark.parametrize(
    ("status", "to", "reason"),
    [
        (S.PENDING_PAYMENT, S.SHIPPED, "an order awaiting payment can't be shipped"),
        (S.PENDING_PAYMENT, S.DELIVERED, "an order awaiting payment can't be delivered"),
        (S.PAID, S.DELIVERED, "hasn't shipped yet: send /setstatus 1 shipped first"),
        (S.DELIVERED, S.SHIPPED, "is delivered; it can't become shipped"),
        (S.CANCELLED, S.SHIPPED, "is cancelled: a closed order can't change any more"),
        (S.REFUNDED, S.DELIVERED, "is refunded: a closed order can't change any more"),
    ],
)
async def test_an_illegal_status_change_is_refused_with_its_reason(
    db: Database, status: OrderStatus, to: OrderStatus, reason: str
) -> None:
    placed = await place_order(db)
    async with db.transaction() as session:
        (await session.get_one(Order, placed.order_id)).status = status

    with refused(IllegalTransition, reason):
        await set_status(db, placed.order_id, to)

    assert (await reload(db, placed.order_id)).status is status
    assert await rows(db, AdminAction) == []


@pytest.mark.parametrize(
    ("to", "pointer"),
    [
        (S.CANCELLED, "/cancelorder 1"),
        (S.REFUNDED, "/refund 1"),
        (S.PAID, "only when its payment provider confirms"),
        (S.PENDING_PAYMENT, "can't go back to awaiting payment"),
    ],
)
async def test_statuses_that_move_money_point_at_their_own_command(
    db: Database, to: OrderStatus, pointer: str
) -> None:
    placed = await paid(db)

    with refused(NotAllowed, pointer):
        await set_status(db, placed.order_id, to)

    assert (await reload(db, placed.order_id)).status is S.PAID


async def test_an_order_being_refunded_cannot_be_shipped(db: Database) -> None:
    placed = await paid(db)
    async with db.reading() as session:
        plan = await fulfilment.plan_refund(
            session, order_id=placed.order_id, stripe_connected=True
        )
    async with db.transaction() as session:
        await fulfilment.record_refund(session, plan=plan, admin_telegram_id=ADMIN)

    with refused(IllegalTransition, "being refunded"):
        await set_status(db, placed.order_id, S.SHIPPED)


# Refund plans


async def test_a_stripe_payment_is_refunded_through_stripe_when_the_bot_can_reach_it(
    db: Database,
) -> None:
    placed = await paid(db)
    async with db.reading() as session:
        connected = await fulfilment.plan_refund(
            session, order_id=placed.order_id, stripe_connected=True
        )
        offline = await fulfilment.plan_refund(
            session, order_id=placed.order_id, stripe_connected=False
        )

    assert connected.route is RefundRoute.STRIPE
    assert (connected.payment_intent_id, connected.amount, connected.currency) == (
        f"pi_{placed.order_id}",
        9998,
        "EUR",
    )
    assert offline.route is RefundRoute.MANUAL


async def test_a_telegram_payment_is_refunded_by_hand(db: Database) -> None:
    placed = await paid(db, PaymentProvider.TELEGRAM)
    async with db.reading() as session:
        plan = await fulfilment.plan_refund(
            session, order_id=placed.order_id, stripe_connected=True
        )

    assert plan.route is RefundRoute.MANUAL
    assert plan.reference == f"ch_{placed.order_id}"


async def test_an_unpaid_order_has_nothing_to_refund(db: Database) -> None:
    placed = await place_order(db)

    async with db.reading() as session:
        with refused(NotAllowed, "no payment to refund"):
            await fulfilment.plan_refund(session, order_id=placed.order_id, stripe_connected=True)


async def test_recording_a_refund_stripe_already_confirmed_changes_nothing(db: Database) -> None:
    placed = await paid(db)
    async with db.reading() as session:
        plan = await fulfilment.plan_refund(
            session, order_id=placed.order_id, stripe_connected=True
        )
    async with db.transaction() as session:  # the webhook came first
        await ledger.mark_refunded(session, order_id=placed.order_id, actor="stripe")

    async with db.transaction() as session:
        status = await fulfilment.record_refund(
            session, plan=plan, admin_telegram_id=ADMIN, provider_refund_id="re_1"
        )

    assert status is PaymentStatus.REFUNDED
    assert (await reload(db, placed.order_id)).status is S.REFUNDED
    [entry] = await rows(db, AdminAction)
    assert entry.details == "stripe refund of 9998 EUR (re_1)"


# Confirming a refund made by hand


async def test_confirming_a_manual_refund_refunds_the_order_and_tells_the_customer(
    db: Database,
) -> None:
    placed = await paid(db, PaymentProvider.TELEGRAM)

    async with db.transaction() as session:
        order = await fulfilment.confirm_refund(
            session, order_id=placed.order_id, admin_telegram_id=ADMIN, stripe_connected=True
        )

    assert order.status is S.REFUNDED
    assert order.history[-1].actor == f"admin:{ADMIN}"
    after = await reload(db, placed.order_id)
    assert after.payment is not None and after.payment.status is PaymentStatus.REFUNDED
    keys = [row.key for row in await rows(db, OutboxMessage)]
    assert keys.count(f"order:{placed.order_id}:refunded:customer") == 1
    assert [entry.action for entry in await rows(db, AdminAction)] == ["refund_confirmed"]
    async with db.transaction() as session:
        with refused(NotAllowed, "already been refunded"):
            await fulfilment.confirm_refund(
                session, order_id=placed.order_id, admin_telegram_id=ADMIN, stripe_connected=True
            )


async def test_a_refund_through_stripe_cannot_be_confirmed_by_hand(db: Database) -> None:
    placed = await paid(db)

    async with db.transaction() as session:
        with refused(NotAllowed, "Stripe confirms the refund"):
            await fulfilment.confirm_refund(
                session, order_id=placed.order_id, admin_telegram_id=ADMIN, stripe_connected=True
            )

    assert (await reload(db, placed.order_id)).status is S.PAID


# /cancelorder


async def test_cancelling_an_unpaid_order_returns_its_stock_and_says_nothing_was_charged(
    db: Database,
) -> None:
    placed = await place_order(db)
    assert await stock(db, placed) == 8

    cancellation = await cancel(db, placed.order_id)

    assert cancellation.cancelled and cancellation.refund is None
    assert cancellation.order.status is S.CANCELLED
    assert cancellation.order.history[-1].actor == f"admin:{ADMIN}"
    assert await stock(db, placed) == 10
    [notice] = await rows(db, OutboxMessage)
    assert notice.key == f"order:{placed.order_id}:cancelled:customer"
    assert "Nothing was charged" in text_of(notice)
    assert [entry.action for entry in await rows(db, AdminAction)] == ["cancel_order"]


async def test_cancelling_a_paid_order_asks_for_its_refund_too(db: Database) -> None:
    placed = await paid(db)

    cancellation = await cancel(db, placed.order_id)

    assert cancellation.cancelled
    assert cancellation.refund is not None and cancellation.refund.route is RefundRoute.STRIPE
    after = await reload(db, placed.order_id)
    assert after.status is S.CANCELLED
    assert after.payment is not None and after.payment.status is PaymentStatus.REFUND_PENDING
    assert await stock(db, placed) == 10
    notice = [
        row for row in await rows(db, OutboxMessage) if row.key.endswith(":cancelled:customer")
    ]
    assert "€99.98 will be refunded" in text_of(notice[0])
    assert [entry.action for entry in await rows(db, AdminAction)] == ["refund", "cancel_order"]


async def test_a_shipped_order_cannot_be_cancelled(db: Database) -> None:
    placed = await paid(db)
    await set_status(db, placed.order_id, S.SHIPPED)

    async with db.reading() as session:
        with refused(IllegalTransition, "can't be cancelled; /refund 1 refunds it"):
            await fulfilment.plan_cancel(session, order_id=placed.order_id, stripe_connected=True)


async def test_a_refund_made_while_another_admin_shipped_the_order_is_still_recorded(
    db: Database,
) -> None:
    placed = await paid(db)
    async with db.reading() as session:
        plan = await fulfilment.plan_cancel(
            session, order_id=placed.order_id, stripe_connected=True
        )
    await set_status(db, placed.order_id, S.SHIPPED)  # while Stripe was refunding

    async with db.transaction() as session:
        cancellation = await fulfilment.cancel(
            session, plan=plan, admin_telegram_id=ADMIN, provider_refund_id="re_1"
        )

    assert not cancellation.cancelled
    after = await reload(db, placed.order_id)
    assert after.status is S.SHIPPED
    assert after.payment is not None and after.payment.status is PaymentStatus.REFUND_PENDING
    assert await stock(db, placed) == 8
