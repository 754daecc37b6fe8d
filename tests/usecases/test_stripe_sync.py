"""Events Stripe could not deliver are fetched and applied once, as the webhook would."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.devtools import stripe_simulator as simulate
from bot.devtools.stripe_fake import FakeStripeApi
from bot.models import OrderStatus, OutboxMessage, PaymentProvider, utcnow
from bot.payments.stripe_gateway import StripeGateway
from bot.services import ledger
from bot.services import order as orders
from bot.services.errors import PaymentError
from bot.usecases.payments import EventResult, apply_stripe_event
from bot.usecases.stripe_sync import SyncResult, sync_stripe_events
from tests.fakes.orders import PlacedOrder, place_order
from tests.fakes.stripe_events import refunded_charge

ADMINS = (9001,)


@pytest.fixture
async def gateway(stripe_api: FakeStripeApi) -> AsyncIterator[StripeGateway]:
    gateway = StripeGateway(secret_key="sk_test_1", api_base=stripe_api.base_url)
    yield gateway
    await gateway.close()


async def paid_at_stripe(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway, *, delivered: bool
) -> tuple[PlacedOrder, dict[str, object]]:
    """An order paid at the fake; Stripe's event reached the webhook or not."""
    placed = await place_order(db)
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=placed.order_id)
    page = await gateway.create_checkout_session(
        order,
        success_url="https://t.me/a",
        cancel_url="https://t.me/b",
        expires_at=utcnow() + timedelta(hours=1),
    )
    async with db.transaction() as session:
        await ledger.attach_reference(
            session,
            order_id=placed.order_id,
            provider=PaymentProvider.STRIPE,
            checkout_session_id=page.id,
        )
    event = simulate.stripe_event("checkout.session.completed", stripe_api.pay(page.id))
    stripe_api.log_event(event, delivered=delivered)
    return placed, event


async def status(db: Database, placed: PlacedOrder) -> OrderStatus:
    async with db.reading() as session:
        return (await orders.get_order(session, order_id=placed.order_id)).status


async def paid_notices(db: Database, placed: PlacedOrder) -> int:
    async with db.reading() as session:
        keys = (await session.scalars(select(OutboxMessage.key))).all()
    return sum(key == f"order:{placed.order_id}:paid:customer" for key in keys)


async def test_a_payment_whose_webhook_never_came_is_recorded_by_the_sync_once(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    missed, event = await paid_at_stripe(db, stripe_api, gateway, delivered=False)
    delivered, _ = await paid_at_stripe(db, stripe_api, gateway, delivered=True)

    first = await sync_stripe_events(db, gateway, admin_chat_ids=ADMINS)
    again = await sync_stripe_events(db, gateway, admin_chat_ids=ADMINS)
    late_webhook = await apply_stripe_event(db, gateway, event=event, admin_chat_ids=ADMINS)

    assert first == SyncResult(found=1, applied=1, waiting=0)
    assert again == SyncResult(found=1, applied=0, waiting=0)
    assert late_webhook is EventResult.DUPLICATE
    assert await status(db, missed) is OrderStatus.PAID
    assert await status(db, delivered) is OrderStatus.PENDING_PAYMENT  # its webhook's job
    assert await paid_notices(db, missed) == 1


async def test_every_page_of_missed_events_is_read(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    logged = []
    for number in range(23):
        obj = {"id": f"cus_{number}", "object": "customer"}
        event = simulate.stripe_event("charge.dispute.created", obj)
        event["created"] = int(time.time()) - 23 + number // 2  # two events a second
        stripe_api.log_event(event, delivered=False)
        logged.append(event["id"])

    events = await gateway.undelivered_events(
        since=utcnow() - timedelta(days=1), types=["charge.dispute.created"], page_size=10
    )

    assert len(stripe_api.requests_to("GET", "/v1/events")) == 3
    assert [event["id"] for event in events] == logged  # in Stripe's order, oldest first


async def test_a_payment_and_its_refund_in_one_second_are_both_applied_in_order(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed, paid_event = await paid_at_stripe(db, stripe_api, gateway, delivered=False)
    session = paid_event["data"]["object"]  # type: ignore[index]
    charge = refunded_charge(
        payment_intent=session["payment_intent"],
        amount=placed.total,
        currency="eur",
        order_id=placed.order_id,
    )
    refund_event = simulate.stripe_event("charge.refunded", charge)
    refund_event["created"] = paid_event["created"]  # Stripe counts whole seconds
    stripe_api.log_event(refund_event, delivered=False)

    result = await sync_stripe_events(db, gateway, admin_chat_ids=ADMINS)

    assert result == SyncResult(found=2, applied=2, waiting=0)
    assert await status(db, placed) is OrderStatus.REFUNDED


async def test_when_stripe_cannot_be_asked_nothing_changes(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    missed, _ = await paid_at_stripe(db, stripe_api, gateway, delivered=False)
    for _ in range(3):
        stripe_api.fail_next(status=500, type="api_error", message="down", path="/v1/events")

    with pytest.raises(PaymentError):
        await sync_stripe_events(db, gateway, admin_chat_ids=ADMINS)
    assert await status(db, missed) is OrderStatus.PENDING_PAYMENT


async def test_a_dispute_alerts_the_admins_with_the_order_and_amount(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed, event = await paid_at_stripe(db, stripe_api, gateway, delivered=True)
    await apply_stripe_event(db, gateway, event=event, admin_chat_ids=ADMINS)
    intent = event["data"]["object"]["payment_intent"]  # type: ignore[index]
    dispute = {
        "id": "dp_1",
        "object": "dispute",
        "amount": placed.total,
        "currency": "eur",
        "payment_intent": intent,
        "reason": "product_not_received",
    }

    result = await apply_stripe_event(
        db,
        gateway,
        event=simulate.stripe_event("charge.dispute.created", dispute),
        admin_chat_ids=ADMINS,
    )

    assert result is EventResult.DISPUTED
    async with db.reading() as session:
        alert = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.key.like("stripe:%:dispute:admin:9001"))
            )
        ).one()
    assert alert.message_key == "admin.dispute"
    assert alert.params == {
        "order_id": placed.order_id,
        "amount": placed.total,
        "currency": "EUR",
        "reason": "product_not_received",
    }
