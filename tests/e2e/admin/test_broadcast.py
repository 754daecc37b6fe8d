"""/broadcast through the emulator: everyone reachable gets it once, however it is interrupted."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator import BotApiEmulator, Message, SimulatedUser
from bot.jobs.broadcast_delivery import PROGRESS_INTERVAL_S
from bot.models import AdminAction, Broadcast, BroadcastRecipient, RecipientStatus, User
from bot.runner import running_shop
from bot.services import broadcast as broadcasts
from bot.texts import admin as admin_texts
from bot.texts.errors import ERRORS
from tests.conftest import OWNER_ID, shop_settings
from tests.factories import make_user

# Far above Telegram's limits, so that a few hundred messages take a moment, not ten seconds.
FAST = {"telegram_messages_per_second": 5000, "broadcast_messages_per_second": 2000}
FIRST_CUSTOMER = 10_000
SALE = "Spring sale: 20% off everything & free socks <3"


def _settings(emulator: BotApiEmulator, db: Database, **rates: Any) -> Any:
    return shop_settings(emulator, db, admin_ids=[OWNER_ID], **(rates or FAST))


@pytest.fixture
async def admin_shop(emulator: BotApiEmulator, db: Database) -> AsyncIterator[ShopApplication]:
    """conftest's admin_shop, broadcasting fast."""
    async with running_shop(_settings(emulator, db), db, token=emulator.token) as app:
        yield app


async def _customers(
    db: Database,
    emulator: BotApiEmulator,
    count: int,
    *,
    start: int = FIRST_CUSTOMER,
    **fields: Any,
) -> list[SimulatedUser]:
    """Customers who have written to the shop before, each with their chat in the emulator."""
    async with db.transaction() as session:
        for telegram_id in range(start, start + count):
            await make_user(
                session, telegram_id=telegram_id, first_name=f"C{telegram_id}", **fields
            )
    return [
        emulator.user(telegram_id, f"C{telegram_id}") for telegram_id in range(start, start + count)
    ]


async def _summary(owner: SimulatedUser, timeout: float = 20.0) -> Message:  # noqa: ASYNC109
    """The admin's progress message once it reports the broadcast finished."""
    deadline = time.monotonic() + timeout
    while True:
        message = await owner.next_message(timeout=max(deadline - time.monotonic(), 0.01))
        if "finished" in message.content:
            return message


async def _broadcast(owner: SimulatedUser, text: str = "", reply_to: Message | None = None) -> None:
    """/broadcast, then Send on its preview."""
    await owner.send(f"/broadcast {text}".strip(), reply_to=reply_to)
    while True:
        message = await owner.next_message()
        send = [label for label in message.button_texts if label.startswith("📣 Send")]
        if send:
            await owner.callback_answer(await owner.press_button(message, send[0]))
            return


def _received(customer: SimulatedUser) -> list[str]:
    return [message.content for message in customer.bot_messages]


async def _broadcast_rows(db: Database) -> list[Broadcast]:
    async with db.reading() as session:
        return list((await session.scalars(select(Broadcast))).all())


