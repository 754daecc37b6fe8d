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


def preview_keyboard(result: ImportResult) -> InlineKeyboardMarkup:
    rows = [[button(admin_texts.IMPORT_APPLY, ImportDecision(APPLY))]]
    if result.conflicts:
        rows.append([button(admin_texts.IMPORT_FORCE, ImportDecision(FORCE))])
    rows.append([button(admin_texts.CANCEL, ImportDecision(CANCEL))])
    return InlineKeyboardMarkup(rows)
