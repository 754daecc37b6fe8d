"""What the shop owes Stripe once an order is cancelled: its payment page closed, and money that
landed on it anyway refunded, without an admin, however often Stripe fails first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.devtools import stripe_simulator as simulate
from bot.devtools.stripe_fake import FakeStripeApi
from bot.models import (
    OrderStatus,
    OutboxMessage,
    PaymentInformation,
    PaymentProvider,
    PaymentStatus,
    utcnow,
)
from bot.payments.stripe_gateway import StripeGateway
from bot.services import ledger
from bot.services import order as orders
from bot.usecases.expiry import expire_unpaid_orders
from bot.usecases.payments import EventResult, apply_stripe_event
from bot.usecases.stripe_upkeep import Upkeep, settle_with_stripe
from tests.fakes.orders import PlacedOrder, place_order
from tests.fakes.stripe_events import refunded_charge

ADMINS = (9001,)


@pytest.fixture
async def gateway(stripe_api: FakeStripeApi) -> AsyncIterator[StripeGateway]:
    gateway = StripeGateway(secret_key="sk_test_1", api_base=stripe_api.base_url)
    yield gateway
    await gateway.close()


async def with_payment_page(db: Database, gateway: StripeGateway) -> tuple[PlacedOrder, str]:
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
    return placed, page.id


async def expire_all(db: Database) -> list[int]:
    return await expire_unpaid_orders(
        db, older_than=timedelta(0), now=utcnow() + timedelta(hours=2)
    )


async def payment(db: Database) -> PaymentInformation:
    async with db.reading() as session:
        return (await session.scalars(select(PaymentInformation))).one()


async def outbox_keys(db: Database) -> list[str]:
    async with db.reading() as session:
        return sorted((await session.scalars(select(OutboxMessage.key))).all())


async def test_a_cancelled_orders_payment_page_is_closed_so_nobody_can_pay_it(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed, page = await with_payment_page(db, gateway)
    assert await expire_all(db) == [placed.order_id]

    first = await settle_with_stripe(db, gateway)
    second = await settle_with_stripe(db, gateway)

    assert first == Upkeep(pages_closed=1, refunds_asked=0, left_for_later=0)
    assert second == Upkeep(pages_closed=0, refunds_asked=0, left_for_later=0)
    assert stripe_api.sessions[page]["status"] == "expired"
    assert len(stripe_api.requests_to("POST", f"/v1/checkout/sessions/{page}/expire")) == 1
    with pytest.raises(ValueError, match="expired"):
        stripe_api.pay(page)


async def test_while_stripe_is_unreachable_the_page_is_closed_on_a_later_round(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    _, page = await with_payment_page(db, gateway)
    await expire_all(db)
    stripe_api.fail_next(status=500, type="api_error", message="down", code=None)
    stripe_api.fail_next(status=500, type="api_error", message="down", code=None)
    stripe_api.fail_next(status=500, type="api_error", message="down", code=None)

    failed = await settle_with_stripe(db, gateway)
    still_open = stripe_api.sessions[page]["status"]
    later = await settle_with_stripe(db, gateway)

    assert (failed, still_open) == (Upkeep(0, 0, left_for_later=1), "open")
    assert later == Upkeep(pages_closed=1, refunds_asked=0, left_for_later=0)
    assert (await payment(db)).page_closed_at is not None


async def test_a_page_paid_just_before_it_was_closed_is_refunded_without_an_admin(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed, page = await with_payment_page(db, gateway)
    paid = stripe_api.pay(page)  # paid in the page's last second; Stripe's news comes later
    await expire_all(db)

    late = simulate.stripe_event("checkout.session.completed", paid)
    result = await apply_stripe_event(db, gateway, event=late, admin_chat_ids=ADMINS)
    upkeep = await settle_with_stripe(db, gateway)
    again = await settle_with_stripe(db, gateway)
    charge = refunded_charge(
        payment_intent=paid["payment_intent"], amount=placed.total, currency="eur"
    )
    confirmed = await apply_stripe_event(
        db, gateway, event=simulate.stripe_event("charge.refunded", charge), admin_chat_ids=ADMINS
    )

    assert result is EventResult.NOT_PAYABLE
    assert upkeep == Upkeep(pages_closed=0, refunds_asked=1, left_for_later=0)
    assert again == Upkeep(0, 0, 0)
    [refund] = stripe_api.requests_to("POST", "/v1/refunds")
    assert refund.params == {"payment_intent": paid["payment_intent"]}
    assert refund.headers["Idempotency-Key"] == f"order-{placed.order_id}-refund"
    assert confirmed is EventResult.REFUNDED
    after = await payment(db)
    assert after.status is PaymentStatus.REFUNDED
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=placed.order_id)
    assert order.status is OrderStatus.CANCELLED
    order_keys = [key for key in await outbox_keys(db) if key.startswith("order:")]
    assert len([k for k in order_keys if k.endswith(":customer")]) == 3  # expired, late, refunded
    assert any(key.endswith(":not_payable:1:admin:9001") for key in order_keys)


async def test_money_stripe_had_already_refunded_is_not_asked_for_again(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    _, page = await with_payment_page(db, gateway)
    paid = stripe_api.pay(page)
    await expire_all(db)
    late = simulate.stripe_event("checkout.session.completed", paid)
    await apply_stripe_event(db, gateway, event=late, admin_chat_ids=ADMINS)
    await gateway.refund(paid["payment_intent"], idempotency_key="from-the-dashboard")

    upkeep = await settle_with_stripe(db, gateway)

    assert upkeep == Upkeep(pages_closed=0, refunds_asked=1, left_for_later=0)
    assert len(stripe_api.refunds) == 1
    assert (await payment(db)).refund_asked_at is not None
