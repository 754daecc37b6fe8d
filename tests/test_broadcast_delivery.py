"""The broadcaster against the emulator, without the Application's rate limiter in the way:
flood control is waited out, and a message that may have arrived is never sent again."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import ValidationError
from telegram import Bot

from bot import texts
from bot.config import Settings
from bot.db import Database
from bot.emulator import BotApiEmulator, Fault, SimulatedUser
from bot.jobs.broadcast_delivery import Broadcaster
from bot.services import broadcast as broadcasts
from bot.services.broadcast import Progress
from bot.texts import admin as admin_texts
from bot.texts.i18n import using_language
from tests.catalogues import write_catalog
from tests.factories import make_user

ADMIN = 7000


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(emulator.token, base_url=emulator.base_url) as bot:
        yield bot


async def _start(db: Database, emulator: BotApiEmulator, count: int) -> list[SimulatedUser]:
    admin = emulator.user(ADMIN, "Owner")
    async with db.transaction() as session:
        for telegram_id in range(1, count + 1):
            await make_user(session, telegram_id=telegram_id)
        await broadcasts.start(
            session,
            admin_telegram_id=ADMIN,
            chat_id=admin.chat_id,
            progress_message_id=1,
            text="Hi",
        )
    return [emulator.user(telegram_id) for telegram_id in range(1, count + 1)]


async def _run_to_the_end(broadcaster: Broadcaster, db: Database) -> Progress:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        await broadcaster.round()
        await asyncio.sleep(0.01)
        async with db.reading() as session:
            if not await broadcasts.running(session):
                return await broadcasts.progress(session, broadcast_id=1)
    raise TimeoutError("the broadcast did not finish")


async def test_flood_control_pauses_the_broadcast_and_nobody_is_skipped_or_doubled(
    db: Database, emulator: BotApiEmulator, bot: Bot
) -> None:
    customers = await _start(db, emulator, 12)
    emulator.inject("sendMessage", Fault.retry_after_seconds(1))
    broadcaster = Broadcaster(bot, db, messages_per_second=1000)

    began = time.monotonic()
    final = await _run_to_the_end(broadcaster, db)

    assert time.monotonic() - began >= 1
    assert (final.sent, final.failed) == (12, 0)
    assert all([m.text for m in c.bot_messages] == ["Hi"] for c in customers)


async def test_a_message_lost_on_the_way_counts_as_failed_and_is_not_sent_again(
    db: Database, emulator: BotApiEmulator, bot: Bot
) -> None:
    first, *others = await _start(db, emulator, 5)
    emulator.inject("sendMessage", Fault.server_error(502, "Bad Gateway"))
    broadcaster = Broadcaster(bot, db, messages_per_second=1000)

    final = await _run_to_the_end(broadcaster, db)

    assert (final.sent, final.failed) == (4, 1)
    assert first.bot_messages == []
    assert [int(c.params["chat_id"]) for c in emulator.calls_to("sendMessage")].count(1) == 1
    assert all(len(customer.bot_messages) == 1 for customer in others)


async def test_messages_go_out_no_faster_than_the_configured_rate(
    db: Database, emulator: BotApiEmulator, bot: Bot
) -> None:
    await _start(db, emulator, 21)
    broadcaster = Broadcaster(bot, db, messages_per_second=40)

    began = time.monotonic()
    await _run_to_the_end(broadcaster, db)

    assert time.monotonic() - began >= 20 / 40


def test_a_broadcast_may_not_be_paced_above_the_bots_overall_rate() -> None:
    with pytest.raises(ValidationError, match="BROADCAST_MESSAGES_PER_SECOND"):
        Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_messages_per_second=30,
            broadcast_messages_per_second=31,
        )


async def test_the_button_under_an_announcement_speaks_its_reader_s_language(
    db: Database, emulator: BotApiEmulator, bot: Bot, catalogues: Path
) -> None:
    write_catalog(catalogues, "de", {texts._STOP_ANNOUNCEMENTS: "🔕 Keine Ankündigungen mehr"})
    admin = emulator.user(ADMIN, "Owner")
    async with db.transaction() as session:
        await make_user(session, telegram_id=1, language_code="de")
        await make_user(session, telegram_id=2, language_code="fr")
        await broadcasts.start(
            session,
            admin_telegram_id=ADMIN,
            chat_id=admin.chat_id,
            progress_message_id=1,
            text="Hi",
        )

    readers = [emulator.user(1), emulator.user(2)]

    await _run_to_the_end(Broadcaster(bot, db, messages_per_second=1000), db)

    [german], [french] = (reader.bot_messages for reader in readers)
    assert german.button_texts == ["🔕 Keine Ankündigungen mehr"]
    assert french.button_texts == [texts.STOP_ANNOUNCEMENTS]


async def test_the_admin_follows_the_broadcast_in_their_own_language(
    db: Database, emulator: BotApiEmulator, bot: Bot
) -> None:
    admin = emulator.user(ADMIN, "Owner", language_code="de")
    async with db.transaction() as session:
        await make_user(session, telegram_id=ADMIN, language_code="de")
        await make_user(session, telegram_id=1)
        await broadcasts.start(
            session,
            admin_telegram_id=ADMIN,
            chat_id=admin.chat_id,
            progress_message_id=999,  # gone: the summary comes as a new message
            text="Hi",
        )
    emulator.user(1)

    final = await _run_to_the_end(Broadcaster(bot, db, messages_per_second=1000), db)

    with using_language("de"):
        german = admin_texts.broadcast_finished(1, final)
    assert german != admin_texts.broadcast_finished(1, final)
    assert [message.content for message in admin.bot_messages] == [
        german.replace("<b>", "").replace("</b>", "")
    ]