async def test_a_broadcast_reaches_everyone_once_and_marks_who_blocked_the_bot(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    customers = await _customers(db, emulator, 300)
    blocking = customers[::10]
    for customer in blocking:
        customer.block_bot()
    known_blocked = await _customers(db, emulator, 5, start=20_000, is_blocked=True)
    owner = emulator.user(OWNER_ID, "Owner")

    began = time.monotonic()
    await _broadcast(owner, SALE)

    summary = await _summary(owner)
    lasted = time.monotonic() - began
    assert summary.text == (
        "✅ Broadcast #1 finished.\nSent: 270 · Blocked the bot: 30 · Failed: 0"
    )
    # One message, edited as the broadcast went: every few seconds, not after every batch.
    assert summary.history[0].text == admin_texts.broadcast_audience(300)  # the preview's
    assert summary.history[1].text == admin_texts.BROADCAST_STARTING
    assert any("of 300 done" in version.content for version in summary.history)
    edits = len(emulator.calls_to("editMessageText"))
    assert 3 <= edits <= lasted / PROGRESS_INTERVAL_S + 3  # "starting", progress, summary
    for customer in customers:
        assert _received(customer) == ([] if customer in blocking else [SALE])
    assert all(_received(customer) == [] for customer in known_blocked)
    tried = {call.params["chat_id"] for call in emulator.calls_to("sendMessage")}
    assert tried.isdisjoint(c.chat_id for c in known_blocked)
    async with db.reading() as session:
        marked = set(await session.scalars(select(User.telegram_id).where(User.is_blocked)))
        logged = (await session.scalars(select(AdminAction))).one()
    assert marked == {c.telegram_id for c in blocking + known_blocked}
    assert (logged.admin_telegram_id, logged.action, logged.entity_id) == (OWNER_ID, "broadcast", 1)


async def test_replying_broadcast_to_a_message_copies_it_to_every_customer(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    customers = await _customers(db, emulator, 20)
    owner = emulator.user(OWNER_ID, "Owner")
    poster = await owner.send_photo(b"\xff\xd8 spring poster", caption="New season!")

    await _broadcast(owner, reply_to=poster)

    assert "Sent: 20 " in (await _summary(owner)).content
    for customer in customers:
        (copy,) = customer.bot_messages
        assert (copy.caption, copy.photo) == ("New season!", poster.photo)
    assert len(emulator.calls_to("copyMessage")) == 21  # the admin's preview, then everyone
    assert emulator.calls_to("sendMessage")[-1].params["chat_id"] == OWNER_ID


@pytest.mark.parametrize("command", ["/broadcast", "/broadcast   "])
async def test_a_broadcast_without_a_message_gets_the_usage_line(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database, command: str
) -> None:
    (customer,) = await _customers(db, emulator, 1)
    owner = emulator.user(OWNER_ID, "Owner")

    await owner.send(command)

    reply = await owner.next_message()
    assert reply.content.startswith("Usage:") and "/broadcast" in reply.content
    assert await _broadcast_rows(db) == []
    assert customer.bot_messages == []


async def test_a_reply_with_a_text_as_well_is_refused_as_ambiguous(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _customers(db, emulator, 1)
    owner = emulator.user(OWNER_ID, "Owner")
    draft = await owner.send("Draft")
    await owner.next_message()  # plain text is a search

    await owner.send("/broadcast Final", reply_to=draft)

    assert (await owner.next_message()).text == ERRORS["broadcast.text_or_reply"]
    assert await _broadcast_rows(db) == []


async def test_a_customer_cannot_broadcast(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    mallory, victim = await _customers(db, emulator, 2)

    await mallory.send("/broadcast Free money")

    assert (await mallory.next_message()).text == texts.UNKNOWN_COMMAND
    assert await _broadcast_rows(db) == []
    assert victim.bot_messages == []


async def test_a_broadcast_with_nobody_to_reach_says_so(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _customers(db, emulator, 2, is_blocked=True)
    owner = emulator.user(OWNER_ID, "Owner")

    await owner.send("/broadcast Anyone?")

    reply = await owner.next_message()
    assert reply.text is not None and "nobody to send it to" in reply.text
    assert await _broadcast_rows(db) == []


async def test_a_broadcast_stopped_midway_resumes_after_a_restart_and_nobody_gets_it_twice(
    emulator: BotApiEmulator, db: Database
) -> None:
    customers = await _customers(db, emulator, 200)
    owner = emulator.user(OWNER_ID, "Owner")
    # Slow enough to stop it part-way through.
    slow = _settings(
        emulator, db, telegram_messages_per_second=100, broadcast_messages_per_second=50
    )

    async with running_shop(slow, db, token=emulator.token):
        await _broadcast(owner, SALE)
        await emulator.wait_for(
            lambda call: (
                call.method == "sendMessage" and call.params["chat_id"] >= FIRST_CUSTOMER + 60
            ),
            timeout=10,
        )
    async with db.reading() as session:
        halfway = await broadcasts.progress(session, broadcast_id=1)
    async with running_shop(_settings(emulator, db), db, token=emulator.token):
        summary = await _summary(owner)

    assert 60 <= halfway.sent < 200
    assert halfway.sending == 0  # a clean stop hands its unsent claims back
    assert summary.text == "✅ Broadcast #1 finished.\nSent: 200 · Blocked the bot: 0 · Failed: 0"
    assert all(_received(customer) == [SALE] for customer in customers)


async def test_messages_a_crash_left_in_flight_are_not_sent_again(
    emulator: BotApiEmulator, db: Database
) -> None:
    customers = await _customers(db, emulator, 30)
    owner = emulator.user(OWNER_ID, "Owner")
    # What a bot that died mid-batch leaves: ten recipients claimed, their fate unknown.
    async with db.transaction() as session:
        started, _ = await broadcasts.start(
            session,
            admin_telegram_id=OWNER_ID,
            chat_id=OWNER_ID,
            progress_message_id=999,
            text=texts.esc(SALE),
        )
    async with db.transaction() as session:
        in_flight = await broadcasts.claim(session, broadcast_id=started.id, limit=10)

    async with running_shop(_settings(emulator, db), db, token=emulator.token):
        # The progress message is gone, so the summary comes as a new one.
        summary = await _summary(owner)

    assert summary.text == "✅ Broadcast #1 finished.\nSent: 20 · Blocked the bot: 0 · Failed: 10"
    unsure = {recipient.chat_id for recipient in in_flight}
    for customer in customers:
        assert _received(customer) == ([] if customer.chat_id in unsure else [SALE])
    async with db.reading() as session:
        statuses = set(
            await session.scalars(
                select(BroadcastRecipient.status).where(BroadcastRecipient.chat_id.in_(unsure))
            )
        )
    assert statuses == {RecipientStatus.FAILED}


async def test_a_broadcast_keeps_its_pace_and_customers_still_get_answers(
    emulator: BotApiEmulator, db: Database
) -> None:
    customers = await _customers(db, emulator, 50)
    owner = emulator.user(OWNER_ID, "Owner")
    shopper = emulator.user(30_000, "Shopper")
    # The defaults: 30 messages a second in all, 25 of them for the broadcast.
    settings = shop_settings(emulator, db, admin_ids=[OWNER_ID])

    async with running_shop(settings, db, token=emulator.token):
        await _broadcast(owner, SALE)
        await customers[4].next_message()
        began = time.monotonic()
        await shopper.send("/start")
        await shopper.next_message(timeout=1)
        answered = time.monotonic() - began
        await customers[-1].next_message(timeout=10)
        lasted = time.monotonic() - began
        await _summary(owner)

    assert answered < 1
    assert lasted >= 45 / 25 * 0.9  # the 45 messages after the fifth, at 25 a second


async def test_a_broadcast_command_delivered_twice_is_sent_once(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    """Telegram delivers an update again when the bot died before confirming it."""
    customers = await _customers(db, emulator, 5)
    owner = emulator.user(OWNER_ID, "Owner")
    await _broadcast(owner, SALE)
    command = next(m for m in owner.messages if m.content == f"/broadcast {SALE}")
    await _summary(owner)

    said = len(owner.bot_messages)

    emulator.push_update("message", command.json)
    await owner.send("/admin")  # answered after the redelivered update was handled
    while "Admin commands" not in (await owner.next_message()).content:
        pass

    assert len(owner.bot_messages) == said + 1  # the /admin list, nothing about a broadcast
    assert len(await _broadcast_rows(db)) == 1
    assert all(len(_received(customer)) == 1 for customer in customers)


async def test_nothing_is_sent_before_send_and_cancel_sends_nothing(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    customers = await _customers(db, emulator, 3)
    owner = emulator.user(OWNER_ID, "Owner")

    await owner.send(f"/broadcast {SALE}")
    above, sample, confirm = [await owner.next_message() for _ in range(3)]
    await owner.callback_answer(await owner.press_button(confirm, admin_texts.CANCEL))
    cancelled = await owner.next_message()

    assert above.content == admin_texts.BROADCAST_PREVIEW_ABOVE
    assert sample.content == SALE
    assert confirm.button_texts == ["📣 Send to 3 customers", admin_texts.CANCEL]
    assert cancelled.content == admin_texts.BROADCAST_CANCELLED
    assert all(_received(customer) == [] for customer in customers)
    assert await _broadcast_rows(db) == []


async def test_an_older_preview_can_neither_send_nor_cancel_the_newer_one(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    customers = await _customers(db, emulator, 2)
    owner = emulator.user(OWNER_ID, "Owner")
    await owner.send(f"/broadcast {SALE}")
    *_, older = [await owner.next_message() for _ in range(3)]
    for label in ("📣 Send to 2 customers", admin_texts.CANCEL):
        await owner.send("/broadcast Corrected: 30% off")
        *_, newer = [await owner.next_message() for _ in range(3)]
        await owner.callback_answer(await owner.press_button(older, label))
        refused = await owner.next_message()
        assert refused.content == ERRORS["broadcast.preview_replaced"]
        assert refused.button_texts == []  # the old preview now says so, without buttons
        older = newer
    assert await _broadcast_rows(db) == []

    await owner.callback_answer(await owner.press_button(newer, "📣 Send to 2 customers"))
    await _summary(owner)
    assert all(_received(customer) == ["Corrected: 30% off"] for customer in customers)


async def test_customers_who_turned_announcements_off_are_skipped(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    first, second, third = await _customers(db, emulator, 3)
    owner = emulator.user(OWNER_ID, "Owner")
    await _broadcast(owner, SALE)
    await _summary(owner)
    announcement = first.bot_messages[-1]

    await first.callback_answer(await first.press_button(announcement, texts.STOP_ANNOUNCEMENTS))
    second.skip_unread()
    await second.send("/profile")
    profile = await second.next_message()
    await second.callback_answer(
        await second.press_button(profile, texts.announcements_button(True))
    )
    switched = await second.next_message()
    await _broadcast(owner, "Second sale")
    await _summary(owner)

    assert texts.announcements_button(False) in switched.button_texts
    assert _received(first) == [SALE]
    assert _received(second)[0] == SALE and "Second sale" not in _received(second)
    assert _received(third) == [SALE, "Second sale"]
    async with db.reading() as session:
        off = set(await session.scalars(select(User.telegram_id).where(~User.wants_announcements)))
    assert off == {first.telegram_id, second.telegram_id}
