from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.models import AdminAction, OutboxMessage, Product, Size
from bot.services import cart, inventory, order, user
from bot.services.errors import InvalidInput, NotFound
from bot.services.inventory import ProductDraft
from bot.services.search import catalog_revision
from bot.services.user import AddressInput
from tests.factories import make_category, make_product, make_user
from tests.notices import text_of
from tests.refusals import refused

OWNER = 7000
HOME = AddressInput("Ann Example", "+49 30 1234567", "Main St 1", "Berlin", "", "10115", "DE")


async def count(db: Database, model: type[Any]) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def revision(db: Database) -> int:
    async with db.reading() as session:
        return await catalog_revision(session)


# --- what admins type ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "sizes"),
    [
        ("S 5, M 3, L 0", (("S", 5), ("M", 3), ("L", 0))),
        ("S 5\nM 3\n\nL 0\n", (("S", 5), ("M", 3), ("L", 0))),
        ("39 2; 40: 1, EU 41=0", (("39", 2), ("40", 1), ("EU 41", 0))),
        ("One   size 4", (("One size", 4),)),
        (" 12 ", (("One size", 12),)),
    ],
)
def test_sizes_are_read_in_the_ways_admins_type_them(
    typed: str, sizes: tuple[tuple[str, int], ...]
) -> None:
    assert inventory.parse_sizes(typed) == sizes


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Please send at least one size"),
        (" , ,", "Please send at least one size"),
        ("M", "“M” is not a size with its stock"),
        ("M three", "“M three” is not a size with its stock"),
        ("M -3", "“M -3” is not a size with its stock"),
        ("M 3, m 4", "The size “m” is listed twice."),
        ("M 1000001", "Stock is a whole number from 0 to 1,000,000."),
        (", ".join(f"S{n} 1" for n in range(41)), "at most 40 sizes"),
    ],
)
def test_sizes_that_cannot_be_read_are_refused_with_the_reason(typed: str, message: str) -> None:
    with refused(InvalidInput, message):
        inventory.parse_sizes(typed)


def test_prices_are_exact_minor_units_within_the_shops_limit() -> None:
    assert inventory.parse_price("49.99", "EUR") == 4999
    assert inventory.parse_price("100000", "EUR") == 10_000_000
    assert inventory.parse_price("1500", "JPY") == 1500
    with refused(InvalidInput, re.escape("at most €100,000.00")):
        inventory.parse_price("100000.01", "EUR")
    with refused(InvalidInput, "more decimals"):
        inventory.parse_price("9.5", "JPY")


def test_a_draft_survives_its_trip_through_json() -> None:
    draft = ProductDraft(
        currency="EUR", category_id=3, category="Hats", name="Fedora", price=4990, photo="f-1"
    )
    draft = ProductDraft.from_data(draft.as_data() | {"sizes": [["S", 5], ["M", 0]]}, currency="X")
    assert draft.sizes == (("S", 5), ("M", 0))
    assert (draft.currency, draft.price, draft.photo) == ("EUR", 4990, "f-1")


async def test_a_category_is_found_by_its_name_before_its_id(db: Database) -> None:
    async with db.transaction() as session:
        first = await make_category(session, "Caps")
        await make_category(session, "1")
    async with db.reading() as session:
        assert (await inventory.find_category(session, "  CAPS ")).id == first.id
        assert (await inventory.find_category(session, "1")).name == "1"
        assert (await inventory.find_category(session, "#1")).name == "Caps"
        with refused(NotFound, "no category “Shoes”"):
            await inventory.find_category(session, "Shoes")


@pytest.mark.parametrize(
    ("category", "taken", "sku"),
    [
        ("Sneakers", ["SNE-0002", "SNE-XYZ", "SNEA-0009"], "SNE-0003"),
        ("Café Crème", [], "CAF-0001"),
        ("Ж", [], "SKU-0001"),
        ("T-Shirts", ["TSH-0041"], "TSH-0042"),
    ],
)
async def test_a_generated_sku_takes_the_next_number_of_the_category(
    db: Database, category: str, taken: list[str], sku: str
) -> None:
    async with db.transaction() as session:
        for existing in taken:
            product = await make_product(session)
            product.sku = existing
        await session.flush()
        assert await inventory.generate_sku(session, category) == sku


