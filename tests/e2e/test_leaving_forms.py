"""A command in the middle of a form leaves it (asking first when typed answers would be
lost), so what is typed next is not taken as the form's answer."""

from __future__ import annotations

from sqlalchemy import func, select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.models import Address
from bot.services import product as products
from tests.factories import make_product


async def say(user: SimulatedUser, text: str) -> Message:
    await user.send(text)
    return await user.next_message()


async def press(user: SimulatedUser, message: Message, label: str) -> Message:
    await user.callback_answer(await user.press_button(message, label))
    return await user.next_message()


async def address_form(ann: SimulatedUser) -> Message:
    profile = await say(ann, "/profile")
    return await press(ann, profile, texts.PROFILE_ADD_ADDRESS)


async def addresses(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(Address)) or 0


async def hoodie(db: Database) -> None:
    async with db.transaction() as session:
        await make_product(session, name="Black Hoodie", price=4999, sizes={"M": 5})
        await products.bump_catalog_revision(session)


async def test_a_command_before_anything_was_typed_leaves_the_form_at_once(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await hoodie(db)
    ann = emulator.user(42, "Ann")
    await address_form(ann)

    catalogue = await say(ann, "/catalog")
    found = await say(ann, "hoodie")

    assert "Catalogue" in catalogue.content or catalogue.buttons
    assert "Black Hoodie · €49.99" in found.button_texts  # a search, not a recipient's name
    assert await addresses(db) == 0


async def test_leaving_a_form_with_answers_is_asked_first_and_the_command_then_runs(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await hoodie(db)
    ann = emulator.user(42, "Ann")
    await address_form(ann)
    await say(ann, "Ann Example")  # the recipient's name: typed, would be lost

    question = await say(ann, "/catalog")
    catalogue = await press(ann, question, texts.LEAVE_FORM)
    found = await say(ann, "hoodie")

    assert question.content == (
        "You're in the middle of the new address. Leave it? What you typed there will be lost."
    )
    assert catalogue.buttons, catalogue.content  # /catalog ran after leaving
    assert "Black Hoodie · €49.99" in found.button_texts
    assert await addresses(db) == 0


async def test_staying_keeps_the_answers_and_the_next_text_is_the_forms(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    ann = emulator.user(42, "Ann")
    await address_form(ann)
    await say(ann, "Ann Example")

    question = await say(ann, "/catalog")
    await ann.callback_answer(await ann.press_button(question, texts.STAY_IN_FORM))
    street = await say(ann, "+49 30 1234567")

    assert "step 3 of 7" in street.content


async def test_cancel_says_what_was_cancelled(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(42, "Ann")
    await address_form(ann)

    cancelled = await say(ann, "/cancel")

    assert cancelled.content == (
        "The new address was cancelled; nothing from it was saved. Your cart is as you left it."
    )


async def test_a_menu_button_leaves_a_form_too_asking_first(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await hoodie(db)
    ann = emulator.user(42, "Ann")
    start = await say(ann, "/start")
    await address_form(ann)
    await say(ann, "Ann Example")

    await ann.callback_answer(await ann.press_button(start, "🛍 Catalogue"))
    question = await ann.next_message()
    await ann.callback_answer(await ann.press_button(question, texts.LEAVE_FORM))
    catalogue = await ann.next_message()
    found = await say(ann, "hoodie")

    assert question.content.startswith("You're in the middle of the new address.")
    assert catalogue.buttons
    assert "Black Hoodie · €49.99" in found.button_texts
