"""The catalogue: categories and products that admins edit and customers browse.

Every change bumps the catalogue revision in the same transaction, which is how each bot
process learns that its search index is stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, and_, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db import revisions
from bot.models import (
    CatalogRevision,
    Category,
    CategoryTranslation,
    GalleryPhoto,
    Product,
    ProductTranslation,
    Rating,
    Review,
    Size,
)
from bot.money import normalize_currency
from bot.services import product_fields as fields
from bot.services import product_photo, stock_alert
from bot.services.errors import InvalidInput, NotFound
from bot.services.pagination import Page, check_page
from bot.services.product_fields import ONE_SIZE
from bot.services.search import CatalogSearch, SearchHit


@dataclass(frozen=True, slots=True)
class CategorySummary:
    id: int
    name: str
    product_count: int  # active products only


@dataclass(frozen=True, slots=True)
class ProductDetails:
    """A product as one language reads it: name, description and category translated where
    the catalogue has them."""

    product: Product
    name: str
    description: str
    category_name: str
    sizes: tuple[Size, ...]
    average_rating: float | None
    review_count: int
    rating_count: int


# --- in the reader's language -------------------------------------------------------------
# Outer join a product's (a category's) translation into a language with these conditions, and
# read its texts with the expressions below: translated where it is, else as written. Without a
# language nothing joins.


def translated_product(language: str | None) -> ColumnElement[bool]:
    return and_(
        ProductTranslation.product_id == Product.id,
        ProductTranslation.language == (language or ""),
    )


def translated_category(language: str | None) -> ColumnElement[bool]:
    return and_(
        CategoryTranslation.category_id == Category.id,
        CategoryTranslation.language == (language or ""),
    )


# A text in the language joined by the conditions above, else as written.
NAME_READ = func.coalesce(ProductTranslation.name, Product.name)
DESCRIPTION_READ = func.coalesce(ProductTranslation.description, Product.description)
CATEGORY_NAME_READ = func.coalesce(CategoryTranslation.name, Category.name)


async def product_names(
    session: AsyncSession, product_ids: Iterable[int | None], language: str
) -> dict[int, str]:
    """The translated names of those products that have one in the language (None stands for
    a deleted product, as an order line may)."""
    ids = sorted({product_id for product_id in product_ids if product_id is not None})
    if not ids:
        return {}
    rows = await session.execute(
        select(ProductTranslation.product_id, ProductTranslation.name).where(
            ProductTranslation.product_id.in_(ids),
            ProductTranslation.language == language,
        )
    )
    return {product_id: name for product_id, name in rows if name is not None}


# --- categories ---------------------------------------------------------------------------


async def create_category(session: AsyncSession, *, name: str) -> Category:
    clean = fields.category_name(name)
    await _ensure_category_name_free(session, clean)
    category = Category(name=clean)
    session.add(category)
    await _flush_unique(session, InvalidInput("category.name_taken", name=clean))
    await bump_catalog_revision(session)
    return category


async def get_category(session: AsyncSession, category_id: int) -> Category:
    category = await session.get(Category, category_id)
    if category is None:
        raise NotFound("category.gone")
    return category


async def list_categories(
    session: AsyncSession, *, include_empty: bool = False, language: str | None = None
) -> list[CategorySummary]:
    """Categories by name, in `language` where translated; customers see only those with
    something to buy."""
    count = func.count(Product.id)
    statement = (
        select(Category.id, Category.name, CategoryTranslation.name, count)
        .outerjoin(Product, and_(Product.category_id == Category.id, Product.is_active))
        .outerjoin(CategoryTranslation, translated_category(language))
        .group_by(Category.id, Category.name, CategoryTranslation.name)
    )
    if not include_empty:
        statement = statement.having(count > 0)
    rows = (await session.execute(statement)).all()
    # Sorted here, not in SQL, so that both databases agree whatever their collation.
    summaries = [
        CategorySummary(id, translated or name, product_count)
        for id, name, translated, product_count in rows
    ]
    return sorted(summaries, key=lambda summary: (summary.name.casefold(), summary.id))


async def _ensure_category_name_free(session: AsyncSession, name: str) -> None:
    # Compared in Python: SQLite's lower() only folds ASCII. A shop has few categories.
    names = await session.scalars(select(Category.name))
    if any(other.casefold() == name.casefold() for other in names):
        raise InvalidInput("category.name_taken", name=name)


# --- products -----------------------------------------------------------------------------


async def create_product(
    session: AsyncSession,
    *,
    sku: str,
    name: str,
    price: int,
    currency: str,
    category_id: int,
    description: str = "",
    photo: str | None = None,
    sizes: Sequence[tuple[str, int]] | None = None,
) -> Product:
    """A new product; without sizes it is sold as a single "One size" with no stock yet."""
    clean_sku = fields.sku(sku)
    product = Product(
        sku=clean_sku,
        name=fields.product_name(name),
        price=fields.price(price),
        currency=normalize_currency(currency),
        description=fields.description(description),
        photo=fields.photo(photo),
        is_active=True,
    )
    product.sizes = [
        Size(name=size_name, stock=stock, position=position)
        for position, (size_name, stock) in enumerate(fields.sizes(sizes or [(ONE_SIZE, 0)]))
    ]
    product.category_id = (await get_category(session, category_id)).id
    duplicate = InvalidInput("product.sku_taken", sku=clean_sku)
    if await session.scalar(select(Product.id).where(Product.sku == clean_sku)):
        raise duplicate
    session.add(product)
    await _flush_unique(session, duplicate)
    await bump_catalog_revision(session)
    return product


async def update_product(
    session: AsyncSession,
    *,
    product_id: int,
    name: str | None = None,
    description: str | None = None,
    price: int | None = None,
    currency: str | None = None,
    category_id: int | None = None,
    photo: str | None = None,
) -> Product:
    """Change the given fields and keep the others; photo replaces the cover, and "" removes it
    (the next photo becomes the cover)."""
    product = await _load_product(session, product_id)
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = fields.product_name(name)
    if description is not None:
        changes["description"] = fields.description(description)
    if price is not None:
        changes["price"] = fields.price(price)
    if currency is not None:
        changes["currency"] = normalize_currency(currency)
    if category_id is not None:
        changes["category_id"] = (await get_category(session, category_id)).id
    for field, value in changes.items():
        setattr(product, field, value)
    await session.flush()
    if photo is not None:  # the cover; the rest of the gallery stays
        rest = [each.value for each in product.photos[1:]]
        await set_photos(session, product=product, photos=[photo, *rest] if photo else rest)
    await bump_catalog_revision(session)
    return product


async def set_photos(session: AsyncSession, *, product: Product, photos: Sequence[str]) -> None:
    """The product's gallery becomes `photos`, in order, the first its cover; [] removes them.
    Rewritten by statements: the ORM would insert a new cover before deleting the old one."""
    clean = fields.photos(photos)
    await session.execute(delete(GalleryPhoto).where(GalleryPhoto.product_id == product.id))
    if clean:
        await session.execute(
            insert(GalleryPhoto),
            [
                {"product_id": product.id, "position": position, "value": value}
                for position, value in enumerate(clean)
            ],
        )
    await session.refresh(product, ["photos"])
    await bump_showcase_revision(session)


async def remember_photo_upload(
    session: AsyncSession, *, product_id: int, photo: str, file_id: str
) -> bool:
    """Keep the file id Telegram gave the product's uploaded picture, so it is uploaded once;
    not if the photo was changed meanwhile. Search doesn't read photos: only the screens'
    revision moves."""
    remembered = product_photo.with_file_id(photo, file_id)
    if len(remembered) > fields.PHOTO_MAX_LENGTH:
        return False
    result = await session.execute(
        update(GalleryPhoto)
        .where(GalleryPhoto.product_id == product_id, GalleryPhoto.value == photo)
        .values(value=remembered)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return False
    await bump_showcase_revision(session)
    return True


async def set_active(session: AsyncSession, *, product_id: int, active: bool) -> Product:
    """Hide a product from customers (or show it again); orders keep pointing at it."""
    product = await _load_product(session, product_id)
    product.is_active = active
    await session.flush()
    await bump_catalog_revision(session)
    if active:  # its sizes in stock may have come back while it was hidden
        await stock_alert.announce_back_in_stock(session, product_ids=[product.id])
    return product


async def set_stock(session: AsyncSession, *, product_id: int, size_name: str, stock: int) -> Size:
    """Set the stock of a size, adding the size to the product if it has no such size yet."""
    clean_name = fields.size_name(size_name)
    clean_stock = fields.stock(stock)
    product = await _load_product(session, product_id)
    named = [size for size in product.sizes if size.name.casefold() == clean_name.casefold()]
    if named:
        size = named[0]
        size.stock = clean_stock
    else:
        position = max((size.position for size in product.sizes), default=-1) + 1
        size = Size(name=clean_name, stock=clean_stock, position=position)
        product.sizes.append(size)
    await session.flush()
    await bump_catalog_revision(session)
    if size.stock > 0:
        await stock_alert.announce_back_in_stock(session, size_ids=[size.id])
    return size


async def get_product(
    session: AsyncSession,
    product_id: int,
    *,
    include_hidden: bool = False,
    language: str | None = None,
) -> ProductDetails:
    """The product, its texts in `language`, its category's name and its ratings and reviews
    counted in one statement, its sizes in a second: a product card is the screen customers
    open most."""
    statement = (
        select(
            Product,
            NAME_READ,
            DESCRIPTION_READ,
            CATEGORY_NAME_READ,
            *_RATINGS_AND_REVIEWS,
        )
        .join(Category, Category.id == Product.category_id)
        .outerjoin(ProductTranslation, translated_product(language))
        .outerjoin(CategoryTranslation, translated_category(language))
        .options(selectinload(Product.sizes))
        .where(Product.id == product_id)
    )
    row = (await session.execute(statement)).one_or_none()
    if row is None or not (row[0].is_active or include_hidden):
        raise NotFound("product.unavailable")
    product, name, description, category_name, rating_count, rating_sum, review_count = row
    return ProductDetails(
        product=product,
        name=name,
        description=description,
        category_name=category_name,
        sizes=tuple(product.sizes),
        average_rating=_average(int(rating_sum), int(rating_count)),
        review_count=int(review_count),
        rating_count=int(rating_count),
    )


_RATINGS_AND_REVIEWS = (
    select(func.count(Rating.id)).where(Rating.product_id == Product.id).scalar_subquery(),
    select(func.coalesce(func.sum(Rating.value), 0))
    .where(Rating.product_id == Product.id)
    .scalar_subquery(),
    select(func.count(Review.id)).where(Review.product_id == Product.id).scalar_subquery(),
)


async def search_products(
    session: AsyncSession,
    *,
    catalog: CatalogSearch,
    query: str,
    page: int = 1,
    per_page: int = 8,
    language: str | None = None,
    revision: int | None = None,
) -> Page[SearchHit]:
    """Typo-tolerant search over active products in all their names, best match first; the
    hits named in `language` where translated. `revision`: the catalogue's, if known."""
    found = await catalog.search(session, query, page=page, per_page=per_page, revision=revision)
    if language is None or not found.items:
        return found
    names = await product_names(session, (hit.product_id for hit in found.items), language)
    hits = [replace(hit, name=names.get(hit.product_id, hit.name)) for hit in found.items]
    return Page(hits, found.page, found.per_page, found.total)


