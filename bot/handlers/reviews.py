"""A product's reviews: reading them, rating it, and writing or editing one's own review.

Everyone sees the Rate and Write buttons; only verified buyers get past them, and everyone
else is told why.
"""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.handlers.context import ShopContext, sender_of
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
from bot.services.dialog import Step
from bot.services.errors import InvalidInput
from bot.texts.errors import error_text
from bot.texts.i18n import long_date
from bot.usecases import reviews as usecase
from bot.usecases.reviews import FLOW, ProductReviews

PER_PAGE = 5


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
    invitation = await usecase.ask_for_rating(
        context.db, sender=sender_of(update), product_id=data.product_id
    )
    keyboard = stars_keyboard(data.product_id, origin_of(data), invitation.own_rating)
    await show(update, texts.rate_prompt(invitation.product_name), keyboard)
    return None


@on_button(GiveRating)
async def give_rating(update: Update, context: ShopContext, data: GiveRating) -> str | None:
    found = await usecase.rate(
        context.db,
        sender=sender_of(update),
        product_id=data.product_id,
        stars=data.stars,
        per_page=PER_PAGE,
    )
    await _show(update, found, data.product_id, origin_of(data))
    return texts.THANKS_FOR_RATING


@on_button(WriteReview)
async def write_review(update: Update, context: ShopContext, data: WriteReview) -> str | None:
    origin = origin_of(data)
    invitation = await usecase.ask_for_review(
        context.db,
        sender=sender_of(update),
        product_id=data.product_id,
        way_back={"via": origin.via, "ref": origin.ref, "at": origin.at},
    )
    prompt = texts.review_prompt(invitation.product_name, invitation.own_text, REVIEW_MAX_LENGTH)
    await show(update, prompt, review_prompt_keyboard(data.product_id, origin))
    return None


@on_button(CancelReview)
async def cancel_review(update: Update, context: ShopContext, data: CancelReview) -> str | None:
    found = await usecase.stop_reviewing(
        context.db, sender=sender_of(update), product_id=data.product_id, per_page=PER_PAGE
    )
    await _show(update, found, data.product_id, origin_of(data))
    return None


@on_step(FLOW)
async def review_text(update: Update, context: ShopContext, step: Step, text: str) -> None:
    """The text is the review; a refused one is asked for again, the step kept."""
    product_id, origin = _target(step)
    try:
        found = await usecase.save_review(
            context.db,
            sender=sender_of(update),
            product_id=product_id,
            text=text,
            per_page=PER_PAGE,
        )
    except InvalidInput as error:
        await send(update, texts.review_try_again(error_text(error)))
        return
    await _show(update, found, product_id, origin, notice=texts.REVIEW_SAVED)


async def show_reviews(
    update: Update, context: ShopContext, product_id: int, origin: Origin, *, page: int = 1
) -> None:
    found = await usecase.product_reviews(
        context.db, sender=sender_of(update), product_id=product_id, page=page, per_page=PER_PAGE
    )
    await _show(update, found, product_id, origin)


async def _show(
    update: Update,
    found: ProductReviews,
    product_id: int,
    origin: Origin,
    *,
    notice: str | None = None,
) -> None:
    listing = found.reviews
    entries = [
        texts.review_entry(
            r.author_name, r.rating, r.text, long_date(r.created_at), edited=r.edited
        )
        for r in listing.items
    ]
    rating = texts.rating_line(found.ratings.average, found.ratings.count, listing.total)
    text = texts.reviews_screen(found.product_name, rating, entries, notice=notice)
    keyboard = reviews_keyboard(listing, product_id, origin, has_own_review=found.has_own_review)
    await show(update, text, keyboard)


def _target(step: Step) -> tuple[int, Origin]:
    """The product and origin the flow was started for; bad data finds no product."""
    data = step.data

    def number(key: str, default: int) -> int:
        value = data.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    via = data.get("via")
    origin = Origin(via if isinstance(via, str) else VIA_NONE, number("ref", 0), number("at", 1))
    return number("product_id", 0), origin
