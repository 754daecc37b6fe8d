"""/start, /help, /cancel and the main menu."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.handlers.catalog import open_category, open_product
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.paying.offer import payment_connected
from bot.handlers.render import Screen, send, show
from bot.handlers.router import leave_form_first, on_button, on_command, on_screen, screen
from bot.keyboards.callbacks import ExpiredButton
from bot.keyboards.menu import Hint, Menu, Noop, back_to_menu, main_menu
from bot.keyboards.stripe_page import returned_keyboard
from bot.keyboards.support import contact_button
from bot.models import OrderStatus
from bot.services.errors import ShopError
from bot.texts.errors import error_text
from bot.texts.statuses import status_label
from bot.usecases import start as usecase
from bot.usecases.start import BackFromPayment, PromoApplied


@on_command("start")
async def start(update: Update, context: ShopContext) -> None:
    """Register the customer (idempotent) and greet them with the menu; a customer Stripe sent
    back (a t.me deep link) sees their order instead, a shared link opens its product or
    category after the greeting, and a promo link says what its code gives, or why not."""
    args = context.args or []
    welcome = await usecase.start(
        context.db, sender=sender_of(update), start_parameter=args[0] if len(args) == 1 else None
    )
    back = welcome.back_from_payment
    if back is not None:
        await send(update, *_back_from_payment(back, can_pay=payment_connected(context)))
        return
    menu = main_menu(context.settings.storefront_url)
    await send(update, texts.welcome(welcome.first_name), menu)
    if welcome.promo is not None:
        await send(update, _promo_news(welcome.promo))
    shared = welcome.shared
    if shared is not None and shared.product_id is not None:
        await open_product(update, context, shared.product_id)
    elif shared is not None and shared.category_id is not None:
        await open_category(update, context, shared.category_id)


@on_command("help")
@on_screen("help")
async def help_screen(update: Update, context: ShopContext) -> None:
    """List what the bot can do."""
    await show(update, texts.help_text(), InlineKeyboardMarkup([contact_button(), back_to_menu()]))


@on_screen("main")
async def menu_screen(update: Update, context: ShopContext) -> None:
    await show(update, texts.MAIN_MENU_TEXT, main_menu())


@on_command("cancel")
async def cancel(update: Update, context: ShopContext) -> None:
    """Leave whatever step the customer is in; the cart is untouched."""
    left = await usecase.leave_flow(context.db, sender=sender_of(update))
    await send(update, texts.cancelled(left) if left else texts.NOTHING_TO_CANCEL, main_menu())


async def unknown_command(update: Update, context: ShopContext) -> None:
    """Commands we don't have (and admin commands for non-admins) get the same answer."""
    await send(update, texts.UNKNOWN_COMMAND)


@on_button(Menu)
async def open_menu(update: Update, context: ShopContext, data: Menu) -> str | None:
    """A menu button leaves any form, as a command does (asking first if answers would be
    lost); the main menu itself is only a way back, so it leaves nothing."""
    handler = screen(data.screen)
    if handler is None:
        raise ExpiredButton
    if data.screen != "main" and not await leave_form_first(update, context):
        return None
    await handler(update, context)
    return None


@on_button(Noop)
async def page_counter(update: Update, context: ShopContext, data: Noop) -> str | None:
    return texts.PAGE_COUNTER_HINT


@on_button(Hint)
async def hint(update: Update, context: ShopContext, data: Hint) -> str | None:
    text = texts.hint(data.topic)
    if text is None:
        raise ExpiredButton
    return text


def _promo_news(promo: PromoApplied | ShopError) -> str:
    if isinstance(promo, ShopError):
        return texts.promo_not_applied(error_text(promo))
    offer = texts.promo_offer(
        percent_off=promo.percent_off,
        amount_off=promo.amount_off,
        currency=promo.currency,
        min_total=promo.min_total,
        valid_until=promo.valid_until,
        per_customer=promo.per_customer,
    )
    return texts.promo_applied(promo.code, offer)


def _back_from_payment(back: BackFromPayment, *, can_pay: bool) -> Screen:
    """The order a Stripe payment page sent the customer back for, as it reads now."""
    order = back.order
    status = status_label(order.status)
    pending = order.status is OrderStatus.PENDING_PAYMENT
    if back.paid:
        text = texts.stripe_returned_paid(order.id, status, pending=pending)
        return text, returned_keyboard(order.id, can_pay=False)
    total = texts.money(order.total, order.currency)
    payable = pending and can_pay
    text = texts.stripe_returned_unpaid(order.id, total, status, payable=payable)
    return text, returned_keyboard(order.id, can_pay=payable)
