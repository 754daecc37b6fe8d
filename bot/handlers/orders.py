"""Order history, one order's details, and cancelling an order that is not paid yet."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from bot import texts
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.paying.offer import offer_payment, payment_connected
from bot.handlers.render import show
from bot.handlers.router import on_button, on_command, on_screen
from bot.keyboards.menu import button
from bot.keyboards.orders import (
    CancelOrder,
    ConfirmCancelOrder,
    OrderDetails,
    OrdersPage,
    PayOrder,
    RequestCancel,
    ResendDigital,
    cancel_order_keyboard,
    order_keyboard,
    orders_keyboard,
)
from bot.keyboards.reviews import ReviewProduct
from bot.models import PURCHASED_STATUSES, DigitalFileType, OrderStatus
from bot.money import STARS
from bot.texts import notices as notice_texts
from bot.texts.i18n import date_and_time, short_date
from bot.texts.statuses import note_text, status_label
from bot.usecases import orders
from bot.usecases.orders import CustomerOrder

PER_PAGE = 5


def _day(moment: datetime) -> str:
    return short_date(moment)


def _time(moment: datetime) -> str:
    return date_and_time(moment)


def _order_text(order: CustomerOrder) -> str:
    lines = [
        texts.cart_line(
            number,
            item.product_name,
            item.size_name,
            item.quantity,
            texts.money(item.unit_price, order.currency),
            texts.money(item.line_total, order.currency),
            None,
        )
        for number, item in enumerate(order.items, 1)
    ]
    history = "\n".join(
        texts.order_history_line(
            _time(change.created_at), status_label(change.to_status), note_text(change.note)
        )
        for change in order.history
    )
    status = status_label(order.status)
    total, address = texts.money(order.total, order.currency), order.shipping_address
    parcel = order.tracking
    tracking = texts.tracking_line(parcel.number, parcel.carrier) if parcel else None
    promo = _promo_lines(order)
    delivery = (
        texts.shipping_line(
            order.shipping_name, texts.shipping_price(order.shipping_price, order.currency)
        )
        if order.shipping_name is not None
        else ""
    )
    frame = texts.order_details(
        order.id, status, "", total, address, history, tracking, promo, delivery
    )
    shown = texts.fit_lines(lines, texts.MESSAGE_MAX - len(frame))
    return texts.order_details(
        order.id, status, shown, total, address, history, tracking, promo, delivery
    )


def _promo_lines(order: CustomerOrder) -> str:
    if not order.discount or order.promo_code is None:
        return ""
    subtotal = texts.money(sum(line.line_total for line in order.items), order.currency)
    discount = texts.money(order.discount, order.currency)
    return texts.promo_lines(subtotal, order.promo_code, discount, None)


def _review_buttons(order: CustomerOrder) -> list[InlineKeyboardButton]:
    """Delivered orders invite a rating of each product that still exists."""
    if order.status is not OrderStatus.DELIVERED:
        return []
    products = dict.fromkeys(i.product_id for i in order.items if i.product_id is not None)
    names = {i.product_id: i.product_name for i in order.items}
    return [button(texts.order_review_button(names[p]), ReviewProduct(p)) for p in products]


def _details_screen(
    order: CustomerOrder, page: int, context: ShopContext
) -> tuple[str, InlineKeyboardMarkup]:
    pending = order.status is OrderStatus.PENDING_PAYMENT
    keyboard = order_keyboard(
        order.id,
        page,
        can_cancel=pending,
        reviews=_review_buttons(order),
        can_pay=pending and payment_connected(context, order.currency),
        can_request_cancel=order.status is OrderStatus.PAID,
        track=order.tracking.url if order.tracking else None,
        can_resend=order.currency == STARS and order.status in PURCHASED_STATUSES,
    )
    return _order_text(order), keyboard


async def _show_page(update: Update, context: ShopContext, page: int) -> None:
    found = await orders.order_history(
        context.db, sender=sender_of(update), page=page, per_page=PER_PAGE
    )
    labels = [
        (
            order.id,
            texts.order_button(
                order.id,
                _day(order.created_at),
                texts.money(order.total, order.currency),
                status_label(order.status),
            ),
        )
        for order in found.items
    ]
    text = texts.ORDERS_TITLE if labels else texts.ORDERS_EMPTY
    await show(update, text, orders_keyboard(found, labels))


@on_command("orders")
@on_screen("orders")
async def open_orders(update: Update, context: ShopContext) -> None:
    await _show_page(update, context, 1)


@on_button(OrdersPage)
async def orders_page(update: Update, context: ShopContext, data: OrdersPage) -> str | None:
    await _show_page(update, context, data.page)
    return None


@on_button(OrderDetails)
async def details(update: Update, context: ShopContext, data: OrderDetails) -> str | None:
    order = await orders.own_order(context.db, sender=sender_of(update), order_id=data.order_id)
    await show(update, *_details_screen(order, data.page, context))
    return None


@on_button(PayOrder)
async def pay(update: Update, context: ShopContext, data: PayOrder) -> str | None:
    """A stale button (the order was paid or cancelled since) shows the order as it is now."""
    order = await orders.own_order(context.db, sender=sender_of(update), order_id=data.order_id)
    if order.status is not OrderStatus.PENDING_PAYMENT or not payment_connected(
        context, order.currency
    ):
        await show(update, *_details_screen(order, 1, context))
        return None
    await offer_payment(update, context, order.id, order.currency)
    return None


@on_button(ResendDigital)
async def resend(update: Update, context: ShopContext, data: ResendDigital) -> str | None:
    """The customer asked: sent directly, not through the outbox, each time they ask."""
    chat = update.effective_chat
    found = await orders.digital_goods(context.db, sender=sender_of(update), order_id=data.order_id)
    if chat is None:
        return None
    for line in found:
        text = notice_texts.digital_content(
            order_id=data.order_id, product=line.product_name, text=line.text, keys=line.keys
        )
        if line.file_id and line.file_type is DigitalFileType.PHOTO:
            await chat.send_photo(line.file_id, caption=text, parse_mode=ParseMode.HTML)
        elif line.file_id:
            await chat.send_document(line.file_id, caption=text, parse_mode=ParseMode.HTML)
        else:
            await chat.send_message(text, parse_mode=ParseMode.HTML)
    return None


@on_button(CancelOrder)
async def ask_to_cancel(update: Update, context: ShopContext, data: CancelOrder) -> str | None:
    """Checks the order is this customer's, and still cancellable, before asking anything."""
    order = await orders.own_order(context.db, sender=sender_of(update), order_id=data.order_id)
    if order.status is not OrderStatus.PENDING_PAYMENT:  # a stale button: show how it is now
        await show(update, *_details_screen(order, data.page, context))
        return None
    keyboard = cancel_order_keyboard(order.id, data.page)
    await show(update, texts.order_cancel_question(order.id), keyboard)
    return None


@on_button(RequestCancel)
async def request_cancel(update: Update, context: ShopContext, data: RequestCancel) -> str | None:
    asked = await orders.request_cancellation(
        context.db,
        sender=sender_of(update),
        order_id=data.order_id,
        admin_chat_ids=context.settings.alert_chat_ids,
    )
    if context.bot_data.jobs is not None:
        context.bot_data.jobs.delivery.wake()
    return texts.CANCEL_REQUESTED if asked else texts.CANCEL_REQUESTED_ALREADY


@on_button(ConfirmCancelOrder)
async def cancel(update: Update, context: ShopContext, data: ConfirmCancelOrder) -> str | None:
    order = await orders.cancel_unpaid_order(
        context.db, sender=sender_of(update), order_id=data.order_id
    )
    await show(update, *_details_screen(order, data.page, context))
    return texts.order_cancelled(order.id)
