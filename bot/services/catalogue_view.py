"""The catalogue as customers browse it, held in memory by each process: categories, the
products of each, and what a product card shows but stock. Screens read it instead of
querying, and read stock (which every sale changes) live, in one statement.

A snapshot belongs to one catalogue revision (bot.db.revisions): every change to what it
holds bumps the revision, and a screen finding a newer one builds a new snapshot first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.revisions import Revision, read_revision
from bot.models import (
    Category,
    CategoryTranslation,
    GalleryPhoto,
    Product,
    ProductTranslation,
    Rating,
    Review,
    SavedProduct,
    Size,
    StockAlert,
    User,
)
from bot.services.errors import NotFound


@dataclass(frozen=True, slots=True)
class ShownSize:
    id: int
    name: str


@dataclass(slots=True)
class ShownProduct:
    """A product on sale, as written; `names`/`descriptions` hold its translations."""

    id: int
    sku: str
    category_id: int
    name: str
    description: str
    price: int
    currency: str
    sizes: tuple[ShownSize, ...] = ()
    photos: tuple[str, ...] = ()
    names: dict[str, str] | None = None
    descriptions: dict[str, str] | None = None
    rating_count: int = 0
    rating_sum: int = 0
    review_count: int = 0

    def name_in(self, language: str | None) -> str:
        return (self.names or {}).get(language or "", self.name)

    def description_in(self, language: str | None) -> str:
        return (self.descriptions or {}).get(language or "", self.description)

    @property
    def average_rating(self) -> float | None:
        if self.rating_count == 0:
            return None
        average = Decimal(self.rating_sum) / Decimal(self.rating_count)
        return float(average.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(slots=True)
class ShownCategory:
    id: int
    name: str
    names: dict[str, str] | None = None
    product_ids: list[int] = field(default_factory=list)

    def name_in(self, language: str | None) -> str:
        return (self.names or {}).get(language or "", self.name)


@dataclass(frozen=True, slots=True)
class CardStock:
    """What a product card reads live, for one reader."""

    stock: dict[int, int]  # size id -> units
    saved: bool  # in the reader's wishlist
    waiting: frozenset[int]  # sold-out sizes the reader asked to hear about


class CatalogueSnapshot:
    """One revision of the catalogue; orderings are worked out once per language."""

    def __init__(
        self,
        revision: Revision,
        categories: dict[int, ShownCategory],
        products: dict[int, ShownProduct],
    ) -> None:
        self.revision = revision
        self.categories = categories
        self.products = products
        self._category_lists: dict[str | None, list[ShownCategory]] = {}
        self._listings: dict[tuple[int, str | None], list[ShownProduct]] = {}

    def category_list(self, language: str | None) -> list[ShownCategory]:
        """Categories with something on sale, by name in `language` (as in Python, so that
        both databases agree whatever their collation)."""
        found = self._category_lists.get(language)
        if found is None:
            found = sorted(
                (category for category in self.categories.values() if category.product_ids),
                key=lambda category: (category.name_in(language).casefold(), category.id),
            )
            self._category_lists[language] = found
        return found

    def category(self, category_id: int) -> ShownCategory:
        found = self.categories.get(category_id)
        if found is None:
            raise NotFound("category.gone")
        return found

    def listing(self, category_id: int, language: str | None) -> list[ShownProduct]:
        """The category's products on sale, by name in `language`."""
        key = (category_id, language)
        found = self._listings.get(key)
        if found is None:
            products = (self.products[id] for id in self.category(category_id).product_ids)
            found = sorted(
                products, key=lambda product: (product.name_in(language).casefold(), product.id)
            )
            self._listings[key] = found
        return found

    def product(self, product_id: int) -> ShownProduct:
        found = self.products.get(product_id)
        if found is None:
            raise NotFound("product.unavailable")
        return found


async def load_snapshot(
    session: AsyncSession,
    *,
    category_id: int | None = None,
    product_id: int | None = None,
    details: bool = True,
) -> CatalogueSnapshot:
    """The catalogue on sale now, or the part of it one screen shows (a category's products,
    one product; without `details`, the categories and which products each has). The revision
    is read first: a change committed while the rest is read makes the snapshot look older than
    it is, never newer."""
    revision = await read_revision(session)
    categories = {
        id: ShownCategory(id, name)
        for id, name in await session.execute(select(Category.id, Category.name))
    }
    for category, language, name in await session.execute(
        select(
            CategoryTranslation.category_id, CategoryTranslation.language, CategoryTranslation.name
        )
    ):
        _put(categories[category], "names", language, name)
    conditions: list[ColumnElement[bool]] = [Product.is_active.is_(True)]
    if category_id is not None:
        conditions.append(Product.category_id == category_id)
    if product_id is not None:
        conditions.append(Product.id == product_id)
    on_sale = and_(*conditions)
    products: dict[int, ShownProduct] = {}
    columns = (Product.id, Product.sku, Product.category_id, Product.name, Product.description)
    for row in await session.execute(
        select(*columns, Product.price, Product.currency).where(on_sale).order_by(Product.id)
    ):
        products[row[0]] = ShownProduct(*row)
        categories[row[2]].product_ids.append(row[0])
    if details:
        await _add_details(session, products, on_sale)
    return CatalogueSnapshot(revision, categories, products)


