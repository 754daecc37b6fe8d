"""Digital products: making a product digital, its pool of one-time keys, and delivering what
a paid order bought.

A digital product is priced in Telegram Stars (its currency is XTR), as Telegram requires of
digital goods sold in Telegram; a cart holds either digital or physical products (see
bot.services.cart), so an order is all of one kind and `needs_delivery` is one question.

Delivery is queued through the outbox in the transaction that marks the order paid, one notice
per line keyed by the line: it is sent once whatever repeats. A line of a product with a key
pool claims its keys there too, with a conditional UPDATE that skips keys another transaction
holds: two orders never get the same key, and a claimed key is never returned to the pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import dialect_insert
from bot.models import (
    MAX_DIGITAL_KEY,
    MAX_DIGITAL_TEXT,
    PURCHASED_STATUSES,
    DigitalFileType,
    DigitalKey,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    ProductKind,
    User,
    utcnow,
)
from bot.money import STARS, format_amount, to_stars
from bot.services import outbox
from bot.services import product as catalog
from bot.services.admin import record
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.inventory import get_product, record_edit
from bot.services.outbox import ATTACHMENT, Notice

DELIVERY_NOTICE = "digital.delivery"
MAX_KEYS_PER_IMPORT = 10_000


@dataclass(frozen=True, slots=True)
class DigitalContent:
    """What a unit delivers: a text, or a file the admin sent; neither: a key from the pool."""

    text: str | None = None
    file_id: str | None = None
    file_type: DigitalFileType | None = None

    @property
    def uses_keys(self) -> bool:
        return self.text is None and self.file_id is None


@dataclass(frozen=True, slots=True)
class MadeDigital:
    product: Product
    content: str  # as an admin reads it: "text", "document", "keys"
    price: int  # in Stars
    audit_id: int


@dataclass(frozen=True, slots=True)
class KeysImported:
    product: Product
    added: int
    skipped: int  # already in the pool, or blank
    unclaimed: int  # the product's stock now


@dataclass(frozen=True, slots=True)
class Delivered:
    """One line's content, for a customer who asks for it again (/orders)."""

    product_name: str
    text: str | None
    keys: tuple[str, ...]
    file_id: str | None
    file_type: DigitalFileType | None


def content_kind(product: Product) -> str:
    if product.digital_file_type is not None:
        return product.digital_file_type.value
    return "text" if product.digital_text else "keys"


async def make_digital(
    session: AsyncSession,
    *,
    admin_id: int,
    product_id: int,
    content: DigitalContent,
    stars_per_unit: int | None,
) -> MadeDigital:
    """The product is delivered by the bot from now on, priced in Stars: a price in another
    currency is converted at `stars_per_unit`, rounded up. Audited with what it was."""
    product = await _product(session, product_id)
    if product.currency != STARS and stars_per_unit is None:
        raise NotAllowed("digital.no_stars_rate", product_id=product.id)
    if content.text is not None and not 0 < len(content.text.strip()) <= MAX_DIGITAL_TEXT:
        raise InvalidInput("digital.text_length", limit=MAX_DIGITAL_TEXT)
    before = f"{product.kind.value} {format_amount(product.price, product.currency)}"
    if product.currency != STARS:
        assert stars_per_unit is not None
        product.price = to_stars(product.price, product.currency, stars_per_unit)
        product.currency = STARS
    product.kind = ProductKind.DIGITAL
    product.digital_text = content.text.strip() if content.text is not None else None
    product.digital_file_id = content.file_id
    product.digital_file_type = content.file_type if content.file_id else None
    if content.uses_keys:
        await _stock_from_pool(session, product)
    await catalog.bump_catalog_revision(session)
    await session.flush()
    kind = content_kind(product)
    after = f"{kind} {format_amount(product.price, STARS)}"
    edit = await record_edit(session, admin_id, product, "digital", before, after)
    return MadeDigital(product, kind, product.price, edit.audit_id)


async def set_stars_price(
    session: AsyncSession, *, admin_id: int, product_id: int, stars: int
) -> MadeDigital:
    """A digital product's price in Stars, set rather than converted."""
    product = await _product(session, product_id)
    if not product.is_digital:
        raise NotAllowed("digital.stars_for_digital_only", product_id=product.id)
    if not 1 <= stars <= 100_000:
        raise InvalidInput("digital.stars_invalid")
    before = product.price
    product.price = stars
    await catalog.bump_catalog_revision(session)
    await session.flush()
    edit = await record_edit(session, admin_id, product, "stars", str(before), str(stars))
    return MadeDigital(product, content_kind(product), stars, edit.audit_id)


async def import_keys(
    session: AsyncSession, *, admin_id: int, product_id: int, keys: Sequence[str]
) -> KeysImported:
    """Adds keys to a digital product's pool (one a unit sold); a key already in it is skipped.
    The product's stock becomes its unclaimed keys."""
    product = await _product(session, product_id)
    if not product.is_digital or not content_kind(product) == "keys":
        raise NotAllowed("digital.not_key_product", product_id=product.id)
    wanted = list(dict.fromkeys(key.strip() for key in keys if key.strip()))
    if not wanted:
        raise InvalidInput("digital.no_keys")
    if len(wanted) > MAX_KEYS_PER_IMPORT or any(len(key) > MAX_DIGITAL_KEY for key in wanted):
        raise InvalidInput(
            "digital.keys_invalid", limit=MAX_KEYS_PER_IMPORT, length=MAX_DIGITAL_KEY
        )
    now = utcnow()
    result = await session.execute(
        dialect_insert(session, DigitalKey)
        .values([{"product_id": product.id, "value": key, "created_at": now} for key in wanted])
        .on_conflict_do_nothing(index_elements=["product_id", "value"])
        .returning(DigitalKey.id)
    )
    added = len(result.scalars().all())
    unclaimed = await _stock_from_pool(session, product)
    await record(
        session,
        admin_telegram_id=admin_id,
        action="import_keys",
        entity="product",
        entity_id=product.id,
        details=f"keys: +{added} -> {unclaimed} unclaimed",
    )
    return KeysImported(product, added, len(keys) - added, unclaimed)


