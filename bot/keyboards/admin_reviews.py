"""Paging through the latest reviews in /reviews."""

from __future__ import annotations

import dataclasses

from telegram import InlineKeyboardMarkup

from bot.keyboards.callbacks import Callback, register
from bot.keyboards.menu import pager
from bot.services.pagination import Page


@register("arev")
@dataclasses.dataclass(frozen=True, slots=True)
class AdminReviewsPage(Callback):
    page: int


def admin_reviews_keyboard(page: Page[object]) -> InlineKeyboardMarkup | None:
    """◀ 2 / 5 ▶, or nothing when everything fits on one page."""
    row = pager(page, AdminReviewsPage)
    return InlineKeyboardMarkup([row]) if row else None
