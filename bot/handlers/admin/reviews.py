"""/reviews (the latest reviews of every product) and /delreview (moderation)."""

from __future__ import annotations

from telegram import Update

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.render import send, show
from bot.handlers.router import on_admin_button, on_admin_command
from bot.keyboards.admin_reviews import AdminReviewsPage, admin_reviews_keyboard
from bot.services import review
from bot.texts import admin as admin_texts

PER_PAGE = 5


@on_admin_command(
    "reviews", usage="/reviews", summary="the latest reviews, newest first", section="Reviews"
)
async def latest_reviews(update: Update, context: ShopContext) -> None:
    Args("reviews", context.args).at_most(0)
    await _show_page(update, context, 1)


@on_admin_button(AdminReviewsPage)
async def turn_page(update: Update, context: ShopContext, data: AdminReviewsPage) -> str | None:
    await _show_page(update, context, data.page)
    return None


@on_admin_command(
    "delreview",
    usage="/delreview <review id>",
    summary="remove a review (its author is not told)",
    section="Reviews",
)
async def delete_review(update: Update, context: ShopContext) -> None:
    review_id = Args("delreview", context.args).at_most(1).integer(0, minimum=1)
    assert update.effective_user is not None
    async with context.db.transaction() as session:
        removed = await review.delete_review(
            session, review_id=review_id, by=update.effective_user.id
        )
    await send(update, admin_texts.review_removed(removed))


async def _show_page(update: Update, context: ShopContext, page: int) -> None:
    async with context.db.reading() as session:
        listing = await review.latest_reviews(session, page=max(page, 1), per_page=PER_PAGE)
        if listing.page > listing.pages:  # reviews were removed since the button was made
            listing = await review.latest_reviews(session, page=listing.pages, per_page=PER_PAGE)
    await show(update, admin_texts.reviews_page(listing), admin_reviews_keyboard(listing))
