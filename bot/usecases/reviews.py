"""A product's reviews: reading them, rating the product, and writing or editing one's own
review. Only verified buyers may rate or review; the review's text is asked for in a step kept
in the database, so the answer is taken after a restart or by another bot instance."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.languages import reader
from bot.services import dialog, product, review
from bot.services.errors import NotAllowed, NotFound
from bot.services.pagination import Page
from bot.services.review import RatingSummary, ReviewView
from bot.usecases.customers import Sender, shopper_id

FLOW = "review"


@dataclass(frozen=True, slots=True)
class ProductReviews:
    product_name: str
    ratings: RatingSummary
    reviews: Page[ReviewView]
    has_own_review: bool


@dataclass(frozen=True, slots=True)
class Invitation:
    """A buyer is asked for stars or words; what they gave before is shown."""

    product_name: str
    own_rating: int | None = None
    own_text: str | None = None


async def product_reviews(
    db: Database, *, sender: Sender, product_id: int, page: int = 1, per_page: int
) -> ProductReviews:
    """A page of reviews, newest first; past the end (reviews were removed) the last page."""
    async with db.reading() as session:
        user_id = await shopper_id(session, sender)
        details = await product.get_product(session, product_id, language=reader())
        ratings = await review.rating_summary(session, product_id=product_id)
        listing = await _page(session, product_id, page, per_page)
        own = await review.get_own_review(session, user_id=user_id, product_id=product_id)
    return ProductReviews(details.name, ratings, listing, own is not None)


async def ask_for_rating(db: Database, *, sender: Sender, product_id: int) -> Invitation:
    async with db.reading() as session:
        user_id = await shopper_id(session, sender)
        name = await _bought(session, user_id, product_id)
        current = await review.get_own_rating(session, user_id=user_id, product_id=product_id)
    return Invitation(name, own_rating=current)


async def rate(
    db: Database, *, sender: Sender, product_id: int, stars: int, per_page: int
) -> ProductReviews:
    """The reviews as they read with the new rating."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await product.get_product(session, product_id)  # hidden products take no ratings
        await review.rate(session, user_id=user_id, product_id=product_id, value=stars)
    return await product_reviews(db, sender=sender, product_id=product_id, per_page=per_page)


async def ask_for_review(
    db: Database, *, sender: Sender, product_id: int, way_back: Mapping[str, int | str]
) -> Invitation:
    """The next text is the review; `way_back` is kept with the step for the front door to
    find the screen it came from."""
    target = {**way_back, "product_id": product_id}
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        name = await _bought(session, user_id, product_id)
        own = await review.get_own_review(session, user_id=user_id, product_id=product_id)
        await dialog.set_step(session, user_id=user_id, flow=FLOW, step="text", data=target)
    return Invitation(name, own_text=own.text if own else None)


async def stop_reviewing(
    db: Database, *, sender: Sender, product_id: int, per_page: int
) -> ProductReviews:
    await _leave_flow(db, sender)
    return await product_reviews(db, sender=sender, product_id=product_id, per_page=per_page)


async def save_review(
    db: Database, *, sender: Sender, product_id: int, text: str, per_page: int
) -> ProductReviews:
    """A refused text (InvalidInput) keeps the step, so the customer can try again; a customer
    no longer a buyer, or a product gone, leaves the flow."""
    try:
        async with db.transaction() as session:
            user_id = await shopper_id(session, sender)
            await review.write_review(session, user_id=user_id, product_id=product_id, text=text)
            await dialog.clear_step(session, user_id=user_id)
    except (NotAllowed, NotFound):
        await _leave_flow(db, sender)
        raise
    return await product_reviews(db, sender=sender, product_id=product_id, per_page=per_page)


async def _leave_flow(db: Database, sender: Sender) -> None:
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await dialog.clear_step(session, user_id=user_id)


async def _page(
    session: AsyncSession, product_id: int, page: int, per_page: int
) -> Page[ReviewView]:
    listing = await review.list_reviews(
        session, product_id=product_id, page=max(page, 1), per_page=per_page
    )
    if listing.page > listing.pages:
        listing = await review.list_reviews(
            session, product_id=product_id, page=listing.pages, per_page=per_page
        )
    return listing


async def _bought(session: AsyncSession, user_id: int, product_id: int) -> str:
    """The product's name, if this customer may rate and review it."""
    details = await product.get_product(session, product_id, language=reader())
    if not await review.can_review(session, user_id=user_id, product_id=product_id):
        raise NotAllowed("rating.buyers_only", product=details.name)
    return details.name
