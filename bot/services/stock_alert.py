"""Back-in-stock alerts: customers wait for a sold-out size, and hear once when it is back.

Every change that can bring stock back (an admin's /setstock, a catalogue import, a cancelled
or expired order returning its units, a hidden product shown again) calls
`announce_back_in_stock` in its own transaction, after writing the stock. What it looks at is
the state, not the change: an alert on a size that now has stock, of a product on sale, is due.
An alert can only be made while its size is sold out, so that is exactly a size coming back.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import dialect_insert
from bot.models import Product, ProductTranslation, Size, StockAlert, User
from bot.services import outbox
from bot.services.errors import InvalidInput, NotFound
from bot.services.outbox import Notice, Outgoing
from bot.services.product_names import names_by_language

MAX_ALERTS = 20  # per customer: the profile lists them all
BATCH = 500  # alerts announced per statement: bounded IN lists on both databases
NOTICE = "stock.back"


class Subscribed(enum.StrEnum):
    NEW = "new"
    ALREADY = "already"
    IN_STOCK = "in_stock"  # came back meanwhile: nothing to wait for


@dataclass(frozen=True, slots=True)
class Waiting:
    """An alert as its customer reads it."""

    id: int
    product_id: int
    product: str
    size: str


async def subscribe(
    session: AsyncSession, *, user_id: int, product_id: int, size_id: int
) -> Subscribed:
    """Wait for a sold-out size. The size row is locked first, so a restock committing at the
    same moment either finds this alert or is seen by it (and then there is nothing to wait for).
    """
    found = (
        await session.execute(
            select(Size.stock, Product.is_active)
            .join(Product, Product.id == Size.product_id)
            .where(Size.id == size_id, Size.product_id == product_id)
            .with_for_update(of=Size)
        )
    ).one_or_none()
    if found is None or not found.is_active:
        raise NotFound("product.unavailable")
    if found.stock > 0:
        return Subscribed.IN_STOCK
    mine = select(StockAlert.size_id).where(StockAlert.user_id == user_id)
    if size_id in (await session.scalars(mine)).all():
        return Subscribed.ALREADY
    count = await session.scalar(select(func.count()).select_from(mine.subquery())) or 0
    if count >= MAX_ALERTS:
        raise InvalidInput("stock_alert.too_many", limit=MAX_ALERTS)
    added = await session.scalar(
        dialect_insert(session, StockAlert)
        .values(user_id=user_id, size_id=size_id)
        .on_conflict_do_nothing(index_elements=["user_id", "size_id"])
        .returning(StockAlert.id)
    )
    return Subscribed.NEW if added is not None else Subscribed.ALREADY


async def list_alerts(
    session: AsyncSession, *, user_id: int, language: str | None
) -> list[Waiting]:
    """The customer's alerts, oldest first, products named in `language` where translated."""
    rows = await session.execute(
        select(
            StockAlert.id,
            Product.id,
            func.coalesce(ProductTranslation.name, Product.name),
            Size.name,
        )
        .join(Size, Size.id == StockAlert.size_id)
        .join(Product, Product.id == Size.product_id)
        .outerjoin(
            ProductTranslation,
            (ProductTranslation.product_id == Product.id)
            & (ProductTranslation.language == (language or "")),
        )
        .where(StockAlert.user_id == user_id)
        .order_by(StockAlert.id)
    )
    return [Waiting(*row) for row in rows]


async def remove(session: AsyncSession, *, user_id: int, alert_id: int) -> bool:
    """False when it was gone already (removed twice, or announced meanwhile)."""
    result = await session.execute(
        delete(StockAlert).where(StockAlert.id == alert_id, StockAlert.user_id == user_id),
        execution_options={"synchronize_session": False},
    )
    return bool(getattr(result, "rowcount", 0))


async def remove_size(session: AsyncSession, *, user_id: int, size_id: int) -> bool:
    """No more waiting for that size (the card's alert pressed again); False when none was."""
    result = await session.execute(
        delete(StockAlert).where(StockAlert.size_id == size_id, StockAlert.user_id == user_id),
        execution_options={"synchronize_session": False},
    )
    return bool(getattr(result, "rowcount", 0))


async def announce_back_in_stock(
    session: AsyncSession, *, size_ids: Iterable[int] = (), product_ids: Iterable[int] = ()
) -> int:
    """Queue one notice for every alert due among these sizes (or these products' sizes) and
    end those alerts, in the caller's transaction; returns how many were queued.

    Each alert's notice is keyed by the alert, so however many paths see the same return, its
    customer hears once. Oldest alerts are queued first: the outbox sends in that order.
    """
    sizes, products = sorted(set(size_ids)), sorted(set(product_ids))
    if not sizes and not products:
        return 0
    due = (
        await session.execute(
            select(StockAlert.id, User.telegram_id, Product.id, Product.name, Size.name)
            .join(User, User.id == StockAlert.user_id)
            .join(Size, Size.id == StockAlert.size_id)
            .join(Product, Product.id == Size.product_id)
            .where(
                or_(StockAlert.size_id.in_(sizes), Size.product_id.in_(products)),
                Size.stock > 0,
                Product.is_active,
            )
            .order_by(StockAlert.id)
        )
    ).all()
    if not due:
        return 0
    names = await names_by_language(session, {row[2] for row in due})
    for start in range(0, len(due), BATCH):
        batch = due[start : start + BATCH]
        await outbox.enqueue_many(
            session,
            (
                Outgoing(
                    f"stock_alert:{alert_id}:back",
                    chat_id,
                    _notice(product_id, product, size, names.get(product_id, {})),
                )
                for alert_id, chat_id, product_id, product, size in batch
            ),
        )
        await session.execute(
            delete(StockAlert).where(StockAlert.id.in_([row[0] for row in batch])),
            execution_options={"synchronize_session": False},
        )
    return len(due)


def _notice(product_id: int, product: str, size: str, names: dict[str, str]) -> Notice:
    """The product's name in every language it has one in: the notice is put into words when it
    is sent, in whichever language the customer reads then."""
    params = {"product_id": product_id, "product": product, "size": size, "names": names}
    return Notice(NOTICE, params, [[{"label": "product.open", "product": product_id}]])
