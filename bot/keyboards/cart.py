"""Cart buttons: − / + / 🗑 per line, clear (after a question) and checkout."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.keyboards.callbacks import Callback, register
from bot.keyboards.checkout import StartCheckout
from bot.keyboards.menu import Hint, Menu, back_to_menu, button
from bot.services.cart import CartLine, CartView


@register("kq")
@dataclass(frozen=True, slots=True)
class SetQuantity(Callback):
    """Carries the new quantity rather than ±1, so a double tap lands on the same number."""

    size_id: int
    quantity: int


@register("kr")
@dataclass(frozen=True, slots=True)
class RemoveLine(Callback):
    size_id: int


@register("kc")
@dataclass(frozen=True, slots=True)
class ClearCart(Callback):
    """Asks first; only ConfirmClearCart empties the cart."""


@register("ky")
@dataclass(frozen=True, slots=True)
class ConfirmClearCart(Callback):
    pass


def cart_keyboard(view: CartView) -> InlineKeyboardMarkup:
    if view.is_empty:
        return InlineKeyboardMarkup([[button(texts.CART_BROWSE, Menu("catalog"))], back_to_menu()])
    rows = [_line_row(number, line) for number, line in enumerate(view.lines, 1)]
    rows.append(
        [button(texts.CART_CLEAR, ClearCart()), button(texts.CART_CHECKOUT, StartCheckout())]
    )
    rows.append(back_to_menu())
    return InlineKeyboardMarkup(rows)


HINT_CART_LINE = "line"


def _line_row(number: int, line: CartLine) -> list[InlineKeyboardButton]:
    label = texts.cart_line_label(number, line.size_name, line.quantity)
    return [
        button(texts.CART_DECREASE, SetQuantity(line.size_id, line.quantity - 1)),
        button(label, Hint(HINT_CART_LINE)),
        button(texts.CART_INCREASE, SetQuantity(line.size_id, line.quantity + 1)),
        button(texts.CART_REMOVE, RemoveLine(line.size_id)),
    ]


def clear_cart_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.CART_CLEAR_YES, ConfirmClearCart())], [button(texts.BACK, Menu("cart"))]]
    )
