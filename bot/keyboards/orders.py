"""Order history buttons. Each carries the list page, so « Back returns where the customer was."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.keyboards.callbacks import Callback, register
from bot.keyboards.menu import Menu, back_to_menu, button, pager
from bot.keyboards.support import contact_button
from bot.services.pagination import Page
from bot.usecases.orders import ListedOrder


@register("ol")
@dataclass(frozen=True, slots=True)
class OrdersPage(Callback):
    page: int


@register("od")
@dataclass(frozen=True, slots=True)
class OrderDetails(Callback):
    order_id: int
    page: int


@register("oc")
@dataclass(frozen=True, slots=True)
class CancelOrder(Callback):
    """Asks first; only ConfirmCancelOrder changes anything."""

    order_id: int
    page: int


@register("oy")
@dataclass(frozen=True, slots=True)
class ConfirmCancelOrder(Callback):
    order_id: int
    page: int


@register("yo")
@dataclass(frozen=True, slots=True)
class PayOrder(Callback):
    """Offer payment again, the configured provider's way, for an order awaiting it."""

    order_id: int


@register("yd")
@dataclass(frozen=True, slots=True)
class ResendDigital(Callback):
    """Send a paid order's digital goods again (a key, a text, a file)."""

    order_id: int


def orders_keyboard(
    page: Page[ListedOrder], labels: Sequence[tuple[int, str]]
) -> InlineKeyboardMarkup:
    """`labels`: (order id, button text) for the orders on this page, newest first."""
    rows = [[button(label, OrderDetails(order_id, page.page))] for order_id, label in labels]
    if not labels:
        rows.append([button(texts.CART_BROWSE, Menu("catalog"))])
    # Page is invariant in its item type; pager only reads the counts.
    if navigation := pager(page, OrdersPage):
        rows.append(navigation)
    rows.append(back_to_menu())
    return InlineKeyboardMarkup(rows)


@register("orc")
@dataclass(frozen=True, slots=True)
class RequestCancel(Callback):
    """A paid order: ask the shop to cancel it (the admins decide)."""

    order_id: int


def order_keyboard(
    order_id: int,
    page: int,
    *,
    can_cancel: bool,
    reviews: Sequence[InlineKeyboardButton] = (),
    can_pay: bool = False,
    can_request_cancel: bool = False,
    track: str | None = None,
    can_resend: bool = False,
) -> InlineKeyboardMarkup:
    """`track`: the carrier's tracking page for the parcel; `can_resend`: a paid order of
    digital goods, which the customer may have sent again."""
    rows = [[review] for review in reviews]
    if can_resend:
        rows.append([button(texts.ORDER_RESEND, ResendDigital(order_id))])
    if track:
        rows.append([InlineKeyboardButton(texts.TRACK_PARCEL, url=track)])
    if can_pay:
        rows.append([button(texts.PAY_ORDER, PayOrder(order_id))])
    if can_cancel:
        rows.append([button(texts.ORDER_CANCEL, CancelOrder(order_id, page))])
    if can_request_cancel:
        rows.append([button(texts.ORDER_REQUEST_CANCEL, RequestCancel(order_id))])
    rows.append(contact_button())
    rows.append([button(texts.ORDERS_ALL, OrdersPage(page))])
    rows.append(back_to_menu())
    return InlineKeyboardMarkup(rows)


def cancel_order_keyboard(order_id: int, page: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(texts.ORDER_CANCEL_YES, ConfirmCancelOrder(order_id, page))],
            [button(texts.ORDER_KEEP, OrderDetails(order_id, page))],
        ]
    )