@dataclass(frozen=True, slots=True)
class ProductSummary:
    """What a short listing of a product shows, in the reader's language."""

    id: int
    name: str
    description: str
    price: int
    currency: str
    photo: str | None


async def newest_product_ids(session: AsyncSession, *, page: int, per_page: int) -> Page[int]:
    """Active products, the newest first: what a customer sees before typing anything."""
    offset = check_page(page, per_page)
    total = await session.scalar(select(func.count(Product.id)).where(Product.is_active))
    ids = await session.scalars(
        select(Product.id)
        .where(Product.is_active)
        .order_by(Product.created_at.desc(), Product.id.desc())
        .offset(offset)
        .limit(per_page)
    )
    return Page(items=list(ids), page=page, per_page=per_page, total=total or 0)


async def product_summaries(
    session: AsyncSession, product_ids: Sequence[int], language: str | None
) -> list[ProductSummary]:
    """The active ones of those products, in the order given, texts in `language`."""
    if not product_ids:
        return []
    rows = await session.execute(
        select(
            Product.id,
            NAME_READ,
            DESCRIPTION_READ,
            Product.price,
            Product.currency,
            GalleryPhoto.value,
        )
        .outerjoin(ProductTranslation, translated_product(language))
        .outerjoin(
            GalleryPhoto, (GalleryPhoto.product_id == Product.id) & (GalleryPhoto.position == 0)
        )
        .where(Product.id.in_(product_ids), Product.is_active)
    )
    found = {row[0]: ProductSummary(*row) for row in rows}
    return [found[product_id] for product_id in product_ids if product_id in found]


