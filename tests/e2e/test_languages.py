"""Each update is answered in its sender's language: their own choice, else their Telegram
app's, else the shop's default."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.models import OrderStatus, Size
from tests.catalogues import write_catalog
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

    assert "bezahlt" in orders["de"]
    assert "оплачен" in orders["ru"]
    assert "paid" in orders["fr"]  # not offered: the shop's default, English
