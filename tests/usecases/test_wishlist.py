"""Wishlists: saving is once per customer and product, and a lower price, whether an admin
typed it or a catalogue import brought it, tells each saver who takes reminders once."""

from __future__ import annotations

from sqlalchemy import select

from bot.db import Database
from bot.models import OutboxMessage, Product, ProductTranslation
from bot.services import catalog_csv, wishlist
from bot.texts.notices import render_notice
from bot.usecases import admin_catalog, profile
from bot.usecases import wishlist as usecase
from bot.usecases.customers import Sender
from tests.factories import make_product

ADMIN = 7000
ANN, BOB = Sender(42, "Ann"), Sender(43, "Bob")
HEADER = "sku,name,category,description,price,size,stock,photo\n"


async def _hoodie(db: Database, *, price: int = 4999) -> int:
    async with db.transaction() as session:
        return (await make_product(session, name="Zip Hoodie", price=price)).id


async def _save(db: Database, sender: Sender, product_id: int) -> None:
    await usecase.set_saved(db, sender=sender, product_id=product_id, saved=True)


async def _show(db: Database, product_id: int, *, visible: bool) -> None:
    await admin_catalog.set_visibility(
        db, admin_telegram_id=ADMIN, product=product_id, visible=visible
    )


async def _price(db: Database, product_id: int, value: str) -> None:
    await admin_catalog.edit_product(
        db, admin_telegram_id=ADMIN, product=product_id, field="price", value=value
    )


async def _notices(db: Database) -> list[OutboxMessage]:
    async with db.reading() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.message_key == wishlist.NOTICE)
            .order_by(OutboxMessage.id)
        )
        return list(rows)


async def _import(db: Database, product_id: int, price: str) -> None:
    async with db.reading() as session:
        sku = (await session.get_one(Product, product_id)).sku
    data = f"{HEADER}{sku},Zip Hoodie,Hoodies,,{price},M,5,\n".encode()
    async with db.transaction() as session:
        parsed = catalog_csv.parse_catalog(data, default_currency="EUR")
        await catalog_csv.apply_catalog(session, catalog=parsed, admin_telegram_id=ADMIN)


async def test_saving_twice_keeps_one_and_the_list_shows_price_and_stock(db: Database) -> None:
    product_id = await _hoodie(db)
    await _save(db, ANN, product_id)
    card = await usecase.set_saved(db, sender=ANN, product_id=product_id, saved=True)

    page = await usecase.saved_products(db, sender=ANN, page=1, per_page=5)
    assert card.saved
    assert page.total == 1
    [saved] = page.items
    assert (saved.name, saved.price, saved.currency) == ("Zip Hoodie", 4999, "EUR")


async def test_a_hidden_product_leaves_the_list_and_comes_back_when_shown(db: Database) -> None:
    product_id = await _hoodie(db)
    await _save(db, ANN, product_id)

    await _show(db, product_id, visible=False)
    assert (await usecase.saved_products(db, sender=ANN, page=1, per_page=5)).total == 0
    await _show(db, product_id, visible=True)
    assert (await usecase.saved_products(db, sender=ANN, page=1, per_page=5)).total == 1


async def test_an_admin_lowering_the_price_tells_each_saver_once(db: Database) -> None:
    product_id = await _hoodie(db)
    await _save(db, ANN, product_id)
    await _save(db, BOB, product_id)

    await _price(db, product_id, "39.99")
    await _price(db, product_id, "39.99")  # no change: no drop

    rows = await _notices(db)
    assert sorted(row.chat_id for row in rows) == [ANN.telegram_id, BOB.telegram_id]
    text, _ = render_notice(rows[0].message_key, rows[0].params)
    assert "<s>€49.99</s> → <b>€39.99</b>" in text


async def test_a_rise_a_hidden_product_and_an_opted_out_saver_hear_nothing(
    db: Database,
) -> None:
    product_id = await _hoodie(db)
    await _save(db, ANN, product_id)
    await _save(db, BOB, product_id)
    await profile.set_reminders(db, sender=BOB, wanted=False)

    await _price(db, product_id, "59.99")
    assert await _notices(db) == []
    await _show(db, product_id, visible=False)
    await _price(db, product_id, "19.99")
    assert await _notices(db) == []
    await _show(db, product_id, visible=True)
    await _price(db, product_id, "9.99")
    assert [row.chat_id for row in await _notices(db)] == [ANN.telegram_id]


async def test_an_import_lowering_the_price_tells_the_saver_in_their_language(
    db: Database,
) -> None:
    product_id = await _hoodie(db)
    async with db.transaction() as session:
        session.add(ProductTranslation(product_id=product_id, language="de", name="Kapuzenjacke"))
    await _save(db, ANN, product_id)

    await _import(db, product_id, "44.99")
    await _import(db, product_id, "44.99")  # the same file again changes nothing

    [row] = await _notices(db)
    german, _ = render_notice(row.message_key, row.params, language="de")
    assert "<b>Kapuzenjacke</b>" in german and "44,99" in german
