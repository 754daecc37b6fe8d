"""Wishlists: a customer saves products from their cards, finds them in /wishlist with price
and stock, puts one in the cart in one tap, removes one, and hears once when an admin lowers a
saved product's price.

Background jobs are off, so each test delivers the outbox itself and sees exactly what it sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.jobs.outbox_delivery import deliver_due
from bot.models import CartItem, SavedProduct
from bot.runner import running_shop
from tests.conftest import OWNER_ID, shop_settings
from tests.factories import make_product

ANN = 42
SAVE, SAVED = "♡ Save", "♥ Saved"


@pytest.fixture
async def quiet_shop(emulator: BotApiEmulator, db: Database) -> AsyncIterator[ShopApplication]:
    """OWNER_ID runs the shop; the outbox is delivered only when a test says so."""
    settings = shop_settings(emulator, db, admin_ids=[OWNER_ID])
    async with running_shop(settings, db, token=emulator.token, jobs=False) as app:
        yield app


async def _product(db: Database, name: str, price: int, sizes: dict[str, int]) -> int:
    async with db.transaction() as session:
        return (await make_product(session, name=name, price=price, sizes=sizes)).id


async def _open_card(ann: SimulatedUser, product_id: int) -> Message:
    """Through the product's shared link: the greeting, then the card."""
    await ann.send(f"/start p_{product_id}")
    await ann.next_message()
    return await ann.next_message()


async def _press(user: SimulatedUser, message: Message, label: str) -> tuple[Message, str | None]:
    answer = await user.callback_answer(await user.press_button(message, label))
    return await user.next_message(), answer.text


async def _toast(user: SimulatedUser, message: Message, label: str) -> str | None:
    """A press answered with a toast alone, the message staying as it is."""
    return (await user.callback_answer(await user.press_button(message, label))).text


async def _say(user: SimulatedUser, text: str) -> Message:
    await user.send(text)
    return await user.next_message()


async def _saved_rows(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(SavedProduct)) or 0


async def _cart(db: Database) -> list[tuple[int, int]]:
    async with db.reading() as session:
        rows = await session.execute(select(CartItem.product_id, CartItem.quantity))
        return sorted((product_id, quantity) for product_id, quantity in rows)


async def test_a_customer_saves_finds_buys_and_removes_from_the_wishlist(
    quiet_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    hoodie = await _product(db, "Zip Hoodie", 4999, {"S": 2, "M": 0, "L": 1})
    tote = await _product(db, "Canvas Tote", 1999, {"One size": 3})
    cap = await _product(db, "Wool Cap", 1500, {"One size": 0})
    ann = emulator.user(ANN, "Ann")

    first = await _open_card(ann, hoodie)
    second = await _open_card(ann, hoodie)
    assert SAVE in first.button_texts
    card, toast = await _press(ann, first, SAVE)
    assert toast == "♥ Saved to your /wishlist: we'll tell you if its price goes down."
    assert SAVED in card.button_texts and SAVE not in card.button_texts
    # The same button pressed on an older copy of the card saves it again: still once.
    card, _ = await _press(ann, second, SAVE)
    assert SAVED in card.button_texts
    assert await _saved_rows(db) == 1
    for product_id in (tote, cap):
        await _press(ann, await _open_card(ann, product_id), SAVE)

    wishlist = await _say(ann, "/wishlist")
    assert wishlist.content.splitlines() == [
        "♥ Your wishlist: 3 products",
        "",
        "1. Wool Cap — €15.00 · sold out",
        "2. Canvas Tote — €19.99 · in stock",
        "3. Zip Hoodie — €49.99 · in stock: S, L",
    ]
    assert wishlist.button_texts[:3] == ["1. Wool Cap", "🛒 Add 1 to cart", "✕ Remove 1"]

    toast = await _toast(ann, wishlist, "🛒 Add 2 to cart")
    assert toast == "Added 1 × Canvas Tote (One size) to your cart"
    assert await _cart(db) == [(tote, 1)]
    toast = await _toast(ann, wishlist, "🛒 Add 1 to cart")
    assert toast == "Wool Cap is sold out for now."
    # Two sizes in stock: the card opens for the customer to pick one, and nothing is added.
    card, toast = await _press(ann, wishlist, "🛒 Add 3 to cart")
    assert toast == "Zip Hoodie comes in several sizes: pick one on its card."
    assert "Zip Hoodie" in card.content and SAVED in card.button_texts
    assert await _cart(db) == [(tote, 1)]
    wishlist, _ = await _press(ann, card, "« Back")
    assert wishlist.content.startswith("♥ Your wishlist: 3 products")

    wishlist, toast = await _press(ann, wishlist, "✕ Remove 1")
    assert toast == "Removed from your wishlist."
    assert "Wool Cap" not in wishlist.content
    assert "1. Canvas Tote — €19.99 · in stock" in wishlist.content
    card = await _open_card(ann, cap)
    assert SAVE in card.button_texts


async def test_a_price_drop_tells_each_saver_once_and_a_rise_tells_no_one(
    quiet_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    hoodie = await _product(db, "Zip Hoodie", 4999, {"M": 2})
    ann, bob, cat = emulator.user(ANN, "Ann"), emulator.user(43, "Bob"), emulator.user(44, "Cat")
    owner = emulator.user(OWNER_ID, "Owner")
    for customer in (ann, bob, cat):
        await _press(customer, await _open_card(customer, hoodie), SAVE)
    profile = await _say(cat, "/profile")
    await _press(cat, profile, "⏰ Reminders: on (tap to turn off)")

    await _say(owner, f"/editproduct {hoodie} price 39.99")
    assert await deliver_due(quiet_shop.bot, db) == 2
    notices = {}
    for customer in (ann, bob):
        notices[customer] = notice = await customer.next_message()
        assert notice.content == (
            "♥ A product you saved costs less now: Zip Hoodie, €49.99 → €39.99."
        )
        assert notice.button_texts == ["🛍 See the product", "⏰ No more reminders"]
    card, _ = await _press(ann, notice, "🛍 See the product")
    assert "€39.99" in card.content and SAVED in card.button_texts
    # Bob has heard enough: the switch under the message turns reminders off.
    toast = await _toast(bob, notices[bob], "⏰ No more reminders")
    assert toast is not None and toast.startswith("⏰ No more reminders.")

    await _say(owner, f"/editproduct {hoodie} price 44.99")
    assert await deliver_due(quiet_shop.bot, db) == 0
    await _say(owner, f"/editproduct {hoodie} price 39.99")
    assert await deliver_due(quiet_shop.bot, db) == 1  # a new drop: Ann is told again, once
    assert "€44.99 → €39.99" in (await ann.next_message()).content
