"""/payments: a customer's saved cards, and removing one (after a confirmation), which
detaches it from its customer at Stripe (the fake, on loopback) before the list forgets it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.app import ShopApplication
from bot.db import Database
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.models import PaymentDetails, PaymentProvider
from bot.runner import running_shop
from bot.services import ledger
from bot.services import user as users
from bot.texts.errors import ERRORS
from tests.factories import make_user
from tests.fakes.stripe_shop import stripe_settings

VISA = "🗑 Visa •••• 4242 · exp 12/34"
MASTERCARD = "🗑 Mastercard •••• 4444 · exp 01/20"
CARDS = (
    ("cus_ann", "visa", "4242", 12, 2034),
    ("cus_ann", "mastercard", "4444", 1, 2020),
    ("cus_bob", "amex", "0005", 3, 2031),
)


@pytest.fixture
async def stripe_shop(
    emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> AsyncIterator[ShopApplication]:
    settings = stripe_settings(emulator, db, stripe_api)
    async with running_shop(settings, db, token=emulator.token, web=False, jobs=False) as app:
        yield app


async def save_cards(db: Database, stripe_api: FakeStripeApi | None = None) -> tuple[int, int, int]:
    """Ann's Visa and expired Mastercard, and Bob's Amex, each kept for its owner at Stripe
    (when given); returns their ids."""
    async with db.transaction() as session:
        ann = await make_user(session, telegram_id=42, first_name="Ann")
        bob = await make_user(session, telegram_id=43, first_name="Bob")
        owners = {"cus_ann": ann.id, "cus_bob": bob.id}
        saved = []
        for number, (customer, brand, last4, month, year) in enumerate(CARDS):
            card = {"brand": brand, "last4": last4, "exp_month": month, "exp_year": year}
            token = stripe_api.keep_card(customer, card) if stripe_api else f"pm_{number}"
            details = await ledger.save_payment_method(
                session,
                user_id=owners[customer],
                provider=PaymentProvider.STRIPE,
                provider_payment_method_id=token,
                brand=brand,
                last4=last4,
                exp_month=month,
                exp_year=year,
                provider_customer_id=customer,
            )
            saved.append(details.id)
        return saved[0], saved[1], saved[2]


async def tokens_of(db: Database, *card_ids: int) -> list[str]:
    async with db.reading() as session:
        found = await session.scalars(
            select(PaymentDetails.provider_payment_method_id)
            .where(PaymentDetails.id.in_(card_ids))
            .order_by(PaymentDetails.id)
        )
        return list(found)


def kept_for(stripe_api: FakeStripeApi, token: str) -> str | None:
    """The customer Stripe keeps the card for."""
    customer: str | None = stripe_api.payment_methods[token]["customer"]
    return customer


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


async def test_removing_a_card_asks_first_then_detaches_it_at_stripe_and_forgets_it(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    visa, mastercard, amex = await save_cards(db, stripe_api)
    tokens = await tokens_of(db, visa, mastercard, amex)
    ann = emulator.user(42, "Ann")
    await ann.send("/payments")
    listing = await ann.next_message()

    question, _ = await tap(ann, listing, MASTERCARD)
    kept, _ = await tap(ann, question, "No, keep it")
    assert await tokens_of(db, visa, mastercard, amex) == tokens
    assert stripe_api.requests == []
    question, _ = await tap(ann, kept, MASTERCARD)
    after, toast = await tap(ann, question, "Yes, remove it")

    assert "Remove this card?" in question.content
    assert "Mastercard •••• 4444" in question.content
    assert MASTERCARD in kept.button_texts
    assert toast == "Card removed"
    assert "Mastercard" not in after.content and "Visa •••• 4242" in after.content
    assert await tokens_of(db, visa, mastercard, amex) == [tokens[0], tokens[2]]
    assert [kept_for(stripe_api, token) for token in tokens] == ["cus_ann", None, "cus_bob"]
    [detach] = stripe_api.requests
    assert (detach.method, detach.path) == ("POST", f"/v1/payment_methods/{tokens[1]}/detach")


async def test_removing_the_last_card_leaves_the_empty_list(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    _, mastercard, amex = await save_cards(db, stripe_api)
    async with db.transaction() as session:
        ann_id = (await users.get_by_telegram_id(session, 42)).id
        await ledger.remove_payment_method(session, user_id=ann_id, payment_method_id=mastercard)
    ann = emulator.user(42, "Ann")
    await ann.send("/payments")
    question, _ = await tap(ann, await ann.next_message(), VISA)

    after, _ = await tap(ann, question, "Yes, remove it")

    assert "You have no saved cards" in after.content
    async with db.reading() as session:
        assert list(await session.scalars(select(PaymentDetails.id))) == [amex]


async def test_when_stripe_does_not_answer_the_card_stays_saved(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    visa, _, _ = await save_cards(db, stripe_api)
    [token] = await tokens_of(db, visa)
    for _ in range(3):  # the first try and the client's two retries
        stripe_api.fail_next(
            status=503,
            type="api_error",
            message="Stripe is down",
            code=None,
            path=f"/v1/payment_methods/{token}/detach",
        )
    ann = emulator.user(42, "Ann")
    await ann.send("/payments")
    question, _ = await tap(ann, await ann.next_message(), VISA)

    failed = await ann.callback_answer(await ann.press_button(question, "Yes, remove it"))
    assert failed.show_alert and failed.text == ERRORS["card.not_removed"]
    assert await tokens_of(db, visa) == [token]
    assert kept_for(stripe_api, token) == "cus_ann"

    after, toast = await tap(ann, question, "Yes, remove it")  # Stripe is back

    assert toast == "Card removed"
    assert "Visa" not in after.content
    assert await tokens_of(db, visa) == []
    assert kept_for(stripe_api, token) is None


async def test_a_card_stripe_no_longer_has_is_simply_forgotten(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    visa, _, _ = await save_cards(db, stripe_api)
    [token] = await tokens_of(db, visa)
    del stripe_api.payment_methods[token]  # e.g. deleted in Stripe's dashboard
    ann = emulator.user(42, "Ann")
    await ann.send("/payments")
    question, _ = await tap(ann, await ann.next_message(), VISA)

    after, toast = await tap(ann, question, "Yes, remove it")

    assert toast == "Card removed"
    assert "Visa" not in after.content
    assert await tokens_of(db, visa) == []


async def test_without_stripe_a_card_kept_there_is_not_claimed_removed(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    visa, _, _ = await save_cards(db)
    ann = emulator.user(42, "Ann")
    await ann.send("/payments")
    question, _ = await tap(ann, await ann.next_message(), VISA)

    answer = await ann.callback_answer(await ann.press_button(question, "Yes, remove it"))

    assert answer.show_alert and answer.text == ERRORS["card.not_removed"]
    assert await tokens_of(db, visa) == ["pm_0"]


async def test_someone_elses_or_a_removed_card_cannot_be_removed(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    visa, mastercard, amex = await save_cards(db, stripe_api)
    tokens = await tokens_of(db, visa, mastercard, amex)
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
    assert await tokens_of(db, visa, mastercard, amex) == tokens[1:]
    assert kept_for(stripe_api, tokens[2]) == "cus_bob"
    assert len(stripe_api.requests) == 1  # Ann's Visa, once
