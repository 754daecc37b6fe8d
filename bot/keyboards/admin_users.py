"""Paging through the customers in /users."""

from __future__ import annotations

import dataclasses

from telegram import InlineKeyboardMarkup

from bot.keyboards.callbacks import Callback, register
from bot.keyboards.menu import pager
from bot.services.pagination import Page


@register("ausr")
@dataclasses.dataclass(frozen=True, slots=True)
class AdminUsersPage(Callback):
    page: int


def admin_users_keyboard(page: Page[object]) -> InlineKeyboardMarkup | None:
    """◀ 2 / 5 ▶, or nothing when every customer fits on one page."""
    row = pager(page, AdminUsersPage)
    return InlineKeyboardMarkup([row]) if row else None
