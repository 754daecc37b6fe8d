"""The catalogue: categories and products that admins edit and customers browse.

Every change bumps the catalogue revision in the same transaction, which is how each bot
process learns that its search index is stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.models import CatalogRevision, Category, Product, Rating, Review, Size
from bot.money import normalize_currency
from bot.services.errors import InvalidInput, NotFound
from bot.services.pagination import Page, check_page
from bot.services.search import CATALOG_CHANGED, CatalogSearch, SearchHit

ONE_SIZE = "One size"
CATEGORY_NAME_MAX_LENGTH = 64
SKU_MAX_LENGTH = 64
PRODUCT_NAME_MAX_LENGTH = 128
DESCRIPTION_MAX_LENGTH = 1000  # leaves room for name and price in a 1024-character caption
PHOTO_MAX_LENGTH = 512
SIZE_NAME_MAX_LENGTH = 32
MAX_PRICE = 10_000_000  # minor units; keeps order totals far from 32-bit limits
MAX_STOCK = 1_000_000


@dataclass(frozen=True, slots=True)
class CategorySummary:
    id: int
    name: str
    product_count: int  # active products only


@dataclass(frozen=True, slots=True)
class ProductDetails:
    product: Product
    category_name: str
    sizes: tuple[Size, ...]
    average_rating: float | None
    review_count: int
    rating_count: int


# --- categories ---------------------------------------------------------------------------


async def create_category(session: AsyncSession, *, name: str) -> Category:
    clean = _category_name(name)
    await _ensure_category_name_free(session, clean)
    category = Category(name=clean)
    session.add(category)
    await _flush_unique(session, f"There is already a category called “{clean}”.")
    await bump_catalog_revision(session)
    return category


async def get_category(session: AsyncSession, category_id: int) -> Category:
    category = await session.get(Category, category_id)
    if category is None:
        raise NotFound("This category no longer exists.")
    return category


async def list_categories(
    session: AsyncSession, *, include_empty: bool = False
) -> list[CategorySummary]:
    """Categories by name; customers see only those with something to buy."""
    count = func.count(Product.id)
    statement = (
        select(Category.id, Category.name, count)
        .outerjoin(Product, and_(Product.category_id == Category.id, Product.is_active))
        .group_by(Category.id, Category.name)
    )
    if not include_empty:
        statement = statement.having(count > 0)
    rows = (await session.execute(statement)).all()
    # Sorted here, not in SQL, so that both databases agree whatever their collation.
    summaries = [CategorySummary(id, name, product_count) for id, name, product_count in rows]
    return sorted(summaries, key=lambda summary: (summary.name.casefold(), summary.id))


def _category_name(name: str) -> str:
    return _words(name, what="A category name", max_length=CATEGORY_NAME_MAX_LENGTH)


async def _ensure_category_name_free(session: AsyncSession, name: str) -> None:
    # Compared in Python: SQLite's lower() only folds ASCII. A shop has few categories.
    names = await session.scalars(select(Category.name))
    if any(other.casefold() == name.casefold() for other in names):
        raise InvalidInput(f"There is already a category called “{name}”.")


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
    clean_sku = _sku(sku)
    product = Product(
        sku=clean_sku,
        name=_product_name(name),
        price=_price(price),
        currency=normalize_currency(currency),
        description=_description(description),
        photo=_photo(photo),
        is_active=True,
    )
    product.sizes = [
        Size(name=size_name, stock=stock, position=position)
        for position, (size_name, stock) in enumerate(_sizes(sizes or [(ONE_SIZE, 0)]))
    ]
    product.category_id = (await get_category(session, category_id)).id
    duplicate = f"Another product already has the SKU “{clean_sku}”."
    if await session.scalar(select(Product.id).where(Product.sku == clean_sku)):
        raise InvalidInput(duplicate)
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
    """Change the given fields and keep the others; photo="" removes the photo."""
    product = await _load_product(session, product_id)
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = _product_name(name)
    if description is not None:
        changes["description"] = _description(description)
    if price is not None:
        changes["price"] = _price(price)
    if currency is not None:
        changes["currency"] = normalize_currency(currency)
    if category_id is not None:
        changes["category_id"] = (await get_category(session, category_id)).id
    if photo is not None:
        changes["photo"] = _photo(photo)
    for field, value in changes.items():
        setattr(product, field, value)
    await session.flush()
    await bump_catalog_revision(session)
    return product


async def set_active(session: AsyncSession, *, product_id: int, active: bool) -> Product:
    """Hide a product from customers (or show it again); orders keep pointing at it."""
    product = await _load_product(session, product_id)
    product.is_active = active
    await session.flush()
    await bump_catalog_revision(session)
    return product


async def set_stock(session: AsyncSession, *, product_id: int, size_name: str, stock: int) -> Size:
    """Set the stock of a size, adding the size to the product if it has no such size yet."""
    clean_name = _size_name(size_name)
    clean_stock = _stock(stock)
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
    return size


async def get_product(
    session: AsyncSession, product_id: int, *, include_hidden: bool = False
) -> ProductDetails:
    """The product, its category's name and its ratings and reviews counted in one statement,
    its sizes in a second: a product card is the screen customers open most."""
    statement = (
        select(Product, Category.name, *_RATINGS_AND_REVIEWS)
        .join(Category, Category.id == Product.category_id)
        .options(selectinload(Product.sizes))
        .where(Product.id == product_id)
    )
    row = (await session.execute(statement)).one_or_none()
    if row is None or not (row[0].is_active or include_hidden):
        raise NotFound("This product is no longer available.")
    product, category_name, rating_count, rating_sum, review_count = row
    return ProductDetails(
        product=product,
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


async def list_products(
    session: AsyncSession, *, category_id: int, page: int = 1, per_page: int = 8
) -> Page[Product]:
    """Active products of a category by name, with their sizes loaded."""
    offset = check_page(page, per_page)
    await get_category(session, category_id)
    visible = and_(Product.category_id == category_id, Product.is_active)
    total = await session.scalar(select(func.count(Product.id)).where(visible))
    products = await session.scalars(
        select(Product)
        .options(selectinload(Product.sizes))
        .where(visible)
        .order_by(Product.name, Product.id)
        .offset(offset)
        .limit(per_page)
    )
    return Page(items=list(products), page=page, per_page=per_page, total=total or 0)


async def search_products(
    session: AsyncSession,
    *,
    catalog: CatalogSearch,
    query: str,
    page: int = 1,
    per_page: int = 8,
) -> Page[SearchHit]:
    """Typo-tolerant search over active products, best match first."""
    return await catalog.search(session, query, page=page, per_page=per_page)


async def bump_catalog_revision(session: AsyncSession) -> None:
    """Mark the catalogue as changed; commits or rolls back with the caller's change.

    An upsert, so that the first bump on an empty database is safe against a concurrent one.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(CatalogRevision).values(id=1, revision=1)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[CatalogRevision.id],
            set_={CatalogRevision.revision: CatalogRevision.revision + 1},
        )
    )
    session.info[CATALOG_CHANGED] = True


