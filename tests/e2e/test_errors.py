"""When something breaks underneath, the customer gets an apology, never internals."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.runner import running_shop
from tests.conftest import shop_settings


@pytest.fixture
async def broken_shop(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[ShopApplication]:
    """The shop on a database that cannot be opened: every handler's query fails."""
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'shop.db'}")
    settings = shop_settings(emulator, database)
    async with running_shop(settings, database, token=emulator.token) as app:
        yield app
    await database.dispose()


async def test_a_failing_command_apologises_and_logs_the_update(
    broken_shop: ShopApplication,
    emulator: BotApiEmulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ann = emulator.user(42, "Ann")
    with caplog.at_level(logging.ERROR, logger="bot.handlers.errors"):
        await ann.send("/cart")
        reply = await ann.next_message()
    assert reply.text == texts.SOMETHING_WENT_WRONG
    assert any("/cart" in record.getMessage() for record in caplog.records)


async def test_a_failing_button_is_answered_with_an_apology(
    broken_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(42, "Ann")
    await ann.send("/help")  # needs no database
    help_message = await ann.next_message()
    query = await ann.press_forged(help_message, "m:cart")
    answer = await ann.callback_answer(query)
    assert answer.text == texts.SOMETHING_WENT_WRONG


async def test_editing_a_sent_command_does_not_run_it_again(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(42, "Ann")
    sent = await ann.send("/help")
    await ann.next_message()
    await ann.edit(sent, "/cart")
    await ann.send("/start")  # a later message is answered, and is the next thing said
    reply = await ann.next_message()
    assert "Ann" in reply.content
    assert len(ann.bot_messages) == 2
