"""Running the catalogue from the chat: what admins add and change, each change audited.

Every function here changes the catalogue through bot.services.product (which bumps the catalogue
revision, so customers' search and listings see the change at once) and writes the audit log
entry in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.models import Category, OrderItem, Product, Size
from bot.money import format_amount
from bot.services import catalog_translation as translations
from bot.services import notifications, wishlist
from bot.services import product as catalog
from bot.services import product_fields as fields
from bot.services.admin import record
from bot.services.errors import InvalidInput, NotFound
from bot.services.search import normalize

EDITABLE_FIELDS = ("name", "description", "price", "category", "photo")
# ... and the translatable ones in a language: "name:de", "description:pt_BR"
PHOTOS = "photos"  # the whole gallery: sent as photos after the command, see set_gallery
NO_DESCRIPTION = "-"  # typed for "no description"
MAX_SIZES = 40
_SIZE_AND_STOCK = re.compile(r"^(.+?)(?:\s*[:=]\s*|\s+)(\d+)$")
_SKU_NUMBER = re.compile(r"^\d+$")


@dataclass(frozen=True, slots=True)
class ProductDraft:
    """What /addproduct has collected so far, kept as JSON in the admin's dialog state."""

    currency: str
    category_id: int | None = None
    category: str = ""
    name: str = ""
    price: int | None = None
    description: str = ""
    photo: str | None = None
    sizes: tuple[tuple[str, int], ...] = ()
    sku: str = ""  # empty: one is generated when the product is saved

    def as_data(self) -> dict[str, Any]:
        return {**asdict(self), "sizes": [list(size) for size in self.sizes]}

    @classmethod
    def from_data(cls, data: dict[str, Any], *, currency: str) -> ProductDraft:
        known = {key: value for key, value in data.items() if key in cls.__dataclass_fields__}
        sizes = tuple((str(name), int(stock)) for name, stock in known.pop("sizes", []))
        return cls(**{"currency": currency, **known, "sizes": sizes})


@dataclass(frozen=True, slots=True)
class Edit:
    product: Product
    field: str  # as EDITABLE_FIELDS names it, or "name:de"
    value: str  # the new value as an admin reads it: "€39.99", a category's name
    audit_id: int = 0  # the edit's entry in the audit log


@dataclass(frozen=True, slots=True)
class StockChange:
    product: Product
    size: Size
    previous: int | None  # None: the size was added


@dataclass(frozen=True, slots=True)
class SoldOut:
    product_id: int
    product_name: str
    size_name: str
    order_id: int


# --- categories ---------------------------------------------------------------------------


async def add_category(session: AsyncSession, *, admin_id: int, name: str) -> Category:
    category = await catalog.create_category(session, name=name)
    await record(
        session,
        admin_telegram_id=admin_id,
        action="add_category",
        entity="category",
        entity_id=category.id,
        details=category.name,
    )
    return category


async def find_category(session: AsyncSession, reference: str) -> Category:
    """By name in any case, else by id: a category called "2024" is found by its name."""
    wanted = " ".join(reference.split()).casefold()
    for category in await session.scalars(select(Category)):
        if category.name.casefold() == wanted:
            return category
    number = wanted.lstrip("#")
    if number.isascii() and number.isdigit() and len(number) < 10:
        by_id = await session.get(Category, int(number))
        if by_id is not None:
            return by_id
    raise NotFound("category.not_found", reference=reference.strip())


# --- products -----------------------------------------------------------------------------

# How an admin names a product: its id, or its SKU.
ProductRef = int | str


async def find_product(session: AsyncSession, ref: ProductRef) -> int:
    """The id of the product an admin named. A number is an id first; a SKU made of digits
    is found when no product has that id."""
    if isinstance(ref, int):
        by_id = await session.scalar(select(Product.id).where(Product.id == ref))
        if by_id is not None:
            return by_id
    by_sku = await session.scalar(
        select(Product.id).where(func.lower(Product.sku) == str(ref).strip().lower())
    )
    if by_sku is not None:
        return by_sku
    if isinstance(ref, int):
        raise NotFound("product.not_found", product_id=ref)
    raise NotFound("product.sku_not_found", sku=ref)


async def get_product(session: AsyncSession, product_id: int) -> Product:
    """Any product, hidden ones too, with its sizes."""
    product = await session.scalar(
        select(Product).options(selectinload(Product.sizes)).where(Product.id == product_id)
    )
    if product is None:
        raise NotFound("product.not_found", product_id=product_id)
    return product


