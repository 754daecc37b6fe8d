"""/start, /help, /cancel and the main menu."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.handlers.context import ShopContext, customer
from bot.handlers.paying.offer import payment_connected
from bot.handlers.paying.stripe_page import returning_from_stripe
from bot.handlers.render import send, show
from bot.handlers.router import on_button, on_command, on_screen, screen
from bot.keyboards.callbacks import ExpiredButton
from bot.keyboards.menu import Menu, Noop, back_to_menu, main_menu
from bot.services import dialog


@on_command("start")
async def start(update: Update, context: ShopContext) -> None:
    """Register the customer (idempotent) and greet them with the menu; a customer Stripe sent
    back (a t.me deep link) sees their order instead."""
    connected = payment_connected(context)
    async with context.db.transaction() as session:
        user = await customer(session, update)
        await dialog.clear_step(session, user_id=user.id)
        returned = await returning_from_stripe(session, user.id, context.args, can_pay=connected)
    await send(update, *(returned or (texts.welcome(user.first_name), main_menu())))


@on_command("help")
@on_screen("help")
async def help_screen(update: Update, context: ShopContext) -> None:
    """List what the bot can do."""
    await show(update, texts.HELP, InlineKeyboardMarkup([back_to_menu()]))


@on_screen("main")
async def menu_screen(update: Update, context: ShopContext) -> None:
    await show(update, texts.MAIN_MENU_TEXT, main_menu())


@on_command("cancel")
async def cancel(update: Update, context: ShopContext) -> None:
    """Leave whatever step the customer is in; the cart is untouched."""
    async with context.db.transaction() as session:
        user = await customer(session, update)
        left = await dialog.clear_step(session, user_id=user.id)
    await send(update, texts.CANCELLED if left else texts.NOTHING_TO_CANCEL, main_menu())


async def unknown_command(update: Update, context: ShopContext) -> None:
    """Commands we don't have (and admin commands for non-admins) get the same answer."""
    await send(update, texts.UNKNOWN_COMMAND)


@on_button(Menu)
async def open_menu(update: Update, context: ShopContext, data: Menu) -> str | None:
    handler = screen(data.screen)
    if handler is None:
        raise ExpiredButton
    await handler(update, context)
    return None


@on_button(Noop)
async def do_nothing(update: Update, context: ShopContext, data: Noop) -> str | None:
    return None
