"""/wishlist's buttons: each saved product opens its card, goes in the cart, or is removed."""

from __future__ import annotations

import dataclasses

from telegram import InlineKeyboardMarkup

from bot.keyboards.callbacks import Callback, register
from bot.keyboards.catalog import VIA_WISHLIST, Origin, open_card
from bot.keyboards.menu import back_to_menu, button, pager
from bot.services.pagination import Page
from bot.services.wishlist import Saved
from bot.texts import wishlist as wishlist_texts

PER_PAGE = 5


@register("wlp")
@dataclasses.dataclass(frozen=True, slots=True)
class WishlistPage(Callback):
    page: int


@register("wla")
@dataclasses.dataclass(frozen=True, slots=True)
class AddSaved(Callback):
    """One tap to the cart: its only size in stock, or its card to pick one."""

    product_id: int
    page: int


@register("wlr")
@dataclasses.dataclass(frozen=True, slots=True)
class RemoveSaved(Callback):
    product_id: int
    page: int


def first_number(page: Page[Saved]) -> int:
    """The number the page's first product is listed under."""
    return (page.page - 1) * page.per_page + 1


def wishlist_keyboard(page: Page[Saved]) -> InlineKeyboardMarkup:
    origin = Origin(VIA_WISHLIST, 0, page.page)
    rows = []
    for number, saved in enumerate(page.items, start=first_number(page)):
        label = wishlist_texts.open_button(number, saved.name)
        rows.append([button(label, open_card(saved.product_id, origin))])
        rows.append(
            [
                button(wishlist_texts.add_button(number), AddSaved(saved.product_id, page.page)),
                button(
                    wishlist_texts.remove_button(number), RemoveSaved(saved.product_id, page.page)
                ),
            ]
        )
    rows += [pager(page, WishlistPage), back_to_menu()]
    return InlineKeyboardMarkup([row for row in rows if row])
