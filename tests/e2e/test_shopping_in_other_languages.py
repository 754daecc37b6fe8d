"""A customer whose Telegram speaks Russian, Spanish, German or Brazilian Portuguese shops from
/start to the "paid" notice in that language, with the shop's own catalogues: no English word
but the product names."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.runner import running_shop
from bot.services.user import AddressInput
from bot.texts.i18n import using_language
from tests.conftest import shop_settings
from tests.fakes.orders import ready_to_check_out

ANN = 42
HOME = AddressInput("Anna Ivanova", "+49 30 1234567", "Main St 1", "Berlin", "", "10115", "DE")
# What may stay English: product data, the address she typed, brand names, codes and units.
KEPT = re.compile(r"Classic Sneakers|Cap|Anna Ivanova|Anna|Main St|Berlin|Stripe|Telegram")
# Words of the shop's English that none of its other languages use ("for" is Portuguese).
ENGLISH = frozenset((
    "the", "your", "you", "and", "order", "orders", "cart", "please", "with", "paid",
    "pay", "button", "below", "thank", "thanks", "received", "will", "ships", "shipped",
    "search", "help", "profile", "catalogue", "checkout", "place", "placed", "address",
    "items", "item", "back", "what", "would", "like", "hello", "welcome", "browse", "type",
    "looking", "size", "quantity", "price", "awaiting", "payment", "saved", "cards", "cancel",
    "leave", "step",
))  # fmt: skip
WORD = re.compile(r"\b[A-Za-z]+\b")


@pytest.fixture
async def paying_shop(emulator: BotApiEmulator, db: Database) -> AsyncIterator[ShopApplication]:
    settings = shop_settings(
        emulator, db, payment_provider="telegram", telegram_provider_token="TEST:PROVIDER"
    )
    async with running_shop(settings, db, token=emulator.token) as app:
        yield app


def _english_left(message: Message) -> list[str]:
    text = KEPT.sub("", " ".join([message.content, *message.button_texts]))
    return [word for word in WORD.findall(text) if word.casefold() in ENGLISH]


async def _press(ann: SimulatedUser, message: Message, label: str) -> Message:
    await ann.callback_answer(await ann.press_button(message, label))
    return await ann.next_message()


@pytest.mark.parametrize(
    ("app", "language", "paid"),
    [
        ("ru", "ru", "114,98\u00a0€"),
        ("es-419", "es", "114,98\u00a0€"),
        ("de", "de", "114,98\u00a0€"),
        ("pt-br", "pt_BR", "€\u00a0114,98"),
    ],
)
async def test_a_customer_shops_and_pays_in_their_language(
    paying_shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    app: str,
    language: str,
    paid: str,
) -> None:
    """`app` is the language code their Telegram app sends."""
    await ready_to_check_out(
        db, telegram_id=ANN, first_name="Anna", address=HOME, language_code=app
    )
    ann = emulator.user(ANN, "Anna", language_code=app)
    with using_language(language):
        checkout, place = texts.CART_CHECKOUT, texts.CHECKOUT_PLACE

    await ann.send("/start")
    seen = [await ann.next_message()]
    await ann.send("/cart")
    seen.append(await ann.next_message())
    seen.append(await _press(ann, seen[-1], checkout))
    seen.append(await _press(ann, seen[-1], seen[-1].button_texts[0]))  # her saved address
    seen.append(await _press(ann, seen[-1], place))
    invoice = await ann.next_message()
    answer = await ann.pay(invoice)
    seen.append(await ann.next_message())

    assert answer.ok
    assert [(m.content[:40], _english_left(m)) for m in seen if _english_left(m)] == []
    assert paid in seen[-1].content
    assert invoice.invoice is not None and "Order" not in invoice.invoice["title"]
