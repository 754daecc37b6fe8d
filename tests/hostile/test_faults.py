"""When Telegram or the database misbehave for a moment, the shop recovers and loses nothing.

Telegram's side is the emulator's fault injection (429 with retry_after, 5xx, answers slower
than the bot waits); the database's side is real: PostgreSQL connections killed with
pg_terminate_backend, SQLite's write lock held by another connection.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import URL

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.devtools.stripe_fake import signed_event
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.faults import Fault
from bot.emulator.users import SimulatedUser
from bot.keyboards.catalog import VIA_NONE, AddToCart
from bot.models import (
    Cart,
    CartItem,
    Order,
    OrderStatus,
    OutboxMessage,
    OutboxStatus,
    PaymentProvider,
    ProviderEvent,
    Size,
    User,
)
from bot.models.base import utcnow
from bot.services import ledger, outbox
from bot.web import HEALTH_PATH, STRIPE_WEBHOOK_PATH
from tests.conftest import _is_postgres
from tests.factories import make_product
from tests.fakes.orders import place_order
from tests.fakes.stripe_shop import paid_event
from tests.hostile.conftest import ErrorLog
from tests.notices import verbatim
from tests.test_console import SHOPBOT, _console_env, fresh_database
from tests.test_runtime import free_port

HELP_START = "What I can do"
STRIPE_SECRET = "whsec_fault_test"


def sent_to(emulator: BotApiEmulator, user: SimulatedUser) -> list[str]:
    """The texts Telegram accepted for this chat, in order."""
    return [
        str(call.params.get("text"))
        for call in emulator.calls_to("sendMessage")
        if call.status == 200 and str(call.params.get("chat_id")) == str(user.chat_id)
    ]


def apologies(emulator: BotApiEmulator) -> int:
    return sum(1 for c in emulator.calls if c.params.get("text") == texts.SOMETHING_WENT_WRONG)


# --------------------------------------------------------------------------- Telegram's side


@pytest.mark.parametrize(
    "fault",
    [
        Fault.retry_after_seconds(1),
        Fault.server_error(500),
        Fault.server_error(502, "Bad Gateway"),
        Fault.server_error(503, "Service Unavailable"),
    ],
    ids=["429", "500", "502", "503"],
)
async def test_a_reply_telegram_refused_for_a_moment_arrives_once(
    shop: ShopApplication, emulator: BotApiEmulator, errors: ErrorLog, fault: Fault
) -> None:
    ann = emulator.user(42, "Ann")
    emulator.inject("sendMessage", fault)

    await ann.send("/help")
    reply = await ann.next_message()
    await ann.send("/start")
    greeting = await ann.next_message()

    assert reply.content.startswith(HELP_START)
    assert "Hello, Ann!" in greeting.content
    assert [HELP_START in t for t in sent_to(emulator, ann)] == [True, False]
    assert apologies(emulator) == 0
    assert errors.take() == []


async def test_a_button_whose_edit_telegram_refused_for_a_moment_is_still_shown(
    shop: ShopApplication, emulator: BotApiEmulator, errors: ErrorLog
) -> None:
    ann = emulator.user(42, "Ann")
    await ann.send("/start")
    menu = await ann.next_message()
    emulator.inject("editMessageText", Fault.server_error(502, "Bad Gateway"))
    emulator.inject("answerCallbackQuery", Fault.server_error(500))

    query = await ann.press_button(menu, texts.MENU_HELP)
    answer = await ann.callback_answer(query)
    shown = await ann.next_message()

    assert shown.message_id == menu.message_id
    assert shown.content.startswith(HELP_START)
    assert answer.text is None  # answered, and not with an apology
    assert apologies(emulator) == 0
    assert errors.take() == []


async def outbox_status(db: Database, key: str) -> OutboxStatus:
    async with db.reading() as session:
        status = await session.scalar(select(OutboxMessage.status).where(OutboxMessage.key == key))
    assert status is not None
    return status


@pytest.mark.parametrize(
    "fault",
    [Fault.retry_after_seconds(1), Fault.server_error(500), Fault.server_error(502, "Bad Gateway")],
    ids=["429", "500", "502"],
)
async def test_a_notification_telegram_refused_for_a_moment_arrives_once(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database, fault: Fault
) -> None:
    ann = emulator.user(42, "Ann")
    emulator.inject("sendMessage", fault, times=2)
    async with db.transaction() as session:
        await outbox.enqueue(
            session, key="parcel", chat_id=ann.chat_id, notice=verbatim("Your parcel left.")
        )
    assert shop.bot_data.jobs is not None
    shop.bot_data.jobs.delivery.wake()

    notice = await ann.next_message(timeout=15)
    await shop.bot_data.jobs.deliver_now()

    assert notice.content == "Your parcel left."
    assert sent_to(emulator, ann) == ["Your parcel left."]
    assert await outbox_status(db, "parcel") == OutboxStatus.SENT


async def test_a_reply_telegram_was_too_slow_to_confirm_is_not_sent_again(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    """Telegram took the message but answered after the bot stopped waiting: sending it again
    would show it twice, so the customer gets it once (and at most an apology besides)."""
    ann = emulator.user(42, "Ann")
    emulator.inject("sendMessage", Fault.slow(READ_TIMEOUT_S + 1))

    await ann.send("/help")
    await ann.send("/start")
    seen: list[str] = []
    while not seen or "Hello, Ann!" not in seen[-1]:
        seen.append((await ann.next_message(timeout=READ_TIMEOUT_S + 5)).content)

    # Telegram shows the slow message once it is done with it, whoever still waits.
    await emulator.wait_for(lambda call: HELP_START in str(call.params.get("text")), timeout=5)
    await ann.send("/cart")
    await ann.next_message()

    assert len([text for text in sent_to(emulator, ann) if HELP_START in text]) == 1


READ_TIMEOUT_S = 5.0  # python-telegram-bot's default read timeout


# --------------------------------------------------------------------------- the database's side


@pytest.fixture
async def sneakers(db: Database) -> AddToCart:
    """The card's "Add to cart" button for one pair, size 40."""
    async with db.transaction() as session:
        product = await make_product(session, name="Classic Sneakers", sizes={"40": 5})
        size_id = await session.scalar(select(Size.id).where(Size.product_id == product.id))
    assert size_id is not None
    return AddToCart(product.id, size_id, 1, VIA_NONE, 0, 1)