async def add_product(session: AsyncSession, *, admin_id: int, draft: ProductDraft) -> Product:
    """The product with its sizes, its SKU and the audit entry, all in the caller's
    transaction: a failure anywhere leaves nothing behind."""
    if draft.category_id is None or draft.price is None or not draft.name or not draft.sizes:
        raise InvalidInput("draft.incomplete")
    category = await catalog.get_category(session, draft.category_id)
    sku = draft.sku or await generate_sku(session, category.name)
    product = await catalog.create_product(
        session,
        sku=sku,
        name=draft.name,
        price=draft.price,
        currency=draft.currency,
        category_id=category.id,
        description=draft.description,
        photo=draft.photo,
        sizes=draft.sizes,
    )
    sizes = ", ".join(f"{name} {stock}" for name, stock in draft.sizes)
    await record(
        session,
        admin_telegram_id=admin_id,
        action="add_product",
        entity="product",
        entity_id=product.id,
        details=f"sku={sku} name={product.name} price={product.price} {product.currency} "
        f"category={category.name} sizes={sizes}",
    )
    return product


async def edit_product(
    session: AsyncSession, *, admin_id: int, product_id: int, field: str, value: str
) -> Edit:
    """One field, typed as an admin would: a price like 49.99, a category by name or id; a
    name or description in a language ("name:de"), where "-" removes the translation."""
    product = await get_product(session, product_id)
    if ":" in field:
        return await _translate(session, admin_id, product, field, value)
    before, was = await _shown(session, product, field), product.price
    if field == "name":
        await catalog.update_product(session, product_id=product.id, name=value)
    elif field == "description":
        text = "" if value.strip() == NO_DESCRIPTION else value
        await catalog.update_product(session, product_id=product.id, description=text)
    elif field == "price":
        price = parse_price(value, product.currency)
        await catalog.update_product(session, product_id=product.id, price=price)
    elif field == "category":
        category = await find_category(session, value)
        await catalog.update_product(session, product_id=product.id, category_id=category.id)
    elif field == "photo":
        await catalog.update_product(session, product_id=product.id, photo=value)
    else:
        raise ValueError(f"unknown product field {field!r}")
    after = await _shown(session, product, field)
    edit = await record_edit(session, admin_id, product, field, before, after)
    # Customers who saved it hear of a lower price, once for this edit (its audit entry).
    drop = wishlist.PriceDrop(product.id, was, product.price)
    await wishlist.announce_price_drops(session, drops=[drop], change_id=edit.audit_id)
    return edit


async def set_gallery(
    session: AsyncSession, *, admin_id: int, product_id: int, photos: Sequence[str]
) -> Edit:
    """All the product's photos at once, in order, the first its cover; audited with how
    many it had and has."""
    product = await get_product(session, product_id)
    before = len(product.photos)
    await catalog.set_photos(session, product=product, photos=photos)
    await catalog.bump_catalog_revision(session)
    after = str(len(product.photos))
    return await record_edit(session, admin_id, product, PHOTOS, str(before), after)


def editable(field: str) -> bool:
    what, colon, _ = field.partition(":")
    return what in translations.FIELDS if colon else field in EDITABLE_FIELDS


async def _translate(
    session: AsyncSession, admin_id: int, product: Product, field: str, value: str
) -> Edit:
    what, _, code = field.partition(":")
    if what not in translations.FIELDS:
        raise ValueError(f"untranslatable product field {field!r}")
    language = translations.catalogue_language(code)
    before = await translations.product_text(session, product.id, language)
    kept = await translations.set_product_text(
        session,
        product_id=product.id,
        language=language,
        field=what,
        value="" if value.strip() == NO_DESCRIPTION else value,
    )
    field = f"{what}:{language}"
    return await record_edit(
        session, admin_id, product, field, getattr(before, what) or "", kept or ""
    )


async def record_edit(
    session: AsyncSession, admin_id: int, product: Product, field: str, before: str, after: str
) -> Edit:
    """The edit, with its audit entry written in the same transaction: every product edit
    (here and in bot.services.digital) is audited alike."""
    entry = await record(
        session,
        admin_telegram_id=admin_id,
        action="edit_product",
        entity="product",
        entity_id=product.id,
        details=f"{field}: {before} -> {after}",
    )
    return Edit(product=product, field=field, value=after, audit_id=entry.id)


async def _shown(session: AsyncSession, product: Product, field: str) -> str:
    """A field's value as an admin reads it."""
    if field == "category":
        return (await catalog.get_category(session, product.category_id)).name
    if field == "price":
        return format_amount(product.price, product.currency)
    return str(getattr(product, field) or "")


async def set_stock(
    session: AsyncSession, *, admin_id: int, product_id: int, size_name: str, quantity: int
) -> StockChange:
    """A size the product doesn't have yet is added, after the others."""
    product = await get_product(session, product_id)
    wanted = " ".join(size_name.split()).casefold()
    previous = next((s.stock for s in product.sizes if s.name.casefold() == wanted), None)
    size = await catalog.set_stock(
        session, product_id=product.id, size_name=size_name, stock=quantity
    )
    await record(
        session,
        admin_telegram_id=admin_id,
        action="set_stock",
        entity="product",
        entity_id=product.id,
        details=f"size {size.name}: {'new' if previous is None else previous} -> {size.stock}",
    )
    return StockChange(product=product, size=size, previous=previous)


