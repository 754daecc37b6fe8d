"""Abandoned carts: a cart left unchanged for ABANDONED_CART_HOURS is reminded of once per
change of its content, and never to a customer who ordered since, emptied it, opted out, or
whose every line sold out; two instances running the job at once queue one reminder."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.engine import URL

from bot.config import Settings
from bot.db import Database
from bot.models import OutboxMessage, ProductTranslation, Size, User, utcnow
from bot.services import abandoned_carts
from bot.texts.notices import render_notice
from bot.usecases import cart, catalog, profile
from bot.usecases.abandoned_carts import remind_abandoned_carts
from bot.usecases.customers import Sender, shopper
from tests.factories import make_order, make_product

ANN = Sender(4242, "Ann")
HOURS = 24


@dataclass(frozen=True, slots=True)
class Shop:
    product_id: int
    size_id: int


@pytest.fixture
async def shop(db: Database) -> Shop:
    """A €49.99 hoodie, 3 left in size M, in Ann's cart twice."""
    async with db.transaction() as session:
        product = await make_product(session, name="Zip Hoodie", price=4999, sizes={"M": 3})
        size_id = (await session.scalars(select(Size.id))).one()
    await catalog.add_to_cart(db, sender=ANN, product_id=product.id, size_id=size_id, quantity=2)
    return Shop(product.id, size_id)


def later(hours: float) -> datetime:
    """A clock `hours` from now: the job is run as if that much time had passed."""
    return utcnow() + timedelta(hours=hours)


async def run(db: Database, hours: float, *, setting: int = HOURS) -> int:
    return await remind_abandoned_carts(db, hours=setting, now=later(hours))


async def reminders(db: Database) -> list[OutboxMessage]:
    async with db.reading() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.message_key == abandoned_carts.NOTICE)
            .order_by(OutboxMessage.id)
        )
        return list(rows)


async def test_no_reminder_before_the_hours_are_up(db: Database, shop: Shop) -> None:
    assert await run(db, HOURS - 1) == 0
    assert await reminders(db) == []


async def test_one_reminder_once_the_hours_are_up_with_lines_total_and_buttons(
    db: Database, shop: Shop
) -> None:
    assert await run(db, HOURS + 0.1) == 1

    [row] = await reminders(db)
    async with db.reading() as session:
        assert row.chat_id == (await shopper(session, ANN)).telegram_id
    text, buttons = render_notice(row.message_key, row.params, row.buttons)
    assert "<b>Zip Hoodie</b> · M × 2" in text
    assert "€99.98" in text
    assert buttons == [
        [{"text": "✅ Checkout", "checkout": "start"}],
        [{"text": "🔕 Don't remind me", "reminders": "off"}],
    ]


async def test_a_second_run_queues_nothing_more(db: Database, shop: Shop) -> None:
    await run(db, HOURS + 1)

    assert await run(db, HOURS + 2) == 0
    assert await run(db, 10 * HOURS) == 0
    assert len(await reminders(db)) == 1


async def test_a_changed_cart_is_reminded_of_again_once_the_hours_pass_again(
    db: Database, shop: Shop
) -> None:
    await run(db, HOURS + 1)
    await cart.set_quantity(db, sender=ANN, size_id=shop.size_id, quantity=3)

    assert await run(db, HOURS - 1) == 0  # the hours count from the change
    assert await run(db, HOURS + 1) == 1
    first, second = await reminders(db)
    text, _ = render_notice(second.message_key, second.params)
    assert "× 3" in text and "€149.97" in text
    assert first.key != second.key


async def test_a_change_before_the_hours_are_up_restarts_them(db: Database, shop: Shop) -> None:
    await cart.set_quantity(db, sender=ANN, size_id=shop.size_id, quantity=1)

    assert await run(db, HOURS + 1) == 1
    [row] = await reminders(db)
    assert "× 1" in render_notice(row.message_key, row.params)[0]


