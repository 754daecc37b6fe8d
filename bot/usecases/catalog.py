"""Browsing the catalogue: its categories, a category's products, a product card, and adding
a size from the card to the cart."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from bot.db import Database
from bot.db.revisions import Revision
from bot.languages import reader
from bot.services import cart, catalogue_view, product
from bot.services.catalogue_view import CardStock, CatalogueSnapshot, ShownProduct
from bot.services.pagination import Page, check_page
from bot.services.product import CategorySummary
from bot.usecases.customers import Sender, shopper_id

# How long a screen waits for a rebuilding snapshot before reading its part itself.
WAIT_FOR_SNAPSHOT_S = 0.25


@dataclass(frozen=True, slots=True)
class SizeStock:
    id: int
    name: str
    stock: int


@dataclass(frozen=True, slots=True)
class ListedProduct:
    id: int
    name: str
    price: int
    currency: str
    sold_out: bool  # in every size
    photo: str | None = None
    average_rating: float | None = None


@dataclass(frozen=True, slots=True)
class CategoryProducts:
    category_id: int
    category_name: str
    products: Page[ListedProduct]


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """What the product card shows."""

    id: int
    sku: str
    name: str
    description: str
    price: int
    currency: str
    photos: tuple[str, ...]  # the cover first
    sizes: tuple[SizeStock, ...]  # in their shop order
    average_rating: float | None
    rating_count: int
    review_count: int
    waiting: frozenset[int] = frozenset()  # sold-out sizes the reader asked to hear about
    saved: bool = False  # in the reader's wishlist

    @property
    def photo(self) -> str | None:
        return self.photos[0] if self.photos else None


@dataclass(frozen=True, slots=True)
class AddedToCart:
    card: ProductInfo  # as it reads after the addition
    size_name: str


async def categories(db: Database, *, page: int, per_page: int) -> Page[CategorySummary]:
    """Categories with something to buy; a page past the end shows the last one."""
    language = reader()
    listed = (await _snapshot(db)).category_list(language)
    pages = max(1, -(-len(listed) // per_page))
    number = min(max(page, 1), pages)
    shown = [
        CategorySummary(category.id, category.name_in(language), len(category.product_ids))
        for category in listed[(number - 1) * per_page : number * per_page]
    ]
    return Page(items=shown, page=number, per_page=per_page, total=len(listed))


async def category_products(
    db: Database, *, category_id: int, page: int, per_page: int, with_ratings: bool = False
) -> CategoryProducts:
    """A page of the category's products; products hidden since the button was made may
    shorten the list, and then its last page is shown. Only stock is read: one statement."""
    check_page(max(page, 1), per_page)
    language = reader()
    snapshot = await _snapshot(db, category_id=category_id)
    category = snapshot.category(category_id)
    listing = snapshot.listing(category.id, language)
    pages = max(1, -(-len(listing) // per_page))
    number = min(max(page, 1), pages)
    shown = listing[(number - 1) * per_page : number * per_page]
    async with db.reading() as session:
        stocked = await catalogue_view.in_stock(session, (item.id for item in shown))
    listed = [
        ListedProduct(
            item.id,
            item.name_in(language),
            item.price,
            item.currency,
            item.id not in stocked,
            item.photos[0] if item.photos else None,
            item.average_rating if with_ratings else None,
        )
        for item in shown
    ]
    found = Page(listed, number, per_page, len(listing))
    return CategoryProducts(category.id, category.name_in(language), found)


async def product_card(
    db: Database, *, product_id: int, telegram_id: int | None = None
) -> ProductInfo:
    """`telegram_id`: the reader, whose back-in-stock alerts on a sold-out size it shows, and
    whether they saved the product. Only stock and the reader's marks are read: one
    statement."""
    shown = (await _snapshot(db, product_id=product_id)).product(product_id)
    async with db.reading() as session:
        live = await catalogue_view.card_stock(
            session, product_id=product_id, telegram_id=telegram_id
        )
    return _card(shown, live, reader())


async def add_to_cart(
    db: Database, *, sender: Sender, product_id: int, size_id: int, quantity: int
) -> AddedToCart:
    """The card after the addition comes from the snapshot; the cart's own checks (on sale,
    in stock, one currency) read the rows under its lock."""
    shown = (await _snapshot(db, product_id=product_id)).product(product_id)
    language = reader()
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await cart.add_item(
            session,
            user_id=user_id,
            product_id=product_id,
            size_id=size_id,
            quantity=quantity,
            language=language,
        )
    async with db.reading() as session:  # after the commit: the write lock is not held for it
        live = await catalogue_view.card_stock(
            session, product_id=product_id, telegram_id=sender.telegram_id
        )
    size_name = next((size.name for size in shown.sizes if size.id == size_id), "")
    return AddedToCart(_card(shown, live, language), size_name)


async def remember_photo_upload(db: Database, *, product_id: int, photo: str, file_id: str) -> None:
    """One of the card's pictures was uploaded: later cards send Telegram's file id instead."""
    async with db.transaction() as session:
        await product.remember_photo_upload(
            session, product_id=product_id, photo=photo, file_id=file_id
        )


def _card(shown: ShownProduct, live: CardStock, language: str | None) -> ProductInfo:
    return ProductInfo(
        id=shown.id,
        sku=shown.sku,
        name=shown.name_in(language),
        description=shown.description_in(language),
        price=shown.price,
        currency=shown.currency,
        photos=shown.photos,
        sizes=tuple(
            SizeStock(size.id, size.name, live.stock.get(size.id, 0)) for size in shown.sizes
        ),
        average_rating=shown.average_rating,
        rating_count=shown.rating_count,
        review_count=shown.review_count,
        waiting=live.waiting,
        saved=live.saved,
    )


class _Snapshots:
    """The catalogue snapshot of each database this process serves. When the revision moves,
    one rebuild starts; a screen waits for it briefly (a shop's catalogue rebuilds in tens of
    milliseconds) and otherwise reads just what it shows from the database meanwhile, so a
    large catalogue is never shown stale while it rebuilds."""

    def __init__(self) -> None:
        self._found: WeakKeyDictionary[Database, CatalogueSnapshot] = WeakKeyDictionary()
        self._building: WeakKeyDictionary[Database, asyncio.Task[CatalogueSnapshot]]
        self._building = WeakKeyDictionary()

    async def current(self, db: Database) -> CatalogueSnapshot | None:
        revision = await db.revisions.current()
        found = self._found.get(db)
        if found is not None and found.revision == revision:
            return found
        building = self._building.get(db)
        if building is None or building.done():
            if building is None:
                db.before_dispose(lambda: self._stop(db))
            building = asyncio.get_running_loop().create_task(self._build(db))
            self._building[db] = building
        try:
            built = await asyncio.wait_for(asyncio.shield(building), WAIT_FOR_SNAPSHOT_S)
        except TimeoutError:
            return None
        return built if _not_older(built.revision, revision) else None

    async def _build(self, db: Database) -> CatalogueSnapshot:
        async with db.reading() as session:
            built = await catalogue_view.load_snapshot(session)
        self._found[db] = built
        return built

    async def _stop(self, db: Database) -> None:
        building = self._building.pop(db, None)
        if building is not None and not building.done():
            building.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await building


def _not_older(built: Revision, known: Revision) -> bool:
    return all(mine >= theirs for mine, theirs in zip(built, known, strict=True))


_snapshots = _Snapshots()


async def _snapshot(
    db: Database, *, category_id: int | None = None, product_id: int | None = None
) -> CatalogueSnapshot:
    """The process's snapshot, or, while it rebuilds, the part a screen shows read now."""
    found = await _snapshots.current(db)
    if found is not None:
        return found
    async with db.reading() as session:
        return await catalogue_view.load_snapshot(
            session,
            category_id=category_id,
            product_id=product_id,
            details=category_id is not None or product_id is not None,
        )
