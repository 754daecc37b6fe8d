"""The customer's profile: name, email (changed through a one-step form) and addresses.

The saved addresses and their form live in bot/handlers/addresses.py.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.handlers.context import ShopContext, customer
from bot.handlers.render import send, show
from bot.handlers.router import on_button, on_command, on_screen, on_step
from bot.keyboards.profile import (
    LeaveForm,
    SetEmail,
    address_fields,
    form_keyboard,
    profile_keyboard,
)
from bot.services import dialog
from bot.services import user as users
from bot.services.dialog import Step
from bot.services.errors import InvalidInput
from bot.texts.errors import error_text

EMAIL_FORM = "email"
ADDRESS_FORM = "address"
FORGET = "-"  # the email form: remove the saved email


async def profile_view(update: Update, context: ShopContext) -> tuple[str, InlineKeyboardMarkup]:
    async with context.db.reading() as session:
        user = await customer(session, update)
        addresses = await users.list_addresses(session, user_id=user.id)
    listed = [(address_fields(a), a.is_default) for a in addresses]
    return texts.profile(user.first_name, user.email, listed), profile_keyboard(addresses)


async def send_profile(update: Update, context: ShopContext, notice: str) -> None:
    text, keyboard = await profile_view(update, context)
    await send(update, f"{notice}\n\n{text}", keyboard)


@on_command("profile")
@on_screen("profile")
async def profile_screen(update: Update, context: ShopContext) -> None:
    """Name, email and saved addresses."""
    await show(update, *await profile_view(update, context))


# ------------------------------------------------------------------------- email


@on_button(SetEmail)
async def ask_email(update: Update, context: ShopContext, data: SetEmail) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        await dialog.set_step(session, user_id=user.id, flow=EMAIL_FORM, step="email")
    await show(update, texts.profile_email_prompt(user.email), form_keyboard())
    return None


@on_step(EMAIL_FORM)
async def receive_email(update: Update, context: ShopContext, step: Step, text: str) -> None:
    forget = text.strip() == FORGET
    try:
        async with context.db.transaction() as session:
            user = await customer(session, update)
            await users.set_email(session, user_id=user.id, email=None if forget else text)
            await dialog.clear_step(session, user_id=user.id)
    except InvalidInput as error:  # stay in the form and ask again
        await send(update, texts.profile_reask(error_text(error)), form_keyboard())
        return
    notice = texts.PROFILE_EMAIL_REMOVED if forget else texts.PROFILE_EMAIL_SAVED
    await send_profile(update, context, notice)


@on_button(LeaveForm)
async def leave_form(update: Update, context: ShopContext, data: LeaveForm) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        step = await dialog.current_step(session, user_id=user.id)
        # An old Cancel button must not end another feature's flow (a checkout, say).
        if step is not None and step.flow in (EMAIL_FORM, ADDRESS_FORM):
            await dialog.clear_step(session, user_id=user.id)
    await show(update, *await profile_view(update, context))
    return texts.PROFILE_FORM_LEFT
