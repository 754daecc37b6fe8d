"""A catalogue in several languages: each customer reads products and categories in their own,
where the merchant translated them, and as written everywhere else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import AdminAction, Product, Size
from bot.services.errors import InvalidInput
from bot.services.search import CatalogSearch
from bot.texts import admin as admin_texts
from bot.texts.errors import error_text
from bot.texts.i18n import using_language
from bot.usecases import admin_catalog, cart, catalog, orders, search
from bot.usecases.customers import Sender
from tests.factories import make_category, make_order, make_product, make_user

ADMIN = 7000
GRETA = Sender(telegram_id=902, first_name="Greta", language_code="de")


async def _translate(db: Database, product_id: int, field: str, value: str) -> str:
    edit = await admin_catalog.edit_product(
        db, admin_telegram_id=ADMIN, product=product_id, field=field, value=value
    )
    return edit.value


async def _shoes(db: Database) -> tuple[int, int, int]:
    """A category with a court sneaker named in German, and a runner named only in English."""
    async with db.transaction() as session:
        shoes = await make_category(session, "Sneakers")
        court = await make_product(
            session, name="Court Sneakers", description="Low-top leather", category=shoes
        )
        runner = await make_product(session, name="Runner", category=shoes)
    await _translate(db, court.id, "name:de", "Halbschuh-Sneaker")
    await _translate(db, court.id, "description:de", "Niedrige Sneaker aus Leder")
    return shoes.id, court.id, runner.id


async def test_a_german_reader_sees_german_names_and_the_rest_as_written(db: Database) -> None:
    shoes, court, runner = await _shoes(db)

    with using_language("de"):
        listing = await catalog.category_products(db, category_id=shoes, page=1, per_page=8)
        card = await catalog.product_card(db, product_id=court)
        untranslated = await catalog.product_card(db, product_id=runner)
    with using_language("en"):
        english = await catalog.product_card(db, product_id=court)

    assert [item.name for item in listing.products.items] == ["Halbschuh-Sneaker", "Runner"]
    assert (card.name, card.description) == ("Halbschuh-Sneaker", "Niedrige Sneaker aus Leder")
    assert untranslated.name == "Runner"
    assert (english.name, english.description) == ("Court Sneakers", "Low-top leather")


async def test_a_category_s_products_are_listed_by_their_names_in_the_reader_s_language(
    db: Database,
) -> None:
    async with db.transaction() as session:
        hats = await make_category(session, "Hats")
        beanie = await make_product(session, name="Beanie", category=hats)
        await make_product(session, name="Cap", category=hats)
    await _translate(db, beanie.id, "name:ru", "Шапка")

    with using_language("ru"):
        listing = await catalog.category_products(db, category_id=hats.id, page=1, per_page=8)

    assert [item.name for item in listing.products.items] == ["Cap", "Шапка"]


async def test_the_cart_and_the_order_name_products_in_the_customer_s_language_of_the_day(
    db: Database,
) -> None:
    _, court, _ = await _shoes(db)
    async with db.transaction() as session:
        size = (await session.scalars(select(Size).where(Size.product_id == court))).one()
        user = await make_user(session, telegram_id=GRETA.telegram_id, first_name="Greta")
        product = await session.get_one(Product, court)
        order = await make_order(session, user=user, product=product, size=size)

    with using_language("de"):
        added = await catalog.add_to_cart(
            db, sender=GRETA, product_id=court, size_id=size.id, quantity=1
        )
        in_cart = await cart.view_cart(db, sender=GRETA)
        german = await orders.own_order(db, sender=GRETA, order_id=order.id)
    with using_language("en"):
        english = await orders.own_order(db, sender=GRETA, order_id=order.id)

    assert added.card.name == "Halbschuh-Sneaker"
    assert [line.product_name for line in in_cart.lines] == ["Halbschuh-Sneaker"]
    assert [line.product_name for line in german.items] == ["Halbschuh-Sneaker"]
    assert [line.product_name for line in english.items] == ["Court Sneakers"]


async def test_search_finds_a_product_by_any_of_its_names_and_names_it_for_the_reader(
    db: Database,
) -> None:
    await _shoes(db)
    index = CatalogSearch()

    with using_language("de"):
        german = await search.search(db, sender=GRETA, catalog=index, text="halbschuh", per_page=8)
    with using_language("en"):
        english = await search.search(db, sender=GRETA, catalog=index, text="halbschuh", per_page=8)
        by_description = await search.search(
            db, sender=GRETA, catalog=index, text="leder", per_page=8
        )

    assert [hit.name for hit in german.found.items] == ["Halbschuh-Sneaker"]
    assert [hit.name for hit in english.found.items] == ["Court Sneakers"]
    assert [hit.name for hit in by_description.found.items] == ["Court Sneakers"]


async def test_a_translation_is_edited_logged_and_removed_with_a_dash(db: Database) -> None:
    _, court, _ = await _shoes(db)

    removed = await _translate(db, court, "name:de", "-")
    with using_language("de"):
        card = await catalog.product_card(db, product_id=court)
    edited = await admin_catalog.edit_product(
        db, admin_telegram_id=ADMIN, product=court, field="name:pt-br", value="Tênis Court"
    )

    assert removed == ""
    assert card.name == "Court Sneakers"  # reads as written again
    assert card.description == "Niedrige Sneaker aus Leder"  # the other field is kept
    assert (edited.field, edited.value) == ("name:pt_BR", "Tênis Court")
    reply = admin_texts.product_edited(edited.product_id, edited.name, edited.field, edited.value)
    assert "name (Português (Brasil)): <b>Tênis Court</b>" in reply
    async with db.reading() as session:
        details = (await session.scalars(select(AdminAction.details))).all()
    assert "name:de: Halbschuh-Sneaker -> " in details
    assert "name:pt_BR:  -> Tênis Court" in details


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name:fr", "Baskets", "The shop has no texts in “fr”. Translations can be in en,"),
        ("name:de", "x" * 129, "A product name can be at most 128 characters long."),
    ],
)
async def test_a_refused_translation_says_why_and_changes_nothing(
    db: Database, field: str, value: str, message: str
) -> None:
    _, court, _ = await _shoes(db)

    with pytest.raises(InvalidInput) as refused:
        await _translate(db, court, field, value)

    assert error_text(refused.value).startswith(message)
    with using_language("de"):
        assert (await catalog.product_card(db, product_id=court)).name == "Halbschuh-Sneaker"


def test_only_names_and_descriptions_take_a_language() -> None:
    assert admin_catalog.editable("name:de") and admin_catalog.editable("description:ru")
    assert not admin_catalog.editable("price:de") and not admin_catalog.editable("photo:de")