async def _add_details(
    session: AsyncSession, products: dict[int, ShownProduct], on_sale: ColumnElement[bool]
) -> None:
    sizes: dict[int, list[ShownSize]] = {}
    for product_id, size_id, name in await session.execute(
        select(Size.product_id, Size.id, Size.name)
        .join(Product, Product.id == Size.product_id)
        .where(on_sale)
        .order_by(Size.product_id, Size.position, Size.id)
    ):
        sizes.setdefault(product_id, []).append(ShownSize(size_id, name))
    photos: dict[int, list[str]] = {}
    for product_id, value in await session.execute(
        select(GalleryPhoto.product_id, GalleryPhoto.value)
        .join(Product, Product.id == GalleryPhoto.product_id)
        .where(on_sale)
        .order_by(GalleryPhoto.product_id, GalleryPhoto.position)
    ):
        photos.setdefault(product_id, []).append(value)
    for product_id, listed in sizes.items():
        products[product_id].sizes = tuple(listed)
    for product_id, values in photos.items():
        products[product_id].photos = tuple(values)
    for product_id, language, translated, description in await session.execute(
        select(
            ProductTranslation.product_id,
            ProductTranslation.language,
            ProductTranslation.name,
            ProductTranslation.description,
        )
        .join(Product, Product.id == ProductTranslation.product_id)
        .where(on_sale)
    ):
        shown = products[product_id]
        _put(shown, "names", language, translated)
        _put(shown, "descriptions", language, description)
    await _add_ratings(session, products, on_sale)


async def _add_ratings(
    session: AsyncSession, products: dict[int, ShownProduct], on_sale: ColumnElement[bool]
) -> None:
    for product_id, count, total in await session.execute(
        select(Rating.product_id, func.count(Rating.id), func.sum(Rating.value))
        .join(Product, Product.id == Rating.product_id)
        .where(on_sale)
        .group_by(Rating.product_id)
    ):
        products[product_id].rating_count = int(count)
        products[product_id].rating_sum = int(total or 0)
    for product_id, count in await session.execute(
        select(Review.product_id, func.count(Review.id))
        .join(Product, Product.id == Review.product_id)
        .where(on_sale)
        .group_by(Review.product_id)
    ):
        products[product_id].review_count = int(count)


def _put(
    shown: ShownProduct | ShownCategory, attribute: str, language: str, text: str | None
) -> None:
    if not text:
        return
    texts: dict[str, str] | None = getattr(shown, attribute)
    if texts is None:
        texts = {}
        setattr(shown, attribute, texts)
    texts[language] = text


# --- read live ----------------------------------------------------------------------------


async def in_stock(session: AsyncSession, product_ids: Iterable[int]) -> set[int]:
    """Those of the products with at least one unit of some size."""
    ids = sorted(set(product_ids))
    if not ids:
        return set()
    rows = await session.scalars(
        select(Size.product_id).where(Size.product_id.in_(ids), Size.stock > 0).distinct()
    )
    return set(rows)


async def card_stock(
    session: AsyncSession, *, product_id: int, telegram_id: int | None
) -> CardStock:
    """The card's stock per size and, for a reader, their wishlist and waiting sizes: one
    statement."""
    if telegram_id is None:
        statement = select(Size.id, Size.stock).where(Size.product_id == product_id)
        stock = {size_id: units for size_id, units in await session.execute(statement)}
        return CardStock(stock, False, frozenset())
    reader = select(User.id).where(User.telegram_id == telegram_id).scalar_subquery()
    saved = exists().where(SavedProduct.user_id == reader, SavedProduct.product_id == product_id)
    waiting = exists().where(StockAlert.user_id == reader, StockAlert.size_id == Size.id)
    rows = (
        await session.execute(
            select(Size.id, Size.stock, saved, waiting).where(Size.product_id == product_id)
        )
    ).all()
    return CardStock(
        {size_id: units for size_id, units, _, _ in rows},
        any(row[2] for row in rows),
        frozenset(size_id for size_id, _, _, is_waiting in rows if is_waiting),
    )
