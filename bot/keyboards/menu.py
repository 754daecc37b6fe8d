"""The main menu and the small navigation pieces every screen shares."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot import texts
from bot.keyboards.callbacks import Callback, register
from bot.services.pagination import Page


@register("m")
@dataclasses.dataclass(frozen=True, slots=True)
class Menu(Callback):
    """A top-level screen: main, catalog, search, cart, orders, wishlist, profile, help."""

    screen: str


@register("noop")
@dataclasses.dataclass(frozen=True, slots=True)
class Noop(Callback):
    """The page counter between ◀ and ▶: pressing it changes nothing and says how to turn pages."""


@register("hint")
@dataclasses.dataclass(frozen=True, slots=True)
class Hint(Callback):
    """A label among buttons (a quantity, a cart line): pressing it says what to press instead."""

    topic: str


@register("lvf")
@dataclasses.dataclass(frozen=True, slots=True)
class LeaveForm(Callback):
    """The answer to "leave the form?": 1 leaves it (and runs the waiting command), 0 stays."""

    leave: int


def leave_form_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.LEAVE_FORM, LeaveForm(1)), button(texts.STAY_IN_FORM, LeaveForm(0))]]
    )


def menu_buttons() -> tuple[tuple[str, str], ...]:
    """(label, screen), the labels in the reader's language: built when shown, not at import."""
    return (
        (texts.MENU_CATALOG, "catalog"),
        (texts.MENU_SEARCH, "search"),
        (texts.MENU_CART, "cart"),
        (texts.MENU_ORDERS, "orders"),
        (texts.MENU_WISHLIST, "wishlist"),
        (texts.MENU_PROFILE, "profile"),
        (texts.MENU_HELP, "help"),
    )


def button(text: str, data: Callback) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data.pack())


def main_menu(storefront_url: str | None = None) -> InlineKeyboardMarkup:
    """With the Mini App's address, its button comes first."""
    buttons = [button(label, Menu(screen)) for label, screen in menu_buttons()]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if storefront_url is not None:
        rows.insert(0, [InlineKeyboardButton(texts.OPEN_SHOP, web_app=WebAppInfo(storefront_url))])
    return InlineKeyboardMarkup(rows)


def back_to_menu() -> list[InlineKeyboardButton]:
    return [button(texts.MAIN_MENU, Menu("main"))]


def pager(page: Page[object], to_page: Callable[[int], Callback]) -> list[InlineKeyboardButton]:
    """◀ 2 / 5 ▶ — arrows only where there is somewhere to go."""
    if page.pages <= 1:
        return []
    row = []
    if page.has_previous:
        row.append(button(texts.PREVIOUS, to_page(page.page - 1)))
    row.append(button(texts.page_counter(page.page, page.pages), Noop()))
    if page.has_next:
        row.append(button(texts.NEXT, to_page(page.page + 1)))
    return row
