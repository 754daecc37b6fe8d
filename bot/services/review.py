"""Star ratings and written reviews, from verified buyers only."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import dialect_insert
from bot.models import (
    PURCHASED_STATUSES,
    REVIEW_MAX_LENGTH,
    Order,
    OrderItem,
    Product,
    Rating,
    Review,
    User,
    utcnow,
)
from bot.services import admin
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.pagination import Page, check_page
from bot.services.product import bump_showcase_revision

_Own = TypeVar("_Own", Rating, Review)


@dataclass(frozen=True, slots=True)
class ReviewView:
    id: int
    author_name: str
    rating: int | None  # the author's own star rating of the product, if any
    text: str
    created_at: datetime
    edited: bool


@dataclass(frozen=True, slots=True)
class AdminReviewView(ReviewView):
    """What moderators need besides the review: which product and who wrote it."""

    product_id: int
    product_name: str
    author_id: int
    author_telegram_id: int


@dataclass(frozen=True, slots=True)
class RatingSummary:
    average: float | None  # one decimal; None until someone rates
    count: int


@dataclass(frozen=True, slots=True)
class RemovedReview:
    """What a moderator is told: which review went, and how the product reads now."""

    review_id: int
    product_id: int
    product_name: str
    author_name: str
    ratings: RatingSummary
    reviews_left: int


async def can_review(session: AsyncSession, *, user_id: int, product_id: int) -> bool:
    """True when the customer has a paid, shipped or delivered order containing the product."""
    bought = exists().where(
        Order.id == OrderItem.order_id,
        Order.user_id == user_id,
        Order.status.in_(PURCHASED_STATUSES),
        OrderItem.product_id == product_id,
    )
    return bool(await session.scalar(select(bought)))


async def rate(session: AsyncSession, *, user_id: int, product_id: int, value: int) -> Rating:
    """Rate or re-rate; an upsert, so a double tap on a star cannot collide with itself."""
    await _check_verified_buyer(session, user_id=user_id, product_id=product_id)
    if not 1 <= value <= 5:
        raise InvalidInput("rating.out_of_range")
    now = utcnow()
    await session.execute(
        dialect_insert(session, Rating)
        .values(user_id=user_id, product_id=product_id, value=value, created_at=now, updated_at=now)
        .on_conflict_do_update(
            index_elements=["user_id", "product_id"],
            set_={"value": value, "updated_at": now},
            where=Rating.value != value,
        )
    )
    await bump_showcase_revision(session)
    return (await session.scalars(_own(Rating, user_id=user_id, product_id=product_id))).one()


async def write_review(
    session: AsyncSession, *, user_id: int, product_id: int, text: str
) -> Review:
    """Write or edit. Both timestamps start equal, so `edited` means updated_at moved."""
    await _check_verified_buyer(session, user_id=user_id, product_id=product_id)
    cleaned = _printable(text).strip()
    if not cleaned:
        raise InvalidInput("review.empty")
    if len(cleaned) > REVIEW_MAX_LENGTH:
        raise InvalidInput("review.too_long", length=len(cleaned), limit=REVIEW_MAX_LENGTH)
    now = utcnow()
    await session.execute(
        dialect_insert(session, Review)
        .values(
            user_id=user_id, product_id=product_id, text=cleaned, created_at=now, updated_at=now
        )
        .on_conflict_do_update(
            index_elements=["user_id", "product_id"],
            set_={"text": cleaned, "updated_at": now},
            where=Review.text != cleaned,
        )
    )
    await bump_showcase_revision(session)
    return (await session.scalars(_own(Review, user_id=user_id, product_id=product_id))).one()


def _printable(text: str) -> str:
    """Line breaks and tabs stay; other control characters are invisible, and PostgreSQL
    refuses to store NUL at all."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


async def get_own_review(session: AsyncSession, *, user_id: int, product_id: int) -> Review | None:
    return await session.scalar(_own(Review, user_id=user_id, product_id=product_id))


async def get_own_rating(session: AsyncSession, *, user_id: int, product_id: int) -> int | None:
    rating = await session.scalar(_own(Rating, user_id=user_id, product_id=product_id))
    return rating.value if rating else None


