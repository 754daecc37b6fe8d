"""Search buttons: one per hit, paged; the query itself is remembered in the database."""

from __future__ import annotations

import dataclasses

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.keyboards.callbacks import Callback, register
from bot.keyboards.catalog import VIA_SEARCH, Origin, open_card
from bot.keyboards.menu import Menu, back_to_menu, button, pager
from bot.services.pagination import Page
from bot.services.search import SearchHit

PER_PAGE = 8


@register("sp")
@dataclasses.dataclass(frozen=True, slots=True)
class SearchPage(Callback):
    """A page of the customer's last search."""

    page: int


def results_keyboard(page: Page[SearchHit]) -> InlineKeyboardMarkup:
    origin = Origin(VIA_SEARCH, 0, page.page)
    rows = [
        [
            button(
                texts.product_button(hit.name, texts.money(hit.price, hit.currency)),
                open_card(hit.product_id, origin),
            )
        ]
        for hit in page.items
    ]
    rows += [pager(page, SearchPage), back_to_menu()]
    return InlineKeyboardMarkup([row for row in rows if row])


def browse_keyboard() -> InlineKeyboardMarkup:
    """Under the search prompt and "nothing found": the catalogue is the other way in."""
    return InlineKeyboardMarkup([[button(texts.BROWSE_CATALOG, Menu("catalog"))], back_to_menu()])