async def _load_product(session: AsyncSession, product_id: int) -> Product:
    product = await session.scalar(
        select(Product).options(selectinload(Product.sizes)).where(Product.id == product_id)
    )
    if product is None:
        raise NotFound("This product no longer exists.")
    return product


async def _flush_unique(session: AsyncSession, duplicate_message: str) -> None:
    """Flush, turning a lost race on a unique name into the same message as the check."""
    try:
        await session.flush()
    except IntegrityError:
        raise InvalidInput(duplicate_message) from None


def _average(total: int, count: int) -> float | None:
    if count == 0:
        return None
    average = Decimal(total) / Decimal(count)
    return float(average.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# --- validation ---------------------------------------------------------------------------


def _words(value: str, *, what: str, max_length: int) -> str:
    """Trimmed, with runs of spaces collapsed, as people often type them by accident."""
    clean = " ".join(value.split())
    if not clean:
        raise InvalidInput(f"{what} can't be empty.")
    if len(clean) > max_length:
        raise InvalidInput(f"{what} can be at most {max_length} characters long.")
    return clean


def _sku(sku: str) -> str:
    clean = sku.strip()
    if not clean or len(clean) > SKU_MAX_LENGTH or any(char.isspace() for char in clean):
        raise InvalidInput(
            f"A SKU is 1 to {SKU_MAX_LENGTH} characters without spaces, like SNK-042."
        )
    return clean


def _product_name(name: str) -> str:
    return _words(name, what="A product name", max_length=PRODUCT_NAME_MAX_LENGTH)


def _description(description: str) -> str:
    clean = description.strip()
    if len(clean) > DESCRIPTION_MAX_LENGTH:
        raise InvalidInput(f"A description can be at most {DESCRIPTION_MAX_LENGTH} characters.")
    return clean


def _photo(photo: str | None) -> str | None:
    clean = (photo or "").strip()
    if len(clean) > PHOTO_MAX_LENGTH:
        raise InvalidInput("That photo reference is too long.")
    return clean or None


def _whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _price(price: int) -> int:
    if not _whole_number(price) or not 0 <= price <= MAX_PRICE:
        raise InvalidInput(
            f"A price is a whole number of cents from 0 to {MAX_PRICE}, like 4999 for 49.99."
        )
    return price


def _stock(stock: int) -> int:
    if not _whole_number(stock) or not 0 <= stock <= MAX_STOCK:
        raise InvalidInput(f"Stock is a whole number from 0 to {MAX_STOCK}.")
    return stock


def _size_name(name: str) -> str:
    return _words(name, what="A size name", max_length=SIZE_NAME_MAX_LENGTH)


def _sizes(sizes: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    clean = [(_size_name(name), _stock(stock)) for name, stock in sizes]
    seen: set[str] = set()
    for name, _ in clean:
        if name.casefold() in seen:
            raise InvalidInput(f"The size “{name}” is listed twice.")
        seen.add(name.casefold())
    return clean


# Public for admin conversations, which check each answer as it is typed.
clean_sku = _sku
clean_product_name = _product_name
clean_description = _description
clean_photo = _photo
clean_price = _price
clean_sizes = _sizes
