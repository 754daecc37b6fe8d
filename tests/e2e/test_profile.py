from __future__ import annotations

from sqlalchemy import select

from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.state import CallbackAnswer
from bot.emulator.users import SimulatedUser
from bot.models import Address, User
from bot.services import dialog
from bot.services import user as users
from bot.services.user import AddressInput
from tests.factories import make_user

ANN = 42
HOME = AddressInput(
    recipient_name="Ann Example",
    phone="+49 30 1234567",
    street="Main St 1",
    city="Berlin",
    region="",
    postal_code="10115",
    country="DE",
)
WORK = AddressInput(
    recipient_name="Ann Example",
    phone="+49 30 7654321",
    street="Office Park 7",
    city="Munich",
    region="Bavaria",
    postal_code="80331",
    country="DE",
)


async def _customer_with(db: Database, *addresses: AddressInput, telegram_id: int = ANN) -> int:
    async with db.transaction() as session:
        user = await make_user(session, telegram_id=telegram_id, first_name="Ann")
        for address in addresses:
            await users.add_address(session, user_id=user.id, address=address)
        return user.id


async def _addresses(db: Database, user_id: int) -> list[tuple[str, str, bool]]:
    async with db.reading() as session:
        found = await users.list_addresses(session, user_id=user_id)
        return [(a.street, a.city, a.is_default) for a in found]


async def _step(db: Database, user_id: int) -> tuple[str, str] | None:
    async with db.reading() as session:
        step = await dialog.current_step(session, user_id=user_id)
        return (step.flow, step.step) if step else None


async def _open_profile(ann: SimulatedUser) -> Message:
    await ann.send("/profile")
    return await ann.next_message()


async def _press(
    ann: SimulatedUser, message: Message, label: str
) -> tuple[CallbackAnswer, Message]:
    """Press, wait for the answer, return it with the screen the press left behind."""
    answer = await ann.callback_answer(await ann.press_button(message, label))
    return answer, await ann.next_message()


async def _say(ann: SimulatedUser, text: str) -> Message:
    await ann.send(text)
    return await ann.next_message()


