"""Buttons of /allorders. Each carries the list's filter and page, so « All orders returns
to where the admin was."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot.keyboards.callbacks import Callback, ExpiredButton, register
from bot.keyboards.menu import button, pager
from bot.models import Order, OrderStatus
from bot.services.pagination import Page
from bot.texts import admin as admin_texts

# Callback fields are ints or plain words, and status values have underscores: a button
# carries the filter's index here (0: every status).
FILTERS: tuple[OrderStatus | None, ...] = (None, *OrderStatus)


@register("aol")
@dataclass(frozen=True, slots=True)
class AdminOrdersPage(Callback):
    status: int
    page: int


@register("aov")
@dataclass(frozen=True, slots=True)
class AdminOrderView(Callback):
    order_id: int
    status: int
    page: int


def filter_index(status: OrderStatus | None) -> int:
    return FILTERS.index(status)


def filter_status(index: int) -> OrderStatus | None:
    if index >= len(FILTERS):
        raise ExpiredButton
    return FILTERS[index]


def all_orders_keyboard(
    page: Page[Order], labels: Sequence[tuple[int, str]], status: int
) -> InlineKeyboardMarkup | None:
    """`labels`: (order id, button text) for the orders on this page, newest first."""
    rows = [
        [button(label, AdminOrderView(order_id, status, page.page))] for order_id, label in labels
    ]
    if navigation := pager(page, lambda number: AdminOrdersPage(status, number)):
        rows.append(navigation)
    return InlineKeyboardMarkup(rows) if rows else None


def order_card_keyboard(status: int, page: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(admin_texts.ORDERS_BACK, AdminOrdersPage(status, page))]])
