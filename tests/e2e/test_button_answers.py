"""Every button press gets a visible answer, even one that changes nothing on the screen."""

from __future__ import annotations

from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.services import product as products
from tests.factories import make_product


async def tap(user: SimulatedUser, message: Message, label: str) -> tuple[Message, str | None]:
    """Press a button; returns the message as the bot left it and the toast."""
    user.skip_unread()
    answer = await user.callback_answer(await user.press_button(message, label))
    latest = user.last_bot_message
    assert latest is not None
    return latest, answer.text


async def test_labels_and_the_chosen_size_answer_with_what_to_press_instead(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        await make_product(session, name="Sneakers", price=4999, sizes={"41": 5, "42": 5})
        await products.bump_catalog_revision(session)
    ann = emulator.user(42, "Ann")
    await ann.send("sneakers")
    results = await ann.next_message()
    card, _ = await tap(ann, results, "Sneakers · €49.99")
    card, _ = await tap(ann, card, "42")

    again, size_toast = await tap(ann, card, "• 42")
    _, quantity_toast = await tap(ann, again, "Qty: 1")
    await tap(ann, again, "➕ Add to cart")
    ann.skip_unread()
    await ann.send("/cart")
    cart = await ann.next_message()
    _, line_toast = await tap(ann, cart, "1. 42 × 1")

    assert size_toast == "Size 42 is selected."
    assert quantity_toast == "Use − and + to change the quantity."
    assert line_toast == "Use − and + to change the quantity, or 🗑 to remove the item."
    assert "Qty: 1" in again.button_texts


async def test_the_page_counter_says_how_to_turn_pages(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        for number in range(10):
            await make_product(session, name=f"Tee {number}", price=1000, sizes={"M": 5})
        await products.bump_catalog_revision(session)
    ann = emulator.user(43, "Ann")
    await ann.send("tee")
    results = await ann.next_message()

    _, toast = await tap(ann, results, "1 / 2")

    assert toast == "This is the page you are on. Use ◀ and ▶ to turn pages."
