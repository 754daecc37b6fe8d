"""The cart screen: every change edits the cart message in place and says what changed."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.render import Screen, show
from bot.handlers.router import on_button, on_command, on_screen
from bot.keyboards.cart import (
    ClearCart,
    ConfirmClearCart,
    RemoveLine,
    SetQuantity,
    cart_keyboard,
    clear_cart_keyboard,
)
from bot.services.cart import CartView
from bot.usecases import cart as carts


def lines_text(view: CartView, room: int) -> str:
    """The cart's lines in at most `room` characters (the rest of the screen takes the rest)."""
    return texts.fit_lines(
        [
            texts.cart_line(
                number,
                line.product_name,
                line.size_name,
                line.quantity,
                texts.money(line.unit_price, line.currency),
                texts.money(line.line_total, line.currency),
                texts.cart_problem(line),
            )
            for number, line in enumerate(view.lines, 1)
        ],
        room,
    )


def cart_screen(view: CartView, notice: str | None = None) -> Screen:
    """`notice` (HTML) goes on top, e.g. why an order was not placed."""
    if view.is_empty:
        text = texts.CART_EMPTY
        return (f"{notice}\n\n{text}" if notice else text), cart_keyboard(view)
    above = [notice, texts.CART_TITLE] if notice else [texts.CART_TITLE]
    below = []
    if view.currency is not None:
        below.append(texts.cart_total(texts.money(view.total, view.currency)))
    if not view.can_checkout:
        below.append(texts.CART_NEEDS_ATTENTION)
    room = texts.MESSAGE_MAX - len("\n\n".join([*above, "", *below]))
    text = "\n\n".join([*above, lines_text(view, room), *below])
    return text, cart_keyboard(view)


@on_command("cart")
@on_screen("cart")
async def open_cart(update: Update, context: ShopContext) -> None:
    view = await carts.view_cart(context.db, sender=sender_of(update))
    await show(update, *cart_screen(view))


@on_button(SetQuantity)
async def set_quantity(update: Update, context: ShopContext, data: SetQuantity) -> str | None:
    """Zero (− on a single item) removes the line."""
    view = await carts.set_quantity(
        context.db, sender=sender_of(update), size_id=data.size_id, quantity=data.quantity
    )
    await show(update, *cart_screen(view))
    return texts.cart_quantity(data.quantity) if data.quantity > 0 else texts.CART_LINE_REMOVED


@on_button(RemoveLine)
async def remove_line(update: Update, context: ShopContext, data: RemoveLine) -> str | None:
    view = await carts.remove_line(context.db, sender=sender_of(update), size_id=data.size_id)
    await show(update, *cart_screen(view))
    return texts.CART_LINE_REMOVED


@on_button(ClearCart)
async def ask_to_clear(update: Update, context: ShopContext, data: ClearCart) -> str | None:
    await show(update, texts.CART_CLEAR_QUESTION, clear_cart_keyboard())
    return None


@on_button(ConfirmClearCart)
async def clear(update: Update, context: ShopContext, data: ConfirmClearCart) -> str | None:
    view = await carts.clear_cart(context.db, sender=sender_of(update))
    await show(update, *cart_screen(view))
    return texts.CART_CLEARED
