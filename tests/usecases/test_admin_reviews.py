"""Moderating reviews as use cases: pages that survive removals, and removals that are logged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import AdminAction, Review
from bot.services.errors import NotFound
from bot.usecases import admin_reviews
from bot.usecases.admin_reviews import PER_PAGE
from tests.factories import make_product, make_user

ADMIN = 7000


async def _reviews(db: Database, count: int) -> list[int]:
    """`count` reviews of one product, each by another customer."""
    async with db.transaction() as session:
        product = await make_product(session, name="Beanie")
        ids = []
        for n in range(count):
            user = await make_user(session, first_name=f"Buyer {n}")
            review = Review(user_id=user.id, product_id=product.id, text=f"Warm {n}")
            session.add(review)
            await session.flush()
            ids.append(review.id)
        return ids


async def test_a_page_beyond_the_last_shows_the_last(db: Database) -> None:
    ids = await _reviews(db, PER_PAGE + 2)
    assert len((await admin_reviews.latest_reviews(db, page=2)).items) == 2
    for review_id in ids[:2]:
        await admin_reviews.delete_review(db, review_id=review_id, admin_telegram_id=ADMIN)
    listing = await admin_reviews.latest_reviews(db, page=2)
    assert (listing.page, len(listing.items), listing.total) == (1, PER_PAGE, PER_PAGE)


async def test_a_removal_is_logged_and_an_unknown_review_removes_nothing(db: Database) -> None:
    [review_id] = await _reviews(db, 1)
    with pytest.raises(NotFound):
        await admin_reviews.delete_review(db, review_id=review_id + 1, admin_telegram_id=ADMIN)
    removed = await admin_reviews.delete_review(db, review_id=review_id, admin_telegram_id=ADMIN)
    assert (removed.product_name, removed.author_name, removed.reviews_left) == (
        "Beanie",
        "Buyer 0",
        0,
    )
    async with db.reading() as session:
        entries = (await session.scalars(select(AdminAction))).all()
    assert [(e.admin_telegram_id, e.action, e.entity_id) for e in entries] == [
        (ADMIN, "delete_review", review_id)
    ]
