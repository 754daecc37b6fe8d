"""Abuse of the web server's webhooks: refused fast, with no effect, and the next real one works.

Each test checks the whole outcome in the database: the order, the provider events recorded
and the notifications queued.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.db import Database
from bot.devtools.stripe_fake import sign_body, signed_event
from bot.emulator.emulator import BotApiEmulator
from bot.models import Order, OrderStatus, OutboxMessage, PaymentProvider, ProviderEvent, User
from bot.runner import running_shop
from bot.services import ledger
from bot.web import (
    HEALTH_PATH,
    STRIPE_WEBHOOK_PATH,
    TELEGRAM_WEBHOOK_PATH,
    create_web_app,
    server_url,
    start_web_server,
    stop_web_server,
)
from bot.web.stripe_webhook import TOLERANCE_S
from bot.web.telegram_webhook import SECRET_HEADER
from tests.conftest import shop_settings
from tests.fakes.orders import PlacedOrder, place_order
from tests.fakes.stripe_shop import paid_event
from tests.test_runtime import free_port, start_update

STRIPE_SECRET = "whsec_abuse_test"
TELEGRAM_SECRET = "abuse-Secret_42"
SESSION_ID = "cs_test_abuse"
LIMIT = 64 * 1024
FLOOD = 500
# Generous for a shared 2-core machine; refusing one request costs well under a millisecond.
FLOOD_SECONDS = 20.0


@dataclass(frozen=True)
class Effects:
    status: OrderStatus
    events: int
    outbox: int


class Updates:
    """The bot's side of the Telegram webhook: remembers what it was handed."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    async def __call__(self, update: dict[str, Any]) -> bool:
        self.received.append(update)
        return True


@pytest.fixture
async def placed(db: Database) -> PlacedOrder:
    placed = await place_order(db)
    async with db.transaction() as session:
        await ledger.attach_reference(
            session,
            order_id=placed.order_id,
            provider=PaymentProvider.STRIPE,
            checkout_session_id=SESSION_ID,
        )
    return placed


@pytest.fixture
def updates() -> Updates:
    return Updates()


@pytest.fixture
async def base_url(db: Database, updates: Updates) -> AsyncIterator[str]:
    values: dict[str, Any] = {
        "database_url": db.url.render_as_string(hide_password=False),
        "stripe_webhook_secret": STRIPE_SECRET,
        "telegram_webhook_secret": TELEGRAM_SECRET,
        "max_webhook_body_bytes": LIMIT,
    }
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    app = create_web_app(database=db, settings=settings, telegram_update_handler=updates)
    runner = await start_web_server(app, "127.0.0.1", 0)
    try:
        yield server_url(runner)
    finally:
        await stop_web_server(runner)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=FLOOD)) as session:
        yield session


async def effects(db: Database, placed: PlacedOrder) -> Effects:
    async with db.reading() as session:
        order = await session.get_one(Order, placed.order_id)
        events = await session.scalar(select(func.count()).select_from(ProviderEvent))
        outbox = await session.scalar(select(func.count()).select_from(OutboxMessage))
    return Effects(order.status, events or 0, outbox or 0)


def untouched() -> Effects:
    return Effects(OrderStatus.PENDING_PAYMENT, 0, 0)


def payment(placed: PlacedOrder) -> dict[str, Any]:
    return paid_event(
        session_id=SESSION_ID, order_id=placed.order_id, amount=placed.total, currency="EUR"
    )


async def post(http: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]) -> int:
    async with http.post(url, data=body, headers=headers) as response:
        await response.read()
        return response.status


def stripe_headers(signature: str, content_type: str = "application/json") -> dict[str, str]:
    return {"Content-Type": content_type, "Stripe-Signature": signature}


def telegram_headers(secret: str | None = TELEGRAM_SECRET) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    return headers


async def pay_for_real(http: aiohttp.ClientSession, base_url: str, placed: PlacedOrder) -> int:
    body, signature = signed_event(payment(placed), STRIPE_SECRET)
    return await post(http, base_url + STRIPE_WEBHOOK_PATH, body, stripe_headers(signature))


# --------------------------------------------------------------------------- oversized bodies


async def status_while_still_sending(url: str, headers: dict[str, str], declared: int) -> int:
    """Declare a body of `declared` bytes, send only its first 16 KiB, and read the
    answer: it can only come before the body is complete if the server refused to read it."""
    host, port = url.removeprefix("http://").split("/", 1)[0].split(":")
    path = "/" + url.removeprefix("http://").split("/", 1)[1]
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {declared}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + b"{" * 16384)
        await writer.drain()
        async with asyncio.timeout(5):
            status_line = await reader.readline()
    finally:
        writer.close()
    return int(status_line.split()[1])