async def set_visible(
    session: AsyncSession, *, admin_id: int, product_id: int, visible: bool
) -> tuple[Product, bool]:
    """Returns the product and whether anything changed (hiding a hidden one does not)."""
    product = await get_product(session, product_id)
    if product.is_active == visible:
        return product, False
    await catalog.set_active(session, product_id=product.id, active=visible)
    await record(
        session,
        admin_telegram_id=admin_id,
        action="show_product" if visible else "hide_product",
        entity="product",
        entity_id=product.id,
    )
    return product, True


# --- stock running out --------------------------------------------------------------------


async def alert_sold_out(
    session: AsyncSession, *, order_id: int, admin_chat_ids: Sequence[int]
) -> list[SoldOut]:
    """Alert the admins about every size this order took the last units of.

    Called in the transaction that placed the order, which still holds the locks its stock
    updates took: a size at 0 now had stock before the order, so this order emptied it. The
    alert's key names the order and the size, so each time a size runs out is told once.
    """
    rows = await session.execute(
        select(Product.id, Product.name, Size.id, Size.name)
        .join(Size, Size.product_id == Product.id)
        .where(
            Size.id.in_(select(OrderItem.size_id).where(OrderItem.order_id == order_id)),
            Size.stock == 0,
        )
        .order_by(Product.name, Size.position, Size.id)
    )
    sold_out = []
    for product_id, product_name, size_id, size_name in rows:
        sold_out.append(SoldOut(product_id, product_name, size_name, order_id))
        await notifications.alert_sold_out(
            session,
            key=f"stock:size:{size_id}:sold_out:order:{order_id}",
            product_id=product_id,
            product=product_name,
            size=size_name,
            order_id=order_id,
            admin_chat_ids=admin_chat_ids,
        )
    return sold_out


# --- the /addproduct answers --------------------------------------------------------------


def parse_price(text: str, currency: str) -> int:
    """49.99 -> 4999 (exact, through Decimal), within what the shop accepts."""
    return fields.typed_price(text, currency)


def parse_sizes(text: str) -> tuple[tuple[str, int], ...]:
    """ "S 5, M 3, L 0" (commas or one per line); a lone number is the stock of a product
    without sizes."""
    if text.strip().isdigit():
        return tuple(fields.sizes([(fields.ONE_SIZE, int(text.strip()))]))
    parts = [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]
    if not parts:
        raise InvalidInput("draft.sizes_empty")
    if len(parts) > MAX_SIZES:
        raise InvalidInput("draft.too_many_sizes", limit=MAX_SIZES)
    sizes = []
    for part in parts:
        match = _SIZE_AND_STOCK.match(part)
        if match is None:
            raise InvalidInput("draft.not_a_size", text=part)
        sizes.append((match[1], int(match[2])))
    return tuple(fields.sizes(sizes))


async def answer_draft(
    session: AsyncSession, *, draft: ProductDraft, step: str, text: str
) -> ProductDraft:
    """The draft with one typed answer taken in, or InvalidInput saying what to send."""
    if step == "category":
        category = await find_category(session, text)
        return replace(draft, category_id=category.id, category=category.name)
    if step == "name":
        return replace(draft, name=fields.product_name(text))
    if step == "price":
        return replace(draft, price=parse_price(text, draft.currency))
    if step == "description":
        typed = "" if text.strip() == NO_DESCRIPTION else text
        return replace(draft, description=fields.description(typed))
    if step == "photo":
        raise InvalidInput("draft.send_photo")
    if step == "sizes":
        return replace(draft, sizes=parse_sizes(text))
    if step == "confirm":
        sku = fields.sku(text)
        if await session.scalar(select(Product.id).where(Product.sku == sku)):
            raise InvalidInput("draft.sku_taken", sku=sku)
        return replace(draft, sku=sku)
    raise ValueError(f"unknown /addproduct step {step!r}")


def take_photo(draft: ProductDraft, file_id: str) -> ProductDraft:
    return replace(draft, photo=fields.photo(file_id))


async def choose_category(
    session: AsyncSession, *, draft: ProductDraft, category_id: int
) -> ProductDraft:
    category = await catalog.get_category(session, category_id)
    return replace(draft, category_id=category.id, category=category.name)


async def generate_sku(session: AsyncSession, category_name: str) -> str:
    """The category's first letters and the next free number: "SNE-0007" in Sneakers."""
    letters = "".join(c for c in normalize(category_name) if c.isascii() and c.isalnum())
    prefix = (letters[:3] if len(letters) >= 2 else "SKU").upper()
    taken = await session.scalars(select(Product.sku).where(Product.sku.startswith(f"{prefix}-")))
    numbers = [int(rest) for sku in taken if _SKU_NUMBER.match(rest := sku[len(prefix) + 1 :])]
    return f"{prefix}-{max(numbers, default=0) + 1:04d}"
