"""Moderating reviews: the latest of every product, and removing one."""

from __future__ import annotations

from bot.db import Database
from bot.services import review
from bot.services.pagination import Page
from bot.services.review import AdminReviewView, RemovedReview

PER_PAGE = 5


async def latest_reviews(db: Database, *, page: int) -> Page[AdminReviewView]:
    """Newest first; a page beyond the last (reviews were removed meanwhile) is the last."""
    async with db.reading() as session:
        listing = await review.latest_reviews(session, page=max(page, 1), per_page=PER_PAGE)
        if listing.page > listing.pages:
            listing = await review.latest_reviews(session, page=listing.pages, per_page=PER_PAGE)
        return listing


async def delete_review(db: Database, *, review_id: int, admin_telegram_id: int) -> RemovedReview:
    """Its author is not told; the product's rating is counted again without it."""
    async with db.transaction() as session:
        return await review.delete_review(session, review_id=review_id, by=admin_telegram_id)