async def test_a_body_declared_too_large_is_refused_before_it_is_sent(
    base_url: str, db: Database, placed: PlacedOrder
) -> None:
    signature = sign_body(b"{}", STRIPE_SECRET)

    stripe = await status_while_still_sending(
        base_url + STRIPE_WEBHOOK_PATH, stripe_headers(signature), declared=50_000_000
    )
    telegram = await status_while_still_sending(
        base_url + TELEGRAM_WEBHOOK_PATH, telegram_headers(), declared=50_000_000
    )
    no_secret = await status_while_still_sending(
        base_url + TELEGRAM_WEBHOOK_PATH, telegram_headers(None), declared=50_000_000
    )

    assert (stripe, telegram, no_secret) == (413, 413, 403)
    assert await effects(db, placed) == untouched()


async def test_a_streamed_body_is_cut_off_at_the_limit(
    base_url: str, db: Database, placed: PlacedOrder, http: aiohttp.ClientSession, updates: Updates
) -> None:
    async def endless() -> AsyncIterator[bytes]:
        """Four times the limit, and it would go on: the server must stop reading first."""
        for _ in range(4 * LIMIT // 4096):
            yield b" " * 4096

    _, signature = signed_event(payment(placed), STRIPE_SECRET)
    async with http.post(
        base_url + STRIPE_WEBHOOK_PATH, data=endless(), headers=stripe_headers(signature)
    ) as response:
        stripe = response.status
    async with http.post(
        base_url + TELEGRAM_WEBHOOK_PATH, data=endless(), headers=telegram_headers()
    ) as response:
        telegram = response.status

    assert (stripe, telegram) == (413, 413)
    assert updates.received == []
    assert await effects(db, placed) == untouched()


# --------------------------------------------------------------------------- what is not JSON


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""],
)
async def test_a_body_of_another_type_is_refused(
    base_url: str,
    db: Database,
    placed: PlacedOrder,
    http: aiohttp.ClientSession,
    updates: Updates,
    content_type: str,
) -> None:
    body, signature = signed_event(payment(placed), STRIPE_SECRET)
    headers = stripe_headers(signature, content_type)
    telegram = telegram_headers() | {"Content-Type": content_type}
    update = json.dumps({"update_id": 1}).encode()

    assert await post(http, base_url + STRIPE_WEBHOOK_PATH, body, headers) == 415
    assert await post(http, base_url + TELEGRAM_WEBHOOK_PATH, update, telegram) == 415
    assert updates.received == []
    assert await effects(db, placed) == untouched()


# Neither a Stripe event nor a Telegram update: not JSON, or JSON that is not an object.
MALFORMED = [
    b"",
    b"{",
    b'{"id": "evt_1", "type": ',
    b"\xff\xfe\x00{",  # not UTF-8
    b"null",
    b'"event"',
    b"[1, 2, 3]",
    b"[" * 30_000 + b"]" * 30_000,  # nested deeper than the JSON parser recurses
    b'{"a": ' * 8_000 + b"1" + b"}" * 8_000,
]
# JSON objects, but not Stripe events.
NOT_EVENTS = [
    b"{}",
    b'{"id": NaN, "type": Infinity, "data": {"object": {}}}',
    b'{"id": "evt_1", "type": "checkout.session.completed", "data": []}',
    b'{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": "cs_1"}}',
    b'{"id": ["evt_1"], "type": "checkout.session.completed", "data": {"object": {}}}',
]


def short(body: bytes) -> str:
    return repr(body[:24])


@pytest.mark.parametrize("body", MALFORMED, ids=short)
async def test_malformed_json_is_refused_even_when_properly_signed(
    base_url: str,
    db: Database,
    placed: PlacedOrder,
    http: aiohttp.ClientSession,
    updates: Updates,
    body: bytes,
) -> None:
    stripe_url, telegram_url = base_url + STRIPE_WEBHOOK_PATH, base_url + TELEGRAM_WEBHOOK_PATH
    signed = stripe_headers(sign_body(body, STRIPE_SECRET))

    assert await post(http, stripe_url, body, signed) == 400
    assert await post(http, telegram_url, body, telegram_headers()) == 400
    assert await pay_for_real(http, base_url, placed) == 200

    assert updates.received == []
    assert await effects(db, placed) == Effects(OrderStatus.PAID, 1, 1)


@pytest.mark.parametrize("body", NOT_EVENTS, ids=short)
async def test_signed_json_that_is_not_an_event_is_refused(
    base_url: str, db: Database, placed: PlacedOrder, http: aiohttp.ClientSession, body: bytes
) -> None:
    signed = stripe_headers(sign_body(body, STRIPE_SECRET))

    assert await post(http, base_url + STRIPE_WEBHOOK_PATH, body, signed) == 400
    assert await pay_for_real(http, base_url, placed) == 200
    assert await effects(db, placed) == Effects(OrderStatus.PAID, 1, 1)


# --------------------------------------------------------------------------- signatures


