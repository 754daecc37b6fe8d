"""Wishlists, as customers keep them: ♡ Save on a product's card, and /wishlist to look back,
put a saved product in the cart in one tap, or let it go (bot.services.wishlist says when a
price drop tells them)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.db import Database
from bot.languages import reader
from bot.services import cart, product, wishlist
from bot.services.pagination import Page
from bot.services.wishlist import Saved
from bot.usecases.catalog import ProductInfo, product_card
from bot.usecases.customers import Sender, shopper_id


class QuickAdd(enum.StrEnum):
    ADDED = "added"  # its only size in stock, one of it
    PICK_SIZE = "pick_size"  # several sizes in stock: the card lets them choose
    SOLD_OUT = "sold_out"


@dataclass(frozen=True, slots=True)
class AddedFromWishlist:
    outcome: QuickAdd
    name: str  # in the reader's language
    size_name: str = ""  # the size added


async def set_saved(db: Database, *, sender: Sender, product_id: int, saved: bool) -> ProductInfo:
    """Save the product (saving twice keeps one), or remove it; returns the card as it reads
    now. A button pressed twice does what it said the first time, not the opposite."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        if saved:
            await wishlist.save(session, user_id=user_id, product_id=product_id)
        else:
            await wishlist.remove(session, user_id=user_id, product_id=product_id)
    return await product_card(db, product_id=product_id, telegram_id=sender.telegram_id)


async def saved_products(db: Database, *, sender: Sender, page: int, per_page: int) -> Page[Saved]:
    """A page of the customer's saved products on sale, newest first."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        return await wishlist.list_saved(
            session, user_id=user_id, language=reader(), page=max(page, 1), per_page=per_page
        )


async def remove(
    db: Database, *, sender: Sender, product_id: int, page: int, per_page: int
) -> Page[Saved]:
    """No longer saved (already gone is no error); returns the page as it reads after."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await wishlist.remove(session, user_id=user_id, product_id=product_id)
    return await saved_products(db, sender=sender, page=page, per_page=per_page)


async def add_to_cart(db: Database, *, sender: Sender, product_id: int) -> AddedFromWishlist:
    """One tap: one of the product's only size in stock goes in the cart; with several sizes in
    stock the customer picks one on the card, and nothing is added."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        language = reader()
        details = await product.get_product(session, product_id, language=language)
        in_stock = [size for size in details.sizes if size.stock > 0]
        if not in_stock:
            return AddedFromWishlist(QuickAdd.SOLD_OUT, details.name)
        if len(in_stock) > 1:
            return AddedFromWishlist(QuickAdd.PICK_SIZE, details.name)
        await cart.add_item(
            session,
            user_id=user_id,
            product_id=product_id,
            size_id=in_stock[0].id,
            quantity=1,
            language=language,
        )
        return AddedFromWishlist(QuickAdd.ADDED, details.name, in_stock[0].name)
