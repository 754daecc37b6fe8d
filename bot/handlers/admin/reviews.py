"""/reviews (the latest reviews of every product) and /delreview (moderation)."""

from __future__ import annotations

from telegram import Update

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.render import send, show
from bot.handlers.router import on_admin_button, on_admin_command
from bot.keyboards.admin_reviews import AdminReviewsPage, admin_reviews_keyboard
from bot.texts import admin as admin_texts
from bot.usecases import admin_reviews


@on_admin_command("reviews")
async def latest_reviews(update: Update, context: ShopContext) -> None:
    Args("reviews", context.args).at_most(0)
    await _show_page(update, context, 1)


@on_admin_button(AdminReviewsPage)
async def turn_page(update: Update, context: ShopContext, data: AdminReviewsPage) -> str | None:
    await _show_page(update, context, data.page)
    return None


@on_admin_command("delreview")
async def delete_review(update: Update, context: ShopContext) -> None:
    review_id = Args("delreview", context.args).at_most(1).integer(0, minimum=1)
    assert update.effective_user is not None
    removed = await admin_reviews.delete_review(
        context.db, review_id=review_id, admin_telegram_id=update.effective_user.id
    )
    await send(update, admin_texts.review_removed(removed))


async def _show_page(update: Update, context: ShopContext, page: int) -> None:
    listing = await admin_reviews.latest_reviews(context.db, page=page)
    await show(update, admin_texts.reviews_page(listing), admin_reviews_keyboard(listing))
