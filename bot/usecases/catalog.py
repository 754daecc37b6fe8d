"""Browsing the catalogue: its categories, a category's products, a product card, and adding
a size from the card to the cart."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database
from bot.models import Product, Size
from bot.services import cart, product
from bot.services.pagination import Page
from bot.services.product import CategorySummary, ProductDetails
from bot.usecases.customers import Sender, shopper


@dataclass(frozen=True, slots=True)
class CategoryProducts:
    category_id: int
    category_name: str
    products: Page[Product]


@dataclass(frozen=True, slots=True)
class AddedToCart:
    details: ProductDetails  # the card as it reads after the addition
    size: Size


async def categories(db: Database, *, page: int, per_page: int) -> Page[CategorySummary]:
    """Categories with something to buy; a page past the end shows the last one."""
    async with db.reading() as session:
        summaries = await product.list_categories(session)
    pages = max(1, -(-len(summaries) // per_page))
    number = min(max(page, 1), pages)
    shown = summaries[(number - 1) * per_page : number * per_page]
    return Page(items=shown, page=number, per_page=per_page, total=len(summaries))


async def category_products(
    db: Database, *, category_id: int, page: int, per_page: int
) -> CategoryProducts:
    """A page of the category's products; products hidden since the button was made may
    shorten the list, and then its last page is shown."""
    async with db.reading() as session:
        category = await product.get_category(session, category_id)
        listing = await product.list_products(
            session, category_id=category.id, page=max(page, 1), per_page=per_page
        )
        if listing.page > listing.pages:
            listing = await product.list_products(
                session, category_id=category.id, page=listing.pages, per_page=per_page
            )
    return CategoryProducts(category.id, category.name, listing)


async def product_card(db: Database, *, product_id: int) -> ProductDetails:
    async with db.reading() as session:
        return await product.get_product(session, product_id)


async def add_to_cart(
    db: Database, *, sender: Sender, product_id: int, size_id: int, quantity: int
) -> AddedToCart:
    async with db.transaction() as session:
        user = await shopper(session, sender)
        details = await product.get_product(session, product_id)
        await cart.add_item(
            session,
            user_id=user.id,
            product_id=details.product.id,
            size_id=size_id,
            quantity=quantity,
        )
    size = next(size for size in details.sizes if size.id == size_id)
    return AddedToCart(details, size)
