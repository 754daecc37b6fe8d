"""The Stripe gateway against a fake Stripe API on loopback, through stripe-python unchanged."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.db import Database
from bot.devtools.stripe_fake import FakeStripeApi
from bot.models import (
    Order,
    OrderStatus,
    PaymentInformation,
    PaymentProvider,
    PaymentStatus,
    utcnow,
)
from bot.payments import stripe_gateway
from bot.payments.stripe_events import StripeCard
from bot.payments.stripe_gateway import StripeGateway
from bot.services import ledger
from bot.services import order as orders
from bot.services.errors import NotAllowed, PaymentError
from bot.texts.errors import ERRORS, error_text
from bot.usecases.customers import Sender
from bot.usecases.payments import return_urls, start_payment
from tests.fakes.orders import PlacedOrder, place_order
from tests.refusals import refused

SECRET_KEY = "sk_test_shop"
HOLD = timedelta(minutes=60)
KEY = re.compile(r"order-(\d+)-checkout-(save-card|no-save)-[0-9a-f]{16}")
TWO_LINES = (("Hoodie", 4999, 2), ("Cap", 1500, 1))


@pytest.fixture
async def gateway(stripe_api: FakeStripeApi) -> AsyncIterator[StripeGateway]:
    gateway = StripeGateway(
        secret_key=SECRET_KEY, api_base=stripe_api.base_url, max_network_retries=0
    )
    yield gateway
    await gateway.close()


async def load(db: Database, order_id: int) -> Order:
    async with db.reading() as session:
        return await orders.get_order(session, order_id=order_id)


def key_parts(key: str) -> tuple[str, str]:
    """The order id and the choice an idempotency key names."""
    match = KEY.fullmatch(key)
    assert match is not None, key
    return match[1], match[2]


def in_an_hour() -> datetime:
    """Stripe takes whole seconds, from 30 minutes to 24 hours ahead."""
    return (utcnow() + HOLD).replace(microsecond=0)


async def create(
    gateway: StripeGateway,
    order: Order,
    *,
    save_card: bool = False,
    expires_at: datetime | None = None,
) -> stripe_gateway.CheckoutSession:
    return await gateway.create_checkout_session(
        order,
        success_url="https://t.me/shop_bot?start=paid_1",
        cancel_url="https://t.me/shop_bot?start=unpaid_1",
        expires_at=expires_at or in_an_hour(),
        save_card=save_card,
    )


async def payments_of(db: Database) -> list[PaymentInformation]:
    async with db.reading() as session:
        return list((await session.scalars(select(PaymentInformation))).all())


# Checkout Sessions


async def test_a_checkout_session_carries_the_orders_lines_amount_and_reference(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed = await place_order(db, lines=TWO_LINES)
    order = await load(db, placed.order_id)
    expires = in_an_hour()

    checkout = await create(gateway, order, expires_at=expires)

    [request] = stripe_api.requests_to("POST", "/v1/checkout/sessions")
    reference = {"order_id": str(order.id)}
    assert request.params == {
        "mode": "payment",
        "allowed_payment_method_types": ["card"],  # settles at once, within the order's hold
        "line_items": [
            {
                "quantity": "2",
                "price_data": {
                    "currency": "eur",
                    "unit_amount": "4999",
                    "product_data": {"name": "Hoodie (M)"},
                },
            },
            {
                "quantity": "1",
                "price_data": {
                    "currency": "eur",
                    "unit_amount": "1500",
                    "product_data": {"name": "Cap (M)"},
                },
            },
        ],
        "client_reference_id": str(order.id),
        "metadata": reference,
        "payment_intent_data": {"metadata": reference},
        "success_url": "https://t.me/shop_bot?start=paid_1",
        "cancel_url": "https://t.me/shop_bot?start=unpaid_1",
        "expires_at": str(int(expires.timestamp())),
    }
    assert key_parts(request.headers["Idempotency-Key"]) == (str(order.id), "no-save")
    assert request.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert checkout.id.startswith("cs_test_")
    assert checkout.url == stripe_api.sessions[checkout.id]["url"]
    assert (checkout.amount_total, checkout.currency) == (2 * 4999 + 1500, "EUR")
    assert checkout.amount_total == order.total
    assert checkout.expires_at == expires


async def test_creating_the_session_again_returns_the_first_one(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    order = await load(db, (await place_order(db)).order_id)
    expires = in_an_hour()

    first = await create(gateway, order, expires_at=expires)
    second = await create(gateway, order, expires_at=expires)

    assert second == first
    assert len(stripe_api.requests_to("POST", "/v1/checkout/sessions")) == 2
    assert list(stripe_api.sessions) == [first.id]


async def test_a_different_request_for_the_same_order_gets_its_own_session(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    order = await load(db, (await place_order(db)).order_id)
    expires = in_an_hour()

    plain = await create(gateway, order, expires_at=expires)
    saving = await create(gateway, order, expires_at=expires, save_card=True)

    keys = [r.headers["Idempotency-Key"] for r in stripe_api.requests]
    assert saving.id != plain.id
    assert keys[0] != keys[1]
    assert [key_parts(key)[1] for key in keys] == ["no-save", "save-card"]


async def test_a_card_to_be_saved_is_kept_at_stripe_for_a_new_customer(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    order = await load(db, (await place_order(db)).order_id)

    await create(gateway, order, save_card=True)

    [request] = stripe_api.requests_to("POST", "/v1/checkout/sessions")
    assert request.params["payment_intent_data"]["setup_future_usage"] == "on_session"
    assert request.params["customer_creation"] == "always"
    assert request.params["payment_method_data"] == {"allow_redisplay": "always"}
    assert request.params["metadata"] == {"order_id": str(order.id), "save_card": "true"}


async def test_a_card_not_to_be_saved_is_neither_kept_nor_given_a_customer(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    order = await load(db, (await place_order(db)).order_id)

    paid = stripe_api.pay((await create(gateway, order)).id)

    [request] = stripe_api.requests_to("POST", "/v1/checkout/sessions")
    for saving in ("customer", "customer_creation", "payment_method_data"):
        assert saving not in request.params
    assert "setup_future_usage" not in request.params["payment_intent_data"]
    assert paid["customer"] is None
    [method] = stripe_api.payment_methods.values()
    assert method["customer"] is None


async def test_a_known_stripe_customer_is_reused(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    order = await load(db, (await place_order(db)).order_id)

    await gateway.create_checkout_session(
        order,
        success_url="https://t.me/a",
        cancel_url="https://t.me/b",
        expires_at=in_an_hour(),
        save_card=True,
        customer_id="cus_known",
    )

    [request] = stripe_api.requests_to("POST", "/v1/checkout/sessions")
    assert request.params["customer"] == "cus_known"
    assert "customer_creation" not in request.params


# Errors


@pytest.mark.parametrize(
    ("status", "kind", "message"),
    [
        (402, "card_error", ERRORS["payment.declined"]),
        (500, "api_error", ERRORS["payment.unreachable"]),
        (429, "rate_limit_error", ERRORS["payment.unreachable"]),
        (400, "invalid_request_error", ERRORS["payment.unavailable"]),
    ],
)
async def test_stripe_errors_become_payment_errors_a_customer_can_read(
    db: Database,
    stripe_api: FakeStripeApi,
    gateway: StripeGateway,
    status: int,
    kind: str,
    message: str,
) -> None:
    order = await load(db, (await place_order(db)).order_id)
    stripe_api.fail_next(status=status, type=kind, message="internal detail xyz", code="boom")

    with pytest.raises(PaymentError) as error:
        await create(gateway, order)

    assert error_text(error.value) == message
    assert "xyz" not in error_text(error.value)
    assert stripe_api.sessions == {}


async def test_a_wrong_api_key_is_not_shown_to_the_customer(
    db: Database, stripe_api: FakeStripeApi
) -> None:
    order = await load(db, (await place_order(db)).order_id)
    gateway = StripeGateway(secret_key="wrong", api_base=stripe_api.base_url)
    try:
        with pytest.raises(PaymentError) as error:
            await create(gateway, order)
    finally:
        await gateway.close()

    assert error_text(error.value) == ERRORS["payment.unavailable"]
    assert stripe_api.sessions == {}


async def test_an_unreachable_stripe_is_a_payment_error(db: Database) -> None:
    order = await load(db, (await place_order(db)).order_id)
    gateway = StripeGateway(
        secret_key=SECRET_KEY, api_base="http://127.0.0.1:1", max_network_retries=0
    )
    try:
        with pytest.raises(PaymentError) as error:
            await create(gateway, order)
    finally:
        await gateway.close()

    assert error_text(error.value) == ERRORS["payment.unreachable"]


# Refunds and saved cards


async def test_a_refund_is_made_once_per_idempotency_key(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    order = await load(db, (await place_order(db)).order_id)
    intent = stripe_api.pay((await create(gateway, order)).id)["payment_intent"]

    first = await gateway.refund(intent, idempotency_key=f"order-{order.id}-refund")
    again = await gateway.refund(intent, idempotency_key=f"order-{order.id}-refund")

    assert again == first
    assert (first.amount, first.currency, first.status) == (order.total, "EUR", "succeeded")
    assert len(stripe_api.refunds) == 1
    request = stripe_api.requests_to("POST", "/v1/refunds")[0]
    assert request.params == {"payment_intent": intent}
    assert request.headers["Idempotency-Key"] == f"order-{order.id}-refund"


async def test_refunding_a_payment_stripe_has_refunded_already_says_so(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    order = await load(db, (await place_order(db)).order_id)
    intent = stripe_api.pay((await create(gateway, order)).id)["payment_intent"]
    await gateway.refund(intent, idempotency_key="refunded-in-the-dashboard")

    with pytest.raises(PaymentError) as error:
        await gateway.refund(intent, idempotency_key=f"order-{order.id}-refund")

    assert error_text(error.value) == ERRORS["payment.already_refunded"]
    assert len(stripe_api.refunds) == 1


async def test_the_card_a_payment_was_made_with_is_read_without_its_number(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    order = await load(db, (await place_order(db)).order_id)
    paid = stripe_api.pay((await create(gateway, order, save_card=True)).id)

    card = await gateway.card_for_payment_intent(paid["payment_intent"])

    assert card == StripeCard(
        payment_method_id=stripe_api.payment_intents[paid["payment_intent"]]["payment_method"],
        customer_id=paid["customer"],
        brand="visa",
        last4="4242",
        exp_month=12,
        exp_year=2034,
    )
    [request] = stripe_api.requests_to("GET", f"/v1/payment_intents/{paid['payment_intent']}")
    assert request.params == {"expand": ["payment_method"]}


async def test_looking_up_an_unknown_payment_is_a_payment_error(
    stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    with pytest.raises(PaymentError):
        await gateway.card_for_payment_intent("pi_missing")


# Starting a checkout for a placed order


async def start(
    db: Database, gateway: StripeGateway, placed: PlacedOrder, *, now: datetime | None = None
) -> stripe_gateway.CheckoutSession:
    return await start_payment(
        db,
        gateway,
        order_id=placed.order_id,
        sender=Sender(placed.telegram_id, "Ann"),
        bot_username="shop_bot",
        hold=HOLD,
        now=now,
    )


async def test_starting_a_checkout_remembers_the_session_on_the_order(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed = await place_order(db)
    order = await load(db, placed.order_id)

    checkout = await start(db, gateway, placed)

    [payment] = await payments_of(db)
    assert (payment.order_id, payment.stripe_checkout_session_id) == (order.id, checkout.id)
    assert payment.status is PaymentStatus.PENDING
    assert (payment.amount, payment.currency) == (order.total, "EUR")
    request = stripe_api.requests_to("POST", "/v1/checkout/sessions")[0]
    deadline = order.created_at + HOLD  # when the expiry job releases the order
    assert request.params["expires_at"] == str(int(deadline.timestamp()))
    assert checkout.expires_at == deadline.replace(microsecond=0)
    assert (request.params["success_url"], request.params["cancel_url"]) == return_urls(
        "shop_bot", order.id
    )
    assert request.params["success_url"] == f"https://t.me/shop_bot?start=paid_{order.id}"


async def test_starting_a_checkout_twice_keeps_one_session(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed = await place_order(db)

    first = await start(db, gateway, placed)
    second = await start(db, gateway, placed)

    assert second.id == first.id
    assert len(stripe_api.sessions) == 1
    assert [p.stripe_checkout_session_id for p in await payments_of(db)] == [first.id]


async def test_an_order_no_longer_awaiting_payment_cannot_be_paid(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed = await place_order(db)
    async with db.transaction() as session:
        await orders.cancel_order(session, order_id=placed.order_id, user_id=placed.user_id)

    with pytest.raises(NotAllowed):
        await start(db, gateway, placed)

    assert stripe_api.requests == []
    assert await payments_of(db) == []
    assert (await load(db, placed.order_id)).status is OrderStatus.CANCELLED


async def test_a_failed_session_leaves_the_order_without_a_payment(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed = await place_order(db)
    stripe_api.fail_next(status=500, type="api_error")

    with pytest.raises(PaymentError):
        await start(db, gateway, placed)

    assert await payments_of(db) == []
    assert (await load(db, placed.order_id)).status is OrderStatus.PENDING_PAYMENT


# Removing saved cards


async def test_a_saved_card_is_detached_from_its_customer(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    order = await load(db, (await place_order(db)).order_id)
    paid = stripe_api.pay((await create(gateway, order, save_card=True)).id)
    method = stripe_api.payment_intents[paid["payment_intent"]]["payment_method"]
    assert stripe_api.payment_methods[method]["customer"] == paid["customer"]

    await gateway.detach_payment_method(method)

    assert stripe_api.payment_methods[method]["customer"] is None
    assert len(stripe_api.requests_to("POST", f"/v1/payment_methods/{method}/detach")) == 1


async def test_a_card_stripe_no_longer_keeps_counts_as_detached(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    order = await load(db, (await place_order(db)).order_id)
    paid = stripe_api.pay((await create(gateway, order, save_card=True)).id)
    method = stripe_api.payment_intents[paid["payment_intent"]]["payment_method"]
    await gateway.detach_payment_method(method)

    await gateway.detach_payment_method(method)  # Stripe: not attached to a customer
    await gateway.detach_payment_method("pm_unknown")  # Stripe: no such PaymentMethod

    assert stripe_api.payment_methods[method]["customer"] is None


async def test_a_card_stripe_would_not_detach_is_a_payment_error(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    order = await load(db, (await place_order(db)).order_id)
    paid = stripe_api.pay((await create(gateway, order, save_card=True)).id)
    method = stripe_api.payment_intents[paid["payment_intent"]]["payment_method"]
    detach = f"/v1/payment_methods/{method}/detach"
    stripe_api.fail_next(status=500, type="api_error", message="boom", code=None, path=detach)
    stripe_api.fail_next(
        status=400, type="invalid_request_error", message="odd", code=None, path=detach
    )

    with pytest.raises(PaymentError) as unreachable:
        await gateway.detach_payment_method(method)
    with pytest.raises(PaymentError) as refused:
        await gateway.detach_payment_method(method)  # refused while still attached

    assert error_text(unreachable.value) == ERRORS["payment.unreachable"]
    assert error_text(refused.value) == ERRORS["payment.unavailable"]
    assert stripe_api.payment_methods[method]["customer"] == paid["customer"]


# The payment page closes when the order is released


async def test_the_open_page_is_given_back_until_the_order_is_released(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed = await place_order(db)
    first = await start(db, gateway, placed)
    later = utcnow() + timedelta(minutes=45)  # 15 minutes before the deadline
    stripe_api.clock = later.timestamp

    again = await start(db, gateway, placed, now=later)

    assert again == first
    assert list(stripe_api.sessions) == [first.id]
    assert len(stripe_api.requests_to("POST", "/v1/checkout/sessions")) == 1
    assert len(stripe_api.requests_to("GET", f"/v1/checkout/sessions/{first.id}")) == 1


async def test_a_page_paid_but_not_yet_confirmed_is_not_replaced(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed = await place_order(db)
    stripe_api.pay((await start(db, gateway, placed)).id)  # the webhook is still on its way

    with refused(NotAllowed, "Stripe has your payment"):
        await start(db, gateway, placed)

    assert len(stripe_api.sessions) == 1


async def test_no_page_is_opened_that_would_outlive_the_order(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed = await place_order(db)
    order = await load(db, placed.order_id)

    with pytest.raises(NotAllowed) as error:
        await start(db, gateway, placed, now=order.created_at + timedelta(minutes=40))

    assert error_text(error.value) == (
        f"Order #{order.id} is released in 20 minutes: too soon for a card payment page, "
        "which stays open 30 minutes. Cancel it in /orders and order again."
    )
    assert stripe_api.requests == []
    assert await payments_of(db) == []


async def test_no_page_is_given_for_an_order_past_its_deadline(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed = await place_order(db)
    await start(db, gateway, placed)
    order = await load(db, placed.order_id)

    with refused(NotAllowed, "not paid in time"):
        await start(db, gateway, placed, now=order.created_at + HOLD)

    assert len(stripe_api.requests) == 1


async def test_after_a_failed_payment_a_new_page_replaces_the_old(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed = await place_order(db)
    failed = await start(db, gateway, placed)
    async with db.transaction() as session:
        payment = await session.scalar(select(PaymentInformation))
        assert payment is not None
        payment.status = PaymentStatus.FAILED  # as checkout.session.async_payment_failed leaves it

    retry = await start(db, gateway, placed)
    again = await start(db, gateway, placed)

    assert retry.id != failed.id
    assert again == retry
    [payment] = await payments_of(db)
    assert (payment.stripe_checkout_session_id, payment.status) == (
        retry.id,
        PaymentStatus.PENDING,
    )


async def test_a_page_stripe_no_longer_has_is_replaced(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed = await place_order(db)
    lost = await start(db, gateway, placed)
    del stripe_api.sessions[lost.id]  # e.g. made with the test key before going live

    new = await start(db, gateway, placed)

    assert new.id != lost.id
    assert list(stripe_api.sessions) == [new.id]
    [payment] = await payments_of(db)
    assert payment.stripe_checkout_session_id == new.id


async def test_money_the_shop_is_checking_gets_no_new_page(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed = await place_order(db)
    await start(db, gateway, placed)
    async with db.transaction() as session:
        payment = await session.scalar(select(PaymentInformation))
        assert payment is not None
        payment.status = PaymentStatus.MISMATCH  # the amount Stripe reported was not the order's
    requests = len(stripe_api.requests)

    with refused(NotAllowed, "already being checked by the shop"):
        await start(db, gateway, placed)

    assert len(stripe_api.requests) == requests


async def test_cards_saved_before_the_order_are_offered_but_not_those_saved_after(
    db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    placed = await place_order(db)
    order = await load(db, placed.order_id)
    async with db.transaction() as session:
        for token, customer, saved_at in (
            ("pm_before", "cus_before", order.created_at - timedelta(days=1)),
            ("pm_after", "cus_after", order.created_at + timedelta(seconds=1)),
        ):
            card = await ledger.save_payment_method(
                session,
                user_id=placed.user_id,
                provider=PaymentProvider.STRIPE,
                provider_payment_method_id=token,
                brand="visa",
                last4="4242",
                exp_month=12,
                exp_year=2034,
                provider_customer_id=customer,
            )
            card.created_at = saved_at

    await start(db, gateway, placed)

    [request] = stripe_api.requests_to("POST", "/v1/checkout/sessions")
    assert request.params["customer"] == "cus_before"


@pytest.mark.parametrize(
    ("minutes", "provider", "hold"),
    [
        (60, "stripe", timedelta(minutes=60)),
        (10, "stripe", timedelta(minutes=32)),
        (3000, "stripe", timedelta(hours=24)),
        (10, "telegram", timedelta(minutes=10)),
        (3000, "telegram", timedelta(minutes=3000)),
    ],
)
def test_with_stripe_the_hold_is_one_a_payment_page_can_last(
    minutes: int, provider: str, hold: timedelta
) -> None:
    values: dict[str, Any] = {
        "unpaid_order_timeout_minutes": minutes,
        "payment_provider": provider,
        "stripe_secret_key": "sk_test_1",
        "telegram_provider_token": "1:T",
    }
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]

    assert settings.unpaid_order_hold == hold
