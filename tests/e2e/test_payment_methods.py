"""/payments: a customer's saved cards, and removing one (after a confirmation)."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.models import PaymentDetails, PaymentProvider
from bot.services import payment as payments
from bot.services import user as users
from tests.factories import make_user

VISA = "🗑 Visa •••• 4242 · exp 12/34"
MASTERCARD = "🗑 Mastercard •••• 4444 · exp 01/20"


async def save_cards(db: Database) -> tuple[int, int, int]:
    """Ann's Visa and expired Mastercard, and Bob's Amex; returns their ids."""
    async with db.transaction() as session:
        ann = await make_user(session, telegram_id=42, first_name="Ann")
        bob = await make_user(session, telegram_id=43, first_name="Bob")
        saved = []
        for user_id, token, brand, last4, month, year in (
            (ann.id, "pm_visa", "visa", "4242", 12, 2034),
            (ann.id, "pm_mc", "mastercard", "4444", 1, 2020),
            (bob.id, "pm_amex", "amex", "0005", 3, 2031),
        ):
            card = await payments.save_payment_method(
                session,
                user_id=user_id,
                provider=PaymentProvider.STRIPE,
                provider_payment_method_id=token,
                brand=brand,
                last4=last4,
                exp_month=month,
                exp_year=year,
            )
            saved.append(card.id)
        return saved[0], saved[1], saved[2]


async def tokens(db: Database) -> list[str]:
    async with db.reading() as session:
        found = await session.scalars(
            select(PaymentDetails.provider_payment_method_id).order_by(PaymentDetails.id)
        )
        return list(found)


async def tap(user: SimulatedUser, message: Message, label: str) -> tuple[Message, str | None]:
    answer = await user.callback_answer(await user.press_button(message, label))
    return await user.next_message(), answer.text


async def test_a_customer_without_saved_cards_is_told_so_kindly(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(42, "Ann")

    await ann.send("/payments")
    reply = await ann.next_message()

    assert "You have no saved cards" in reply.content
    assert "never store card numbers" in reply.content
    assert reply.button_texts == ["🏠 Menu"]


async def test_saved_cards_are_listed_by_brand_last_digits_and_expiry(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await save_cards(db)
    ann = emulator.user(42, "Ann")

    await ann.send("/payments")
    listing = await ann.next_message()

    assert "Visa •••• 4242 · exp 12/34" in listing.content
    assert "Mastercard •••• 4444 · exp 01/20 · expired" in listing.content
    assert "Visa •••• 4242 · exp 12/34 · expired" not in listing.content
    assert "0005" not in listing.content  # Bob's
    assert set(listing.button_texts) == {VISA, MASTERCARD, "🏠 Menu"}


async def test_removing_a_card_asks_first_then_removes_only_that_card(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await save_cards(db)
    ann = emulator.user(42, "Ann")
    await ann.send("/payments")
    listing = await ann.next_message()

    question, _ = await tap(ann, listing, MASTERCARD)
    kept, _ = await tap(ann, question, "No, keep it")
    assert await tokens(db) == ["pm_visa", "pm_mc", "pm_amex"]
    question, _ = await tap(ann, kept, MASTERCARD)
    after, toast = await tap(ann, question, "Yes, remove it")

    assert "Remove this card?" in question.content
    assert "Mastercard •••• 4444" in question.content
    assert MASTERCARD in kept.button_texts
    assert toast == "Card removed"
    assert "Mastercard" not in after.content and "Visa •••• 4242" in after.content
    assert await tokens(db) == ["pm_visa", "pm_amex"]


async def test_removing_the_last_card_leaves_the_empty_list(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    _, mastercard, _ = await save_cards(db)
    async with db.transaction() as session:
        ann_id = (await users.get_by_telegram_id(session, 42)).id
        await payments.remove_payment_method(session, user_id=ann_id, payment_method_id=mastercard)
    ann = emulator.user(42, "Ann")
    await ann.send("/payments")
    question, _ = await tap(ann, await ann.next_message(), VISA)

    after, _ = await tap(ann, question, "Yes, remove it")

    assert "You have no saved cards" in after.content
    assert await tokens(db) == ["pm_amex"]


async def test_someone_elses_or_a_removed_card_cannot_be_removed(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    visa, _, amex = await save_cards(db)
    ann = emulator.user(42, "Ann")
    await ann.send("/payments")
    listing = await ann.next_message()

    asked = await ann.callback_answer(await ann.press_forged(listing, f"wr:{amex}"))
    removed = await ann.callback_answer(await ann.press_forged(listing, f"wy:{amex}"))
    question, _ = await tap(ann, listing, VISA)
    await tap(ann, question, "Yes, remove it")
    twice = await ann.callback_answer(await ann.press_forged(question, f"wy:{visa}"))

    for answer in (asked, removed, twice):
        assert answer.show_alert and answer.text == "That saved card was not found."
    assert await tokens(db) == ["pm_mc", "pm_amex"]
