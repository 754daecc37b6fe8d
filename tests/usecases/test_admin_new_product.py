"""/addproduct as use cases: the conversation's steps, and Save creating everything at once."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db import Database
from bot.models import AdminAction, Product, Size
from bot.services import dialog
from bot.services import user as users
from bot.services.dialog import Step
from bot.services.errors import InvalidInput
from bot.usecases import new_product
from bot.usecases.customers import Sender
from bot.usecases.new_product import CONFIRM, FLOW, Question
from tests.factories import make_category

ADMIN = Sender(7000, "Owner")
EUR = "EUR"


async def _step(db: Database) -> Step | None:
    async with db.reading() as session:
        user = await users.find_by_telegram_id(session, ADMIN.telegram_id)
        return await dialog.current_step(session, user_id=user.id) if user else None


async def _answer(db: Database, text: str) -> Question:
    step = await _step(db)
    assert step is not None
    return await new_product.answer(db, sender=ADMIN, step=step, text=text, currency=EUR)


async def _products(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(Product)) or 0


async def _at_summary(db: Database) -> None:
    async with db.transaction() as session:
        await make_category(session, "Hats")
    first = await new_product.start(db, sender=ADMIN, currency=EUR)
    assert first is not None and first.step == "category"
    assert [c.name for c in first.categories] == ["Hats"]
    for text in ("hats", "Beanie", "19.90"):
        await _answer(db, text)
    assert await new_product.skip(db, sender=ADMIN, step="description", currency=EUR)
    assert await new_product.skip(db, sender=ADMIN, step="photo", currency=EUR)
    summary = await _answer(db, "S 2, M 0")
    assert summary.step == CONFIRM
    assert (summary.draft.name, summary.draft.price, summary.draft.sizes) == (
        "Beanie",
        1990,
        (("S", 2), ("M", 0)),
    )


async def test_without_a_category_the_conversation_does_not_start(db: Database) -> None:
    assert await new_product.start(db, sender=ADMIN, currency=EUR) is None
    assert await _step(db) is None


async def test_a_bad_answer_is_refused_and_the_same_question_asked_again(db: Database) -> None:
    async with db.transaction() as session:
        await make_category(session, "Hats")
    await new_product.start(db, sender=ADMIN, currency=EUR)
    await _answer(db, "Hats")
    await _answer(db, "Beanie")
    again = await _answer(db, "cheap")
    assert again.step == "price"
    assert isinstance(again.refusal, InvalidInput)
    step = await _step(db)
    assert step is not None and (step.flow, step.step) == (FLOW, "price")


async def test_save_creates_the_product_its_sizes_and_its_audit_entry_and_ends_the_flow(
    db: Database,
) -> None:
    await _at_summary(db)
    assert await _products(db) == 0  # nothing exists before Save
    added = await new_product.save(db, sender=ADMIN, currency=EUR)
    assert added is not None
    assert (added.name, added.category, added.sku) == ("Beanie", "Hats", "HAT-0001")
    async with db.reading() as session:
        sizes = (await session.scalars(select(Size.name).order_by(Size.position))).all()
        entry = (await session.scalars(select(AdminAction))).one()
    assert sizes == ["S", "M"]
    assert (entry.admin_telegram_id, entry.action, entry.entity_id) == (
        ADMIN.telegram_id,
        "add_product",
        added.product_id,
    )
    assert await _step(db) is None


async def test_a_second_press_of_save_saves_nothing_more(db: Database) -> None:
    await _at_summary(db)
    assert await new_product.save(db, sender=ADMIN, currency=EUR) is not None
    assert await new_product.save(db, sender=ADMIN, currency=EUR) is None
    assert await _products(db) == 1


async def test_an_old_button_of_an_earlier_step_does_nothing(db: Database) -> None:
    await _at_summary(db)
    assert await new_product.skip(db, sender=ADMIN, step="description", currency=EUR) is None
    assert await new_product.pick_category(db, sender=ADMIN, category_id=1, currency=EUR) is None
    assert await new_product.skip(db, sender=ADMIN, step="name", currency=EUR) is None
    step = await _step(db)
    assert step is not None and step.step == CONFIRM


async def test_a_photo_at_another_step_is_not_taken(db: Database) -> None:
    async with db.transaction() as session:
        await make_category(session, "Hats")
    await new_product.start(db, sender=ADMIN, currency=EUR)
    step = await _step(db)
    assert step is not None
    asked = await new_product.photo(db, sender=ADMIN, step=step, file_id="AgAD", currency=EUR)
    assert (asked.step, asked.photo_unexpected, asked.draft.photo) == ("category", True, None)


async def test_cancel_ends_the_conversation_once(db: Database) -> None:
    async with db.transaction() as session:
        await make_category(session, "Hats")
    await new_product.start(db, sender=ADMIN, currency=EUR)
    assert await new_product.cancel(db, sender=ADMIN)
    assert not await new_product.cancel(db, sender=ADMIN)
    assert await _step(db) is None
