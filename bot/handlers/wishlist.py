"""/wishlist: the products a customer saved, each a tap from its card, the cart, or gone."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.handlers.catalog import open_card_from
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.render import show
from bot.handlers.router import on_button, on_command, on_screen
from bot.keyboards.catalog import VIA_WISHLIST, Origin
from bot.keyboards.menu import back_to_menu
from bot.keyboards.wishlist import (
    PER_PAGE,
    AddSaved,
    RemoveSaved,
    WishlistPage,
    first_number,
    wishlist_keyboard,
)
from bot.services.pagination import Page
from bot.services.wishlist import Saved
from bot.texts import wishlist as wishlist_texts
from bot.usecases import wishlist
from bot.usecases.wishlist import QuickAdd


@on_command("wishlist")
@on_screen("wishlist")
async def open_wishlist(update: Update, context: ShopContext) -> None:
    await _show(update, await _page(update, context, 1))


@on_button(WishlistPage)
async def wishlist_page(update: Update, context: ShopContext, data: WishlistPage) -> str | None:
    await _show(update, await _page(update, context, data.page))
    return None


@on_button(RemoveSaved)
async def remove_saved(update: Update, context: ShopContext, data: RemoveSaved) -> str | None:
    page = await wishlist.remove(
        context.db,
        sender=sender_of(update),
        product_id=data.product_id,
        page=data.page,
        per_page=PER_PAGE,
    )
    await _show(update, page)
    return wishlist_texts.unsaved_toast()


@on_button(AddSaved)
async def add_saved(update: Update, context: ShopContext, data: AddSaved) -> str | None:
    """Its only size in stock goes in the cart; with several, its card opens to pick one."""
    added = await wishlist.add_to_cart(
        context.db, sender=sender_of(update), product_id=data.product_id
    )
    if added.outcome is QuickAdd.ADDED:
        return texts.added_to_cart(1, added.name, added.size_name)
    if added.outcome is QuickAdd.SOLD_OUT:
        return wishlist_texts.sold_out(added.name)
    await open_card_from(update, context, data.product_id, Origin(VIA_WISHLIST, 0, data.page))
    return wishlist_texts.pick_a_size(added.name)


async def _page(update: Update, context: ShopContext, number: int) -> Page[Saved]:
    return await wishlist.saved_products(
        context.db, sender=sender_of(update), page=number, per_page=PER_PAGE
    )


async def _show(update: Update, page: Page[Saved]) -> None:
    if not page.total:
        await show(update, wishlist_texts.empty(), InlineKeyboardMarkup([back_to_menu()]))
        return
    lines = [wishlist_texts.title(page.total), ""]
    lines += [
        wishlist_texts.line(
            number,
            saved.name,
            texts.money(saved.price, saved.currency),
            [(size.name, size.stock) for size in saved.sizes],
        )
        for number, saved in enumerate(page.items, start=first_number(page))
    ]
    await show(update, "\n".join(lines), wishlist_keyboard(page))
