"""Browsing the catalogue: its categories, a category's products, a product card, and adding
a size from the card to the cart."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.db import Database
from bot.languages import reader
from bot.services import cart, product, stock_alert, wishlist
from bot.services.pagination import Page
from bot.services.product import CategorySummary, ProductDetails
from bot.usecases.customers import Sender, shopper


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
    async with db.reading() as session:
        summaries = await product.list_categories(session, language=reader())
    pages = max(1, -(-len(summaries) // per_page))
    number = min(max(page, 1), pages)
    shown = summaries[(number - 1) * per_page : number * per_page]
    return Page(items=shown, page=number, per_page=per_page, total=len(summaries))


async def category_products(
    db: Database, *, category_id: int, page: int, per_page: int, with_ratings: bool = False
) -> CategoryProducts:
    """A page of the category's products; products hidden since the button was made may
    shorten the list, and then its last page is shown."""
    async with db.reading() as session:
        language = reader()
        category, category_name = await product.get_category_named(session, category_id, language)
        listing = await product.list_products(
            session,
            category_id=category.id,
            page=max(page, 1),
            per_page=per_page,
            language=language,
            with_ratings=with_ratings,
        )
        if listing.page > listing.pages:
            listing = await product.list_products(
                session,
                category_id=category.id,
                page=listing.pages,
                per_page=per_page,
                language=language,
                with_ratings=with_ratings,
            )
    listed = [
        ListedProduct(
            item.product.id,
            item.name,
            item.product.price,
            item.product.currency,
            all(size.stock <= 0 for size in item.product.sizes),
            item.product.photo,
            item.average_rating,
        )
        for item in listing.items
    ]
    found = Page(listed, listing.page, listing.per_page, listing.total)
    return CategoryProducts(category.id, category_name, found)


async def product_card(
    db: Database, *, product_id: int, telegram_id: int | None = None
) -> ProductInfo:
    """`telegram_id`: the reader, whose back-in-stock alerts on a sold-out size it shows, and
    whether they saved the product."""
    async with db.reading() as session:
        info = _info(await product.get_product(session, product_id, language=reader()))
        if telegram_id is None:
            return info
        saved = await wishlist.is_saved(session, telegram_id=telegram_id, product_id=product_id)
        info = replace(info, saved=saved)
        if all(size.stock > 0 for size in info.sizes):
            return info
        waiting = await stock_alert.waiting_sizes(
            session, telegram_id=telegram_id, product_id=product_id
        )
    return replace(info, waiting=frozenset(waiting))


async def add_to_cart(
    db: Database, *, sender: Sender, product_id: int, size_id: int, quantity: int
) -> AddedToCart:
    async with db.transaction() as session:
        user = await shopper(session, sender)
        language = reader()
        details = await product.get_product(session, product_id, language=language)
        await cart.add_item(
            session,
            user_id=user.id,
            product_id=details.product.id,
            size_id=size_id,
            quantity=quantity,
            language=language,
        )
    size = next(size for size in details.sizes if size.id == size_id)
    return AddedToCart(_info(details), size.name)


async def remember_photo_upload(db: Database, *, product_id: int, photo: str, file_id: str) -> None:
    """One of the card's pictures was uploaded: later cards send Telegram's file id instead."""
    async with db.transaction() as session:
        await product.remember_photo_upload(
            session, product_id=product_id, photo=photo, file_id=file_id
        )


def _info(details: ProductDetails) -> ProductInfo:
    item = details.product
    return ProductInfo(
        id=item.id,
        sku=item.sku,
        name=details.name,
        description=details.description,
        price=item.price,
        currency=item.currency,
        photos=tuple(photo.value for photo in item.photos),
        sizes=tuple(SizeStock(size.id, size.name, size.stock) for size in details.sizes),
        average_rating=details.average_rating,
        rating_count=details.rating_count,
        review_count=details.review_count,
    )
