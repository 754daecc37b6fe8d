"""Checkout: choose or type an address, then the summary (bot.handlers.checkout_summary).

The step and the answers so far live in the database (flow "checkout"), so after a restart
the customer simply answers the next question.
"""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.handlers.cart import cart_screen
from bot.handlers.checkout_summary import summary_screen
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.paying.offer import can_save_cards
from bot.handlers.render import Screen, send, show
from bot.handlers.router import on_button, on_step
from bot.keyboards.checkout import (
    CancelCheckout,
    ChooseAddress,
    ChooseShipping,
    NewAddress,
    StartCheckout,
    addresses_keyboard,
    prompt_keyboard,
)
from bot.services.dialog import Step
from bot.usecases import checkout
from bot.usecases.checkout import FLOW, PROMO, AddressChoice, AddressQuestion


def _question(question: AddressQuestion) -> Screen:
    return texts.address_prompt(question.number, question.of, question.field), prompt_keyboard()


@on_button(StartCheckout)
async def start(update: Update, context: ShopContext, data: StartCheckout) -> str | None:
    result = await checkout.start_checkout(
        context.db, sender=sender_of(update), provider=context.settings.effective_payment_provider
    )
    if isinstance(result, AddressChoice):
        await show(update, texts.CHECKOUT_CHOOSE_ADDRESS, addresses_keyboard(result.addresses))
    elif isinstance(result, AddressQuestion):
        await show(update, *_question(result))
    else:  # digital goods: no address to ask for
        await show(update, *summary_screen(result))
    return None


@on_button(ChooseAddress)
async def choose(update: Update, context: ShopContext, data: ChooseAddress) -> str | None:
    result = await checkout.choose_address(
        context.db,
        sender=sender_of(update),
        address_id=data.address_id,
        cards_savable=can_save_cards(context),
    )
    await show(update, *summary_screen(result))
    return None


@on_button(ChooseShipping)
async def choose_shipping(update: Update, context: ShopContext, data: ChooseShipping) -> str | None:
    result = await checkout.choose_shipping(
        context.db,
        sender=sender_of(update),
        address_id=data.address_id,
        shipping_id=data.shipping_id,
        cards_savable=can_save_cards(context),
    )
    await show(update, *summary_screen(result))
    return None


@on_button(NewAddress)
async def new_address(update: Update, context: ShopContext, data: NewAddress) -> str | None:
    await show(update, *_question(await checkout.new_address(context.db, sender=sender_of(update))))
    return None


@on_step(FLOW)
async def answer(update: Update, context: ShopContext, step: Step, text: str) -> None:
    """A bad answer raises InvalidInput: the customer reads why, and nothing is stored."""
    if step.step == PROMO:  # a code typed at the summary; a refused one is asked again
        summary = await checkout.enter_promo_code(
            context.db,
            sender=sender_of(update),
            answers=step.data,
            text=text,
            cards_savable=can_save_cards(context),
        )
        await send(update, *summary_screen(summary))
        return
    result = await checkout.answer_address(
        context.db,
        sender=sender_of(update),
        field=step.step,
        answers=step.data,
        text=text,
        cards_savable=can_save_cards(context),
    )
    if result is None:
        await send(update, texts.CHECKOUT_USE_BUTTONS)
    elif isinstance(result, AddressQuestion):
        await send(update, *_question(result))
    else:
        await send(update, *summary_screen(result))


@on_button(CancelCheckout)
async def cancel(update: Update, context: ShopContext, data: CancelCheckout) -> str | None:
    left = await checkout.leave_checkout(context.db, sender=sender_of(update))
    await show(update, *cart_screen(left.cart))
    return texts.CHECKOUT_CANCELLED
