"""A shop's data for the benchmarks, made through the services as the bot and its admins make it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.catalog_gen import Product
from bot.db import Database
from bot.models import Size
from bot.services import cart, product, product_fields, user
from bot.services.user import AddressInput

SHOE_SIZES = ("40", "41", "42", "43", "44", "45")
CLOTHING_SIZES = ("S", "M", "L", "XL")
CLOTHING = frozenset({"T-Shirts & Tops", "Hoodies & Sweatshirts", "Trousers & Jeans", "Outerwear"})
ADDRESS = AddressInput(
    recipient_name="Ann Example",
    phone="+49 30 1234567",
    street="Main St 1",
    city="Berlin",
    region="",
    postal_code="10115",
    country="DE",
)
FIRST_BUYER_ID = 800_000


@dataclass(frozen=True, slots=True)
class Buyer:
    telegram_id: int
    user_id: int
    address_id: int


def sizes_for(item: Product, stock: int) -> list[tuple[str, int]]:
    if item.category == "Shoes":
        names: Sequence[str] = SHOE_SIZES
    elif item.category in CLOTHING:
        names = CLOTHING_SIZES
    else:
        names = (product_fields.ONE_SIZE,)
    return [(name, stock) for name in names]


async def stock_catalogue(database: Database, items: Sequence[Product], *, stock: int) -> None:
    """The generated catalogue, every size with `stock` units."""
    async with database.transaction() as session:
        category_ids: dict[str, int] = {}
        for item in items:
            if item.category not in category_ids:
                created = await product.create_category(session, name=item.category)
                category_ids[item.category] = created.id
            await product.create_product(
                session,
                sku=f"BENCH-{item.product_id:06d}",
                name=item.name,
                price=item.price,
                currency=item.currency,
                category_id=category_ids[item.category],
                description=item.description,
                sizes=sizes_for(item, stock),
            )


async def sized_product(
    session: AsyncSession, *, sku: str, name: str, price: int, stock: Mapping[str, int]
) -> tuple[int, dict[str, int]]:
    """A product in its own category; returns its id and its size ids by name."""
    category = await product.create_category(session, name=f"Category of {sku}")
    made = await product.create_product(
        session,
        sku=sku,
        name=name,
        price=price,
        currency="EUR",
        category_id=category.id,
        sizes=list(stock.items()),
    )
    rows = await session.execute(select(Size.name, Size.id).where(Size.product_id == made.id))
    return made.id, {name: size_id for name, size_id in rows}


async def buyer(
    session: AsyncSession, number: int, *, product_id: int, lines: Mapping[int, int]
) -> Buyer:
    """A customer with an address and `lines` (size id → quantity) of one product in the cart."""
    telegram_id = FIRST_BUYER_ID + number
    customer = await user.register(
        session, telegram_id=telegram_id, first_name=f"Buyer {number}", language_code="en"
    )
    address = await user.add_address(session, user_id=customer.id, address=ADDRESS)
    for size_id, quantity in lines.items():
        await cart.add_item(
            session, user_id=customer.id, product_id=product_id, size_id=size_id, quantity=quantity
        )
    return Buyer(telegram_id, customer.id, address.id)
