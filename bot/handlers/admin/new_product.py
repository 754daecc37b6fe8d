"""The /addproduct conversation's front door: the answers and buttons go to the use cases in
bot.usecases.new_product, and their questions come back as screens."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.handlers.context import ShopContext, sender_is_admin, sender_of
from bot.handlers.render import send, show
from bot.handlers.router import on_admin_button, on_photo_step, on_step
from bot.keyboards.admin_catalog import (
    CancelProduct,
    PickCategory,
    SaveProduct,
    Screen,
    SkipStep,
    question_screen,
)
from bot.keyboards.callbacks import ExpiredButton
from bot.services.dialog import Step
from bot.services.errors import InvalidInput
from bot.texts import admin as admin_texts
from bot.texts.errors import error_text
from bot.usecases import new_product
from bot.usecases.new_product import FLOW, STEPS, Question


async def start(update: Update, context: ShopContext) -> None:
    """/addproduct (registered with the other catalogue commands) asks for the category."""
    question = await new_product.start(
        context.db, sender=sender_of(update), currency=_currency(context)
    )
    if question is None:
        raise InvalidInput("category.none_yet")
    screen = _screen(question)
    await send(update, screen.text, screen.keyboard, photo=screen.photo)


@on_step(FLOW)
async def answer(update: Update, context: ShopContext, step: Step, text: str) -> None:
    if not await _carry_on(update, context, step):
        return
    question = await new_product.answer(
        context.db, sender=sender_of(update), step=step, text=text, currency=_currency(context)
    )
    screen = _screen(question)
    await send(update, screen.text, screen.keyboard, photo=screen.photo)


@on_photo_step(FLOW)
async def photo(update: Update, context: ShopContext, step: Step, file_id: str) -> None:
    if not await _carry_on(update, context, step):
        return
    question = await new_product.photo(
        context.db,
        sender=sender_of(update),
        step=step,
        file_id=file_id,
        currency=_currency(context),
    )
    screen = _screen(question)
    await send(update, screen.text, screen.keyboard, photo=screen.photo)


@on_admin_button(PickCategory)
async def pick_category(update: Update, context: ShopContext, data: PickCategory) -> str | None:
    question = await new_product.pick_category(
        context.db,
        sender=sender_of(update),
        category_id=data.category_id,
        currency=_currency(context),
    )
    await _show(update, question)
    return None


@on_admin_button(SkipStep)
async def skip(update: Update, context: ShopContext, data: SkipStep) -> str | None:
    question = await new_product.skip(
        context.db, sender=sender_of(update), step=data.step, currency=_currency(context)
    )
    await _show(update, question)
    return None


@on_admin_button(SaveProduct)
async def save(update: Update, context: ShopContext, data: SaveProduct) -> str | None:
    added = await new_product.save(
        context.db,
        sender=sender_of(update),
        currency=_currency(context),
        provider=context.settings.effective_payment_provider,
    )
    if added is None:
        raise ExpiredButton
    text = admin_texts.product_added(added.product_id, added.name, added.sku, added.category)
    await show(update, text + admin_texts.unpayable_price(added.unpayable))
    return None


@on_admin_button(CancelProduct)
async def cancel(update: Update, context: ShopContext, data: CancelProduct) -> str | None:
    if not await new_product.cancel(context.db, sender=sender_of(update)):
        raise ExpiredButton
    await show(update, admin_texts.ADD_CANCELLED)
    return None


def _currency(context: ShopContext) -> str:
    return context.settings.default_currency


async def _show(update: Update, question: Question | None) -> None:
    """A button from another step (or another conversation) gets "this menu has expired"."""
    if question is None:
        raise ExpiredButton
    screen = _screen(question)
    await show(update, screen.text, screen.keyboard, photo=screen.photo)


def _screen(question: Question) -> Screen:
    notice = None
    if question.refusal is not None:
        notice = error_text(question.refusal)
    elif question.photo_unexpected:
        notice = admin_texts.NOT_A_PHOTO_STEP
    return question_screen(question, notice)


async def _carry_on(update: Update, context: ShopContext, step: Step) -> bool:
    """Someone demoted in the middle of /addproduct leaves it, as does a step this version of
    the bot doesn't know."""
    if step.step in STEPS and await sender_is_admin(update, context):
        return True
    await new_product.leave(context.db, sender=sender_of(update))
    await send(update, texts.cancelled(new_product.FLOW))
    return False
