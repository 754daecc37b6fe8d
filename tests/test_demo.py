from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from bot.db import Database
from bot.devtools import demo_photos
from bot.devtools.demo_catalog import demo_products, seed_demo
from bot.emulator.files import image_size
from bot.models import Category, GalleryPhoto, Product
from bot.services import product as catalog
from bot.services.search import CatalogSearch


async def products_by_category(db: Database) -> dict[str, list[Product]]:
    async with db.transaction() as session:
        products = await session.scalars(
            select(Product).options(selectinload(Product.sizes), selectinload(Product.category))
        )
        grouped: dict[str, list[Product]] = {}
        for product in products:
            grouped.setdefault(product.category.name, []).append(product)
        return grouped


async def test_the_demo_shop_has_fifty_products_in_six_categories(
    db: Database, tmp_path: Path
) -> None:
    async with db.transaction() as session:
        created = await seed_demo(session, media_dir=tmp_path)
    shop = await products_by_category(db)
    assert created == sum(len(products) for products in shop.values()) >= 50
    assert {"Sneakers", "T-Shirts", "Hoodies", "Jeans", "Caps", "Accessories"} <= set(shop)
    async with db.transaction() as session:
        summaries = await catalog.list_categories(session)
    assert len(summaries) >= 6


async def test_seeding_twice_creates_nothing_the_second_time(db: Database, tmp_path: Path) -> None:
    async with db.transaction() as session:
        first = await seed_demo(session, media_dir=tmp_path)
    async with db.transaction() as session:
        second = await seed_demo(session, media_dir=tmp_path)
    async with db.transaction() as session:
        products = await session.scalar(select(func.count(Product.id)))
        categories = await session.scalar(select(func.count(Category.id)))
    assert (second, products) == (0, first)
    assert categories == 7


async def test_seeding_completes_a_partly_seeded_shop(db: Database, tmp_path: Path) -> None:
    async with db.transaction() as session:
        sneakers = await catalog.create_category(session, name="sneakers")
        await catalog.create_product(
            session,
            sku="SNK-01-BLA",
            name="My Own Sneakers",
            price=100,
            currency="EUR",
            category_id=sneakers.id,
        )
    async with db.transaction() as session:
        created = await seed_demo(session, media_dir=tmp_path)
    shop = await products_by_category(db)
    assert "Sneakers" not in shop  # the existing "sneakers" category was reused
    assert [p.name for p in shop["sneakers"]].count("My Own Sneakers") == 1
    assert created == sum(len(products) for products in shop.values()) - 1


async def test_demo_products_have_realistic_sizes_prices_and_stock(
    db: Database, tmp_path: Path
) -> None:
    async with db.transaction() as session:
        await seed_demo(session, media_dir=tmp_path)
    shop = await products_by_category(db)
    shoe_sizes = [str(size) for size in range(39, 46)]
    clothing_sizes = ["XS", "S", "M", "L", "XL", "XXL"]
    for product in shop["Sneakers"]:
        assert [size.name for size in product.sizes] == shoe_sizes
    for category in ["T-Shirts", "Hoodies", "Jeans"]:
        for product in shop[category]:
            assert [size.name for size in product.sizes] == clothing_sizes
    for product in shop["Caps"] + shop["Accessories"]:
        assert [size.name for size in product.sizes] == ["One size"]
    everything = [product for products in shop.values() for product in products]
    stock = [size.stock for product in everything for size in product.sizes]
    assert 0 in stock and max(stock) > 0
    assert {product.currency for product in everything} == {"EUR"}
    assert all(1000 <= product.price <= 20000 for product in everything)
    assert all(product.description and product.is_active for product in everything)
    assert len({product.name for product in everything}) == len(everything)


async def test_the_demo_shop_is_searchable_with_typos(db: Database, tmp_path: Path) -> None:
    async with db.transaction() as session:
        await seed_demo(session, media_dir=tmp_path)
        page = await CatalogSearch().search(session, "snekers", per_page=50)
    shop = await products_by_category(db)
    assert {hit.name for hit in page.items} == {product.name for product in shop["Sneakers"]}


async def test_every_demo_product_shows_a_picture_drawn_for_it(
    db: Database, tmp_path: Path
) -> None:
    async with db.transaction() as session:
        await seed_demo(session, media_dir=tmp_path)
    everything = [
        product for products in (await products_by_category(db)).values() for product in products
    ]
    pictures = sorted((tmp_path / "demo").iterdir())

    assert [picture.name for picture in pictures] == sorted(f"{p.sku}.png" for p in everything)
    assert all(product.photo == f"media:demo/{product.sku}.png" for product in everything)
    assert {image_size(picture.read_bytes()) for picture in pictures} == {(480, 480)}
    assert len({picture.read_bytes() for picture in pictures}) == len(pictures)  # each its own


def _modified(directory: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in directory.rglob("*")}


async def test_pictures_are_the_same_on_every_run_and_reseeding_writes_no_file(
    db: Database, tmp_path: Path
) -> None:
    async with db.transaction() as session:
        await seed_demo(session, media_dir=tmp_path)
    written = _modified(tmp_path)
    async with db.transaction() as session:
        await seed_demo(session, media_dir=tmp_path)

    assert _modified(tmp_path) == written
    for product in demo_products()[::9]:
        drawn = demo_photos.draw(product.sku, product.colour, product.brand, product.model)
        assert drawn == (tmp_path / product.picture).read_bytes()


async def test_reseeding_gives_demo_products_without_a_picture_theirs_but_not_a_merchants_own(
    db: Database, tmp_path: Path
) -> None:
    async with db.transaction() as session:
        sneakers = await catalog.create_category(session, name="Sneakers")
        await catalog.create_product(
            session, sku="SNK-01-BLA", name="My Own Sneakers", price=100, currency="EUR",
            category_id=sneakers.id,
        )  # fmt: skip
        await seed_demo(session, media_dir=tmp_path)
        await session.execute(delete(GalleryPhoto))  # as seeded before pictures
    async with db.transaction() as session:
        created = await seed_demo(session, media_dir=tmp_path)

    photos = {
        product.sku: product.photo
        for products in (await products_by_category(db)).values()
        for product in products
    }
    assert created == 0
    assert photos.pop("SNK-01-BLA") is None
    assert all(photo == f"media:demo/{sku}.png" for sku, photo in photos.items())
