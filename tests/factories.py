"""Small builders for test data, written straight to the database, not through the services."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import (
    Category,
    GalleryPhoto,
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusChange,
    Product,
    Size,
    User,
)
from bot.services.product import bump_catalog_revision

_ids = itertools.count(1)


async def make_user(session: AsyncSession, *, first_name: str = "Ann", **fields: object) -> User:
    user = User(telegram_id=fields.pop("telegram_id", 100_000 + next(_ids)), first_name=first_name)
    for key, value in fields.items():
        setattr(user, key, value)
    session.add(user)
    await session.flush()
    return user


async def make_category(session: AsyncSession, name: str | None = None) -> Category:
    category = Category(name=name or f"Category {next(_ids)}")
    session.add(category)
    await session.flush()
    await bump_catalog_revision(session)
    return category


async def rename_category(session: AsyncSession, *, category_id: int, name: str) -> None:
    """Admins cannot rename a category (yet); tests do, bumping the catalogue revision as every
    catalogue change must so that search indexes notice."""
    category = await session.get(Category, category_id)
    assert category is not None
    category.name = name
    await session.flush()
    await bump_catalog_revision(session)


async def make_product(
    session: AsyncSession,
    *,
    name: str = "Classic Sneakers",
    price: int = 4999,
    currency: str = "EUR",
    sizes: dict[str, int] | None = None,
    category: Category | None = None,
    is_active: bool = True,
    description: str = "",
    photos: Sequence[str] = (),
) -> Product:
    """A product with its sizes ({"M": 3} by default), its photos (the cover first) and, unless
    given, a new category."""
    category = category or await make_category(session)
    product = Product(
        sku=f"SKU-{next(_ids)}",
        name=name,
        description=description,
        price=price,
        currency=currency,
        category_id=category.id,
        is_active=is_active,
        photos=[GalleryPhoto(position=at, value=photo) for at, photo in enumerate(photos)],
    )
    session.add(product)
    await session.flush()
    for position, (size_name, stock) in enumerate((sizes or {"M": 3}).items()):
        session.add(Size(product_id=product.id, name=size_name, stock=stock, position=position))
    await session.flush()
    await bump_catalog_revision(session)  # as every catalogue change does
    return product


async def make_order(
    session: AsyncSession,
    *,
    user: User,
    product: Product,
    size: Size,
    quantity: int = 1,
    status: OrderStatus = OrderStatus.PAID,
) -> Order:
    """An order in any status, as if it had gone through checkout (stock untouched)."""
    order = Order(
        user_id=user.id,
        status=status,
        total=product.price * quantity,
        currency=product.currency,
        ship_recipient_name="Ann Example",
        ship_phone="+49 30 1234567",
        ship_street="Main St 1",
        ship_city="Berlin",
        ship_postal_code="10115",
        ship_country="DE",
    )
    session.add(order)
    await session.flush()
    session.add(
        OrderItem(
            order_id=order.id,
            product_id=product.id,
            size_id=size.id,
            sku=product.sku,
            product_name=product.name,
            size_name=size.name,
            unit_price=product.price,
            quantity=quantity,
        )
    )
    session.add(OrderStatusChange(order_id=order.id, to_status=status, actor="test"))
    await session.flush()
    return order
