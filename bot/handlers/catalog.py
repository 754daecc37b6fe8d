"""The catalogue: categories, a category's products, and the product card."""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import MessageLimit

from bot import texts
from bot.handlers.context import ShopContext, sender_is_admin, sender_of
from bot.handlers.product_photo import product_photo
from bot.handlers.render import show
from bot.handlers.router import on_button, on_command, on_screen
from bot.keyboards.callbacks import Callback
from bot.keyboards.catalog import (
    PER_PAGE,
    VIA_CATEGORY,
    VIA_ORDERS,
    VIA_SEARCH,
    VIA_WISHLIST,
    AddToCart,
    CardView,
    Categories,
    CategoryPage,
    NotifyMe,
    Origin,
    ProductCard,
    SaveProduct,
    card_keyboard,
    card_view,
    categories_keyboard,
    open_card,
    products_keyboard,
    share_link,
)
from bot.keyboards.menu import Menu, back_to_menu
from bot.keyboards.reviews import review_list
from bot.keyboards.search import SearchPage
from bot.keyboards.wishlist import WishlistPage
from bot.services.stock_alert import Subscribed
from bot.texts import stock_alerts as alert_texts
from bot.texts import wishlist as wishlist_texts
from bot.usecases import catalog, stock_alerts, wishlist
from bot.usecases.catalog import ProductInfo

_TAG = re.compile(r"<[^>]*>")


@on_command("catalog")
@on_screen("catalog")
async def catalog_screen(update: Update, context: ShopContext) -> None:
    """The categories that have something to buy."""
    await _show_categories(update, context, 1)


@on_button(Categories)
async def categories(update: Update, context: ShopContext, data: Categories) -> str | None:
    await _show_categories(update, context, data.page)
    return None


@on_button(CategoryPage)
async def category_page(update: Update, context: ShopContext, data: CategoryPage) -> str | None:
    await _show_category(update, context, data.category_id, data.page)
    return None


async def open_category(update: Update, context: ShopContext, category_id: int) -> None:
    """A category's first page, as a shared link opens it."""
    await _show_category(update, context, category_id, 1)


async def open_product(update: Update, context: ShopContext, product_id: int) -> None:
    """A product's card, as a shared link opens it: its back button leads to the catalogue."""
    await open_card_from(update, context, product_id, Origin())


async def open_card_from(
    update: Update, context: ShopContext, product_id: int, origin: Origin
) -> None:
    """A product's card as first shown, its back button leading to `origin`."""
    card = await catalog.product_card(
        context.db, product_id=product_id, telegram_id=sender_of(update).telegram_id
    )
    view = card_view(card.sizes, open_card(product_id, origin), len(card.photos))
    await _show_card(update, context, card, view)


@on_button(ProductCard)
async def product_card(update: Update, context: ShopContext, data: ProductCard) -> str | None:
    card = await catalog.product_card(
        context.db, product_id=data.product_id, telegram_id=sender_of(update).telegram_id
    )
    view = card_view(card.sizes, data, len(card.photos))
    changed = await _show_card(update, context, card, view)
    if view.refused_size:
        return texts.size_sold_out(view.refused_size)
    if not changed and view.chosen is not None:  # the size pressed was the one chosen
        return texts.size_already_chosen(view.chosen.name)
    return None


@on_button(NotifyMe)
async def notify_me(update: Update, context: ShopContext, data: NotifyMe) -> str | None:
    """A back-in-stock alert for the size; the card then shows it is set."""
    asked = await stock_alerts.notify_me(
        context.db, sender=sender_of(update), product_id=data.product_id, size_id=data.size_id
    )
    await _show_card(update, context, asked.card, card_view(asked.card.sizes, data.card))
    if asked.outcome is Subscribed.IN_STOCK:
        return alert_texts.back_already(asked.size_name)
    if asked.outcome is Subscribed.ALREADY:
        return alert_texts.already_subscribed(asked.size_name)
    return alert_texts.subscribed(asked.size_name)


@on_button(SaveProduct)
async def save_product(update: Update, context: ShopContext, data: SaveProduct) -> str | None:
    """♡ Save puts the product in the wishlist, ♥ Saved takes it out; the card stays."""
    card = await wishlist.set_saved(
        context.db, sender=sender_of(update), product_id=data.product_id, saved=bool(data.save)
    )
    await _show_card(update, context, card, card_view(card.sizes, data.card))
    return wishlist_texts.saved_toast() if card.saved else wishlist_texts.unsaved_toast()


