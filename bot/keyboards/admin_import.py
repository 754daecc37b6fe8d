"""The buttons under an /import preview: Apply, Apply with the conflicts too, Cancel."""

from __future__ import annotations

import dataclasses

from telegram import InlineKeyboardMarkup

from bot.keyboards.callbacks import Callback, register
from bot.keyboards.menu import button
from bot.services.catalog_csv import ImportResult
from bot.texts import admin as admin_texts

APPLY, FORCE, CANCEL = "apply", "force", "cancel"


@register("aimp")
@dataclasses.dataclass(frozen=True, slots=True)
class ImportDecision(Callback):
    choice: str  # APPLY, FORCE (conflicts too) or CANCEL
    preview: int  # the message that brought the file, so an older preview can't apply a newer


def preview_keyboard(result: ImportResult, preview: int) -> InlineKeyboardMarkup:
    rows = [[button(admin_texts.IMPORT_APPLY, ImportDecision(APPLY, preview))]]
    if result.conflicts:
        rows.append([button(admin_texts.IMPORT_FORCE, ImportDecision(FORCE, preview))])
    rows.append([button(admin_texts.CANCEL, ImportDecision(CANCEL, preview))])
    return InlineKeyboardMarkup(rows)
