"""Stripe webhooks posted over real HTTP to the running web server, signed with the test secret.

Every case checks the whole outcome: the order, its payment, the recorded event and exactly
which notifications were queued, re-read in a fresh transaction.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from bot.config import Settings
from bot.db import Database
from bot.devtools import stripe_simulator as simulate
from bot.devtools.stripe_fake import FakeStripeApi, sign_body, signed_event
from bot.models import (
    OrderStatus,
    OutboxMessage,
    PaymentDetails,
    PaymentInformation,
    PaymentProvider,
    PaymentStatus,
    ProviderEvent,
    Size,
    utcnow,
)
from bot.payments.stripe_events import EXPIRED_NOTE
from bot.payments.stripe_gateway import StripeGateway
from bot.services import ledger
from bot.services import order as orders
from bot.web import (
    STRIPE_WEBHOOK_PATH,
    create_web_app,
    server_url,
    start_web_server,
    stop_web_server,
)
from tests.fakes.orders import PlacedOrder, place_order
from tests.fakes.stripe_events import refunded_charge
from tests.notices import text_of
from tests.statements import statements

SECRET = "whsec_test_secret"
ADMINS = (9001, 9002)
SESSION_ID = "cs_test_order"


@dataclass(frozen=True)
class Shop:
    """The state a webhook may change, read in one transaction."""

    status: OrderStatus
    payment_status: PaymentStatus | None
    stock: list[int]
    events: int
    outbox: list[tuple[str, int]]


def settings_for(db: Database, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": db.url.render_as_string(hide_password=False),
        "stripe_webhook_secret": SECRET,
        "admin_ids": list(ADMINS),
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


@asynccontextmanager
async def serving(db: Database, **overrides: Any) -> AsyncIterator[str]:
    app = create_web_app(database=db, settings=settings_for(db, **overrides))
    runner = await start_web_server(app, "127.0.0.1", 0)
    try:
        yield server_url(runner) + STRIPE_WEBHOOK_PATH
    finally:
        await stop_web_server(runner)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def webhook(db: Database) -> AsyncIterator[str]:
    async with serving(db) as url:
        yield url


@pytest.fixture
async def placed(db: Database) -> PlacedOrder:
    """An order of 2 × €49.99 (stock 10 → 8) with its Checkout Session attached."""
    placed = await place_order(db)
    async with db.transaction() as session:
        await ledger.attach_reference(
            session,
            order_id=placed.order_id,
            provider=PaymentProvider.STRIPE,
            checkout_session_id=SESSION_ID,
        )
    return placed


def session_event(
    event_type: str, placed: PlacedOrder, *, event_id: str | None = None, **fields: Any
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "session_id": SESSION_ID,
        "order_id": placed.order_id,
        "amount": placed.total,
        "currency": placed.currency,
        "payment_intent": "pi_test_order",
    }
    obj = simulate.checkout_session(**(values | fields))
    return simulate.stripe_event(event_type, obj, event_id=event_id)


def completed(placed: PlacedOrder, **fields: Any) -> dict[str, Any]:
    return session_event("checkout.session.completed", placed, **fields)


def expired(placed: PlacedOrder, **fields: Any) -> dict[str, Any]:
    return session_event("checkout.session.expired", placed, payment_status="unpaid", **fields)


async def post(
    http: aiohttp.ClientSession,
    url: str,
    event: dict[str, Any],
    *,
    secret: str = SECRET,
    timestamp: int | None = None,
) -> tuple[int, Any]:
    body, signature = signed_event(event, secret, timestamp)
    return await post_raw(http, url, body, {"Stripe-Signature": signature})


async def post_raw(
    http: aiohttp.ClientSession, url: str, body: Any, headers: dict[str, str]
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"} | headers
    async with http.post(url, data=body, headers=headers) as response:
        text = await response.text()
        return response.status, json.loads(text) if text else None


async def shop(db: Database, placed: PlacedOrder) -> Shop:
    async with db.transaction() as session:
        order = await orders.get_order(session, order_id=placed.order_id)
        stock = await session.scalars(
            select(Size.stock).where(Size.id.in_(placed.size_ids)).order_by(Size.id)
        )
        events = await session.scalar(select(func.count()).select_from(ProviderEvent))
        outbox = await session.execute(
            select(OutboxMessage.key, OutboxMessage.chat_id).order_by(OutboxMessage.key)
        )
        return Shop(
            status=order.status,
            payment_status=order.payment.status if order.payment else None,
            stock=list(stock),
            events=events or 0,
            outbox=[(key, chat_id) for key, chat_id in outbox],
        )


def notified(placed: PlacedOrder, what: str, *, admins: bool) -> list[tuple[str, int]]:
    """The outbox rows one notification makes, sorted like `shop()` reads them."""
    base = f"order:{placed.order_id}:{what}"
    rows = [(f"{base}:customer", placed.telegram_id)]
    if admins:
        rows += [(f"{base}:admin:{chat_id}", chat_id) for chat_id in ADMINS]
    return sorted(rows)


async def outbox_text(db: Database, key: str) -> str:
    async with db.reading() as session:
        row = (await session.scalars(select(OutboxMessage).where(OutboxMessage.key == key))).one()
    return text_of(row)


# Payment


async def test_a_completed_checkout_pays_the_order_and_queues_one_notice_each(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    status, body = await post(http, webhook, completed(placed))

    assert (status, body) == (200, {"received": True})
    assert await shop(db, placed) == Shop(
        status=OrderStatus.PAID,
        payment_status=PaymentStatus.PAID,
        stock=[8],
        events=1,
        outbox=notified(placed, "paid", admins=True),
    )
    customer_text = await outbox_text(db, f"order:{placed.order_id}:paid:customer")
    assert "€99.98" in customer_text
    assert f"#{placed.order_id}" in customer_text
    async with db.reading() as session:
        payment = (await session.scalars(select(PaymentInformation))).one()
    assert (payment.received_amount, payment.received_currency) == (9998, "EUR")
    assert payment.stripe_payment_intent_id == "pi_test_order"


async def test_a_duplicate_delivery_has_its_effect_once(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    event = completed(placed)

    assert (await post(http, webhook, event))[0] == 200
    assert (await post(http, webhook, event))[0] == 200

    assert await shop(db, placed) == Shop(
        OrderStatus.PAID, PaymentStatus.PAID, [8], 1, notified(placed, "paid", admins=True)
    )
    order = await orders_history(db, placed)
    assert order.count(OrderStatus.PAID) == 1


async def test_five_simultaneous_deliveries_of_one_event_pay_once(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    event = completed(placed)

    results = await asyncio.gather(*(post(http, webhook, event) for _ in range(5)))

    assert [status for status, _ in results] == [200] * 5
    assert await shop(db, placed) == Shop(
        OrderStatus.PAID, PaymentStatus.PAID, [8], 1, notified(placed, "paid", admins=True)
    )
    assert (await orders_history(db, placed)).count(OrderStatus.PAID) == 1


async def test_two_events_paying_one_page_at_the_same_moment_pay_once(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    """Two event ids for one payment (a delayed method's completion and its success): on
    PostgreSQL the second waits on the order's lock and must then see the payment as paid."""
    events = [
        completed(placed),
        session_event("checkout.session.async_payment_succeeded", placed),
    ] * 3

    results = await asyncio.gather(*(post(http, webhook, event) for event in events))

    assert [status for status, _ in results] == [200] * 6
    assert await shop(db, placed) == Shop(
        OrderStatus.PAID, PaymentStatus.PAID, [8], 2, notified(placed, "paid", admins=True)
    )
    assert (await orders_history(db, placed)).count(OrderStatus.PAID) == 1


async def orders_history(db: Database, placed: PlacedOrder) -> list[OrderStatus]:
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=placed.order_id)
        return [change.to_status for change in order.history]


