"""Buttons of the /addproduct conversation: categories, Skip, Save and Cancel.

Each button names the step it belongs to, so a press on an old message from an earlier step
(or an earlier conversation) is refused instead of skipping whatever is being asked now.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboards.callbacks import Callback, register
from bot.keyboards.menu import button
from bot.money import format_amount
from bot.services.inventory import ProductDraft
from bot.services.product import CategorySummary
from bot.texts import admin as admin_texts
from bot.usecases.new_product import CONFIRM, SKIPPABLE, Question

CATEGORIES_PER_ROW = 2
MAX_CATEGORY_BUTTONS = 60  # beyond that the admin types the name


@register("adpc")
@dataclasses.dataclass(frozen=True, slots=True)
class PickCategory(Callback):
    category_id: int


@register("adps")
@dataclasses.dataclass(frozen=True, slots=True)
class SkipStep(Callback):
    step: str


@register("adpv")
@dataclasses.dataclass(frozen=True, slots=True)
class SaveProduct(Callback):
    pass


@register("adpx")
@dataclasses.dataclass(frozen=True, slots=True)
class CancelProduct(Callback):
    pass


@register("agd")
@dataclasses.dataclass(frozen=True, slots=True)
class GalleryDone(Callback):
    """Ends /editproduct <id> photos: the photos sent become the gallery."""


def gallery_done_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(admin_texts.GALLERY_DONE, GalleryDone())]])


def _cancel_row() -> list[InlineKeyboardButton]:
    return [button(admin_texts.CANCEL, CancelProduct())]


def categories_keyboard(categories: Sequence[CategorySummary]) -> InlineKeyboardMarkup:
    buttons = [button(c.name, PickCategory(c.id)) for c in categories[:MAX_CATEGORY_BUTTONS]]
    rows = [buttons[i : i + CATEGORIES_PER_ROW] for i in range(0, len(buttons), CATEGORIES_PER_ROW)]
    return InlineKeyboardMarkup([*rows, _cancel_row()])


def step_keyboard(step: str) -> InlineKeyboardMarkup:
    """Cancel, and Skip for the steps that may be left empty."""
    skip = [button(admin_texts.SKIP, SkipStep(step))] if step in SKIPPABLE else []
    return InlineKeyboardMarkup([skip, _cancel_row()] if skip else [_cancel_row()])


def summary_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(admin_texts.SAVE, SaveProduct())], _cancel_row()])


@dataclasses.dataclass(frozen=True, slots=True)
class Screen:
    """A question of the conversation: its text, buttons and (for the summary) photo."""

    text: str
    keyboard: InlineKeyboardMarkup
    photo: str | None = None


def draft_screen(
    step: str,
    draft: ProductDraft,
    categories: Sequence[CategorySummary] = (),
    notice: str | None = None,
) -> Screen:
    """The question for `step`; `notice` says why the last answer was not taken."""
    if step == CONFIRM:
        text = admin_texts.add_summary(
            category=draft.category,
            name=draft.name,
            price=format_amount(draft.price or 0, draft.currency),
            description=draft.description,
            has_photo=draft.photo is not None,
            sizes=list(draft.sizes),
            sku=draft.sku,
            notice=notice,
        )
        return Screen(text, summary_keyboard(), draft.photo)
    prompt = admin_texts.add_prompt(step, draft.currency, notice)
    if step == "category":
        return Screen(prompt, categories_keyboard(categories))
    return Screen(prompt, step_keyboard(step))


def question_screen(question: Question, notice: str | None) -> Screen:
    """The conversation's next question; `notice` says why the last answer was not taken."""
    return draft_screen(question.step, question.draft, question.categories, notice)
