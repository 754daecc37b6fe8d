"""Catalogue buttons: categories, a category's products and the product card.

The card keeps its whole state (size, quantity, where it was opened from) in its buttons, so
it works after a restart and on any bot instance.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from urllib.parse import urlencode

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.keyboards.callbacks import Callback, register
from bot.keyboards.menu import Hint, Menu, back_to_menu, button, pager
from bot.models import MAX_LINE_QUANTITY
from bot.services.pagination import Page
from bot.services.product import CategorySummary
from bot.texts import stock_alerts as alert_texts
from bot.texts import wishlist as wishlist_texts
from bot.usecases.catalog import ListedProduct, SizeStock
from bot.usecases.start import PRODUCT_START

PER_PAGE = 8
SIZES_PER_ROW = 4

# Where a product card was opened from: its back button returns there.
VIA_CATEGORY = "c"  # ref: category id, at: page
VIA_SEARCH = "s"  # at: page of the last search
VIA_ORDERS = "o"
VIA_WISHLIST = "w"  # at: page of the wishlist
VIA_NONE = "n"


@dataclasses.dataclass(frozen=True, slots=True)
class Origin:
    via: str = VIA_NONE
    ref: int = 0
    at: int = 1


@register("cc")
@dataclasses.dataclass(frozen=True, slots=True)
class Categories(Callback):
    page: int


@register("cp")
@dataclasses.dataclass(frozen=True, slots=True)
class CategoryPage(Callback):
    category_id: int
    page: int


@register("cv")
@dataclasses.dataclass(frozen=True, slots=True)
class ProductCard(Callback):
    """The card as shown: size_id 0 means no size chosen; added 1 shows "Go to cart"; pic is
    the photo showing (0 the cover)."""

    product_id: int
    size_id: int
    qty: int
    added: int
    via: str
    ref: int
    at: int
    pic: int = 0

    @property
    def origin(self) -> Origin:
        return Origin(self.via, self.ref, self.at)


@register("ca")
@dataclasses.dataclass(frozen=True, slots=True)
class AddToCart(Callback):
    product_id: int
    size_id: int
    qty: int
    via: str
    ref: int
    at: int
    pic: int = 0

    @property
    def card(self) -> ProductCard:
        return ProductCard(
            self.product_id, self.size_id, self.qty, 1, self.via, self.ref, self.at, self.pic
        )


@register("cn")
@dataclasses.dataclass(frozen=True, slots=True)
class NotifyMe(Callback):
    """A back-in-stock alert for a sold-out size, asked on its card (which it keeps showing)."""

    product_id: int
    size_id: int
    via: str
    ref: int
    at: int

    @property
    def card(self) -> ProductCard:
        return ProductCard(self.product_id, self.size_id, 1, 0, self.via, self.ref, self.at)


@register("cw")
@dataclasses.dataclass(frozen=True, slots=True)
class SaveProduct(Callback):
    """♡ Save (save 1) or ♥ Saved (save 0) on a card, which it keeps showing as it was."""

    save: int
    product_id: int
    size_id: int
    qty: int
    via: str
    ref: int
    at: int

    @property
    def card(self) -> ProductCard:
        return ProductCard(self.product_id, self.size_id, self.qty, 0, self.via, self.ref, self.at)


def save_product(state: ProductCard, *, save: bool) -> SaveProduct:
    return SaveProduct(
        int(save), state.product_id, state.size_id, state.qty, state.via, state.ref, state.at
    )


def open_card(product_id: int, origin: Origin) -> ProductCard:
    return ProductCard(product_id, 0, 1, 0, origin.via, origin.ref, origin.at)


@dataclasses.dataclass(frozen=True, slots=True)
class CardView:
    """A card state made valid for the product as it is now."""

    state: ProductCard
    sizes: tuple[SizeStock, ...]
    max_qty: int
    refused_size: str | None  # a sold-out size that was pressed
    photos: int = 0  # how many the product has; state.pic is one of them

    @property
    def chosen(self) -> SizeStock | None:
        return next((size for size in self.sizes if size.id == self.state.size_id), None)

    @property
    def available(self) -> bool:
        return any(size.stock > 0 for size in self.sizes)


def card_view(sizes: Sequence[SizeStock], state: ProductCard, photos: int = 0) -> CardView:
    """Sold-out or foreign sizes are not selected; a lone size is; quantity stays in stock; a
    photo the product no longer has turns into the cover."""
    chosen = next((size for size in sizes if size.id == state.size_id), None)
    refused = chosen.name if chosen is not None and chosen.stock <= 0 else None
    if chosen is None or chosen.stock <= 0:
        chosen = sizes[0] if len(sizes) == 1 and sizes[0].stock > 0 else None
    stocks = [chosen.stock] if chosen else [size.stock for size in sizes]
    max_qty = max(1, min(max(stocks, default=0), MAX_LINE_QUANTITY))
    qty = min(max(state.qty, 1), max_qty)
    pic = state.pic if state.pic < photos else 0
    valid = dataclasses.replace(state, size_id=chosen.id if chosen else 0, qty=qty, pic=pic)
    return CardView(valid, tuple(sizes), max_qty, refused, photos)


def categories_keyboard(page: Page[CategorySummary]) -> InlineKeyboardMarkup:
    rows = [
        [button(texts.category_button(c.name, c.product_count), CategoryPage(c.id, 1))]
        for c in page.items
    ]
    rows += [pager(page, Categories), back_to_menu()]
    return InlineKeyboardMarkup([row for row in rows if row])


def products_keyboard(category_id: int, page: Page[ListedProduct]) -> InlineKeyboardMarkup:
    origin = Origin(VIA_CATEGORY, category_id, page.page)
    rows = [[button(_product_label(p), open_card(p.id, origin))] for p in page.items]
    rows.append(pager(page, lambda number: CategoryPage(category_id, number)))
    rows.append([button(texts.BACK, Categories(1))])
    return InlineKeyboardMarkup([row for row in rows if row])


def card_keyboard(
    view: CardView,
    *,
    reviews: int,
    to_reviews: Callback,
    back: Callback,
    share: str,
    waiting: Collection[int] = (),
    saved: bool = False,
) -> InlineKeyboardMarkup:
    """`waiting`: the sold-out sizes the reader asked to hear about; `saved`: in their
    wishlist."""
    state = view.state
    rows = [_photo_buttons(view)] if view.photos > 1 else []
    sizes = _size_buttons(view)
    rows += [sizes[i : i + SIZES_PER_ROW] for i in range(0, len(sizes), SIZES_PER_ROW)]
    rows += _alert_row(view, waiting)
    if view.available:
        rows.append(_quantity_buttons(view))
    if view.chosen is not None:
        add = AddToCart(
            state.product_id, state.size_id, state.qty, state.via, state.ref, state.at, state.pic
        )
        rows.append([button(texts.ADD_TO_CART, add)])
    if state.added:
        rows.append([button(texts.GO_TO_CART, Menu("cart"))])
    rows.append([button(wishlist_texts.save_button(saved), save_product(state, save=not saved))])
    rows.append(
        [
            button(texts.reviews_button(reviews), to_reviews),
            InlineKeyboardButton(texts.SHARE, url=share),
        ]
    )
    rows.append([button(texts.BACK, back)])
    return InlineKeyboardMarkup(rows)


def share_link(bot_username: str, product_id: int, name: str) -> str:
    """Telegram's share page for the product's link, which opens its card in this bot."""
    link = f"https://t.me/{bot_username}?start={PRODUCT_START}{product_id}"
    return "https://t.me/share/url?" + urlencode({"url": link, "text": name})


def _size_buttons(view: CardView) -> list[InlineKeyboardButton]:
    state = view.state
    return [
        button(
            texts.size_button(size.name, chosen=size.id == state.size_id, sold_out=size.stock <= 0),
            dataclasses.replace(state, size_id=size.id),
        )
        for size in view.sizes
    ]


def _alert_row(view: CardView, waiting: Collection[int]) -> list[list[InlineKeyboardButton]]:
    """The sold-out size just pressed (or the only size, sold out) offers its alert."""
    offered = next((size for size in view.sizes if size.name == view.refused_size), None)
    if offered is None and len(view.sizes) == 1 and view.sizes[0].stock <= 0:
        offered = view.sizes[0]
    if offered is None:
        return []
    asked = offered.id in waiting
    label = (alert_texts.waiting_button if asked else alert_texts.notify_me_button)(offered.name)
    state = view.state
    return [[button(label, NotifyMe(state.product_id, offered.id, state.via, state.ref, state.at))]]


HINT_QUANTITY = "qty"
HINT_PHOTO = "pic"


def _photo_buttons(view: CardView) -> list[InlineKeyboardButton]:
    """◀ 2/4 ▶: flips through the photos in a circle, the rest of the card as it is."""
    state, photos = view.state, view.photos
    return [
        button(texts.PREVIOUS, dataclasses.replace(state, pic=(state.pic - 1) % photos)),
        button(texts.photo_counter(state.pic + 1, photos), Hint(HINT_PHOTO)),
        button(texts.NEXT, dataclasses.replace(state, pic=(state.pic + 1) % photos)),
    ]


def _quantity_buttons(view: CardView) -> list[InlineKeyboardButton]:
    state = view.state
    row = [button(texts.quantity(state.qty), Hint(HINT_QUANTITY))]
    if state.qty > 1:
        row.insert(0, button(texts.LESS, dataclasses.replace(state, qty=state.qty - 1)))
    if state.qty < view.max_qty:
        row.append(button(texts.MORE, dataclasses.replace(state, qty=state.qty + 1)))
    return row


def _product_label(product: ListedProduct) -> str:
    return texts.product_button(
        product.name, texts.money(product.price, product.currency), product.sold_out
    )
