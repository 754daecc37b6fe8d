"""/payments: saved cards, each with a remove button that asks first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.keyboards.callbacks import Callback, register
from bot.keyboards.menu import back_to_menu, button


@register("wl")
@dataclass(frozen=True, slots=True)
class SavedCards(Callback):
    pass


@register("wr")
@dataclass(frozen=True, slots=True)
class RemoveCard(Callback):
    """Asks first; only ConfirmRemoveCard changes anything."""

    card_id: int


@register("wy")
@dataclass(frozen=True, slots=True)
class ConfirmRemoveCard(Callback):
    card_id: int


def cards_keyboard(cards: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    """`cards`: (saved card id, label) in the order the list shows them."""
    rows = [
        [button(texts.remove_card_button(label), RemoveCard(card_id))] for card_id, label in cards
    ]
    return InlineKeyboardMarkup([*rows, back_to_menu()])


def remove_card_keyboard(card_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(texts.CARD_REMOVE_YES, ConfirmRemoveCard(card_id))],
            [button(texts.CARD_KEEP, SavedCards())],
        ]
    )