# --- changes, all or nothing ----------------------------------------------------------------


async def test_a_product_that_cannot_be_saved_leaves_nothing_behind(db: Database) -> None:
    async with db.transaction() as session:
        category = await make_category(session, "Hats")
        taken = (await make_product(session, category=category)).sku
    before = await revision(db)
    draft = ProductDraft(
        currency="EUR",
        category_id=category.id,
        category="Hats",
        name="Fedora",
        price=4990,
        sizes=(("S", 5),),
        sku=taken,
    )
    with refused(InvalidInput, "already has the SKU"):
        async with db.transaction() as session:
            await inventory.add_product(session, admin_id=OWNER, draft=draft)
    with refused(InvalidInput, "start again"):
        async with db.transaction() as session:
            await inventory.add_product(session, admin_id=OWNER, draft=ProductDraft("EUR"))
    assert (await count(db, Product), await count(db, Size), await count(db, AdminAction)) == (
        1,
        1,
        0,
    )
    assert await revision(db) == before


async def test_hiding_a_hidden_product_changes_and_logs_nothing(db: Database) -> None:
    async with db.transaction() as session:
        product = await make_product(session, is_active=False)
    before = await revision(db)
    async with db.transaction() as session:
        _, changed = await inventory.set_visible(
            session, admin_id=OWNER, product_id=product.id, visible=False
        )
    assert not changed
    assert await count(db, AdminAction) == 0
    assert await revision(db) == before


# --- selling out ----------------------------------------------------------------------------


async def _checkout(db: Database, size_quantities: dict[int, int], admins: list[int]) -> int:
    """Places an order as the checkout does, alerting in the same transaction."""
    async with db.transaction() as session:
        buyer = await make_user(session)
        address = await user.add_address(session, user_id=buyer.id, address=HOME)
        for size_id, quantity in size_quantities.items():
            size = await session.get(Size, size_id)
            assert size is not None
            await cart.add_item(
                session,
                user_id=buyer.id,
                product_id=size.product_id,
                size_id=size_id,
                quantity=quantity,
            )
        placed = await order.place_order(session, user_id=buyer.id, address_id=address.id)
        await inventory.alert_sold_out(session, order_id=placed.id, admin_chat_ids=admins)
        return placed.id


async def test_each_admin_hears_once_of_each_size_an_order_sells_out(db: Database) -> None:
    async with db.transaction() as session:
        await make_user(session, telegram_id=8000, is_admin=True)
        product = await make_product(session, name="Fedora", sizes={"S": 1, "M": 2, "L": 9})
        s, m, l_ = (await session.scalars(select(Size.id).order_by(Size.position))).all()
    order_id = await _checkout(db, {s: 1, m: 1, l_: 9}, admins=[OWNER])
    async with db.reading() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert [(row.chat_id, row.key) for row in rows] == [
        (OWNER, f"stock:size:{s}:sold_out:order:{order_id}:admin:{OWNER}"),
        (8000, f"stock:size:{s}:sold_out:order:{order_id}:admin:8000"),
        (OWNER, f"stock:size:{l_}:sold_out:order:{order_id}:admin:{OWNER}"),
        (8000, f"stock:size:{l_}:sold_out:order:{order_id}:admin:8000"),
    ]
    assert f"Fedora (#{product.id}), size <b>S</b>" in text_of(rows[0])

    async with db.transaction() as session:  # noticed again: still told once
        again = await inventory.alert_sold_out(session, order_id=order_id, admin_chat_ids=[OWNER])
    assert [(sold.size_name, sold.order_id) for sold in again] == [("S", order_id), ("L", order_id)]
    assert await count(db, OutboxMessage) == 4


async def test_an_order_leaving_stock_behind_alerts_nobody(db: Database) -> None:
    async with db.transaction() as session:
        await make_product(session, sizes={"M": 3})
        size_id = (await session.scalars(select(Size.id))).one()
    await _checkout(db, {size_id: 2}, admins=[OWNER])
    assert await count(db, OutboxMessage) == 0
