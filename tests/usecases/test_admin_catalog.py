"""The catalogue commands' use cases: a change commits with its audit entry, or nothing does."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.models import AdminAction, Product, Size
from bot.payments.limits import SmallestPayment
from bot.services.errors import InvalidInput, NotFound
from bot.texts import admin as admin_texts
from bot.usecases import admin_catalog
from tests.factories import make_product

ADMIN = 7000


async def _count(db: Database, model: type[Any]) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def _product(db: Database, **fields: Any) -> int:
    async with db.transaction() as session:
        return (await make_product(session, **fields)).id


async def test_an_edit_is_written_with_its_audit_entry(db: Database) -> None:
    product_id = await _product(db, price=4999)
    edited = await admin_catalog.edit_product(
        db, admin_telegram_id=ADMIN, product=product_id, field="price", value="39.99"
    )
    assert (edited.product_id, edited.field, edited.value) == (product_id, "price", "€39.99")
    async with db.reading() as session:
        assert (await session.get_one(Product, product_id)).price == 3999
        entry = (await session.scalars(select(AdminAction))).one()
    assert (entry.admin_telegram_id, entry.action, entry.entity_id) == (
        ADMIN,
        "edit_product",
        product_id,
    )


async def test_a_refused_edit_changes_nothing_and_logs_nothing(db: Database) -> None:
    product_id = await _product(db, name="Classic Sneakers")
    with pytest.raises(NotFound):
        await admin_catalog.edit_product(
            db, admin_telegram_id=ADMIN, product=product_id, field="category", value="Hats"
        )
    with pytest.raises(InvalidInput):
        await admin_catalog.edit_product(
            db, admin_telegram_id=ADMIN, product=product_id, field="price", value="cheap"
        )
    assert await _count(db, AdminAction) == 0


async def test_a_stock_for_a_new_size_adds_the_size_and_says_it_is_new(db: Database) -> None:
    product_id = await _product(db, sizes={"M": 3})
    added = await admin_catalog.set_stock(
        db, admin_telegram_id=ADMIN, product=product_id, size="One  size", quantity=4
    )
    changed = await admin_catalog.set_stock(
        db, admin_telegram_id=ADMIN, product=product_id, size="m", quantity=0
    )
    assert (added.size, added.previous, added.stock) == ("One size", None, 4)
    assert (changed.size, changed.previous, changed.stock) == ("M", 3, 0)
    assert await _count(db, Size) == 2
    assert await _count(db, AdminAction) == 2


async def test_hiding_a_hidden_product_changes_nothing_and_logs_nothing(db: Database) -> None:
    product_id = await _product(db, is_active=False)
    hidden = await admin_catalog.set_visibility(
        db, admin_telegram_id=ADMIN, product=product_id, visible=False
    )
    assert (hidden.visible, hidden.changed) == (False, False)
    assert await _count(db, AdminAction) == 0
    shown = await admin_catalog.set_visibility(
        db, admin_telegram_id=ADMIN, product=product_id, visible=True
    )
    assert (shown.visible, shown.changed) == (True, True)
    assert await _count(db, AdminAction) == 1


async def test_a_new_category_is_logged_under_the_admin(db: Database) -> None:
    added = await admin_catalog.add_category(db, admin_telegram_id=ADMIN, name="  Hats ")
    assert added.name == "Hats"
    async with db.reading() as session:
        entry = (await session.scalars(select(AdminAction))).one()
    assert (entry.action, entry.entity_id) == ("add_category", added.category_id)


async def test_a_price_the_payment_provider_would_refuse_alone_is_pointed_out(
    db: Database,
) -> None:
    product_id = await _product(db, price=4999)

    cheap = await admin_catalog.edit_product(
        db,
        admin_telegram_id=ADMIN,
        product=product_id,
        field="price",
        value="0.30",
        provider="stripe",
    )
    fine = await admin_catalog.edit_product(
        db,
        admin_telegram_id=ADMIN,
        product=product_id,
        field="price",
        value="0.50",
        provider="stripe",
    )

    assert cheap.unpayable == SmallestPayment(50, "EUR")
    assert "Card payments start at €0.50" in admin_texts.unpayable_price(cheap.unpayable)
    assert fine.unpayable is None
    assert admin_texts.unpayable_price(fine.unpayable) == ""
