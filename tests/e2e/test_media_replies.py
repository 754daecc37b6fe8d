"""Stickers, voice notes, files, contacts and locations get an answer saying what works, and
change nothing; a customer's own contact fills the phone step of an address form."""

from __future__ import annotations

from bot import texts
from bot.app import ShopApplication
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.texts import admin as admin_texts
from tests.conftest import OWNER_ID


async def at_phone_step(ann: SimulatedUser) -> Message:
    await ann.send("/profile")
    profile = await ann.next_message()
    await ann.press_button(profile, texts.PROFILE_ADD_ADDRESS)
    await ann.next_message()  # step 1: the recipient's name
    await ann.send("Ann Example")
    return await ann.next_message()  # step 2: the phone


async def test_a_sticker_outside_any_form_is_answered_with_what_works(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(42, "Ann")

    await ann.send_sticker()

    assert (await ann.next_message()).content == texts.ONLY_TEXT


async def test_media_in_a_form_is_answered_and_the_step_keeps_waiting(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(42, "Ann")
    phone_step = await at_phone_step(ann)

    await ann.send_location(52.52, 13.40)
    located = await ann.next_message()
    await ann.send_contact("+49301234567", own=False)  # someone else's number
    someone_else = await ann.next_message()
    await ann.send("+49 30 1234567")
    street_step = await ann.next_message()

    assert "step 2 of 7" in phone_step.content
    assert located.content == someone_else.content == texts.ONLY_TEXT_IN_FORM
    assert "step 3 of 7" in street_step.content


async def test_the_customers_own_contact_answers_the_phone_step(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(42, "Ann")
    await at_phone_step(ann)

    await ann.send_contact("49301234567")  # Telegram sends it without the +

    assert "step 3 of 7" in (await ann.next_message()).content


async def test_a_spreadsheet_sent_without_the_caption_tells_an_admin_how_to_import_it(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    owner, ann = emulator.user(OWNER_ID, "Owner"), emulator.user(42, "Ann")

    await owner.send_document(b"sku,name\n", file_name="catalogue.csv", mime_type="text/csv")
    await ann.send_document(b"sku,name\n", file_name="catalogue.csv", mime_type="text/csv")

    hint = await owner.next_message()
    assert "send it again with the caption /import" in hint.content
    assert admin_texts.IMPORT_NEEDS_CAPTION.startswith("To import this file")
    assert (await ann.next_message()).content == texts.ONLY_TEXT
