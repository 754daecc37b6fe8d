"""Rating and reviewing as customers meet it: buyers only, and a refused text can be fixed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import REVIEW_MAX_LENGTH, OrderStatus, Product, Size
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.texts.errors import error_text
from bot.usecases import reviews
from bot.usecases.customers import Sender
from tests.factories import make_order, make_product, make_user
from tests.usecases.steps import flow_of

ANN = Sender(telegram_id=601, first_name="Ann")
BOB = Sender(telegram_id=602, first_name="Bob")
WAY_BACK: dict[str, int | str] = {"via": "c", "ref": 3, "at": 2}


async def _sneakers_bought_by_ann(db: Database) -> Product:
    async with db.transaction() as session:
        ann = await make_user(session, telegram_id=ANN.telegram_id, first_name="Ann")
        sneakers = await make_product(session, name="Classic Sneakers")
        size = (await session.scalars(select(Size).where(Size.product_id == sneakers.id))).one()
        delivered = OrderStatus.DELIVERED
        await make_order(session, user=ann, product=sneakers, size=size, status=delivered)
    return sneakers


async def test_only_buyers_are_asked_for_a_review(db: Database) -> None:
    sneakers = await _sneakers_bought_by_ann(db)
    with pytest.raises(NotAllowed) as refused:
        await reviews.ask_for_review(db, sender=BOB, product_id=sneakers.id, way_back=WAY_BACK)
    assert "bought Classic Sneakers can rate or review it" in error_text(refused.value)
    assert await flow_of(db, BOB) is None
    invitation = await reviews.ask_for_review(
        db, sender=ANN, product_id=sneakers.id, way_back=WAY_BACK
    )
    assert invitation == reviews.Invitation("Classic Sneakers", own_text=None)
    assert await flow_of(db, ANN) == reviews.FLOW


async def test_a_refused_review_keeps_the_step_and_a_good_one_ends_it(db: Database) -> None:
    sneakers = await _sneakers_bought_by_ann(db)
    await reviews.ask_for_review(db, sender=ANN, product_id=sneakers.id, way_back=WAY_BACK)
    with pytest.raises(InvalidInput):
        await reviews.save_review(
            db, sender=ANN, product_id=sneakers.id, text="x" * (REVIEW_MAX_LENGTH + 1), per_page=5
        )
    assert await flow_of(db, ANN) == reviews.FLOW
    shown = await reviews.save_review(
        db, sender=ANN, product_id=sneakers.id, text="Comfy from day one.", per_page=5
    )
    assert await flow_of(db, ANN) is None
    assert shown.has_own_review and shown.reviews.total == 1
    assert shown.reviews.items[0].text == "Comfy from day one."


async def test_a_product_gone_while_its_review_is_written_ends_the_flow(db: Database) -> None:
    sneakers = await _sneakers_bought_by_ann(db)
    await reviews.ask_for_review(db, sender=ANN, product_id=sneakers.id, way_back=WAY_BACK)
    with pytest.raises(NotFound):
        await reviews.save_review(db, sender=ANN, product_id=999, text="Great.", per_page=5)
    assert await flow_of(db, ANN) is None


async def test_a_rating_shows_in_the_reviews_at_once(db: Database) -> None:
    sneakers = await _sneakers_bought_by_ann(db)
    shown = await reviews.rate(db, sender=ANN, product_id=sneakers.id, stars=4, per_page=5)
    assert (shown.ratings.average, shown.ratings.count) == (4.0, 1)
    asked = await reviews.ask_for_rating(db, sender=ANN, product_id=sneakers.id)
    assert asked.own_rating == 4
