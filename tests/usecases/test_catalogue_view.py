"""The catalogue's screens come from memory: a change made by another instance shows within
the bound, stock is never stale, and a screen costs at most one statement."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import URL

from bot.db import Database
from bot.db.revisions import MAX_AGE_S
from bot.models import OrderStatus, Size
from bot.services import inventory, review
from bot.services.errors import NotFound
from bot.usecases import catalog
from tests.factories import make_category, make_order, make_product, make_user
from tests.statements import not_transaction_control, statements

FRESHNESS_BOUND_S = 1.0


@pytest.fixture
async def other_instance(database_url: URL) -> AsyncIterator[Database]:
    """A second bot process on the same database: an engine, and a catalogue, of its own."""
    other = Database(database_url)
    try:
        yield other
    finally:
        await other.dispose()


def _screen_statement(statement: str) -> bool:
    # The revision is read at most twice a second by the whole process, not by a screen.
    return "catalog_revision" not in statement and not_transaction_control(statement)


async def test_a_price_changed_on_one_instance_shows_on_another_within_a_second(
    db: Database, other_instance: Database
) -> None:
    async with db.transaction() as session:
        hoodie = await make_product(session, name="Hoodie", price=4_000)
    assert (await catalog.product_card(other_instance, product_id=hoodie.id)).price == 4_000
    async with db.transaction() as session:
        await inventory.edit_product(
            session, admin_id=1, product_id=hoodie.id, field="price", value="35.00"
        )
    changed = time.monotonic()
    while (await catalog.product_card(other_instance, product_id=hoodie.id)).price != 3_500:
        assert time.monotonic() - changed < FRESHNESS_BOUND_S, "stale for more than the bound"
        await asyncio.sleep(0.02)
    listing = await catalog.category_products(
        other_instance, category_id=hoodie.category_id, page=1, per_page=8
    )
    assert [item.price for item in listing.products.items] == [3_500]


async def test_the_instance_that_made_a_change_shows_it_at_once(db: Database) -> None:
    async with db.transaction() as session:
        hats = await make_category(session, "Hats")
        await make_product(session, name="Cap", category=hats)
    assert [c.name for c in (await catalog.categories(db, page=1, per_page=8)).items] == ["Hats"]
    async with db.transaction() as session:
        await make_product(session, name="Scarf", category=await make_category(session, "Scarves"))
    names = [c.name for c in (await catalog.categories(db, page=1, per_page=8)).items]
    assert names == ["Hats", "Scarves"]


async def test_stock_sold_elsewhere_shows_at_once(db: Database, other_instance: Database) -> None:
    async with db.transaction() as session:
        tee = await make_product(session, name="Tee", sizes={"M": 1})
    card = await catalog.product_card(other_instance, product_id=tee.id)
    assert [size.stock for size in card.sizes] == [1]
    async with db.transaction() as session:  # the last one sold, through no catalogue change
        await session.execute(update(Size).where(Size.product_id == tee.id).values(stock=0))
    card = await catalog.product_card(other_instance, product_id=tee.id)
    assert [size.stock for size in card.sizes] == [0]
    listing = await catalog.category_products(
        other_instance, category_id=tee.category_id, page=1, per_page=8
    )
    assert [item.sold_out for item in listing.products.items] == [True]


async def test_a_new_rating_shows_on_the_card(db: Database, other_instance: Database) -> None:
    async with db.transaction() as session:
        mug = await make_product(session, name="Mug")
        buyer = await make_user(session)
        size = (await session.scalars(select(Size).where(Size.product_id == mug.id))).one()
        await make_order(session, user=buyer, product=mug, size=size, status=OrderStatus.DELIVERED)
    assert (await catalog.product_card(other_instance, product_id=mug.id)).rating_count == 0
    async with db.transaction() as session:
        await review.rate(session, user_id=buyer.id, product_id=mug.id, value=4)
    await asyncio.sleep(MAX_AGE_S + 0.05)
    card = await catalog.product_card(other_instance, product_id=mug.id)
    assert (card.rating_count, card.average_rating) == (1, 4.0)


async def test_browsing_costs_one_statement_a_screen_once_the_catalogue_is_loaded(
    db: Database,
) -> None:
    async with db.transaction() as session:
        shoes = await make_category(session, "Shoes")
        boots = await make_product(session, name="Boots", category=shoes, sizes={"41": 2})
        for name in ("Clogs", "Loafers"):
            await make_product(session, name=name, category=shoes)
    await catalog.categories(db, page=1, per_page=8)  # loads the catalogue
    with statements(db, keep=_screen_statement) as seen:
        await catalog.categories(db, page=1, per_page=8)
        assert seen == []
        await catalog.category_products(db, category_id=shoes.id, page=1, per_page=8)
        assert len(seen) == 1
        card = await catalog.product_card(db, product_id=boots.id, telegram_id=901)
        assert len(seen) == 2
    assert [(size.name, size.stock) for size in card.sizes] == [("41", 2)]


async def test_while_the_snapshot_rebuilds_screens_read_their_part_and_are_current(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large catalogue takes seconds to rebuild: meanwhile each screen reads what it shows,
    in the same order, rather than show the old snapshot."""
    monkeypatch.setattr(catalog, "WAIT_FOR_SNAPSHOT_S", 0)
    async with db.transaction() as session:
        shoes = await make_category(session, "Shoes")
        boots = await make_product(session, name="boots", category=shoes, price=9_000)
        await make_product(session, name="Clogs", category=shoes)
        await make_product(session, name="Hat", category=await make_category(session, "Hats"))
    async with db.transaction() as session:
        await inventory.edit_product(
            session, admin_id=1, product_id=boots.id, field="price", value="80.00"
        )
    card = await catalog.product_card(db, product_id=boots.id)
    listing = await catalog.category_products(db, category_id=shoes.id, page=1, per_page=8)
    categories = await catalog.categories(db, page=1, per_page=8)
    assert card.price == 8_000
    assert [(item.name, item.price) for item in listing.products.items] == [
        ("boots", 8_000),
        ("Clogs", 4_999),
    ]
    assert [(c.name, c.product_count) for c in categories.items] == [("Hats", 1), ("Shoes", 2)]


async def test_a_category_lists_its_products_on_sale_by_name_then_id_page_by_page(
    db: Database,
) -> None:
    async with db.transaction() as session:
        caps = await make_category(session, "Caps")
        names = ["Delta", "alpha", "Echo", "Bravo", "Alpha", "Golf", "charlie", "Foxtrot"]
        made = [await make_product(session, name=name, category=caps) for name in names]
        await make_product(session, name="Aardvark", category=caps, is_active=False)
        await make_product(session, name="Abacus", category=await make_category(session))
    expected = sorted(made, key=lambda product: (product.name.casefold(), product.id))
    listed = []
    for number in (1, 2, 3):
        found = await catalog.category_products(db, category_id=caps.id, page=number, per_page=3)
        assert (found.products.total, found.products.pages) == (8, 3)
        listed += [item.id for item in found.products.items]
    assert listed == [product.id for product in expected]


async def test_an_unknown_category_is_refused(db: Database) -> None:
    with pytest.raises(NotFound):
        await catalog.category_products(db, category_id=404, page=1, per_page=8)
