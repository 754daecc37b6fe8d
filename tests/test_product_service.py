from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.models import Category, Product, Rating, Review, Size
from bot.services import product as catalog
from bot.services import product_fields
from bot.services.errors import InvalidInput, NotFound
from bot.services.search import catalog_revision
from tests.factories import make_category, make_product, make_user
from tests.refusals import refused


async def revision(db: Database) -> int:
    async with db.transaction() as session:
        return await catalog_revision(session)


async def count(db: Database, model: type[Any]) -> int:
    async with db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def new_category(db: Database, name: str = "Sneakers") -> int:
    async with db.transaction() as session:
        return (await catalog.create_category(session, name=name)).id


async def new_product(db: Database, category_id: int, **fields: Any) -> int:
    values: dict[str, Any] = {"sku": "SNK-1", "name": "Court Sneakers", "price": 4999}
    values |= {"currency": "EUR", "category_id": category_id} | fields
    async with db.transaction() as session:
        return (await catalog.create_product(session, **values)).id


# --- categories ---------------------------------------------------------------------------


async def test_a_new_category_is_trimmed_and_bumps_the_catalogue_revision(db: Database) -> None:
    async with db.transaction() as session:
        category = await catalog.create_category(session, name="  Running   Shoes ")
    assert category.name == "Running Shoes"
    assert await revision(db) == 1


@pytest.mark.parametrize("name", ["sneakers", "  SNEAKERS  "])
async def test_a_category_name_taken_in_any_case_is_refused(db: Database, name: str) -> None:
    await new_category(db, "Sneakers")
    with refused(InvalidInput, "already a category"):
        async with db.transaction() as session:
            await catalog.create_category(session, name=name)
    assert await count(db, Category) == 1
    assert await revision(db) == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 65])
async def test_an_empty_or_overlong_category_name_is_refused(db: Database, name: str) -> None:
    with pytest.raises(InvalidInput):
        async with db.transaction() as session:
            await catalog.create_category(session, name=name)
    assert await count(db, Category) == 0
    assert await revision(db) == 0


async def test_a_missing_category_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        async with db.transaction() as session:
            await catalog.get_category(session, 404)


async def test_customers_see_only_categories_with_active_products(db: Database) -> None:
    async with db.transaction() as session:
        caps = await make_category(session, "Caps")
        await make_category(session, "Empty")
        hidden_only = await make_category(session, "Hidden")
        accessories = await make_category(session, "Accessories")
        await make_product(session, category=caps)
        await make_product(session, category=caps)
        await make_product(session, category=caps, is_active=False)
        await make_product(session, category=hidden_only, is_active=False)
        await make_product(session, category=accessories)
    async with db.transaction() as session:
        summaries = await catalog.list_categories(session)
    assert [(s.name, s.product_count) for s in summaries] == [("Accessories", 1), ("Caps", 2)]


async def test_admins_also_see_empty_categories_ordered_by_name(db: Database) -> None:
    async with db.transaction() as session:
        for name in ["jeans", "Caps", "Empty"]:
            await make_category(session, name)
    async with db.transaction() as session:
        summaries = await catalog.list_categories(session, include_empty=True)
    assert [(s.name, s.product_count) for s in summaries] == [
        ("Caps", 0),
        ("Empty", 0),
        ("jeans", 0),
    ]


# --- creating products --------------------------------------------------------------------


async def test_a_product_without_sizes_is_sold_as_one_size_with_no_stock(db: Database) -> None:
    category_id = await new_category(db)
    product_id = await new_product(db, category_id, currency="eur", description="  Soft. ")
    async with db.transaction() as session:
        details = await catalog.get_product(session, product_id)
    assert [(size.name, size.stock) for size in details.sizes] == [("One size", 0)]
    assert details.product.currency == "EUR"
    assert details.product.description == "Soft."
    assert details.category_name == "Sneakers"


async def test_sizes_keep_the_order_they_were_given_in(db: Database) -> None:
    category_id = await new_category(db)
    sizes = [("44", 1), ("39", 0), ("42", 5)]
    product_id = await new_product(db, category_id, sizes=sizes)
    async with db.transaction() as session:
        details = await catalog.get_product(session, product_id)
    assert [(size.name, size.stock) for size in details.sizes] == sizes


