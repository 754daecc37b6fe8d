"""The catalogue commands: each change commits together with its audit-log entry, or not at all.

The services write the entry; the transaction here is what makes the two one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from bot.db import Database
from bot.payments.limits import SmallestPayment, unpayable
from bot.services import digital, inventory
from bot.services.digital import DigitalContent, MadeDigital

__all__ = ["DigitalContent"]  # handed to the handlers, who read it from the admin's message
from bot.services.errors import InvalidInput
from bot.services.inventory import ProductRef

editable = inventory.editable
PHOTOS = inventory.PHOTOS  # /editproduct <id> photos: the gallery, by bot.usecases.gallery


@dataclass(frozen=True, slots=True)
class CategoryAdded:
    category_id: int
    name: str


@dataclass(frozen=True, slots=True)
class ProductEdited:
    product_id: int
    name: str
    field: str  # "price", or a translation: "name:de"
    value: str  # the new value as an admin reads it: "€39.99", a category's name
    unpayable: SmallestPayment | None = None  # a new price under the provider's smallest


@dataclass(frozen=True, slots=True)
class StockSet:
    product_id: int
    name: str
    size: str
    previous: int | None  # None: the size was added
    stock: int


@dataclass(frozen=True, slots=True)
class VisibilitySet:
    product_id: int
    name: str
    visible: bool
    changed: bool  # False: it already was (hiding a hidden product changes nothing)


async def add_category(db: Database, *, admin_telegram_id: int, name: str) -> CategoryAdded:
    async with db.transaction() as session:
        category = await inventory.add_category(session, admin_id=admin_telegram_id, name=name)
        return CategoryAdded(category.id, category.name)


async def edit_product(
    db: Database,
    *,
    admin_telegram_id: int,
    product: ProductRef,
    field: str,
    value: str,
    provider: str = "none",
) -> ProductEdited:
    """`product` by id or SKU; `value` as typed: a price like 49.99, a category by name or id,
    a photo's file id, a name in a language ("name:de"). `provider` takes the shop's payments:
    a price it would refuse alone is pointed out."""
    async with db.transaction() as session:
        product_id = await inventory.find_product(session, product)
        edit = await inventory.edit_product(
            session, admin_id=admin_telegram_id, product_id=product_id, field=field, value=value
        )
        edited = edit.product
        too_cheap = unpayable(provider, edited.price, edited.currency)
        return ProductEdited(
            edited.id, edited.name, edit.field, edit.value, too_cheap if field == "price" else None
        )


async def set_stock(
    db: Database, *, admin_telegram_id: int, product: ProductRef, size: str, quantity: int
) -> StockSet:
    """A size the product (by id or SKU) doesn't have yet is added."""
    async with db.transaction() as session:
        product_id = await inventory.find_product(session, product)
        change = await inventory.set_stock(
            session,
            admin_id=admin_telegram_id,
            product_id=product_id,
            size_name=size,
            quantity=quantity,
        )
        changed = change.product
        return StockSet(
            changed.id, changed.name, change.size.name, change.previous, change.size.stock
        )


async def set_visibility(
    db: Database, *, admin_telegram_id: int, product: ProductRef, visible: bool
) -> VisibilitySet:
    async with db.transaction() as session:
        product_id = await inventory.find_product(session, product)
        shown, changed = await inventory.set_visible(
            session, admin_id=admin_telegram_id, product_id=product_id, visible=visible
        )
        return VisibilitySet(shown.id, shown.name, visible, changed)


@dataclass(frozen=True, slots=True)
class DigitalSet:
    """A product made digital (or its Stars price set): what it delivers and its price."""

    product_id: int
    name: str
    content: str  # "text", "document", "photo" or "keys"
    stars: int
    stock: int  # units it can sell now (a key product: its unclaimed keys)


@dataclass(frozen=True, slots=True)
class KeysAdded:
    product_id: int
    name: str
    added: int
    skipped: int
    unclaimed: int


async def make_digital(
    db: Database,
    *,
    admin_telegram_id: int,
    product: ProductRef,
    content: DigitalContent,
    stars_per_unit: int | None,
) -> DigitalSet:
    """`/editproduct <id> digital …`: delivered by the bot from now on, priced in Stars."""
    async with db.transaction() as session:
        product_id = await inventory.find_product(session, product)
        made = await digital.make_digital(
            session,
            admin_id=admin_telegram_id,
            product_id=product_id,
            content=content,
            stars_per_unit=stars_per_unit,
        )
        return _digital_set(made)


async def set_stars_price(
    db: Database, *, admin_telegram_id: int, product: ProductRef, stars: int
) -> DigitalSet:
    async with db.transaction() as session:
        product_id = await inventory.find_product(session, product)
        made = await digital.set_stars_price(
            session, admin_id=admin_telegram_id, product_id=product_id, stars=stars
        )
        return _digital_set(made)


async def import_keys(
    db: Database, *, admin_telegram_id: int, product: ProductRef, data: bytes
) -> KeysAdded:
    """`/importkeys <id>` with a CSV (or plain text) file: the first column of each row is a
    key; a header row named "key" is skipped."""
    keys = read_keys(data)
    async with db.transaction() as session:
        product_id = await inventory.find_product(session, product)
        done = await digital.import_keys(
            session, admin_id=admin_telegram_id, product_id=product_id, keys=keys
        )
        found = done.product
        return KeysAdded(found.id, found.name, done.added, done.skipped, done.unclaimed)


def read_keys(data: bytes) -> list[str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("digital.keys_not_text") from None
    rows = [row[0].strip() for row in csv.reader(io.StringIO(text)) if row and row[0].strip()]
    if rows and rows[0].casefold() in ("key", "keys", "code", "licence", "license"):
        rows = rows[1:]
    return rows


def _digital_set(made: MadeDigital) -> DigitalSet:
    product = made.product
    stock = sum(size.stock for size in product.sizes)
    return DigitalSet(product.id, product.name, made.content, made.price, stock)