async def test_no_reminder_after_an_order_placed_since_the_cart_changed(
    db: Database, shop: Shop
) -> None:
    async with db.transaction() as session:
        user = await shopper(session, ANN)
        product = await make_product(session, name="Cap")
        size = (await session.scalars(select(Size).where(Size.product_id == product.id))).one()
        await make_order(session, user=user, product=product, size=size)

    assert await run(db, HOURS + 1) == 0
    assert await reminders(db) == []


async def test_no_reminder_for_an_emptied_cart(db: Database, shop: Shop) -> None:
    await cart.clear_cart(db, sender=ANN)

    assert await run(db, HOURS + 1) == 0
    assert await reminders(db) == []


async def test_no_reminder_when_everything_sold_out(db: Database, shop: Shop) -> None:
    async with db.transaction() as session:
        await session.execute(update(Size).values(stock=0))

    assert await run(db, HOURS + 1) == 0
    assert await reminders(db) == []


async def test_some_lines_in_stock_are_enough_and_the_reminder_lists_them_all(
    db: Database, shop: Shop
) -> None:
    async with db.transaction() as session:
        cap = await make_product(session, name="Cap", price=1500, sizes={"One size": 5})
        cap_size = (await session.scalars(select(Size.id).where(Size.product_id == cap.id))).one()
    await catalog.add_to_cart(db, sender=ANN, product_id=cap.id, size_id=cap_size, quantity=1)
    async with db.transaction() as session:
        await session.execute(update(Size).where(Size.id == shop.size_id).values(stock=0))

    assert await run(db, HOURS + 1) == 1
    [row] = await reminders(db)
    text, _ = render_notice(row.message_key, row.params)
    assert "Zip Hoodie" in text and "Cap" in text


async def test_no_reminder_when_opted_out(db: Database, shop: Shop) -> None:
    await profile.set_reminders(db, sender=ANN, wanted=False)

    assert await run(db, HOURS + 1) == 0
    assert await reminders(db) == []


async def test_no_reminder_to_a_customer_who_blocked_the_bot(db: Database, shop: Shop) -> None:
    async with db.transaction() as session:
        await session.execute(update(User).values(is_blocked=True))

    assert await run(db, HOURS + 1) == 0


async def test_no_reminders_when_the_setting_is_zero(db: Database, shop: Shop) -> None:
    assert await run(db, 1000, setting=0) == 0
    assert await reminders(db) == []


async def test_the_reminder_names_products_in_the_customers_language(
    db: Database, shop: Shop
) -> None:
    async with db.transaction() as session:
        session.add(
            ProductTranslation(product_id=shop.product_id, language="de", name="Kapuzenjacke")
        )

    await run(db, HOURS + 1)
    [row] = await reminders(db)
    german, buttons = render_notice(row.message_key, row.params, row.buttons, language="de")
    assert "<b>Kapuzenjacke</b>" in german and "99,98" in german
    assert buttons is not None and buttons[1][0]["text"] != "🔕 Don't remind me"


async def test_two_instances_running_at_once_queue_one_reminder(
    db: Database, database_url: URL, shop: Shop
) -> None:
    other = Database(database_url)
    try:
        now = later(HOURS + 1)
        runs = await asyncio.gather(
            remind_abandoned_carts(db, hours=HOURS, now=now),
            remind_abandoned_carts(other, hours=HOURS, now=now),
        )
    finally:
        await other.dispose()

    assert sorted(runs) == [0, 1]
    assert len(await reminders(db)) == 1


def test_the_setting_defaults_to_a_day_and_refuses_negative_or_huge_values() -> None:
    assert Settings(_env_file=None).abandoned_cart_hours == 24  # type: ignore[call-arg]
    for wrong in (-1, 721):
        with pytest.raises(ValidationError, match="abandoned_cart_hours"):
            Settings(_env_file=None, abandoned_cart_hours=wrong)  # type: ignore[call-arg]