async def bump_catalog_revision(session: AsyncSession) -> None:
    """Mark the catalogue as changed; commits or rolls back with the caller's change."""
    await _bump(session, revisions.CATALOG)


async def bump_showcase_revision(session: AsyncSession) -> None:
    """Mark what only the catalogue's screens show (photos, ratings) as changed: search is not
    rebuilt for it."""
    await _bump(session, revisions.SHOWCASE)


async def _bump(session: AsyncSession, row: int) -> None:
    """An upsert, so that the first bump on an empty database is safe against a concurrent
    one; on PostgreSQL every process hears of it when the transaction commits."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(CatalogRevision).values(id=row, revision=1)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[CatalogRevision.id],
            set_={CatalogRevision.revision: CatalogRevision.revision + 1},
        )
    )
    if dialect == "postgresql" and not session.info.get(revisions.CATALOG_CHANGED):
        await session.execute(select(func.pg_notify(revisions.CHANNEL, "")))
    session.info[revisions.CATALOG_CHANGED] = True


async def _load_product(session: AsyncSession, product_id: int) -> Product:
    product = await session.scalar(
        select(Product).options(selectinload(Product.sizes)).where(Product.id == product_id)
    )
    if product is None:
        raise NotFound("product.gone")
    return product


async def _flush_unique(session: AsyncSession, duplicate: InvalidInput) -> None:
    """Flush, turning a lost race on a unique name into the same refusal as the check."""
    try:
        await session.flush()
    except IntegrityError:
        raise duplicate from None


def _average(total: int, count: int) -> float | None:
    if count == 0:
        return None
    average = Decimal(total) / Decimal(count)
    return float(average.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