async def cart_lines(db: Database, telegram_id: int) -> list[tuple[int, int]]:
    async with db.reading() as session:
        rows = await session.execute(
            select(CartItem.size_id, CartItem.quantity)
            .join(Cart, Cart.id == CartItem.cart_id)
            .join(User, User.id == Cart.user_id)
            .where(User.telegram_id == telegram_id)
        )
        return [(size_id, quantity) for size_id, quantity in rows]


async def carts_of(db: Database, telegram_id: int) -> int:
    async with db.reading() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(Cart)
            .join(User, User.id == Cart.user_id)
            .where(User.telegram_id == telegram_id)
        )
    return found or 0


async def terminate_shop_connections(db: Database, *, waiting_for_a_lock: bool = False) -> int:
    """Kill this test database's server connections, as a PostgreSQL restart or failover
    would; never those of other databases on the server."""
    condition = "AND wait_event_type = 'Lock'" if waiting_for_a_lock else ""
    async with db.engine.connect() as conn:
        killed = await conn.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                f"WHERE datname = current_database() AND pid <> pg_backend_pid() {condition}"
            )
        )
        await conn.commit()
    return int(killed or 0)


async def add_to_cart(user: SimulatedUser, data: AddToCart) -> str | None:
    """Press the card's button; returns the toast or alert the customer saw."""
    anchor = user.last_bot_message
    assert anchor is not None
    answer = await user.callback_answer(await user.press_forged(anchor, data.pack()), timeout=15)
    return answer.text


async def test_after_postgres_dropped_every_connection_the_next_update_just_works(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database, sneakers: AddToCart
) -> None:
    if db.is_sqlite:
        pytest.skip("a PostgreSQL outage")
    ann = emulator.user(42, "Ann")
    await ann.send("/start")
    await ann.next_message()

    assert await terminate_shop_connections(db) > 0
    toast = await add_to_cart(ann, sneakers)

    assert toast is not None and "Classic Sneakers" in toast
    assert await cart_lines(db, 42) == [(sneakers.size_id, 1)]
    assert apologies(emulator) == 0


async def test_a_connection_lost_mid_update_writes_nothing_and_the_next_update_works(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database, sneakers: AddToCart
) -> None:
    """The update's transaction is cut off while it waits for a lock, after writing its cart:
    the customer is told, none of it stays, and pressing again works."""
    if db.is_sqlite:
        pytest.skip("a PostgreSQL connection lost mid-transaction")
    ann = emulator.user(42, "Ann")
    await ann.send("/start")
    await ann.next_message()

    async with db.engine.connect() as blocker:
        await blocker.execute(text("LOCK TABLE cart_items IN ACCESS EXCLUSIVE MODE"))
        pressed = asyncio.create_task(add_to_cart(ann, sneakers))
        async with asyncio.timeout(10):
            # Polls the server: nothing announces that the update is waiting for the lock.
            while not await terminate_shop_connections(db, waiting_for_a_lock=True):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        await blocker.rollback()
    first = await pressed
    half_written = await carts_of(db, 42)
    second = await add_to_cart(ann, sneakers)

    assert first == texts.SOMETHING_WENT_WRONG
    assert half_written == 0
    assert second is not None and "Classic Sneakers" in second
    assert await cart_lines(db, 42) == [(sneakers.size_id, 1)]