async def test_a_delayed_payment_pays_only_when_it_succeeds(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    await post(http, webhook, completed(placed, payment_status="unpaid"))
    waiting = await shop(db, placed)

    succeeded = session_event("checkout.session.async_payment_succeeded", placed)
    assert (await post(http, webhook, succeeded))[0] == 200

    assert waiting == Shop(OrderStatus.PENDING_PAYMENT, PaymentStatus.PENDING, [8], 1, [])
    assert await shop(db, placed) == Shop(
        OrderStatus.PAID, PaymentStatus.PAID, [8], 2, notified(placed, "paid", admins=True)
    )


async def test_a_failed_delayed_payment_tells_the_customer_and_keeps_the_order(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    failed = session_event("checkout.session.async_payment_failed", placed, payment_status="unpaid")

    assert (await post(http, webhook, failed))[0] == 200

    assert await shop(db, placed) == Shop(
        OrderStatus.PENDING_PAYMENT,
        PaymentStatus.FAILED,
        [8],
        1,
        notified(placed, "payment_failed", admins=False),
    )


async def test_a_payment_that_does_not_match_the_order_is_recorded_not_paid(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    status, _ = await post(http, webhook, completed(placed, amount=placed.total - 1))

    assert status == 200
    assert await shop(db, placed) == Shop(
        OrderStatus.PENDING_PAYMENT,
        PaymentStatus.MISMATCH,
        [8],
        1,
        notified(placed, "mismatch", admins=True),
    )
    alert = await outbox_text(db, f"order:{placed.order_id}:mismatch:admin:{ADMINS[0]}")
    assert "€99.98" in alert
    assert "€99.97" in alert


async def test_a_payment_in_another_currency_is_not_paid(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    await post(http, webhook, completed(placed, currency="usd"))

    after = await shop(db, placed)
    assert (after.status, after.payment_status) == (
        OrderStatus.PENDING_PAYMENT,
        PaymentStatus.MISMATCH,
    )
    assert after.outbox == notified(placed, "mismatch", admins=True)


# Expiry and events out of order


async def test_an_expired_checkout_cancels_the_order_and_returns_the_stock(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    assert (await post(http, webhook, expired(placed)))[0] == 200

    assert await shop(db, placed) == Shop(
        OrderStatus.CANCELLED,
        PaymentStatus.PENDING,
        [10],
        1,
        notified(placed, "cancelled", admins=False),
    )
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=placed.order_id)
    assert (order.history[-1].actor, order.history[-1].note) == ("stripe", EXPIRED_NOTE)


async def test_an_expiry_after_the_payment_changes_nothing(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    await post(http, webhook, completed(placed))

    assert (await post(http, webhook, expired(placed)))[0] == 200

    assert await shop(db, placed) == Shop(
        OrderStatus.PAID, PaymentStatus.PAID, [8], 2, notified(placed, "paid", admins=True)
    )


async def test_a_payment_after_the_expiry_leaves_the_order_cancelled_and_asks_for_a_refund(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    await post(http, webhook, expired(placed))

    assert (await post(http, webhook, completed(placed)))[0] == 200

    after = await shop(db, placed)
    assert (after.status, after.payment_status, after.stock, after.events) == (
        OrderStatus.CANCELLED,
        PaymentStatus.REFUND_PENDING,
        [10],
        2,
    )
    late = [(k, c) for k, c in after.outbox if ":not_payable:" in k]
    assert sorted(c for _, c in late) == sorted([placed.telegram_id, *ADMINS])
    assert not any(":paid:" in key for key, _ in after.outbox)
    alert = next(k for k, c in late if c == ADMINS[0])
    assert "refund" in (await outbox_text(db, alert)).lower()


async def test_the_expiry_of_a_replaced_session_does_not_cancel_the_order(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    await post(http, webhook, expired(placed, session_id="cs_test_older"))

    assert await shop(db, placed) == Shop(
        OrderStatus.PENDING_PAYMENT, PaymentStatus.PENDING, [8], 1, []
    )


# Refunds


async def test_a_refunded_charge_refunds_the_order_and_tells_the_customer(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    await post(http, webhook, completed(placed))
    charge = refunded_charge(payment_intent="pi_test_order", amount=placed.total, currency="eur")

    assert (await post(http, webhook, simulate.stripe_event("charge.refunded", charge)))[0] == 200

    after = await shop(db, placed)
    assert (after.status, after.payment_status, after.events) == (
        OrderStatus.REFUNDED,
        PaymentStatus.REFUNDED,
        2,
    )
    assert after.outbox == sorted(
        notified(placed, "paid", admins=True) + notified(placed, "refunded", admins=False)
    )
    assert "€99.98" in await outbox_text(db, f"order:{placed.order_id}:refunded:customer")


async def test_a_partial_refund_leaves_the_order_paid(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    await post(http, webhook, completed(placed))
    charge = refunded_charge(
        payment_intent="pi_test_order", amount=placed.total, currency="eur", refunded=1000
    )

    await post(http, webhook, simulate.stripe_event("charge.refunded", charge))

    assert await shop(db, placed) == Shop(
        OrderStatus.PAID, PaymentStatus.PAID, [8], 2, notified(placed, "paid", admins=True)
    )


async def test_a_refund_that_overtakes_its_payment_is_retried_and_ends_refunded(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    charge = refunded_charge(
        payment_intent="pi_test_order",
        amount=placed.total,
        currency="eur",
        order_id=placed.order_id,
    )
    refund = simulate.stripe_event("charge.refunded", charge)

    early = await post(http, webhook, refund)
    waiting = await shop(db, placed)
    await post(http, webhook, completed(placed))
    again = await post(http, webhook, refund)  # Stripe's retry of the same event

    assert early[0] == 409
    assert (waiting.status, waiting.events) == (OrderStatus.PENDING_PAYMENT, 0)
    assert again == (200, {"received": True})
    after = await shop(db, placed)
    assert (after.status, after.payment_status, after.events) == (
        OrderStatus.REFUNDED,
        PaymentStatus.REFUNDED,
        2,
    )


async def test_a_refund_of_a_charge_that_is_not_ours_is_acknowledged_and_ignored(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    await post(http, webhook, completed(placed))
    charge = refunded_charge(
        payment_intent="pi_other_app", amount=placed.total, currency="eur", order_id=placed.order_id
    )

    assert (await post(http, webhook, simulate.stripe_event("charge.refunded", charge)))[0] == 200
    after = await shop(db, placed)
    assert (after.status, after.payment_status) == (OrderStatus.PAID, PaymentStatus.PAID)


# Requests that change nothing


async def unchanged(db: Database, placed: PlacedOrder) -> bool:
    return await shop(db, placed) == Shop(
        OrderStatus.PENDING_PAYMENT, PaymentStatus.PENDING, [8], 0, []
    )


async def test_a_wrong_signature_is_refused(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    status, body = await post(http, webhook, completed(placed), secret="whsec_someone_else")

    assert (status, body) == (400, {"error": "invalid signature"})
    assert await unchanged(db, placed)


async def test_a_missing_signature_is_refused(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    body = json.dumps(completed(placed)).encode()

    status, _ = await post_raw(http, webhook, body, {})

    assert status == 400
    assert await unchanged(db, placed)


async def test_a_signature_older_than_five_minutes_is_refused(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    status, _ = await post(http, webhook, completed(placed), timestamp=int(time.time()) - 301)

    assert status == 400
    assert await unchanged(db, placed)


async def test_a_signature_dated_more_than_five_minutes_ahead_is_refused(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    status, _ = await post(http, webhook, completed(placed), timestamp=int(time.time()) + 301)

    assert status == 400
    assert await unchanged(db, placed)


async def test_a_signature_a_little_ahead_of_our_clock_is_accepted(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    status, _ = await post(http, webhook, completed(placed), timestamp=int(time.time()) + 30)

    assert status == 200
    assert (await shop(db, placed)).status is OrderStatus.PAID


async def test_a_signature_header_with_non_ascii_characters_is_refused_cleanly(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    body, signature = signed_event(completed(placed), SECRET)
    header = (signature + "é").encode("utf-8").decode("latin-1")

    status, answer = await post_raw(http, webhook, body, {"Stripe-Signature": header})

    assert (status, answer) == (400, {"error": "invalid signature"})
    assert await unchanged(db, placed)


async def test_a_body_changed_after_signing_is_refused(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    body, signature = signed_event(completed(placed), SECRET)
    tampered = body.replace(str(placed.total).encode(), b"1")

    status, _ = await post_raw(http, webhook, tampered, {"Stripe-Signature": signature})

    assert status == 400
    assert await unchanged(db, placed)


async def test_malformed_json_with_a_valid_signature_is_refused(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    body = b'{"id": "evt_1", "type": '

    status, _ = await post_raw(http, webhook, body, {"Stripe-Signature": sign_body(body, SECRET)})

    assert status == 400
    assert await unchanged(db, placed)


async def test_json_that_is_not_an_event_is_refused(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    status, _ = await post(http, webhook, {"id": "evt_1", "type": "checkout.session.completed"})

    assert status == 400
    assert await unchanged(db, placed)


async def test_a_body_that_is_not_json_by_type_is_refused(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    body, signature = signed_event(completed(placed), SECRET)

    status, _ = await post_raw(
        http, webhook, body, {"Stripe-Signature": signature, "Content-Type": "text/plain"}
    )

    assert status == 415
    assert await unchanged(db, placed)


async def test_an_oversized_body_is_refused(
    db: Database, http: aiohttp.ClientSession, placed: PlacedOrder
) -> None:
    event = completed(placed, metadata={"padding": "x" * 5000})
    body, signature = signed_event(event, SECRET)

    async with serving(db, max_webhook_body_bytes=4096) as url:
        status, _ = await post_raw(http, url, body, {"Stripe-Signature": signature})

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 1000):
                yield body[start : start + 1000]

        streamed, _ = await post_raw(http, url, chunks(), {"Stripe-Signature": signature})

    assert (status, streamed) == (413, 413)
    assert await unchanged(db, placed)


async def test_an_unknown_event_type_is_acknowledged_and_ignored(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    event = simulate.stripe_event("customer.created", {"id": "cus_1", "object": "customer"})

    assert await post(http, webhook, event) == (200, {"received": True})
    assert await unchanged(db, placed)


def alerted(what: str) -> list[tuple[str, int]]:
    return sorted((f"{what}:admin:{chat_id}", chat_id) for chat_id in ADMINS)


async def test_a_payment_for_an_order_the_shop_never_had_only_alerts_the_admins(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    event = completed(placed, session_id="cs_test_other", order_id=placed.order_id + 100)

    assert (await post(http, webhook, event))[0] == 200
    after = await shop(db, placed)
    assert (after.status, after.payment_status, after.outbox) == (
        OrderStatus.PENDING_PAYMENT,
        PaymentStatus.PENDING,
        alerted("stripe:1:unknown_session"),
    )
    text = await outbox_text(db, "stripe:1:unknown_session:admin:9001")
    assert "cs_test_other" in text and "€99.98" in text


async def test_a_session_the_shop_never_made_cannot_take_over_an_order_it_names(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    foreign = completed(placed, session_id="cs_test_other_app", payment_intent="pi_other")

    assert (await post(http, webhook, foreign))[0] == 200
    untouched = await shop(db, placed)
    assert (await post(http, webhook, completed(placed)))[0] == 200

    assert (untouched.status, untouched.payment_status) == (
        OrderStatus.PENDING_PAYMENT,
        PaymentStatus.PENDING,
    )
    after = await shop(db, placed)
    assert (after.status, after.payment_status) == (OrderStatus.PAID, PaymentStatus.PAID)
    async with db.reading() as session:
        payment = (await session.scalars(select(PaymentInformation))).one()
    assert (payment.stripe_checkout_session_id, payment.stripe_payment_intent_id) == (
        SESSION_ID,
        "pi_test_order",
    )


async def test_an_expired_session_the_shop_never_made_cancels_nothing(
    db: Database, http: aiohttp.ClientSession, webhook: str
) -> None:
    not_yet_paying = await place_order(db)  # the customer has not opened a payment page yet
    event = expired(not_yet_paying, session_id="cs_test_other_app")

    assert (await post(http, webhook, event))[0] == 200
    after = await shop(db, not_yet_paying)
    assert (after.status, after.stock, after.outbox) == (OrderStatus.PENDING_PAYMENT, [8], [])


@pytest.mark.parametrize("reference", ["²", "9" * 30, "٣"])
async def test_an_order_id_that_is_no_number_of_ours_is_acknowledged_and_ignored(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder, reference: str
) -> None:
    event = completed(placed, session_id="cs_test_other")
    event["data"]["object"]["client_reference_id"] = reference
    event["data"]["object"]["metadata"] = {"order_id": reference}
    charge = refunded_charge(payment_intent="pi_other", amount=placed.total, currency="eur")
    charge["metadata"] = {"order_id": reference}

    assert (await post(http, webhook, event))[0] == 200
    assert (await post(http, webhook, simulate.stripe_event("charge.refunded", charge)))[0] == 200
    after = await shop(db, placed)
    assert (after.status, after.payment_status, after.stock, after.outbox) == (
        OrderStatus.PENDING_PAYMENT,
        PaymentStatus.PENDING,
        [8],
        alerted("stripe:1:unknown_session"),
    )


async def test_without_a_webhook_secret_nothing_is_accepted(
    db: Database, http: aiohttp.ClientSession, placed: PlacedOrder
) -> None:
    async with serving(db, stripe_webhook_secret=None) as url:
        status, _ = await post(http, url, completed(placed))

    assert status == 503
    assert await unchanged(db, placed)


async def test_a_database_failure_is_answered_without_internals_so_stripe_retries(
    db: Database, http: aiohttp.ClientSession, placed: PlacedOrder, unreachable_db: Database
) -> None:
    app = create_web_app(database=unreachable_db, settings=settings_for(db))
    runner = await start_web_server(app, "127.0.0.1", 0)
    try:
        status, body = await post(http, server_url(runner) + STRIPE_WEBHOOK_PATH, completed(placed))
    finally:
        await stop_web_server(runner)

    assert (status, body) == (500, {"error": "internal error"})
    assert await unchanged(db, placed)


@pytest.fixture
async def unreachable_db(db: Database) -> AsyncIterator[Database]:
    if db.is_sqlite:
        database = Database("sqlite+aiosqlite:////nonexistent/folder/shop.db")
    else:
        database = Database(db.url.set(host="127.0.0.1", port=1))
    yield database
    await database.dispose()


# Saving the card


@asynccontextmanager
async def paid_at_stripe(
    db: Database, placed: PlacedOrder, *, save_card: bool
) -> AsyncIterator[tuple[FakeStripeApi, dict[str, Any], str]]:
    """The order paid at the Stripe fake, and the shop's webhook that can ask the fake about
    the card: (the fake, the paid Checkout Session, the webhook's url)."""
    async with FakeStripeApi() as stripe_api:
        gateway = StripeGateway(secret_key="sk_test_1", api_base=stripe_api.base_url)
        try:
            async with db.reading() as session:
                order = await orders.get_order(session, order_id=placed.order_id)
            checkout = await gateway.create_checkout_session(
                order,
                success_url="https://t.me/a",
                cancel_url="https://t.me/b",
                expires_at=utcnow() + timedelta(hours=1),
                save_card=save_card,
            )
        finally:
            await gateway.close()
        async with db.transaction() as session:
            await ledger.attach_reference(
                session,
                order_id=placed.order_id,
                provider=PaymentProvider.STRIPE,
                checkout_session_id=checkout.id,
            )
        paid = stripe_api.pay(checkout.id)
        async with serving(
            db, stripe_secret_key="sk_test_1", stripe_api_base=stripe_api.base_url
        ) as url:
            yield stripe_api, paid, url


async def saved(db: Database) -> list[PaymentDetails]:
    async with db.reading() as session:
        return list((await session.scalars(select(PaymentDetails))).all())


async def test_a_card_the_customer_asked_to_save_is_kept_once_without_its_number(
    db: Database, http: aiohttp.ClientSession
) -> None:
    placed = await place_order(db)
    async with paid_at_stripe(db, placed, save_card=True) as (stripe_api, paid, url):
        event = simulate.stripe_event("checkout.session.completed", paid)
        assert (await post(http, url, event))[0] == 200
        assert (await post(http, url, event))[0] == 200  # delivered again
        again = simulate.stripe_event("checkout.session.completed", paid)  # another event id
        results = await asyncio.gather(*(post(http, url, again) for _ in range(3)))
        assert [status for status, _ in results] == [200] * 3

    [card] = await saved(db)
    intent = stripe_api.payment_intents[paid["payment_intent"]]
    assert (await shop(db, placed)).status is OrderStatus.PAID
    assert (card.user_id, card.provider) == (placed.user_id, PaymentProvider.STRIPE)
    assert (card.provider_payment_method_id, card.provider_customer_id) == (
        intent["payment_method"],
        paid["customer"],
    )
    assert paid["customer"] is not None
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == ("visa", "4242", 12, 2034)


async def test_a_card_paid_without_the_customer_asking_is_not_kept(
    db: Database, http: aiohttp.ClientSession
) -> None:
    placed = await place_order(db)
    async with paid_at_stripe(db, placed, save_card=False) as (stripe_api, paid, url):
        event = simulate.stripe_event("checkout.session.completed", paid)
        assert (await post(http, url, event))[0] == 200

    assert await saved(db) == []
    assert (await shop(db, placed)).status is OrderStatus.PAID
    assert stripe_api.requests_to("GET", f"/v1/payment_intents/{paid['payment_intent']}") == []


async def test_when_stripe_cannot_say_which_card_paid_the_order_is_paid_all_the_same(
    db: Database, http: aiohttp.ClientSession
) -> None:
    placed = await place_order(db)
    async with paid_at_stripe(db, placed, save_card=True) as (stripe_api, paid, url):
        stripe_api.fail_next(status=500, type="api_error", message="down", code=None)
        event = simulate.stripe_event("checkout.session.completed", paid)
        assert (await post(http, url, event))[0] == 200

    assert await saved(db) == []
    assert await shop(db, placed) == Shop(
        OrderStatus.PAID, PaymentStatus.PAID, [8], 1, notified(placed, "paid", admins=True)
    )


async def test_a_card_expanded_in_the_event_is_saved_without_asking_stripe(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    intent = {
        "id": "pi_test_order",
        "setup_future_usage": "on_session",
        "customer": "cus_1",
        "payment_method": {
            "id": "pm_1",
            "card": {"brand": "mastercard", "last4": "4444", "exp_month": 3, "exp_year": 2030},
        },
    }

    await post(http, webhook, completed(placed, payment_intent=intent, customer="cus_1"))

    async with db.reading() as session:
        card = (await session.scalars(select(PaymentDetails))).one()
    assert (card.provider_payment_method_id, card.provider_customer_id) == ("pm_1", "cus_1")
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == (
        "mastercard",
        "4444",
        3,
        2030,
    )
    assert (await shop(db, placed)).status is OrderStatus.PAID


async def test_no_card_is_saved_unless_the_customer_asked(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    intent = {
        "id": "pi_test_order",
        "payment_method": {
            "id": "pm_1",
            "card": {"brand": "visa", "last4": "4242", "exp_month": 3, "exp_year": 2030},
        },
    }

    await post(http, webhook, completed(placed, payment_intent=intent))

    async with db.reading() as session:
        assert (await session.scalars(select(PaymentDetails))).all() == []
    assert (await shop(db, placed)).status is OrderStatus.PAID


# What a paid event costs the database


# The SQL statements one event costs end to end (SQLite's BEGIN IMMEDIATE aside, so that both
# databases count alike): bounds a regression that loads or writes more would cross. Paid: the
# event row; the order, its payment and its customer read and locked together; the payment; the
# order; its history; the promoted admins; every notice in one INSERT (11 before issue #17).
# A duplicate stops at the event row; in the process that recorded it, before the database.
PAID_STATEMENTS = 7
DUPLICATE_STATEMENTS = 1


def _not_begin(statement: str) -> bool:
    return not statement.startswith("BEGIN")


async def test_a_paid_event_and_its_duplicate_cost_few_statements(
    db: Database,
    http: aiohttp.ClientSession,
    webhook: str,
    placed: PlacedOrder,
    database_url: URL,
) -> None:
    event_ = completed(placed)
    elsewhere = Database(database_url)  # another instance behind the same webhook

    with statements(db, keep=_not_begin, reads_too=False) as paid:
        assert (await post(http, webhook, event_))[0] == 200
    with statements(db, keep=_not_begin, reads_too=False) as duplicate:
        assert (await post(http, webhook, event_))[0] == 200
    try:
        async with serving(elsewhere) as other_webhook:
            with statements(elsewhere, keep=_not_begin, reads_too=False) as duplicate_elsewhere:
                assert (await post(http, other_webhook, event_))[0] == 200
    finally:
        await elsewhere.dispose()

    assert len(paid) <= PAID_STATEMENTS, paid
    assert duplicate == []  # this process recorded it
    assert len(duplicate_elsewhere) <= DUPLICATE_STATEMENTS, duplicate_elsewhere
    assert await shop(db, placed) == Shop(
        OrderStatus.PAID, PaymentStatus.PAID, [8], 1, notified(placed, "paid", admins=True)
    )


async def test_copies_of_an_event_arriving_together_wait_for_it_and_change_nothing_more(
    db: Database, http: aiohttp.ClientSession, webhook: str, placed: PlacedOrder
) -> None:
    """A storm: Stripe's copies of one event at the same moment are applied once, and only
    the first touches the database."""
    event_ = completed(placed)

    with statements(db, keep=_not_begin, reads_too=False) as seen:
        answers = await asyncio.gather(*(post(http, webhook, event_) for _ in range(5)))

    assert [status for status, _ in answers] == [200] * 5
    assert len(seen) <= PAID_STATEMENTS, seen
    assert await shop(db, placed) == Shop(
        OrderStatus.PAID, PaymentStatus.PAID, [8], 1, notified(placed, "paid", admins=True)
    )