@on_button(AddToCart)
async def add_to_cart(update: Update, context: ShopContext, data: AddToCart) -> str | None:
    if not data.size_id:
        return texts.CHOOSE_SIZE_FIRST
    added = await catalog.add_to_cart(
        context.db,
        sender=sender_of(update),
        product_id=data.product_id,
        size_id=data.size_id,
        quantity=data.qty,
    )
    card = added.card
    await _show_card(update, context, card, card_view(card.sizes, data.card, len(card.photos)))
    return texts.added_to_cart(data.qty, card.name, added.size_name)


def back_target(origin: Origin) -> Callback:
    """Where a card's back button leads: the list it was opened from."""
    if origin.via == VIA_CATEGORY:
        return CategoryPage(origin.ref, origin.at)
    if origin.via == VIA_SEARCH:
        return SearchPage(origin.at)
    if origin.via == VIA_ORDERS:
        return Menu("orders")
    if origin.via == VIA_WISHLIST:
        return WishlistPage(origin.at)
    return Categories(1)


async def _show_category(update: Update, context: ShopContext, category_id: int, page: int) -> None:
    found = await catalog.category_products(
        context.db, category_id=category_id, page=page, per_page=PER_PAGE
    )
    text = texts.category_title(found.category_name, found.products.total)
    await show(update, text, products_keyboard(found.category_id, found.products))


async def _show_categories(update: Update, context: ShopContext, page: int) -> None:
    listing = await catalog.categories(context.db, page=page, per_page=PER_PAGE)
    if not listing.total:
        await show(update, texts.CATALOG_EMPTY, InlineKeyboardMarkup([back_to_menu()]))
        return
    await show(update, texts.CATALOG_TITLE, categories_keyboard(listing))


async def _show_card(
    update: Update, context: ShopContext, card: ProductInfo, view: CardView
) -> bool:
    """Admins also see the id and SKU that admin commands take."""
    admin = await sender_is_admin(update, context)
    origin = view.state.origin
    keyboard = card_keyboard(
        view,
        reviews=card.review_count,
        to_reviews=review_list(card.id, origin),
        back=back_target(origin),
        share=share_link(context.bot.username, card.id, card.name),
        waiting=card.waiting,
        saved=card.saved,
    )
    limit = MessageLimit.CAPTION_LENGTH if card.photo else MessageLimit.MAX_TEXT_LENGTH
    reference = texts.product_reference(card.id, card.sku) if admin else None
    text = _card_text(card, view, limit, reference)
    shown = card.photos[view.state.pic] if card.photos else None
    return await show(update, text, keyboard, photo=product_photo(context, card.id, shown))


def _card_text(card: ProductInfo, view: CardView, limit: int, reference: str | None) -> str:
    """The card; under a photo its description is shortened until the caption fits."""
    chosen, qty = view.chosen, view.state.qty
    description = card.description
    while True:
        text = texts.product_card(
            name=card.name,
            price=texts.money(card.price, card.currency),
            rating=texts.rating_line(card.average_rating, card.rating_count, card.review_count),
            description=description,
            sizes=[(size.name, size.stock) for size in view.sizes],
            footer=texts.card_footer(
                available=view.available,
                size=chosen.name if chosen else None,
                quantity=qty,
                total=texts.money(card.price * qty, card.currency),
            ),
        )
        if reference:
            text = f"{text}\n\n{reference}"
        overflow = _length(text) - limit
        if overflow <= 0 or not description:
            return text
        shorter = _cut(description, _length(description) - overflow - 2)
        description = shorter + "…" if shorter else ""


def _length(html_text: str) -> int:
    """Telegram counts UTF-16 units of the visible text; render.show clips the raw HTML."""
    visible = html.unescape(_TAG.sub("", html_text))
    return max(len(html_text), len(visible.encode("utf-16-le")) // 2)


def _cut(text: str, units: int) -> str:
    """The first `units` UTF-16 units of a text, not ending in half a word."""
    cut = text.encode("utf-16-le")[: max(units, 0) * 2].decode("utf-16-le", "ignore")
    if len(cut) < len(text) and not text[len(cut)].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip()