async def _stock_from_pool(session: AsyncSession, product: Product) -> int:
    """A key product sells as many units as it has unclaimed keys, in its one size. Stock
    already held by unpaid orders is counted out: those orders claim their keys when paid."""
    unclaimed = await session.scalar(
        select(func.count())
        .select_from(DigitalKey)
        .where(DigitalKey.product_id == product.id, DigitalKey.order_item_id.is_(None))
    )
    held = await session.scalar(
        select(func.coalesce(func.sum(OrderItem.quantity), 0))
        .join(Order, Order.id == OrderItem.order_id)
        .where(OrderItem.product_id == product.id, Order.status == OrderStatus.PENDING_PAYMENT)
    )
    available = max(int(unclaimed or 0) - int(held or 0), 0)
    size_name = product.sizes[0].name if product.sizes else "—"
    await catalog.set_stock(session, product_id=product.id, size_name=size_name, stock=available)
    return available


async def claim_keys(session: AsyncSession, *, item: OrderItem, product_id: int) -> list[str]:
    """Takes `item.quantity` unclaimed keys for the line, each in one statement that only
    succeeds on a key nobody claimed: concurrent orders each get their own."""
    claimed: list[str] = []
    for _ in range(item.quantity):
        free = (
            select(DigitalKey.id)
            .where(DigitalKey.product_id == product_id, DigitalKey.order_item_id.is_(None))
            .order_by(DigitalKey.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        value = await session.scalar(
            update(DigitalKey)
            .where(DigitalKey.id == free, DigitalKey.order_item_id.is_(None))
            .values(order_item_id=item.id, claimed_at=utcnow())
            .returning(DigitalKey.value)
        )
        if value is None:
            break  # the pool ran dry (stock set above the keys by hand): the admins hear
        claimed.append(value)
    return claimed


async def queue_delivery(session: AsyncSession, *, order_id: int) -> list[str]:
    """On paid, in that transaction: one notice per digital line, keyed by the line so it is
    queued once. Returns the products whose pool could not cover their line."""
    rows = await _digital_lines(session, order_id)
    short: list[str] = []
    chat_id = await session.scalar(
        select(User.telegram_id).join(Order, Order.user_id == User.id).where(Order.id == order_id)
    )
    if chat_id is None:
        raise NotFound("order.not_found", order_id=order_id)
    for item, product in rows:
        keys = await _keys_of(session, item)
        if product.digital_text is None and product.digital_file_id is None and not keys:
            keys = await claim_keys(session, item=item, product_id=product.id)
            if len(keys) < item.quantity:
                short.append(product.name)
        notice = delivery_notice(order_id, item, product, keys)
        await outbox.enqueue(
            session, key=f"order:{order_id}:digital:{item.id}", chat_id=chat_id, notice=notice
        )
    return short


def delivery_notice(
    order_id: int, item: OrderItem, product: Product, keys: Sequence[str]
) -> Notice:
    params: dict[str, object] = {
        "order_id": order_id,
        "product_id": product.id,
        "product": item.product_name,
        "text": product.digital_text,
        "keys": list(keys),
    }
    if product.digital_file_id and product.digital_file_type:
        params[ATTACHMENT] = {
            "file_id": product.digital_file_id,
            "type": product.digital_file_type.value,
        }
    return Notice(DELIVERY_NOTICE, params)


async def delivered(session: AsyncSession, *, order_id: int, user_id: int) -> list[Delivered]:
    """What a paid order of the customer's delivered, to send again; NotAllowed for an order
    that is not (or no longer) paid for."""
    order = await session.scalar(
        select(Order).where(Order.id == order_id, Order.user_id == user_id)
    )
    if order is None:
        raise NotFound("order.not_found", order_id=order_id)
    if order.status not in PURCHASED_STATUSES:
        raise NotAllowed("digital.not_paid", order_id=order_id)
    found = []
    for item, product in await _digital_lines(session, order_id):
        keys = await _keys_of(session, item)
        found.append(
            Delivered(
                item.product_name,
                product.digital_text,
                tuple(keys),
                product.digital_file_id,
                product.digital_file_type,
            )
        )
    if not found:
        raise NotAllowed("digital.nothing_to_send", order_id=order_id)
    return found


async def _digital_lines(session: AsyncSession, order_id: int) -> list[tuple[OrderItem, Product]]:
    result = await session.execute(
        select(OrderItem, Product)
        .join(Product, Product.id == OrderItem.product_id)
        .where(OrderItem.order_id == order_id, Product.kind == ProductKind.DIGITAL)
        .order_by(OrderItem.id)
    )
    return [(item, product) for item, product in result.all()]


async def _keys_of(session: AsyncSession, item: OrderItem) -> list[str]:
    found = await session.scalars(
        select(DigitalKey.value).where(DigitalKey.order_item_id == item.id).order_by(DigitalKey.id)
    )
    return list(found)


async def _product(session: AsyncSession, product_id: int) -> Product:
    return await get_product(session, product_id)  # with its sizes
