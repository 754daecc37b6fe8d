"""Back in stock: a customer asks on a sold-out size, sees it in their profile, and hears once
when an admin restocks it, with a button back to the card.

Background jobs are off, so each test delivers the outbox itself and sees exactly what it sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.jobs.outbox_delivery import deliver_due
from bot.models import Size
from bot.runner import running_shop
from tests.conftest import OWNER_ID, shop_settings
from tests.factories import make_product

ANN = 42
NOTIFY_M = "🔔 Notify me when M is back"
WAITING_M = "🔔 We'll tell you when M is back"
STOP_M = "🔕 Zip Hoodie (M)"


@pytest.fixture
async def quiet_shop(emulator: BotApiEmulator, db: Database) -> AsyncIterator[ShopApplication]:
    """OWNER_ID runs the shop; the outbox is delivered only when a test says so."""
    settings = shop_settings(emulator, db, admin_ids=[OWNER_ID])
    async with running_shop(settings, db, token=emulator.token, jobs=False) as app:
        yield app


async def _hoodie(db: Database, sizes: dict[str, int]) -> int:
    async with db.transaction() as session:
        return (await make_product(session, name="Zip Hoodie", sizes=sizes)).id


async def _open_card(ann: SimulatedUser, product_id: int) -> Message:
    """Through the product's shared link: the greeting, then the card."""
    await ann.send(f"/start p_{product_id}")
    await ann.next_message()
    return await ann.next_message()


async def _press(ann: SimulatedUser, message: Message, label: str) -> tuple[Message, str | None]:
    answer = await ann.callback_answer(await ann.press_button(message, label))
    return await ann.next_message(), answer.text


async def _say(user: SimulatedUser, text: str) -> Message:
    await user.send(text)
    return await user.next_message()


async def _stock(db: Database, product_id: int) -> dict[str, int]:
    async with db.reading() as session:
        rows = await session.execute(
            select(Size.name, Size.stock).where(Size.product_id == product_id)
        )
        return {name: stock for name, stock in rows}


async def test_a_customer_waits_for_a_size_and_hears_once_when_it_is_restocked(
    quiet_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id = await _hoodie(db, {"S": 2, "M": 0})
    ann = emulator.user(ANN, "Ann")
    owner = emulator.user(OWNER_ID, "Owner")

    card = await _open_card(ann, product_id)
    assert NOTIFY_M not in card.button_texts  # nothing offered until a sold-out size is pressed
    card, toast = await _press(ann, card, "M ✕")
    assert toast == "Size M is sold out."
    card, toast = await _press(ann, card, NOTIFY_M)
    assert toast == "🔔 Done: we'll message you once when M is back in stock."
    assert WAITING_M in card.button_texts and NOTIFY_M not in card.button_texts
    answer = await ann.callback_answer(await ann.press_button(card, WAITING_M))
    assert answer.text == "You're already on the list: we'll message you when M is back."

    profile = await _say(ann, "/profile")
    assert "Back-in-stock alerts\n🔔 Zip Hoodie (M)" in profile.content
    assert STOP_M in profile.button_texts

    assert "stock 0 → 3" in (await _say(owner, f"/setstock {product_id} M 3")).content
    assert await deliver_due(quiet_shop.bot, db) == 1
    notice = await ann.next_message()
    assert notice.content.startswith("🔔 Back in stock: Zip Hoodie (M).")
    assert notice.button_texts == ["🛍 See the product"]

    card, _ = await _press(ann, notice, "🛍 See the product")
    assert "Zip Hoodie" in card.content and "M — 3 in stock" in card.content
    card, _ = await _press(ann, card, "M")
    assert "• M" in card.button_texts and texts.ADD_TO_CART in card.button_texts

    profile = await _say(ann, "/profile")
    assert "Back-in-stock alerts" not in profile.content
    assert STOP_M not in profile.button_texts

    await _say(owner, f"/setstock {product_id} M 0")
    await _say(owner, f"/setstock {product_id} M 5")
    assert await deliver_due(quiet_shop.bot, db) == 0
    assert await _stock(db, product_id) == {"S": 2, "M": 5}


async def test_a_product_whose_only_size_is_sold_out_offers_the_alert_at_once(
    quiet_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id = await _hoodie(db, {"One size": 0})
    ann = emulator.user(ANN, "Ann")

    card = await _open_card(ann, product_id)
    card, toast = await _press(ann, card, "🔔 Notify me when One size is back")

    assert toast == "🔔 Done: we'll message you once when One size is back in stock."
    assert "🔔 We'll tell you when One size is back" in card.button_texts
    # Opened again later, the card still shows the alert is set.
    again = await _open_card(ann, product_id)
    assert "🔔 We'll tell you when One size is back" in again.button_texts


async def test_an_alert_removed_in_the_profile_sends_nothing_on_restock(
    quiet_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id = await _hoodie(db, {"S": 2, "M": 0})
    ann = emulator.user(ANN, "Ann")
    card = await _open_card(ann, product_id)
    card, _ = await _press(ann, card, "M ✕")
    await _press(ann, card, NOTIFY_M)

    profile = await _say(ann, "/profile")
    profile, toast = await _press(ann, profile, STOP_M)

    assert toast == "🔕 Alert removed: no message will come for it."
    assert STOP_M not in profile.button_texts
    assert "Back-in-stock alerts" not in profile.content
    await _say(emulator.user(OWNER_ID, "Owner"), f"/setstock {product_id} M 3")
    assert await deliver_due(quiet_shop.bot, db) == 0
