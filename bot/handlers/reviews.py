"""A product's reviews: reading them, rating it, and writing or editing one's own review.

Everyone sees the Rate and Write buttons; only verified buyers get past them, and everyone
else is told why.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import texts
from bot.handlers.context import ShopContext, customer
from bot.handlers.render import send, show
from bot.handlers.router import on_button, on_step
from bot.keyboards.catalog import VIA_NONE, Origin
from bot.keyboards.reviews import (
    CancelReview,
    GiveRating,
    RateProduct,
    ReviewList,
    ReviewProduct,
    WriteReview,
    from_orders,
    origin_of,
    review_prompt_keyboard,
    reviews_keyboard,
    stars_keyboard,
)
from bot.models import REVIEW_MAX_LENGTH
from bot.services import dialog, product, review
from bot.services.dialog import Step
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.pagination import Page
from bot.services.review import ReviewView
from bot.texts.errors import error_text

FLOW = "review"
PER_PAGE = 5
DATE_FORMAT = "%d %b %Y"


@on_button(ReviewList)
async def reviews(update: Update, context: ShopContext, data: ReviewList) -> str | None:
    await show_reviews(update, context, data.product_id, origin_of(data), page=data.page)
    return None


@on_button(ReviewProduct)
async def review_product(update: Update, context: ShopContext, data: ReviewProduct) -> str | None:
    await show_reviews(update, context, data.product_id, from_orders())
    return None


@on_button(RateProduct)
async def rate_product(update: Update, context: ShopContext, data: RateProduct) -> str | None:
    async with context.db.reading() as session:
        user = await customer(session, update)
        name = await _bought(session, user.id, data.product_id)
        current = await review.get_own_rating(session, user_id=user.id, product_id=data.product_id)
    keyboard = stars_keyboard(data.product_id, origin_of(data), current)
    await show(update, texts.rate_prompt(name), keyboard)
    return None


@on_button(GiveRating)
async def give_rating(update: Update, context: ShopContext, data: GiveRating) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        await product.get_product(session, data.product_id)  # hidden products take no ratings
        await review.rate(session, user_id=user.id, product_id=data.product_id, value=data.stars)
    await show_reviews(update, context, data.product_id, origin_of(data))
    return texts.THANKS_FOR_RATING


@on_button(WriteReview)
async def write_review(update: Update, context: ShopContext, data: WriteReview) -> str | None:
    origin = origin_of(data)
    target = {"product_id": data.product_id, "via": origin.via, "ref": origin.ref, "at": origin.at}
    async with context.db.transaction() as session:
        user = await customer(session, update)
        name = await _bought(session, user.id, data.product_id)
        own = await review.get_own_review(session, user_id=user.id, product_id=data.product_id)
        await dialog.set_step(session, user_id=user.id, flow=FLOW, step="text", data=target)
    prompt = texts.review_prompt(name, own.text if own else None, REVIEW_MAX_LENGTH)
    await show(update, prompt, review_prompt_keyboard(data.product_id, origin))
    return None


@on_button(CancelReview)
async def cancel_review(update: Update, context: ShopContext, data: CancelReview) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        await dialog.clear_step(session, user_id=user.id)
    await show_reviews(update, context, data.product_id, origin_of(data))
    return None


@on_step(FLOW)
async def review_text(update: Update, context: ShopContext, step: Step, text: str) -> None:
    """The text is the review; a refused one is asked for again, the step kept."""
    product_id, origin = _target(step)
    try:
        async with context.db.transaction() as session:
            user = await customer(session, update)
            await review.write_review(session, user_id=user.id, product_id=product_id, text=text)
            await dialog.clear_step(session, user_id=user.id)
    except InvalidInput as error:
        await send(update, texts.review_try_again(error_text(error)))
        return
    except (NotAllowed, NotFound):  # no longer a buyer, or the product is gone: leave
        async with context.db.transaction() as session:
            user = await customer(session, update)
            await dialog.clear_step(session, user_id=user.id)
        raise
    await show_reviews(update, context, product_id, origin, notice=texts.REVIEW_SAVED)


async def show_reviews(
    update: Update,
    context: ShopContext,
    product_id: int,
    origin: Origin,
    *,
    page: int = 1,
    notice: str | None = None,
) -> None:
    async with context.db.reading() as session:
        user = await customer(session, update)
        details = await product.get_product(session, product_id)
        ratings = await review.rating_summary(session, product_id=product_id)
        listing = await _page(session, product_id, page)
        own = await review.get_own_review(session, user_id=user.id, product_id=product_id)
    entries = [
        texts.review_entry(
            r.author_name, r.rating, r.text, f"{r.created_at:{DATE_FORMAT}}", edited=r.edited
        )
        for r in listing.items
    ]
    rating = texts.rating_line(ratings.average, ratings.count, listing.total)
    text = texts.reviews_screen(details.product.name, rating, entries, notice=notice)
    keyboard = reviews_keyboard(listing, product_id, origin, has_own_review=own is not None)
    await show(update, text, keyboard)


async def _page(session: AsyncSession, product_id: int, page: int) -> Page[ReviewView]:
    listing = await review.list_reviews(
        session, product_id=product_id, page=max(page, 1), per_page=PER_PAGE
    )
    if listing.page > listing.pages:  # reviews were removed since the button was made
        listing = await review.list_reviews(
            session, product_id=product_id, page=listing.pages, per_page=PER_PAGE
        )
    return listing


async def _bought(session: AsyncSession, user_id: int, product_id: int) -> str:
    """The product's name, if this customer may rate and review it."""
    details = await product.get_product(session, product_id)
    if not await review.can_review(session, user_id=user_id, product_id=product_id):
        raise NotAllowed("rating.buyers_only", product=details.product.name)
    return details.product.name


def _target(step: Step) -> tuple[int, Origin]:
    """The product and origin the flow was started for; bad data finds no product."""
    data = step.data

    def number(key: str, default: int) -> int:
        value = data.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    via = data.get("via")
    origin = Origin(via if isinstance(via, str) else VIA_NONE, number("ref", 0), number("at", 1))
    return number("product_id", 0), origin
