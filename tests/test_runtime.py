"""The shop as `shopbot run` runs it: bot, web server and background jobs, over loopback HTTP."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from pydantic import ValidationError
from sqlalchemy import select, update
from telegram.request import BaseRequest, HTTPXRequest

from bot.app import ShopApplication
from bot.botapi.transport import AiohttpRequest
from bot.config import Settings
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.faults import Fault
from bot.jobs.background import BackgroundJobs, RepeatingJob
from bot.models import Order, OrderStatus, OutboxMessage, OutboxStatus, PaymentProvider, Size
from bot.models.base import utcnow
from bot.runner import ShopStopped, WebServerError, running_shop
from bot.services import ledger, outbox
from bot.web import HEALTH_PATH, TELEGRAM_WEBHOOK_PATH
from tests.conftest import shop_settings
from tests.fakes.orders import PlacedOrder, place_order
from tests.fakes.stripe_shop import WEBHOOK_SECRET, paid_event, post_event
from tests.notices import verbatim

TELEGRAM_SECRET = "telegram-webhook_Secret1"
SESSION_ID = "cs_test_runtime"
EXPIRED_NOTICE = "was cancelled because it was not paid in time"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def jobs(app: ShopApplication) -> BackgroundJobs:
    assert app.bot_data.jobs is not None
    return app.bot_data.jobs


def sent_to(emulator: BotApiEmulator, chat_id: int) -> list[str]:
    return [
        str(call.params.get("text"))
        for call in emulator.calls_to("sendMessage")
        if str(call.params.get("chat_id")) == str(chat_id)
    ]


async def outbox_rows(db: Database) -> list[tuple[str, OutboxStatus]]:
    async with db.reading() as session:
        rows = await session.execute(
            select(OutboxMessage.key, OutboxMessage.status).order_by(OutboxMessage.key)
        )
        return [(key, status) for key, status in rows]


# The web server beside the bot


async def test_the_web_server_answers_beside_the_polling_bot(
    emulator: BotApiEmulator, db: Database, http: aiohttp.ClientSession
) -> None:
    settings = shop_settings(emulator, db, web_port=0)
    async with running_shop(settings, db, token=emulator.token, web=True) as app:
        assert app.bot_data.web_url is not None
        async with http.get(app.bot_data.web_url + HEALTH_PATH) as response:
            health = response.status
        ann = emulator.user(42, "Ann")
        await ann.send("/start")
        greeting = await ann.next_message()

    assert health == 200
    assert "Hello, Ann!" in greeting.content
    assert emulator.calls_to("getUpdates")
    assert emulator.calls_to("setWebhook") == []


async def test_a_taken_port_is_reported_as_such(emulator: BotApiEmulator, db: Database) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = shop_settings(emulator, db, web_port=port)
        with pytest.raises(WebServerError, match=f"127.0.0.1:{port}"):
            async with running_shop(settings, db, token=emulator.token, web=True):
                pass


# The HTTP transport to the Bot API


@pytest.mark.parametrize(
    ("transport", "request_type"), [("aiohttp", AiohttpRequest), ("httpx", HTTPXRequest)]
)
async def test_the_configured_transport_carries_the_bots_calls(
    emulator: BotApiEmulator, db: Database, transport: str, request_type: type[BaseRequest]
) -> None:
    settings = shop_settings(emulator, db, telegram_http_transport=transport)
    async with running_shop(settings, db, token=emulator.token, jobs=False) as app:
        ann = emulator.user(42, "Ann")
        await ann.send("/start")
        greeting = await ann.next_message()

    assert "Hello, Ann!" in greeting.content
    assert type(app.bot.request) is request_type


def test_aiohttp_is_the_default_transport_and_others_are_refused() -> None:
    assert Settings(_env_file=None).telegram_http_transport == "aiohttp"  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="telegram_http_transport"):
        Settings(_env_file=None, telegram_http_transport="requests")  # type: ignore[call-arg, arg-type]


async def test_messages_are_paced_to_the_configured_rate(
    emulator: BotApiEmulator, db: Database
) -> None:
    settings = shop_settings(
        emulator, db, telegram_messages_per_second=2, broadcast_messages_per_second=1
    )
    customers = [emulator.user(100 + n, f"Customer {n}") for n in range(6)]
    loop = asyncio.get_running_loop()
    async with running_shop(settings, db, token=emulator.token, jobs=False):
        started = loop.time()
        for customer in customers:
            await customer.send("/start")
        for customer in customers:
            await customer.next_message()
        elapsed = loop.time() - started

    # Two at once, then one every half second.
    assert elapsed >= 1.9


# Outbox delivery


async def test_the_delivery_job_sends_queued_notifications_on_its_own(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    ann = emulator.user(42, "Ann")
    async with db.transaction() as session:
        await outbox.enqueue(
            session, key="hello", chat_id=ann.chat_id, notice=verbatim("Your parcel left.")
        )

    assert (await ann.next_message()).content == "Your parcel left."
    assert await jobs(shop).deliver_now() == 0
    assert await outbox_rows(db) == [("hello", OutboxStatus.SENT)]


async def paid_order(db: Database) -> PlacedOrder:
    placed = await place_order(db)
    async with db.transaction() as session:
        await ledger.attach_reference(
            session,
            order_id=placed.order_id,
            provider=PaymentProvider.STRIPE,
            checkout_session_id=SESSION_ID,
        )
    return placed


async def test_a_paid_notice_committed_before_a_crash_arrives_once_after_the_restart(
    emulator: BotApiEmulator, db: Database
) -> None:
    placed = await paid_order(db)
    ann = emulator.user(placed.telegram_id, "Ann")
    settings = shop_settings(emulator, db, web_port=0, stripe_webhook_secret=WEBHOOK_SECRET)
    event = paid_event(
        session_id=SESSION_ID, order_id=placed.order_id, amount=placed.total, currency="EUR"
    )
    async with running_shop(settings, db, token=emulator.token, web=True, jobs=False) as first:
        assert await post_event(first, event) == 200
    # The first process is gone before it delivered anything.
    assert sent_to(emulator, ann.chat_id) == []
    key = f"order:{placed.order_id}:paid:customer"
    assert await outbox_rows(db) == [(key, OutboxStatus.PENDING)]

    async with running_shop(settings, db, token=emulator.token) as second:
        notice = await ann.next_message()
        assert await jobs(second).deliver_now() == 0

    assert f"We received €99.98 for order #{placed.order_id}" in notice.content
    assert len(sent_to(emulator, ann.chat_id)) == 1
    assert await outbox_rows(db) == [(key, OutboxStatus.SENT)]


# Unpaid orders


async def abandon(db: Database, placed: PlacedOrder, minutes: int) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(Order)
            .where(Order.id == placed.order_id)
            .values(created_at=utcnow() - timedelta(minutes=minutes))
        )


async def order_and_stock(db: Database, placed: PlacedOrder) -> tuple[OrderStatus, int]:
    async with db.reading() as session:
        order = await session.get_one(Order, placed.order_id)
        stock = await session.scalar(select(Size.stock).where(Size.id == placed.size_ids[0]))
    return order.status, stock or 0


async def test_the_expiry_job_cancels_an_overdue_order_returns_its_stock_and_tells_once(
    emulator: BotApiEmulator, db: Database
) -> None:
    overdue, recent = await place_order(db), await place_order(db)
    await abandon(db, overdue, minutes=66)  # its hold, and the grace for a late payment
    await abandon(db, recent, minutes=64)
    ann = emulator.user(overdue.telegram_id, "Ann")
    settings = shop_settings(emulator, db, unpaid_order_timeout_minutes=60)

    async with running_shop(settings, db, token=emulator.token, jobs=False) as app:
        expired = await jobs(app).expiry.run_now()
        delivered = await jobs(app).deliver_now()
        notice = await ann.next_message()
        expired_again = await jobs(app).expiry.run_now()
        delivered_again = await jobs(app).deliver_now()

    assert (expired, delivered) == ([overdue.order_id], 1)
    assert (expired_again, delivered_again) == ([], 0)
    assert f"Order #{overdue.order_id} {EXPIRED_NOTICE}" in notice.content
    assert len(sent_to(emulator, ann.chat_id)) == 1
    assert await order_and_stock(db, overdue) == (OrderStatus.CANCELLED, 10)
    assert await order_and_stock(db, recent) == (OrderStatus.PENDING_PAYMENT, 8)


async def test_the_background_jobs_expire_and_tell_without_being_asked(
    emulator: BotApiEmulator, db: Database
) -> None:
    overdue = await place_order(db)
    await abandon(db, overdue, minutes=120)
    ann = emulator.user(overdue.telegram_id, "Ann")
    settings = shop_settings(emulator, db, unpaid_order_timeout_minutes=60)

    async with running_shop(settings, db, token=emulator.token) as app:
        notice = await ann.next_message()
        running = jobs(app).delivery.running and jobs(app).expiry.running
    stopped = not jobs(app).delivery.running and not jobs(app).expiry.running

    assert EXPIRED_NOTICE in notice.content
    assert await order_and_stock(db, overdue) == (OrderStatus.CANCELLED, 10)
    assert running and stopped


# Repeating jobs


async def test_stopping_a_job_lets_its_round_in_progress_finish() -> None:
    entered, release = asyncio.Event(), asyncio.Event()
    finished: list[int] = []

    async def work() -> None:
        entered.set()
        await release.wait()
        finished.append(1)

    job: RepeatingJob[None] = RepeatingJob("test", work, interval_s=3600)
    job.start()
    await entered.wait()
    stopping = asyncio.create_task(job.stop())
    await asyncio.sleep(0)  # let stop() begin waiting
    assert not stopping.done()
    release.set()
    await stopping

    assert finished == [1]
    assert not job.running


async def test_a_round_run_now_waits_for_the_one_in_progress() -> None:
    release = asyncio.Event()
    log: list[str] = []

    async def work() -> int:
        log.append("start")
        await release.wait()
        log.append("end")
        return len(log)

    job: RepeatingJob[int] = RepeatingJob("test", work, interval_s=3600)
    first = asyncio.create_task(job.run_now())
    second = asyncio.create_task(job.run_now())
    await asyncio.sleep(0)
    release.set()

    assert await first == 2
    assert await second == 4
    assert log == ["start", "end", "start", "end"]


async def test_a_failing_round_does_not_end_the_job() -> None:
    rounds = 0
    failed, done = asyncio.Event(), asyncio.Event()

    async def work() -> None:
        nonlocal rounds
        rounds += 1
        if rounds == 1:
            failed.set()
            raise RuntimeError("database down")
        done.set()

    job: RepeatingJob[None] = RepeatingJob("test", work, interval_s=3600)
    job.start()
    await failed.wait()
    job.wake()  # rather than waiting an hour for the next round
    async with asyncio.timeout(5):
        await done.wait()
    await job.stop()

    assert rounds == 2


# Webhook mode


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def webhook_shop(emulator: BotApiEmulator, db: Database) -> AsyncIterator[ShopApplication]:
    port = free_port()
    settings = shop_settings(
        emulator,
        db,
        web_port=port,
        webhook_url=f"http://127.0.0.1:{port}",
        telegram_webhook_secret=TELEGRAM_SECRET,
    )
    async with running_shop(settings, db, token=emulator.token) as app:
        yield app


def start_update(update_id: int, telegram_id: int, first_name: str) -> dict[str, Any]:
    """The update Telegram would send for /start from this user."""
    person = {"id": telegram_id, "is_bot": False, "first_name": first_name}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": telegram_id, "type": "private", "first_name": first_name},
            "from": person,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def post_update(
    http: aiohttp.ClientSession, app: ShopApplication, update: object, secret: str | None
) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    url = f"{app.bot_data.web_url}{TELEGRAM_WEBHOOK_PATH}"
    async with http.post(url, data=json.dumps(update), headers=headers) as response:
        return response.status


async def test_with_a_webhook_url_telegram_pushes_updates_and_nothing_polls(
    webhook_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(42, "Ann")

    await ann.send("/start")  # the emulator pushes it to the webhook, as Telegram would
    greeting = await ann.next_message()

    assert emulator.webhook.url == f"{webhook_shop.bot_data.web_url}{TELEGRAM_WEBHOOK_PATH}"
    assert emulator.webhook.secret_token == TELEGRAM_SECRET
    assert "Hello, Ann!" in greeting.content
    assert emulator.calls_to("getUpdates") == []


async def test_an_update_posted_with_the_secret_is_handled(
    webhook_shop: ShopApplication, emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    bob = emulator.user(43, "Bob")

    status = await post_update(http, webhook_shop, start_update(900, 43, "Bob"), TELEGRAM_SECRET)

    assert status == 200
    assert "Hello, Bob!" in (await bob.next_message()).content


@pytest.mark.parametrize("secret", [None, "wrong-secret", TELEGRAM_SECRET + "x"])
async def test_an_update_without_the_right_secret_is_refused_and_never_handled(
    webhook_shop: ShopApplication,
    emulator: BotApiEmulator,
    http: aiohttp.ClientSession,
    secret: str | None,
) -> None:
    bob = emulator.user(43, "Bob")
    ann = emulator.user(42, "Ann")

    status = await post_update(http, webhook_shop, start_update(900, 43, "Bob"), secret)
    # Updates are handled in order: once Ann's answer is here, Bob's would have been too.
    await ann.send("/start")
    await ann.next_message()

    assert status == 403
    assert bob.bot_messages == []
    assert sent_to(emulator, 43) == []


async def test_an_unreadable_update_is_dropped_and_the_bot_carries_on(
    webhook_shop: ShopApplication, emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    ann = emulator.user(42, "Ann")

    status = await post_update(http, webhook_shop, {"no": "update id"}, TELEGRAM_SECRET)
    await ann.send("/start")

    assert status == 200  # an error would only make Telegram send it again and again
    assert "Hello, Ann!" in (await ann.next_message()).content


# Telegram out of reach at start


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def _health(port: int, *, within_s: float = 5.0) -> int:
    """The first answer of /healthz, asked until the server listens."""
    async with aiohttp.ClientSession() as http:
        for _ in range(int(within_s / 0.05)):
            try:
                async with http.get(f"http://127.0.0.1:{port}{HEALTH_PATH}") as response:
                    return response.status
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
    raise aiohttp.ClientConnectionError("the web server never answered")


async def test_the_web_server_serves_while_telegram_is_unreachable_and_the_bot_starts_later(
    emulator: BotApiEmulator, db: Database
) -> None:
    emulator.inject("getMe", Fault.server_error(502, "Bad Gateway"), times=3)
    port = _free_port()
    settings = shop_settings(emulator, db, web_port=port)
    started, release = asyncio.Event(), asyncio.Event()

    async def run() -> None:
        shop = running_shop(settings, db, token=emulator.token, web=True, first_retry_s=0.5)
        async with shop:
            started.set()
            await release.wait()

    task = asyncio.create_task(run())
    health = await _health(port)
    waiting = not started.is_set()
    await asyncio.wait_for(started.wait(), 10)
    ann = emulator.user(42, "Ann")
    await ann.send("/start")
    greeting = await ann.next_message()
    release.set()
    await task

    assert (health, waiting) == (200, True)
    assert "Ann" in greeting.content
    assert len(emulator.calls_to("getMe")) == 4


async def test_stopping_while_telegram_is_unreachable_closes_everything(
    emulator: BotApiEmulator, db: Database
) -> None:
    emulator.inject("getMe", Fault.server_error(502, "Bad Gateway"), times=100)
    port = _free_port()
    settings = shop_settings(emulator, db, web_port=port)
    stop = asyncio.Event()

    async def run() -> None:
        async with running_shop(settings, db, token=emulator.token, web=True, stop=stop):
            raise AssertionError("Telegram was never reached")

    task = asyncio.create_task(run())
    assert await _health(port) == 200
    stop.set()

    with pytest.raises(ShopStopped):
        await asyncio.wait_for(task, 5)
    with pytest.raises(aiohttp.ClientConnectionError):
        await _health(port, within_s=0.1)
