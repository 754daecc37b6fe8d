"""The whole customer journey from the issue, pressing buttons by the labels a person sees."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.models import Order, OrderStatus, Size
from bot.services import product as products
from tests.factories import make_product


async def _tap(user: SimulatedUser, message: Message, label: str) -> tuple[Message, str | None]:
    """Press a button; returns the message as the bot left it and the toast."""
    answer = await user.callback_answer(await user.press_button(message, label))
    return await user.next_message(), answer.text


async def _say(user: SimulatedUser, text: str) -> Message:
    await user.send(text)
    return await user.next_message()


async def test_a_new_customer_finds_buys_and_cancels_sneakers(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        await make_product(session, name="Classic Sneakers", price=4999, sizes={"41": 5, "42": 5})
        await make_product(session, name="Wool Beanie", price=1500, sizes={"One size": 9})
        await products.bump_catalog_revision(session)
    ann = emulator.user(42, "Ann")

    welcome = await _say(ann, "/start")
    assert "Ann" in welcome.content
    assert "🛒 Cart" in welcome.button_texts

    results = await _say(ann, "snekers")
    assert "Classic Sneakers · €49.99" in results.button_texts
    assert "Wool Beanie · €15.00" not in results.button_texts

    card, _ = await _tap(ann, results, "Classic Sneakers · €49.99")
    assert "Classic Sneakers" in card.content
    card, _ = await _tap(ann, card, "42")
    card, _ = await _tap(ann, card, "+")
    assert "Qty: 2" in card.button_texts
    card, toast = await _tap(ann, card, "➕ Add to cart")
    assert toast == "Added 2 × Classic Sneakers (42) to your cart"

    cart, _ = await _tap(ann, card, "🛒 Go to cart")
    assert "Classic Sneakers · 42\n    2 × €49.99 = €99.98" in cart.content
    cart, toast = await _tap(ann, cart, "+")
    assert toast == "Quantity: 3"
    assert "Total: €149.97" in cart.content

    question, _ = await _tap(ann, cart, "✅ Checkout")
    assert "step 1 of 7" in question.content
    await _say(ann, "Ann Example")
    assert "Please send a phone number" in (await _say(ann, "call me maybe")).content
    for answer in ("+49 30 1234567", "Main St 1", "Berlin", "-", "10115"):
        await _say(ann, answer)
    summary = await _say(ann, "Germany")
    assert "Total: €149.97" in summary.content
    placed, _ = await _tap(ann, summary, "✅ Place order")
    assert "Order #1 placed" in placed.content
    assert "awaiting payment" in placed.content

    history = await _say(ann, "/orders")
    (label,) = [text for text in history.button_texts if text.startswith("#1 · ")]
    assert label.endswith(" · €149.97 · awaiting payment")
    details, _ = await _tap(ann, history, label)
    assert "3 × €49.99 = €149.97" in details.content
    question, _ = await _tap(ann, details, "✖ Cancel order")
    details, toast = await _tap(ann, question, "Yes, cancel it")
    assert toast == "Order #1 cancelled"
    assert "Order #1 · cancelled" in details.content

    async with db.reading() as session:
        order = (await session.scalars(select(Order))).one()
        stock = await session.scalar(select(Size.stock).where(Size.name == "42"))
    assert order.status is OrderStatus.CANCELLED
    assert stock == 5