async def test_while_another_connection_holds_the_sqlite_write_lock_updates_wait_then_work(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database, sneakers: AddToCart
) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's database-wide write lock")
    ann = emulator.user(42, "Ann")
    await ann.send("/start")
    await ann.next_message()
    path = db.url.database
    assert path is not None

    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        pressed = asyncio.create_task(add_to_cart(ann, sneakers))
        await asyncio.sleep(1.0)
        waited = not pressed.done()
        other.execute("ROLLBACK")
    finally:
        other.close()
    toast = await pressed

    assert waited
    assert toast is not None and "Classic Sneakers" in toast
    assert await cart_lines(db, 42) == [(sneakers.size_id, 1)]
    assert apologies(emulator) == 0


# --------------------------------------------------------------------------- a process killed


def shopbot_env(url: URL, emulator: BotApiEmulator, port: int) -> dict[str, str]:
    return _console_env(url) | {
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "TELEGRAM_FILE_BASE_URL": emulator.base_file_url,
        "STRIPE_WEBHOOK_SECRET": STRIPE_SECRET,
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port),
    }


async def start_shopbot(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """`shopbot run`, as in production: migrations, the bot, its web server and its jobs."""
    return await asyncio.create_subprocess_exec(
        str(SHOPBOT),
        "run",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def end(process: asyncio.subprocess.Process, how: signal.Signals) -> str:
    """Send the signal and return what the process logged."""
    if process.returncode is None:
        process.send_signal(how)
    _, err = await asyncio.wait_for(process.communicate(), PROCESS_TIMEOUT_S)
    return err.decode()


async def outbox_rows(db: Database) -> list[tuple[str, OutboxStatus, int]]:
    async with db.reading() as session:
        rows = await session.execute(
            select(OutboxMessage.key, OutboxMessage.status, OutboxMessage.attempts)
        )
        return [(key, status, attempts) for key, status, attempts in rows]


async def test_a_shop_killed_while_sending_a_payment_notice_sends_it_once_after_a_restart(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """SIGKILL after the payment committed and while its notice was on its way to Telegram
    (which asked to wait 30 s): the next process sends it once its lease runs out, once."""
    async with fresh_database(tmp_path) as url:
        port = free_port()
        env = shopbot_env(url, emulator, port)
        db = Database(url)
        first = await start_shopbot(env, tmp_path)
        second: asyncio.subprocess.Process | None = None
        try:
            await emulator.wait_until_polling(timeout=PROCESS_TIMEOUT_S)
            placed = await place_order(db)
            async with db.transaction() as session:
                await ledger.attach_reference(
                    session,
                    order_id=placed.order_id,
                    provider=PaymentProvider.STRIPE,
                    checkout_session_id="cs_killed",
                )
            ann = emulator.user(placed.telegram_id, "Ann")
            event = paid_event(
                session_id="cs_killed",
                order_id=placed.order_id,
                amount=placed.total,
                currency="EUR",
            )
            body, signature = signed_event(event, STRIPE_SECRET)
            webhook = f"http://127.0.0.1:{port}{STRIPE_WEBHOOK_PATH}"
            emulator.inject("sendMessage", Fault.retry_after_seconds(30))

            paid = await post_signed(webhook, body, signature)
            await emulator.wait_for(
                lambda call: call.method == "sendMessage" and call.status == 429, timeout=30
            )
            killed_log = await end(first, signal.SIGKILL)
            after_kill = await outbox_rows(db)
            status_after_kill = await order_status(db, placed.order_id)

            # In real time the lease of the message being sent lasts a minute; skip the wait.
            async with db.transaction() as session:
                await session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
            second = await start_shopbot(env, tmp_path)
            notice = await ann.next_message(timeout=PROCESS_TIMEOUT_S)
            again = await post_signed(webhook, body, signature)  # Stripe may deliver it again
            await ann.send("/start")
            greeting = await ann.next_message(timeout=PROCESS_TIMEOUT_S)
            second_log = await end(second, signal.SIGTERM)
        finally:
            for process in (first, second):
                if process is not None and process.returncode is None:
                    process.kill()
                    await process.wait()
            final_rows = await outbox_rows(db)
            await db.dispose()

    key = f"order:{placed.order_id}:paid:customer"
    assert paid == 200 and again == 200
    assert status_after_kill == OrderStatus.PAID
    assert after_kill == [(key, OutboxStatus.PENDING, 1)], killed_log
    assert f"We received €99.98 for order #{placed.order_id}" in notice.content
    assert "Hello, Ann!" in greeting.content
    assert len(sent_to(emulator, ann)) == 2  # the notice once, then the greeting
    assert final_rows == [(key, OutboxStatus.SENT, 2)]
    assert second.returncode == 0, second_log


PROCESS_TIMEOUT_S = 120


async def post_signed(url: str, body: bytes, signature: str) -> int:
    headers = {"Content-Type": "application/json", "Stripe-Signature": signature}
    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
        await r.read()
        return r.status


async def order_status(db: Database, order_id: int) -> OrderStatus:
    async with db.reading() as session:
        return (await session.get_one(Order, order_id)).status


async def test_a_shop_killed_in_the_middle_of_applying_a_payment_keeps_none_of_it(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """SIGKILL while the webhook's transaction waits for a lock on the order, after it recorded
    the event: none of it stays, so Stripe's next delivery pays the order, once."""
    if not _is_postgres():
        pytest.skip("a row lock held by another PostgreSQL client")
    async with fresh_database(tmp_path) as url:
        port = free_port()
        env = shopbot_env(url, emulator, port)
        db = Database(url)
        first = await start_shopbot(env, tmp_path)
        second: asyncio.subprocess.Process | None = None
        try:
            await emulator.wait_until_polling(timeout=PROCESS_TIMEOUT_S)
            placed = await place_order(db)
            async with db.transaction() as session:
                await ledger.attach_reference(
                    session,
                    order_id=placed.order_id,
                    provider=PaymentProvider.STRIPE,
                    checkout_session_id="cs_cut",
                )
            ann = emulator.user(placed.telegram_id, "Ann")
            event = paid_event(
                session_id="cs_cut", order_id=placed.order_id, amount=placed.total, currency="EUR"
            )
            body, signature = signed_event(event, STRIPE_SECRET)
            webhook = f"http://127.0.0.1:{port}{STRIPE_WEBHOOK_PATH}"

            async with db.engine.connect() as blocker:
                await blocker.execute(
                    select(Order.id).where(Order.id == placed.order_id).with_for_update()
                )
                cut = asyncio.create_task(post_signed(webhook, body, signature))
                await until_waiting_for_a_lock(db)
                killed_log = await end(first, signal.SIGKILL)
                await blocker.rollback()
            with pytest.raises(aiohttp.ClientError):
                await cut
            events_after_kill = await provider_events(db)
            status_after_kill = await order_status(db, placed.order_id)
            outbox_after_kill = await outbox_rows(db)

            second = await start_shopbot(env, tmp_path)
            await wait_for_health(f"http://127.0.0.1:{port}")
            retried = await post_signed(webhook, body, signature)
            notice = await ann.next_message(timeout=PROCESS_TIMEOUT_S)
            second_log = await end(second, signal.SIGTERM)
        finally:
            for process in (first, second):
                if process is not None and process.returncode is None:
                    process.kill()
                    await process.wait()
            final_rows = await outbox_rows(db)
            final_status = await order_status(db, placed.order_id)
            await db.dispose()

    key = f"order:{placed.order_id}:paid:customer"
    assert (events_after_kill, outbox_after_kill) == (0, []), killed_log
    assert status_after_kill == OrderStatus.PENDING_PAYMENT
    assert retried == 200
    assert f"We received €99.98 for order #{placed.order_id}" in notice.content
    assert final_status == OrderStatus.PAID
    assert final_rows == [(key, OutboxStatus.SENT, 1)]
    assert len(sent_to(emulator, ann)) == 1
    assert second.returncode == 0, second_log


async def until_waiting_for_a_lock(db: Database) -> None:
    async with asyncio.timeout(PROCESS_TIMEOUT_S):
        while True:
            async with db.engine.connect() as conn:
                waiting = await conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock'"
                    )
                )
            if waiting:
                return
            await asyncio.sleep(0.05)


async def wait_for_health(base_url: str) -> None:
    async with aiohttp.ClientSession() as http, asyncio.timeout(PROCESS_TIMEOUT_S):
        while True:
            try:
                async with http.get(base_url + HEALTH_PATH) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)


async def provider_events(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(ProviderEvent)) or 0