async def list_reviews(
    session: AsyncSession, *, product_id: int, page: int = 1, per_page: int = 5
) -> Page[ReviewView]:
    """Newest first."""
    offset = check_page(page, per_page)
    total = await session.scalar(
        select(func.count()).select_from(Review).where(Review.product_id == product_id)
    )
    rows = await session.execute(
        _review_rows().where(Review.product_id == product_id).offset(offset).limit(per_page)
    )
    items = [ReviewView(**_fields(review, name, value)) for review, name, value, _ in rows]
    return Page(items=items, page=page, per_page=per_page, total=total or 0)


async def rating_summary(session: AsyncSession, *, product_id: int) -> RatingSummary:
    row = (
        await session.execute(
            select(func.coalesce(func.sum(Rating.value), 0), func.count(Rating.id)).where(
                Rating.product_id == product_id
            )
        )
    ).one()
    value_sum, count = int(row[0]), int(row[1])
    if not count:
        return RatingSummary(average=None, count=0)
    # Exact arithmetic, rounding half up: 4.25 shows as 4.3, not float's 4.2.
    average = (Decimal(value_sum) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return RatingSummary(average=float(average), count=count)


async def latest_reviews(
    session: AsyncSession, *, page: int = 1, per_page: int = 10
) -> Page[AdminReviewView]:
    """For moderators: every product's reviews, newest first."""
    offset = check_page(page, per_page)
    total = await session.scalar(select(func.count()).select_from(Review))
    rows = await session.execute(
        _review_rows().add_columns(User.telegram_id).offset(offset).limit(per_page)
    )
    items = [
        AdminReviewView(
            **_fields(review, name, value),
            product_id=review.product_id,
            product_name=product_name,
            author_id=review.user_id,
            author_telegram_id=telegram_id,
        )
        for review, name, value, product_name, telegram_id in rows
    ]
    return Page(items=items, page=page, per_page=per_page, total=total or 0)


async def delete_review(session: AsyncSession, *, review_id: int, by: int) -> RemovedReview:
    """Moderation by the admin with Telegram id `by`, audit-logged; the author is not told.

    Removes the text and leaves the author's star rating alone: the stars are the buyer's
    verdict, the text is what a moderator judges.
    """
    row = (
        await session.execute(
            select(Review, Product.name, User.first_name)
            .join(Product, Product.id == Review.product_id)
            .join(User, User.id == Review.user_id)
            .where(Review.id == review_id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound("review.not_found", review_id=review_id)
    review, product_name, author_name = row
    product_id, author_id, text = review.product_id, review.user_id, review.text
    await session.delete(review)
    await session.flush()
    await bump_showcase_revision(session)
    await admin.record(
        session,
        admin_telegram_id=by,
        action="delete_review",
        entity="review",
        entity_id=review_id,
        details=f"product={product_id} author={author_id} text={text}",
    )
    reviews_left = await session.scalar(
        select(func.count(Review.id)).where(Review.product_id == product_id)
    )
    return RemovedReview(
        review_id=review_id,
        product_id=product_id,
        product_name=product_name,
        author_name=author_name,
        ratings=await rating_summary(session, product_id=product_id),
        reviews_left=reviews_left or 0,
    )


async def _check_verified_buyer(session: AsyncSession, *, user_id: int, product_id: int) -> None:
    product = await session.get(Product, product_id)
    if product is None:
        raise NotFound("review.product_not_found")
    if not await can_review(session, user_id=user_id, product_id=product_id):
        raise NotAllowed("review.buyers_only", product=product.name)


def _own(model: type[_Own], *, user_id: int, product_id: int) -> Select[_Own]:
    # populate_existing: an upsert bypasses the identity map, which may hold the old row.
    return (
        select(model)
        .where(model.user_id == user_id, model.product_id == product_id)
        .execution_options(populate_existing=True)
    )


def _review_rows() -> Select[Review, str, int | None, str]:
    return (
        select(Review, User.first_name, Rating.value, Product.name)
        .join(User, User.id == Review.user_id)
        .join(Product, Product.id == Review.product_id)
        .outerjoin(
            Rating,
            and_(Rating.user_id == Review.user_id, Rating.product_id == Review.product_id),
        )
        .order_by(Review.created_at.desc(), Review.id.desc())
    )


def _fields(review: Review, author_name: str, rating: int | None) -> dict[str, Any]:
    return {
        "id": review.id,
        "author_name": author_name,
        "rating": rating,
        "text": review.text,
        "created_at": review.created_at,
        "edited": review.updated_at > review.created_at,
    }
