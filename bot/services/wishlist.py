"""Wishlists: products a customer saved from their card, and the price drops they hear about.

A price going down (an admin's /editproduct, a catalogue import) calls `announce_price_drops`
in its own transaction, with the id of the change that lowered it (its audit entry): each saver
of a product on sale who takes reminders is queued one notice keyed by product, customer, new
price and change, so however the change is retried, one drop tells each saver once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db import dialect_insert
from bot.models import Product, ProductTranslation, SavedProduct, User
from bot.services import outbox
from bot.services.errors import InvalidInput, NotFound
from bot.services.outbox import Buttons, Notice, Outgoing
from bot.services.pagination import Page, check_page
from bot.services.product import NAME_READ, translated_product
from bot.services.product_names import names_by_language

MAX_SAVED = 200  # per customer: a list to come back to, not a second catalogue
BATCH = 500  # savers told per statement: bounded IN lists and parameter counts
NOTICE = "wishlist.price_drop"


@dataclass(frozen=True, slots=True)
class SavedSize:
    id: int
    name: str
    stock: int


@dataclass(frozen=True, slots=True)
class Saved:
    """A saved product as its customer reads it."""

    product_id: int
    name: str
    price: int
    currency: str
    sizes: tuple[SavedSize, ...]  # in their shop order

    @property
    def in_stock(self) -> tuple[SavedSize, ...]:
        return tuple(size for size in self.sizes if size.stock > 0)


@dataclass(frozen=True, slots=True)
class PriceDrop:
    product_id: int
    old_price: int
    new_price: int


async def save(session: AsyncSession, *, user_id: int, product_id: int) -> bool:
    """False when it was saved already: saving twice keeps one. Only products on sale. The
    product row is share-locked, so a price drop committing meanwhile waits and then finds this
    saver."""
    on_sale = await session.scalar(
        select(Product.is_active).where(Product.id == product_id).with_for_update(read=True)
    )
    if not on_sale:
        raise NotFound("product.unavailable")
    mine = select(SavedProduct.product_id).where(SavedProduct.user_id == user_id)
    if product_id in (await session.scalars(mine)).all():
        return False
    count = await session.scalar(select(func.count()).select_from(mine.subquery())) or 0
    if count >= MAX_SAVED:
        raise InvalidInput("wishlist.too_many", limit=MAX_SAVED)
    added = await session.scalar(
        dialect_insert(session, SavedProduct)
        .values(user_id=user_id, product_id=product_id)
        .on_conflict_do_nothing(index_elements=["user_id", "product_id"])
        .returning(SavedProduct.id)
    )
    return added is not None


async def remove(session: AsyncSession, *, user_id: int, product_id: int) -> bool:
    """False when it was not saved (removed twice)."""
    result = await session.execute(
        delete(SavedProduct).where(
            SavedProduct.user_id == user_id, SavedProduct.product_id == product_id
        ),
        execution_options={"synchronize_session": False},
    )
    return bool(getattr(result, "rowcount", 0))


async def list_saved(
    session: AsyncSession, *, user_id: int, language: str | None, page: int, per_page: int
) -> Page[Saved]:
    """The customer's saved products on sale, newest first, named in `language` where
    translated. Hidden ones are left out but kept: they come back if the shop shows them again.
    A page past the end shows the last one."""
    check_page(page, per_page)
    listed = (SavedProduct.user_id == user_id) & Product.is_active
    total = (
        await session.scalar(
            select(func.count(SavedProduct.id))
            .join(Product, Product.id == SavedProduct.product_id)
            .where(listed)
        )
        or 0
    )
    number = min(page, max(1, -(-total // per_page)))
    rows = await session.execute(
        select(Product, NAME_READ)
        .join(SavedProduct, SavedProduct.product_id == Product.id)
        .outerjoin(ProductTranslation, translated_product(language))
        .options(selectinload(Product.sizes))
        .where(listed)
        .order_by(SavedProduct.id.desc())
        .offset((number - 1) * per_page)
        .limit(per_page)
    )
    items = [
        Saved(
            product.id,
            name,
            product.price,
            product.currency,
            tuple(SavedSize(size.id, size.name, size.stock) for size in product.sizes),
        )
        for product, name in rows
    ]
    return Page(items=items, page=number, per_page=per_page, total=total)


async def announce_price_drops(
    session: AsyncSession, *, drops: Sequence[PriceDrop], change_id: int
) -> int:
    """Queue one notice per saver of each lowered product, in the caller's transaction;
    returns how many were queued. Rises (and unchanged prices) are ignored; so are savers who
    turned reminders off or blocked the bot, and products not on sale."""
    lowered = {drop.product_id: drop for drop in drops if drop.new_price < drop.old_price}
    if not lowered:
        return 0
    savers = (
        await session.execute(
            select(SavedProduct.product_id, User.id, User.telegram_id, Product.name)
            .join(User, User.id == SavedProduct.user_id)
            .join(Product, Product.id == SavedProduct.product_id)
            .where(
                SavedProduct.product_id.in_(sorted(lowered)),
                Product.is_active,
                User.wants_reminders,
                ~User.is_blocked,
            )
            .order_by(SavedProduct.id)
        )
    ).all()
    if not savers:
        return 0
    names = await names_by_language(session, {row[0] for row in savers})
    found = await session.execute(
        select(Product.id, Product.currency).where(Product.id.in_(sorted(lowered)))
    )
    currencies = {product_id: currency for product_id, currency in found}
    for start in range(0, len(savers), BATCH):
        await outbox.enqueue_many(
            session,
            (
                Outgoing(
                    f"wishlist:{product_id}:{user_id}:{lowered[product_id].new_price}:{change_id}",
                    chat_id,
                    _notice(
                        lowered[product_id],
                        currencies[product_id],
                        product,
                        names.get(product_id, {}),
                    ),
                )
                for product_id, user_id, chat_id, product in savers[start : start + BATCH]
            ),
        )
    return len(savers)


def _notice(drop: PriceDrop, currency: str, product: str, names: dict[str, str]) -> Notice:
    """The product's name in every language it has one in: the notice is put into words when it
    is sent, in whichever language the customer reads then."""
    params = {
        "product_id": drop.product_id,
        "product": product,
        "names": names,
        "old_price": drop.old_price,
        "new_price": drop.new_price,
        "currency": currency,
    }
    buttons: Buttons = [
        [{"label": "product.open", "product": drop.product_id}],
        [{"label": "reminders.off", "reminders": "off"}],
    ]
    return Notice(NOTICE, params, buttons)
