"""Abandoned carts: a customer fills the cart and leaves; a day later they get one reminder
whose ✅ Checkout leads into the checkout, and whose 🔕 Don't remind me turns reminders off.

Background jobs are off: the test runs the reminder use case with a clock a day ahead, and
delivers the outbox itself, so it sees exactly what was sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.jobs.outbox_delivery import deliver_due
from bot.models import utcnow
from bot.runner import running_shop
from bot.usecases.abandoned_carts import remind_abandoned_carts
from tests.conftest import shop_settings
from tests.factories import make_product

ANN = 42
HOURS = 24


@pytest.fixture
async def quiet_shop(emulator: BotApiEmulator, db: Database) -> AsyncIterator[ShopApplication]:
    """The outbox is delivered, and carts looked at, only when a test says so."""
    settings = shop_settings(emulator, db)
    async with running_shop(settings, db, token=emulator.token, jobs=False) as app:
        yield app


async def _press(user: SimulatedUser, message: Message, label: str) -> tuple[Message, str | None]:
    answer = await user.callback_answer(await user.press_button(message, label))
    return await user.next_message(), answer.text


async def _card(ann: SimulatedUser, product_id: int) -> Message:
    """Through the product's shared link: the greeting, then the card."""
    await ann.send(f"/start p_{product_id}")
    await ann.next_message()
    return await ann.next_message()


async def _a_day_later(app: ShopApplication, db: Database) -> int:
    """The reminder job's round, run as if a day and a minute had passed; then delivery."""
    later = utcnow() + timedelta(hours=HOURS, minutes=1)
    await remind_abandoned_carts(db, hours=HOURS, now=later)
    return await deliver_due(app.bot, db)


async def test_a_cart_left_for_a_day_is_reminded_of_once_and_leads_into_checkout(
    quiet_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        hoodie = await make_product(session, name="Zip Hoodie", price=4999, sizes={"M": 3})
    ann = emulator.user(ANN, "Ann")
    card, _ = await _press(ann, await _card(ann, hoodie.id), texts.MORE)
    _, toast = await _press(ann, card, texts.ADD_TO_CART)
    assert toast == "Added 2 × Zip Hoodie (M) to your cart"

    assert await _a_day_later(quiet_shop, db) == 1
    reminder = await ann.next_message()
    assert reminder.content.splitlines() == [
        "🛒 You left something in your cart:",
        "",
        "• Zip Hoodie · M × 2",
        "",
        "Total: €99.98",
        "Your items are still waiting. Check out in one tap while they are in stock.",
    ]
    assert reminder.button_texts == [texts.CART_CHECKOUT, "🔕 Don't remind me"]
    assert await _a_day_later(quiet_shop, db) == 0  # once

    checkout, _ = await _press(ann, reminder, texts.CART_CHECKOUT)
    assert "New address" in checkout.content and "step 1 of 7" in checkout.content


async def test_dont_remind_me_turns_reminders_off_as_the_profile_shows(
    quiet_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        hat = await make_product(session, name="Wool Hat", price=1500, sizes={"One size": 3})
    ann = emulator.user(ANN, "Ann")
    _, toast = await _press(ann, await _card(ann, hat.id), texts.ADD_TO_CART)
    assert toast == "Added 1 × Wool Hat (One size) to your cart"
    assert await _a_day_later(quiet_shop, db) == 1
    reminder = await ann.next_message()

    answer = await ann.callback_answer(await ann.press_button(reminder, "🔕 Don't remind me"))
    assert answer.text is not None and answer.text.startswith("⏰ No more reminders.")
    assert "/profile" in answer.text

    await ann.send("/profile")
    profile = await ann.next_message()
    assert texts.reminders_button(False) in profile.button_texts
    # A changed cart, a day later: nothing, now that she asked for no reminders.
    await _press(ann, await _card(ann, hat.id), texts.ADD_TO_CART)
    assert await _a_day_later(quiet_shop, db) == 0


async def test_two_instances_running_the_job_at_once_send_one_reminder(
    quiet_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        hat = await make_product(session, name="Wool Hat", price=1500, sizes={"One size": 3})
    ann = emulator.user(ANN, "Ann")
    await _press(ann, await _card(ann, hat.id), texts.ADD_TO_CART)
    later = utcnow() + timedelta(hours=HOURS, minutes=1)

    # The second instance's jobs: their own engine on the same database, sending as the bot.
    other = Database(db.url)
    try:
        queued = await asyncio.gather(
            remind_abandoned_carts(db, hours=HOURS, now=later),
            remind_abandoned_carts(other, hours=HOURS, now=later),
        )
        sent = await asyncio.gather(
            deliver_due(quiet_shop.bot, db), deliver_due(quiet_shop.bot, other)
        )
    finally:
        await other.dispose()

    assert sorted(queued) == [0, 1] and sum(sent) == 1
    reminders = [m for m in ann.bot_messages if "You left something in your cart" in m.content]
    assert len(reminders) == 1
