"""The Stripe "Pay" link, and the buttons around a payment that did not start or finish."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.keyboards.menu import back_to_menu, button
from bot.keyboards.orders import OrderDetails, PayOrder


def _view_order(order_id: int) -> list[InlineKeyboardButton]:
    return [button(texts.CHECKOUT_VIEW_ORDER, OrderDetails(order_id, 1))]


def pay_link_keyboard(url: str, amount: int, currency: str, order_id: int) -> InlineKeyboardMarkup:
    pay = InlineKeyboardButton(texts.pay_button(amount, currency), url=url)
    return InlineKeyboardMarkup([[pay], _view_order(order_id)])


def pay_failed_keyboard(order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.PAY_TRY_AGAIN, PayOrder(order_id))], _view_order(order_id)]
    )


def returned_keyboard(order_id: int, *, can_pay: bool) -> InlineKeyboardMarkup:
    """For a customer Stripe sent back to the chat."""
    rows = [[button(texts.PAY_ORDER, PayOrder(order_id))]] if can_pay else []
    return InlineKeyboardMarkup([*rows, _view_order(order_id), back_to_menu()])