async def test_the_profile_shows_the_name_and_that_no_email_or_address_is_set(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    profile = await _open_profile(emulator.user(ANN, "Ann"))

    assert profile.text is not None
    assert "Ann" in profile.text and "not set" in profile.text
    assert "No saved addresses yet." in profile.text
    assert profile.button_texts == [
        "✉ Set email",
        "🌐 Language: English",
        "🔔 Announcements: on (tap to turn off)",
        "⏰ Reminders: on (tap to turn off)",
        "➕ Add address",
        "🏠 Menu",
    ]


async def test_reminders_are_switched_off_and_on_again_from_the_profile(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id = await _customer_with(db)
    ann = emulator.user(ANN, "Ann")

    off, profile = await _press(ann, await _open_profile(ann), "⏰ Reminders: on (tap to turn off)")
    async with db.reading() as session:
        wanted_after_off = (await session.get_one(User, user_id)).wants_reminders
    on, profile_again = await _press(ann, profile, "⏰ Reminders: off (tap to turn on)")
    async with db.reading() as session:
        wanted_after_on = (await session.get_one(User, user_id)).wants_reminders

    assert "No more reminders" in (off.text or "") and not wanted_after_off
    assert "⏰ Reminders: off (tap to turn on)" in profile.button_texts
    assert "You'll get reminders again" in (on.text or "") and wanted_after_on
    assert "⏰ Reminders: on (tap to turn off)" in profile_again.button_texts
    assert "🔔 Announcements: on (tap to turn off)" in profile_again.button_texts


async def test_the_profile_opens_from_the_main_menu_in_place(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(ANN, "Ann")
    await ann.send("/start")
    menu = await ann.next_message()

    _, profile = await _press(ann, menu, "👤 Profile")

    assert profile.message_id == menu.message_id and profile.edited
    assert "Your profile" in profile.content


async def test_a_bad_email_is_asked_again_and_a_good_one_is_saved_normalized(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id = await _customer_with(db)
    ann = emulator.user(ANN, "Ann")
    _, prompt = await _press(ann, await _open_profile(ann), "✉ Set email")

    reask = await _say(ann, "ann at example")
    async with db.reading() as session:
        email_after_bad = (await session.get(User, user_id)).email  # type: ignore[union-attr]
    step_after_bad = await _step(db, user_id)
    saved = await _say(ann, "Ann@Example.COM")

    assert "name@example.com" in prompt.content
    assert "doesn't look like an email address" in reask.content
    assert email_after_bad is None and step_after_bad == ("email", "email")
    assert "Email saved" in saved.content and "Ann@example.com" in saved.content
    assert await _step(db, user_id) is None


async def test_a_dash_removes_the_saved_email(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id = await _customer_with(db)
    async with db.transaction() as session:
        await users.set_email(session, user_id=user_id, email="ann@example.com")
    ann = emulator.user(ANN, "Ann")
    _, prompt = await _press(ann, await _open_profile(ann), "✉ Set email")

    removed = await _say(ann, "-")

    assert "ann@example.com" in prompt.content
    assert "Email removed" in removed.content and "not set" in removed.content
    async with db.reading() as session:
        assert (await session.get(User, user_id)).email is None  # type: ignore[union-attr]


async def test_an_address_is_added_step_by_step_and_bad_answers_are_asked_again(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id = await _customer_with(db)
    ann = emulator.user(ANN, "Ann")
    _, first = await _press(ann, await _open_profile(ann), "➕ Add address")
    await _say(ann, "Ann Example")

    reask = await _say(ann, "call me maybe")
    step_after_bad = await _step(db, user_id)
    for answer in ("+49 30 1234567", "Main St 1", "Berlin", "-", "10115"):
        await _say(ann, answer)
    bad_country = await _say(ann, "Atlantis")
    done = await _say(ann, "germany")

    assert "step 1 of 7" in first.content
    assert "phone number of 7 to 15 digits" in reask.content
    assert step_after_bad == ("address", "phone")
    assert "Atlantis" in bad_country.content
    assert "Address added" in done.content
    assert "⭐ Main St 1, Berlin" in done.button_texts
    assert await _addresses(db, user_id) == [("Main St 1", "Berlin", True)]
    assert await _step(db, user_id) is None
    async with db.reading() as session:
        saved = (await users.list_addresses(session, user_id=user_id))[0]
    assert (saved.region, saved.postal_code, saved.country) == ("", "10115", "DE")


async def test_editing_an_address_keeps_fields_answered_with_a_dot(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id = await _customer_with(db, HOME)
    ann = emulator.user(ANN, "Ann")
    _, card = await _press(ann, await _open_profile(ann), "⭐ Main St 1, Berlin")
    _, first = await _press(ann, card, "✏️ Edit")

    for answer in (".", ".", "Castle Rd 9"):
        await _say(ann, answer)
    region = await _say(ann, ".")
    for answer in (".", "."):
        await _say(ann, answer)
    done = await _say(ann, ".")

    assert "Edit address" in first.content and "Ann Example" in first.content
    assert "Now: empty" in region.content
    assert "Address updated" in done.content
    async with db.reading() as session:
        saved = (await users.list_addresses(session, user_id=user_id))[0]
    assert (saved.recipient_name, saved.street, saved.city) == (
        "Ann Example",
        "Castle Rd 9",
        "Berlin",
    )
    assert (saved.phone, saved.postal_code, saved.country) == ("+49 30 1234567", "10115", "DE")


async def test_deleting_an_address_asks_first_and_moves_the_default_to_the_other_one(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id = await _customer_with(db, HOME, WORK)
    ann = emulator.user(ANN, "Ann")
    _, card = await _press(ann, await _open_profile(ann), "⭐ Main St 1, Berlin")
    _, question = await _press(ann, card, "🗑 Delete")
    _, back = await _press(ann, question, "No, keep it")
    kept = await _addresses(db, user_id)
    _, question = await _press(ann, back, "🗑 Delete")

    answer, profile = await _press(ann, question, "Yes, delete it")

    assert "Delete this address?" in question.content and "Main St 1" in question.content
    assert len(kept) == 2
    assert answer.text == "Address deleted"
    assert "Main St 1" not in profile.content
    assert await _addresses(db, user_id) == [("Office Park 7", "Munich", True)]


async def test_another_address_can_be_made_the_default(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id = await _customer_with(db, HOME, WORK)
    ann = emulator.user(ANN, "Ann")
    _, card = await _press(ann, await _open_profile(ann), "📍 Office Park 7, Munich")

    answer, updated = await _press(ann, card, "⭐ Make default")

    assert "⭐ Make default" in card.button_texts
    assert answer.text == "This is now your default address"
    assert "⭐ Make default" not in updated.button_texts
    assert "default address" in updated.content
    assert sorted(await _addresses(db, user_id)) == [
        ("Main St 1", "Berlin", False),
        ("Office Park 7", "Munich", True),
    ]


async def test_address_ids_of_another_customer_are_not_found_and_nothing_changes(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    bob_id = await _customer_with(db, HOME, WORK, telegram_id=77)
    async with db.reading() as session:
        bobs = list(await session.scalars(select(Address.id).where(Address.user_id == bob_id)))
    before = await _addresses(db, bob_id)
    ann = emulator.user(ANN, "Ann")
    profile = await _open_profile(ann)

    answers = []
    for prefix in ("pa", "pae", "pad", "padx", "pdef"):
        query = await ann.press_forged(profile, f"{prefix}:{bobs[1]}")
        answers.append(await ann.callback_answer(query))

    assert all(a.show_alert and "couldn't find that address" in (a.text or "") for a in answers)
    assert await _addresses(db, bob_id) == before
    async with db.reading() as session:
        ann_id = (await users.get_by_telegram_id(session, ANN)).id
    assert await _step(db, ann_id) is None
    assert ann.bot_messages[-1].content == profile.content


async def test_cancel_leaves_the_address_form_without_saving(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id = await _customer_with(db)
    ann = emulator.user(ANN, "Ann")
    await _press(ann, await _open_profile(ann), "➕ Add address")
    second = await _say(ann, "Ann Example")

    answer, profile = await _press(ann, second, "✖ Cancel")

    assert answer.text == "Stopped. Nothing was changed."
    assert "Your profile" in profile.content
    assert await _step(db, user_id) is None
    assert await _addresses(db, user_id) == []
