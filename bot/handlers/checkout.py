"""Checkout: choose or type an address, then the summary (bot.handlers.checkout_summary).

The step and the answers so far live in the database (flow "checkout"), so after a restart
the customer simply answers the next question.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import texts
from bot.handlers.checkout_summary import FLOW, back_to_cart, check_ready, first_choice, summary
from bot.handlers.context import ShopContext, customer
from bot.handlers.render import Screen, send, show
from bot.handlers.router import on_button, on_step
from bot.keyboards.checkout import (
    CancelCheckout,
    ChooseAddress,
    NewAddress,
    StartCheckout,
    addresses_keyboard,
    prompt_keyboard,
)
from bot.services import cart as carts
from bot.services import dialog
from bot.services import user as users
from bot.services.dialog import Step
from bot.services.user import ADDRESS_FIELDS, AddressInput, validate_address_field

CHOOSING = "address"  # steps that wait for a button, besides the address fields


async def _ask(session: AsyncSession, user_id: int, field: str, answers: dict[str, str]) -> Screen:
    await dialog.set_step(session, user_id=user_id, flow=FLOW, step=field, data=answers)
    number = ADDRESS_FIELDS.index(field) + 1
    return texts.address_prompt(number, len(ADDRESS_FIELDS), field), prompt_keyboard()


@on_button(StartCheckout)
async def start(update: Update, context: ShopContext, data: StartCheckout) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        check_ready(await carts.view_cart(session, user_id=user.id))
        addresses = await users.list_addresses(session, user_id=user.id)
        if addresses:
            await dialog.set_step(session, user_id=user.id, flow=FLOW, step=CHOOSING)
            screen = texts.CHECKOUT_CHOOSE_ADDRESS, addresses_keyboard(addresses)
        else:
            screen = await _ask(session, user.id, ADDRESS_FIELDS[0], {})
    await show(update, *screen)
    return None


@on_button(ChooseAddress)
async def choose(update: Update, context: ShopContext, data: ChooseAddress) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        screen = await summary(session, user.id, data.address_id, first_choice(context))
    await show(update, *screen)
    return None


@on_button(NewAddress)
async def new_address(update: Update, context: ShopContext, data: NewAddress) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        screen = await _ask(session, user.id, ADDRESS_FIELDS[0], {})
    await show(update, *screen)
    return None


@on_step(FLOW)
async def answer(update: Update, context: ShopContext, step: Step, text: str) -> None:
    """A bad answer raises InvalidInput: the customer reads why, and nothing is stored."""
    if step.step not in ADDRESS_FIELDS:
        await send(update, texts.CHECKOUT_USE_BUTTONS)
        return
    answers = {**step.data, step.step: validate_address_field(step.step, text)}
    position = ADDRESS_FIELDS.index(step.step) + 1
    async with context.db.transaction() as session:
        user = await customer(session, update)
        if position < len(ADDRESS_FIELDS):
            screen = await _ask(session, user.id, ADDRESS_FIELDS[position], answers)
        else:
            fields = AddressInput(**{name: str(answers.get(name, "")) for name in ADDRESS_FIELDS})
            address = await users.add_address(session, user_id=user.id, address=fields)
            screen = await summary(session, user.id, address.id, first_choice(context))
    await send(update, *screen)


@on_button(CancelCheckout)
async def cancel(update: Update, context: ShopContext, data: CancelCheckout) -> str | None:
    await show(update, *await back_to_cart(context, update))
    return texts.CHECKOUT_CANCELLED
