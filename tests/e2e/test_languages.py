"""Each update is answered in its sender's language: their own choice, else their Telegram
app's, else the shop's default."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot import languages
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.languages import LANGUAGES
from bot.models import OrderStatus, Size, User
from bot.runner import running_shop
from bot.services.errors import InvalidInput
from bot.texts.errors import error_text
from bot.usecases import profile
from bot.usecases.customers import Sender
from tests.catalogues import write_catalog
from tests.conftest import shop_settings
from tests.factories import make_order, make_product, make_user


async def _an_order_each(db: Database, telegram_ids: list[int]) -> None:
    async with db.transaction() as session:
        product = await make_product(session, price=4999, sizes={"M": 9})
        size = (await session.scalars(select(Size).where(Size.product_id == product.id))).one()
        for telegram_id in telegram_ids:
            user = await make_user(session, telegram_id=telegram_id)
            await make_order(
                session, user=user, product=product, size=size, status=OrderStatus.PAID
            )


async def test_each_customer_reads_the_same_screen_in_their_own_language(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database, catalogues: Path
) -> None:
    write_catalog(catalogues, "de", {"paid": "bezahlt"})
    write_catalog(catalogues, "ru", {"paid": "оплачен"})
    await _an_order_each(db, [51, 52, 53])
    readers = {
        "de": emulator.user(51, "Ann", language_code="de"),
        "ru": emulator.user(52, "Boris", language_code="ru"),
        "fr": emulator.user(53, "Cat", language_code="fr"),
    }

    orders = {}
    for language, reader in readers.items():
        await reader.send("/orders")
        orders[language] = " ".join((await reader.next_message()).button_texts)

    assert "bezahlt" in orders["de"] and "49,99\u00a0€" in orders["de"]
    assert "оплачен" in orders["ru"] and "49,99\u00a0€" in orders["ru"]
    assert "paid" in orders["fr"] and "€49.99" in orders["fr"]  # not offered: the default


async def test_telegram_s_command_menu_is_set_in_every_language_the_shop_speaks(
    emulator: BotApiEmulator, db: Database, catalogues: Path
) -> None:
    write_catalog(catalogues, "de", {"Your cart": "Dein Warenkorb"})
    write_catalog(catalogues, "ru", {"Your cart": "Ваша корзина"})
    settings = shop_settings(emulator, db, default_language="ru")
    async with running_shop(settings, db, token=emulator.token):
        menus = {
            code: dict(emulator.command_menu(language_code=code)) for code in ("", "de", "ru", "en")
        }

    assert menus[""]["cart"] == "Ваша корзина"  # apps in languages the shop doesn't speak
    assert menus["de"]["cart"] == "Dein Warenkorb"
    assert menus["ru"]["cart"] == "Ваша корзина"
    assert menus["en"]["cart"] == "Your cart"
    assert list(menus["de"]) == list(menus[""])


async def test_a_customer_picks_a_language_and_the_shop_speaks_it_from_then_on(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database, catalogues: Path
) -> None:
    write_catalog(
        catalogues,
        "de",
        {
            "paid": "bezahlt",
            "🌐 Done: the shop speaks {language} to you now.": "🌐 Erledigt: {language}.",
        },
    )
    await _an_order_each(db, [61])
    ann = emulator.user(61, "Ann", language_code="en")

    await ann.send("/language")
    screen = await ann.next_message()
    answer = await ann.callback_answer(await ann.press_button(screen, "Deutsch"))
    ticked = await ann.next_message()
    await ann.send("/orders")
    orders = await ann.next_message()
    async with db.reading() as session:
        stored = await session.scalar(select(User.language).where(User.telegram_id == 61))

    assert screen.button_texts[:3] == ["English", "Deutsch", "Русский"]
    assert screen.button_texts[3] == "✓ 📱 As my Telegram app"
    assert answer.text == "🌐 Erledigt: Deutsch."
    assert "✓ Deutsch" in ticked.button_texts
    assert "bezahlt" in " ".join(orders.button_texts)
    assert stored == "de"


async def test_a_language_the_shop_does_not_speak_is_refused_and_nothing_changes(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    ann = emulator.user(62, "Ann")
    await ann.send("/language")
    screen = await ann.next_message()

    with pytest.raises(InvalidInput) as refused:
        await profile.choose_language(db, sender=Sender(62, "Ann"), language="xx")

    async with db.reading() as session:
        stored = await session.scalar(select(User.language).where(User.telegram_id == 62))
    assert stored is None
    assert error_text(refused.value) == "The shop doesn't speak “xx”. Choose one from /language."
    offered = [LANGUAGES[code] for code in languages.SHIPPED]
    assert screen.button_texts == [*offered, "✓ 📱 As my Telegram app", "« Back"]
