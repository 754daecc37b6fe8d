"""The /addproduct conversation: category, name, price, description, photo, sizes, then a
summary to save.

The step and the answers so far live in the database (flow "addproduct"), so after a restart
the admin simply answers the next question. Nothing is created before Save, and Save creates
the product, its sizes and the audit entry in one transaction.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import texts
from bot.handlers.context import ShopContext, customer, sender_is_admin
from bot.handlers.render import send, show
from bot.handlers.router import on_admin_button, on_photo_step, on_step
from bot.keyboards.admin_catalog import (
    CONFIRM,
    STEPS,
    CancelProduct,
    PickCategory,
    SaveProduct,
    Screen,
    SkipStep,
    draft_screen,
)
from bot.keyboards.callbacks import ExpiredButton
from bot.models import User
from bot.services import dialog, inventory
from bot.services import product as catalog
from bot.services.dialog import Step
from bot.services.errors import InvalidInput, NotFound
from bot.services.inventory import ProductDraft
from bot.texts import admin as admin_texts
from bot.texts.errors import error_text

FLOW = "addproduct"


async def start(update: Update, context: ShopContext) -> None:
    """/addproduct (registered with the other catalogue commands) asks for the category."""
    draft = ProductDraft(currency=context.settings.default_currency)
    async with context.db.transaction() as session:
        if not await catalog.list_categories(session, include_empty=True):
            raise InvalidInput("category.none_yet")
        screen = await _go(session, await customer(session, update), STEPS[0], draft)
    await send(update, screen.text, screen.keyboard, photo=screen.photo)


@on_step(FLOW)
async def answer(update: Update, context: ShopContext, step: Step, text: str) -> None:
    """A bad answer is explained and asked again; the draft stays as it was."""
    if not await _carry_on(update, context, step):
        return
    draft = _draft(step, context)
    async with context.db.transaction() as session:
        user = await customer(session, update)
        try:
            draft = await inventory.answer_draft(session, draft=draft, step=step.step, text=text)
        except (InvalidInput, NotFound) as error:
            screen = await _screen(session, step.step, draft, error_text(error))
        else:
            following = CONFIRM if step.step == CONFIRM else STEPS[STEPS.index(step.step) + 1]
            screen = await _go(session, user, following, draft)
    await send(update, screen.text, screen.keyboard, photo=screen.photo)


@on_photo_step(FLOW)
async def photo(update: Update, context: ShopContext, step: Step, file_id: str) -> None:
    if not await _carry_on(update, context, step):
        return
    draft = _draft(step, context)
    async with context.db.transaction() as session:
        if step.step == "photo":
            draft = inventory.take_photo(draft, file_id)
            screen = await _go(session, await customer(session, update), "sizes", draft)
        else:
            screen = await _screen(session, step.step, draft, admin_texts.NOT_A_PHOTO_STEP)
    await send(update, screen.text, screen.keyboard, photo=screen.photo)


@on_admin_button(PickCategory)
async def pick_category(update: Update, context: ShopContext, data: PickCategory) -> str | None:
    async with context.db.transaction() as session:
        user, draft = await _at(session, update, context, "category")
        draft = await inventory.choose_category(session, draft=draft, category_id=data.category_id)
        screen = await _go(session, user, "name", draft)
    await show(update, screen.text, screen.keyboard, photo=screen.photo)
    return None


@on_admin_button(SkipStep)
async def skip(update: Update, context: ShopContext, data: SkipStep) -> str | None:
    if data.step not in ("description", "photo"):
        raise ExpiredButton
    async with context.db.transaction() as session:
        user, draft = await _at(session, update, context, data.step)
        screen = await _go(session, user, STEPS[STEPS.index(data.step) + 1], draft)
    await show(update, screen.text, screen.keyboard, photo=screen.photo)
    return None


@on_admin_button(SaveProduct)
async def save(update: Update, context: ShopContext, data: SaveProduct) -> str | None:
    assert update.effective_user is not None
    async with context.db.transaction() as session:
        user, draft = await _at(session, update, context, CONFIRM)
        product = await inventory.add_product(
            session, admin_id=update.effective_user.id, draft=draft
        )
        await dialog.clear_step(session, user_id=user.id)
        text = admin_texts.product_added(product.id, product.name, product.sku, draft.category)
    await show(update, text)
    return None


@on_admin_button(CancelProduct)
async def cancel(update: Update, context: ShopContext, data: CancelProduct) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        step = await dialog.current_step(session, user_id=user.id, lock=True)
        if step is None or step.flow != FLOW:
            raise ExpiredButton
        await dialog.clear_step(session, user_id=user.id)
    await show(update, admin_texts.ADD_CANCELLED)
    return None


def _draft(step: Step, context: ShopContext) -> ProductDraft:
    return ProductDraft.from_data(step.data, currency=context.settings.default_currency)


async def _at(
    session: AsyncSession, update: Update, context: ShopContext, expected: str
) -> tuple[User, ProductDraft]:
    """The admin and their draft, if they are at this step; a button from another step gets
    "this menu has expired"."""
    user = await customer(session, update)
    step = await dialog.current_step(session, user_id=user.id, lock=True)
    if step is None or (step.flow, step.step) != (FLOW, expected):
        raise ExpiredButton
    return user, _draft(step, context)


async def _carry_on(update: Update, context: ShopContext, step: Step) -> bool:
    """Someone demoted in the middle of /addproduct leaves it, as does a step this version of
    the bot doesn't know."""
    if step.step in STEPS and await sender_is_admin(update, context):
        return True
    async with context.db.transaction() as session:
        await dialog.clear_step(session, user_id=(await customer(session, update)).id)
    await send(update, texts.CANCELLED)
    return False


async def _go(session: AsyncSession, user: User, step: str, draft: ProductDraft) -> Screen:
    await dialog.set_step(session, user_id=user.id, flow=FLOW, step=step, data=draft.as_data())
    return await _screen(session, step, draft)


async def _screen(
    session: AsyncSession, step: str, draft: ProductDraft, notice: str | None = None
) -> Screen:
    listed = step == "category"
    categories = await catalog.list_categories(session, include_empty=True) if listed else []
    return draft_screen(step, draft, categories, notice)
