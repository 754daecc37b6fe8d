"""/allorders and /order: every customer's orders, for the admins."""

from __future__ import annotations

from collections.abc import Mapping

from telegram import Update

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.render import send, show
from bot.handlers.router import on_admin_button, on_admin_command, usage_line
from bot.keyboards.admin_orders import (
    AdminOrdersPage,
    AdminOrderView,
    all_orders_keyboard,
    filter_index,
    filter_status,
    order_card_keyboard,
)
from bot.models import OrderStatus
from bot.services.errors import InvalidInput
from bot.texts import admin as admin_texts
from bot.usecases import admin_orders

STATUSES: Mapping[str, OrderStatus] = {status.value: status for status in OrderStatus}


def status_argument(args: Args, index: int, listed: Mapping[str, OrderStatus]) -> OrderStatus:
    """Any status word (case-insensitive); anything else gets the usage line and `listed`."""
    status = STATUSES.get(args.word(index).lower())
    if status is None:
        raise InvalidInput(
            "order.bad_status", usage=usage_line(args.command), statuses=", ".join(listed)
        )
    return status


@on_admin_command("allorders")
async def all_orders(update: Update, context: ShopContext) -> None:
    args = Args("allorders", context.args).at_most(1)
    status = status_argument(args, 0, STATUSES) if len(args) else None
    await _show_page(update, context, status, 1)


@on_admin_button(AdminOrdersPage)
async def orders_page(update: Update, context: ShopContext, data: AdminOrdersPage) -> str | None:
    await _show_page(update, context, filter_status(data.status), data.page)
    return None


async def _show_page(
    update: Update, context: ShopContext, status: OrderStatus | None, page: int
) -> None:
    found = await admin_orders.orders_page(context.db, status=status, page=page)
    labels = [(order.id, admin_texts.order_button(order)) for order in found.items]
    keyboard = all_orders_keyboard(found, labels, filter_index(status))
    await show(update, admin_texts.orders_page(found, status), keyboard)


@on_admin_command("order")
async def order_card(update: Update, context: ShopContext) -> None:
    order_id = Args("order", context.args).at_most(1).integer(0, minimum=1)
    order = await admin_orders.order_details(context.db, order_id=order_id)
    await send(update, admin_texts.order_card(order))


@on_admin_button(AdminOrderView)
async def order_view(update: Update, context: ShopContext, data: AdminOrderView) -> str | None:
    filter_status(data.status)  # a forged filter is an expired button
    order = await admin_orders.order_details(context.db, order_id=data.order_id)
    await show(update, admin_texts.order_card(order), order_card_keyboard(data.status, data.page))
    return None
