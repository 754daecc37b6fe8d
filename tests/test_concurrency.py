"""Many customers at once: nobody waits for a stranger, and one customer's messages keep order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.app import ShopApplication
from bot.botapi.concurrency import PerChatUpdateProcessor
from bot.botapi.transport import AiohttpRequest
from bot.emulator import BotApiEmulator

EchoApplication = Application[Any, Any, Any, Any, Any, Any]
SLOW = "slow"
SLOW_SECONDS = 0.5


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers "done: <text>", taking its time over "slow"."""
    message = update.effective_message
    assert message is not None and message.text is not None
    if message.text == SLOW:
        await asyncio.sleep(SLOW_SECONDS)
    await message.reply_text(f"done: {message.text}")


@pytest.fixture
async def echo_bot(emulator: BotApiEmulator) -> AsyncIterator[EchoApplication]:
    application = (
        Application.builder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .concurrent_updates(PerChatUpdateProcessor())
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, _echo))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=timedelta(seconds=1))
        yield application
        await application.updater.stop()
        await application.stop()


async def test_a_slow_update_does_not_hold_up_other_customers(
    echo_bot: EchoApplication, emulator: BotApiEmulator
) -> None:
    ann, bob = emulator.user(1, "Ann"), emulator.user(2, "Bob")
    loop = asyncio.get_running_loop()

    started = loop.time()
    await ann.send(SLOW)
    await bob.send("hi")
    bobs = await bob.next_message()
    bob_waited = loop.time() - started
    anns = await ann.next_message()

    assert (bobs.text, anns.text) == ("done: hi", f"done: {SLOW}")
    assert bob_waited < SLOW_SECONDS


async def test_one_customers_messages_are_handled_in_the_order_sent(
    echo_bot: EchoApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(1, "Ann")

    await ann.send(SLOW)
    await ann.send("quick")
    first, second = await ann.next_message(), await ann.next_message()

    assert [first.text, second.text] == [f"done: {SLOW}", "done: quick"]


async def test_the_shop_handles_updates_concurrently(shop: ShopApplication) -> None:
    assert isinstance(shop.update_processor, PerChatUpdateProcessor)
    assert shop.update_processor.max_concurrent_updates > 1
