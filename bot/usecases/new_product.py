"""The /addproduct conversation: category, name, price, description, photo, sizes, then a
summary to save.

The step and the answers so far live in the database (flow "addproduct"), so after a restart
the admin simply answers the next question. Nothing is created before Save, and Save creates
the product, its sizes and the audit entry in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.models import User
from bot.payments.limits import SmallestPayment, unpayable
from bot.services import dialog, inventory
from bot.services import product as catalog
from bot.services.dialog import Step
from bot.services.errors import InvalidInput, NotFound, ShopError
from bot.services.inventory import ProductDraft
from bot.services.product import CategorySummary
from bot.usecases.customers import Sender, shopper, shopper_id

FLOW = "addproduct"
QUESTIONS = ("category", "name", "price", "description", "photo", "sizes")
CONFIRM = "confirm"  # the summary: a typed answer there is a SKU of the admin's choosing
STEPS = (*QUESTIONS, CONFIRM)
SKIPPABLE = ("description", "photo")


@dataclass(frozen=True, slots=True)
class Question:
    """What to ask next, with the draft so far; `refusal` or `photo_unexpected` say why the
    last answer was not taken."""

    step: str
    draft: ProductDraft
    categories: tuple[CategorySummary, ...] = ()  # offered at the first step only
    refusal: ShopError | None = None
    photo_unexpected: bool = False


@dataclass(frozen=True, slots=True)
class ProductAdded:
    product_id: int
    name: str
    sku: str
    category: str
    unpayable: SmallestPayment | None = None  # its price is under the provider's smallest


async def start(db: Database, *, sender: Sender, currency: str) -> Question | None:
    """The first question; None when there is no category to put a product in yet."""
    async with db.transaction() as session:
        if not await catalog.list_categories(session, include_empty=True):
            return None
        user = await shopper(session, sender)
        return await _go(session, user, STEPS[0], ProductDraft(currency=currency))


async def answer(db: Database, *, sender: Sender, step: Step, text: str, currency: str) -> Question:
    """A bad answer is explained and asked again; the draft stays as it was."""
    draft = _draft(step, currency)
    async with db.transaction() as session:
        user = await shopper(session, sender)
        try:
            draft = await inventory.answer_draft(session, draft=draft, step=step.step, text=text)
        except (InvalidInput, NotFound) as error:
            return await _question(session, step.step, draft, refusal=error)
        following = CONFIRM if step.step == CONFIRM else STEPS[STEPS.index(step.step) + 1]
        return await _go(session, user, following, draft)


async def photo(
    db: Database, *, sender: Sender, step: Step, file_id: str, currency: str
) -> Question:
    draft = _draft(step, currency)
    async with db.transaction() as session:
        if step.step != "photo":
            return await _question(session, step.step, draft, photo_unexpected=True)
        draft = inventory.take_photo(draft, file_id)
        return await _go(session, await shopper(session, sender), "sizes", draft)


async def pick_category(
    db: Database, *, sender: Sender, category_id: int, currency: str
) -> Question | None:
    """None when the admin is no longer choosing a category (an old button)."""
    async with db.transaction() as session:
        at = await _at(session, sender, "category", currency)
        if at is None:
            return None
        user, draft = at
        draft = await inventory.choose_category(session, draft=draft, category_id=category_id)
        return await _go(session, user, "name", draft)


async def skip(db: Database, *, sender: Sender, step: str, currency: str) -> Question | None:
    """None when `step` may not be skipped or is not the one being asked (an old button)."""
    if step not in SKIPPABLE:
        return None
    async with db.transaction() as session:
        at = await _at(session, sender, step, currency)
        if at is None:
            return None
        user, draft = at
        return await _go(session, user, STEPS[STEPS.index(step) + 1], draft)


async def save(
    db: Database, *, sender: Sender, currency: str, provider: str = "none"
) -> ProductAdded | None:
    """The product, its sizes and its audit entry; None when there is no summary to save.
    `provider` takes the shop's payments: a price it would refuse alone is pointed out."""
    async with db.transaction() as session:
        at = await _at(session, sender, CONFIRM, currency)
        if at is None:
            return None
        user, draft = at
        product = await inventory.add_product(session, admin_id=sender.telegram_id, draft=draft)
        await dialog.clear_step(session, user_id=user.id)
        too_cheap = unpayable(provider, product.price, product.currency)
        return ProductAdded(product.id, product.name, product.sku, draft.category, too_cheap)


async def cancel(db: Database, *, sender: Sender) -> bool:
    """Whether there was a conversation to cancel."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        step = await dialog.current_step(session, user_id=user_id, lock=True)
        if step is None or step.flow != FLOW:
            return False
        await dialog.clear_step(session, user_id=user_id)
        return True


async def leave(db: Database, *, sender: Sender) -> None:
    """Someone demoted in the middle of /addproduct leaves it, as does a step this version of
    the bot doesn't know."""
    async with db.transaction() as session:
        await dialog.clear_step(session, user_id=(await shopper(session, sender)).id)


def _draft(step: Step, currency: str) -> ProductDraft:
    return ProductDraft.from_data(step.data, currency=currency)


async def _at(
    session: AsyncSession, sender: Sender, expected: str, currency: str
) -> tuple[User, ProductDraft] | None:
    """The admin and their draft, if they are at this step."""
    user = await shopper(session, sender)
    step = await dialog.current_step(session, user_id=user.id, lock=True)
    if step is None or (step.flow, step.step) != (FLOW, expected):
        return None
    return user, _draft(step, currency)


async def _go(session: AsyncSession, user: User, step: str, draft: ProductDraft) -> Question:
    await dialog.set_step(session, user_id=user.id, flow=FLOW, step=step, data=draft.as_data())
    return await _question(session, step, draft)


async def _question(
    session: AsyncSession,
    step: str,
    draft: ProductDraft,
    *,
    refusal: ShopError | None = None,
    photo_unexpected: bool = False,
) -> Question:
    listed = step == "category"
    categories = await catalog.list_categories(session, include_empty=True) if listed else []
    return Question(step, draft, tuple(categories), refusal, photo_unexpected)