BAD_PRODUCTS: list[dict[str, Any]] = [
    {"sku": ""},
    {"sku": "SNK 1"},
    {"sku": "S" * 65},
    {"name": "   "},
    {"name": "n" * 129},
    {"price": -1},
    {"price": 49.99},
    {"price": True},
    {"price": 10_000_001},
    {"currency": "euro"},
    {"description": "d" * 1001},
    {"photo": "p" * 513},
    {"sizes": [("M", 1), ("m", 2)]},
    {"sizes": [("M", -1)]},
    {"sizes": [("M", 1.5)]},
    {"sizes": [("", 1)]},
    {"sizes": [("x" * 33, 1)]},
]


@pytest.mark.parametrize("fields", BAD_PRODUCTS)
async def test_invalid_product_input_is_refused_and_creates_nothing(
    db: Database, fields: dict[str, Any]
) -> None:
    category_id = await new_category(db)
    with pytest.raises(InvalidInput):
        await new_product(db, category_id, **fields)
    assert await count(db, Product) == 0
    assert await count(db, Size) == 0
    assert await revision(db) == 1


async def test_a_taken_sku_is_refused_and_nothing_changes(db: Database) -> None:
    category_id = await new_category(db)
    await new_product(db, category_id, sku="SNK-1")
    with refused(InvalidInput, "SNK-1"):
        await new_product(db, category_id, sku=" SNK-1 ", name="Another")
    assert await count(db, Product) == 1
    assert await revision(db) == 2


async def test_a_product_in_a_missing_category_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await new_product(db, 404)
    assert await count(db, Product) == 0


# --- changing products --------------------------------------------------------------------


async def test_an_update_changes_only_the_given_fields(db: Database) -> None:
    sneakers = await new_category(db, "Sneakers")
    caps = await new_category(db, "Caps")
    product_id = await new_product(db, sneakers, photo="file-1", description="Old")
    async with db.transaction() as session:
        await catalog.update_product(
            session, product_id=product_id, name="Court Cap", price=1999, category_id=caps
        )
    async with db.transaction() as session:
        details = await catalog.get_product(session, product_id)
    product = details.product
    assert (product.name, product.price, details.category_name) == ("Court Cap", 1999, "Caps")
    assert (product.description, product.photo, product.currency) == ("Old", "file-1", "EUR")
    assert await revision(db) == 4


async def test_an_empty_photo_removes_the_photo(db: Database) -> None:
    product_id = await new_product(db, await new_category(db), photo="file-1")
    async with db.transaction() as session:
        product = await catalog.update_product(session, product_id=product_id, photo="")
    assert product.photo is None


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": "New name", "price": -5}, InvalidInput),
        ({"name": "New name", "currency": "12"}, InvalidInput),
        ({"name": "New name", "category_id": 404}, NotFound),
        ({"description": "x" * 1001}, InvalidInput),
    ],
)
async def test_an_invalid_update_changes_nothing(
    db: Database, fields: dict[str, Any], error: type[Exception]
) -> None:
    product_id = await new_product(db, await new_category(db))
    with pytest.raises(error):
        async with db.transaction() as session:
            await catalog.update_product(session, product_id=product_id, **fields)
    async with db.transaction() as session:
        product = (await catalog.get_product(session, product_id)).product
    assert (product.name, product.price, product.description) == ("Court Sneakers", 4999, "")
    assert await revision(db) == 2


async def test_updating_a_missing_product_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        async with db.transaction() as session:
            await catalog.update_product(session, product_id=404, name="Ghost")


async def test_a_hidden_product_is_only_shown_to_admins(db: Database) -> None:
    product_id = await new_product(db, await new_category(db))
    async with db.transaction() as session:
        await catalog.set_active(session, product_id=product_id, active=False)
    with pytest.raises(NotFound):
        async with db.transaction() as session:
            await catalog.get_product(session, product_id)
    async with db.transaction() as session:
        details = await catalog.get_product(session, product_id, include_hidden=True)
        assert details.product.is_active is False
        await catalog.set_active(session, product_id=product_id, active=True)
    async with db.transaction() as session:
        assert (await catalog.get_product(session, product_id)).product.is_active
    assert await revision(db) == 4


