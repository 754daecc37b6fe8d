"""Browsing the catalogue: stale page buttons land on the last page, not on an empty one."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.services import cart, product
from bot.services import user as users
from bot.services.errors import NotFound
from bot.usecases import catalog
from bot.usecases.customers import Sender
from tests.factories import make_category, make_product

ANN = Sender(telegram_id=901, first_name="Ann")


async def test_a_page_past_the_end_of_a_category_shows_its_last_page(db: Database) -> None:
    async with db.transaction() as session:
        shoes = await make_category(session, "Shoes")
        for name in ("Boots", "Clogs", "Loafers"):
            await make_product(session, name=name, category=shoes)
    found = await catalog.category_products(db, category_id=shoes.id, page=7, per_page=2)
    assert (found.category_name, found.products.page) == ("Shoes", 2)
    assert [item.name for item in found.products.items] == ["Loafers"]


async def test_categories_with_nothing_to_buy_are_left_out(db: Database) -> None:
    async with db.transaction() as session:
        await make_product(session, category=await make_category(session, "Shoes"))
        await make_product(session, category=await make_category(session, "Hats"), is_active=False)
    listing = await catalog.categories(db, page=3, per_page=8)
    assert ([c.name for c in listing.items], listing.page) == (["Shoes"], 1)


async def test_adding_a_size_puts_it_in_the_customers_cart(db: Database) -> None:
    async with db.transaction() as session:
        sneakers = await make_product(session, sizes={"42": 5, "43": 1})
    card = await catalog.product_card(db, product_id=sneakers.id)
    size_43 = next(size for size in card.sizes if size.name == "43")
    added = await catalog.add_to_cart(
        db, sender=ANN, product_id=sneakers.id, size_id=size_43.id, quantity=1
    )
    assert (added.card.name, added.size_name) == ("Classic Sneakers", "43")
    async with db.reading() as session:
        ann = await users.get_by_telegram_id(session, ANN.telegram_id)
        in_cart = await cart.view_cart(session, user_id=ann.id)
    assert [(line.size_name, line.quantity) for line in in_cart.lines] == [("43", 1)]


async def test_a_hidden_product_has_no_card(db: Database) -> None:
    async with db.transaction() as session:
        sneakers = await make_product(session)
        await product.set_active(session, product_id=sneakers.id, active=False)
    with pytest.raises(NotFound):
        await catalog.product_card(db, product_id=sneakers.id)