async def test_a_signature_replayed_after_the_tolerance_is_refused(
    base_url: str, db: Database, placed: PlacedOrder, http: aiohttp.ClientSession
) -> None:
    """What an eavesdropper could replay: a body and header Stripe really sent, but long ago."""
    body, _ = signed_event(payment(placed), STRIPE_SECRET)
    url = base_url + STRIPE_WEBHOOK_PATH
    stale = int(time.time()) - TOLERANCE_S - 1
    long_ago = stale - 86_400
    stale_header = sign_body(body, STRIPE_SECRET, stale)
    two_stale = f"{stale_header},{sign_body(body, STRIPE_SECRET, long_ago).split(',')[1]}"

    for header in (stale_header, sign_body(body, STRIPE_SECRET, long_ago), two_stale):
        assert await post(http, url, body, stripe_headers(header)) == 400
    assert await effects(db, placed) == untouched()


def forged_signatures(body: bytes, count: int) -> list[str]:
    """Headers an attacker without the secret could send, of every shape."""
    now = int(time.time())
    shapes: list[Callable[[], str]] = [
        lambda: f"t={now},v1={secrets.token_hex(32)}",
        lambda: sign_body(body, "whsec_guessed"),
        lambda: f"t={now},v0={secrets.token_hex(32)}",
        lambda: f"t={now}",
        lambda: f"v1={secrets.token_hex(32)}",
        lambda: "t=not-a-time,v1=zz",
        lambda: "",
        lambda: "x" * 4000,
        lambda: f"t={now + 10**12},v1={secrets.token_hex(32)}",
    ]
    return [shapes[i % len(shapes)]() for i in range(count)]


async def test_a_flood_of_bad_signatures_is_refused_fast_and_a_real_event_still_works(
    base_url: str, db: Database, placed: PlacedOrder, http: aiohttp.ClientSession
) -> None:
    body = json.dumps(payment(placed)).encode()
    url = base_url + STRIPE_WEBHOOK_PATH
    started = time.perf_counter()

    statuses = await asyncio.gather(
        *(post(http, url, body, stripe_headers(s)) for s in forged_signatures(body, FLOOD))
    )
    elapsed = time.perf_counter() - started
    after_flood = await effects(db, placed)
    real = await pay_for_real(http, base_url, placed)

    assert statuses == [400] * FLOOD
    assert elapsed < FLOOD_SECONDS
    assert after_flood == untouched()
    assert real == 200
    assert await effects(db, placed) == Effects(OrderStatus.PAID, 1, 1)


async def test_a_flood_of_wrong_telegram_secrets_is_refused_and_a_real_update_still_works(
    base_url: str, http: aiohttp.ClientSession, updates: Updates
) -> None:
    update = json.dumps({"update_id": 7, "message": {"message_id": 1}}).encode()
    url = base_url + TELEGRAM_WEBHOOK_PATH
    guesses: list[str | None] = [None, "", TELEGRAM_SECRET[:-1], TELEGRAM_SECRET + "x", "x" * 256]
    wrong = [guesses[i % len(guesses)] for i in range(FLOOD)]

    started = time.perf_counter()
    statuses = await asyncio.gather(*(post(http, url, update, telegram_headers(s)) for s in wrong))
    elapsed = time.perf_counter() - started
    async with http.get(base_url + HEALTH_PATH) as response:
        health = response.status
    real = await post(http, url, update, telegram_headers())

    assert statuses == [403] * FLOOD
    assert elapsed < FLOOD_SECONDS
    assert (health, real) == (200, 200)
    assert updates.received == [json.loads(update)]


# --------------------------------------------------------------------------- the running shop


async def test_the_shop_in_webhook_mode_still_answers_after_a_flood_of_forged_updates(
    emulator: BotApiEmulator, db: Database, http: aiohttp.ClientSession
) -> None:
    """Forged updates (no secret, a wrong one) would make the bot talk to whoever they name:
    none is handled, and the customer Telegram really sends right after gets the answer."""
    port = free_port()
    settings = shop_settings(
        emulator,
        db,
        web_port=port,
        webhook_url=f"http://127.0.0.1:{port}",
        telegram_webhook_secret=TELEGRAM_SECRET,
    )
    forged = json.dumps(start_update(1, telegram_id=666, first_name="Mallory")).encode()
    guesses: list[str | None] = [None, "", TELEGRAM_SECRET.upper(), TELEGRAM_SECRET + "x"]
    url = f"http://127.0.0.1:{port}{TELEGRAM_WEBHOOK_PATH}"

    async with running_shop(settings, db, token=emulator.token):
        statuses = await asyncio.gather(
            *(post(http, url, forged, telegram_headers(guesses[i % 4])) for i in range(FLOOD))
        )
        ann = emulator.user(42, "Ann")
        await ann.send("/start")  # Telegram pushes it to the webhook with the secret
        greeting = await ann.next_message()

    assert statuses == [403] * FLOOD
    assert "Hello, Ann!" in greeting.content
    assert [c for c in emulator.calls if str(c.params.get("chat_id")) == "666"] == []
    async with db.reading() as session:
        assert await session.scalar(select(User.id).where(User.telegram_id == 666)) is None