async def test_setting_stock_updates_a_size_or_adds_it(db: Database) -> None:
    product_id = await new_product(db, await new_category(db), sizes=[("M", 1), ("L", 2)])
    async with db.transaction() as session:
        updated = await catalog.set_stock(session, product_id=product_id, size_name="m", stock=7)
        added = await catalog.set_stock(session, product_id=product_id, size_name="XL", stock=3)
    assert (updated.name, updated.stock) == ("M", 7)
    assert (added.name, added.stock) == ("XL", 3)
    async with db.transaction() as session:
        details = await catalog.get_product(session, product_id)
    assert [(size.name, size.stock) for size in details.sizes] == [("M", 7), ("L", 2), ("XL", 3)]
    assert await revision(db) == 4


@pytest.mark.parametrize(("size_name", "stock"), [("M", -1), ("M", 2.5), (" ", 3), ("S" * 33, 1)])
async def test_invalid_stock_changes_nothing(db: Database, size_name: str, stock: Any) -> None:
    product_id = await new_product(db, await new_category(db), sizes=[("M", 1)])
    with pytest.raises(InvalidInput):
        async with db.transaction() as session:
            await catalog.set_stock(
                session, product_id=product_id, size_name=size_name, stock=stock
            )
    async with db.transaction() as session:
        details = await catalog.get_product(session, product_id)
    assert [(size.name, size.stock) for size in details.sizes] == [("M", 1)]
    assert await revision(db) == 2


# --- ratings and listing ------------------------------------------------------------------


async def test_the_average_rating_is_rounded_half_up_and_reviews_are_counted(
    db: Database,
) -> None:
    async with db.transaction() as session:
        product = await make_product(session)
        users = [await make_user(session) for _ in range(4)]
        for user, value in zip(users, [4, 4, 5, 4], strict=True):
            session.add(Rating(user_id=user.id, product_id=product.id, value=value))
        for user in users[:2]:
            session.add(Review(user_id=user.id, product_id=product.id, text="Comfy."))
    async with db.transaction() as session:
        details = await catalog.get_product(session, product.id)
    assert details.average_rating == 4.3  # 4.25
    assert (details.rating_count, details.review_count) == (4, 2)


async def test_a_product_nobody_rated_has_no_average(db: Database) -> None:
    async with db.transaction() as session:
        product = await make_product(session)
    async with db.transaction() as session:
        details = await catalog.get_product(session, product.id)
    assert (details.average_rating, details.review_count) == (None, 0)


# --- the catalogue revision ---------------------------------------------------------------


async def test_a_failed_change_leaves_the_revision_alone(db: Database) -> None:
    category_id = await new_category(db)
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await catalog.create_product(
                session, sku="A-1", name="A", price=1, currency="EUR", category_id=category_id
            )
            raise RuntimeError("the caller fails after the change")
    assert await revision(db) == 1
    assert await count(db, Product) == 0


async def test_two_first_changes_at_the_same_time_both_count(db: Database) -> None:
    async def create(name: str) -> None:
        async with db.transaction() as session:
            await catalog.create_category(session, name=name)

    await asyncio.gather(create("Caps"), create("Jeans"))
    assert await revision(db) == 2


@pytest.mark.parametrize(
    "value", ["/etc/passwd", ".env", "../shop.db", "media:../secret.png", "a b"]
)
def test_a_photo_that_could_name_a_file_on_the_server_is_refused(value: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        product_fields.photo(value)
    assert refused.value.code == "product.photo_invalid"


@pytest.mark.parametrize(
    "value",
    [
        "AgACAgIAAxkBAAIBY2Zz_file-id",
        "https://example.com/cap.jpg",
        "media:demo/TEE-01.png",
        "media:demo/TEE-01.png#AgACAgIAAxk",
    ],
)
def test_file_ids_web_addresses_and_the_shops_own_pictures_are_photos(value: str) -> None:
    assert product_fields.photo(value) == value
