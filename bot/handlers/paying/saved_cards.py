"""/payments: the cards a customer saved with the payment provider, and removing them."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.render import show
from bot.handlers.router import on_button, on_command
from bot.keyboards.menu import back_to_menu
from bot.keyboards.saved_cards import (
    ConfirmRemoveCard,
    RemoveCard,
    SavedCards,
    cards_keyboard,
    remove_card_keyboard,
)
from bot.models import PaymentDetails, utcnow
from bot.services.errors import NotFound
from bot.usecases.saved_cards import find_saved_card, list_saved_cards, remove_saved_card


def _label(card: PaymentDetails) -> str:
    return texts.card_label(card.brand, card.last4, card.exp_month, card.exp_year)


def _expired(card: PaymentDetails) -> bool:
    """A card is valid to the end of its expiry month."""
    today = utcnow()
    return (card.exp_year, card.exp_month) < (today.year, today.month)


def _cards_screen(cards: Sequence[PaymentDetails]) -> tuple[str, InlineKeyboardMarkup]:
    if not cards:
        return texts.CARDS_EMPTY, InlineKeyboardMarkup([back_to_menu()])
    text = texts.saved_cards([(_label(card), _expired(card)) for card in cards])
    return text, cards_keyboard([(card.id, _label(card)) for card in cards])


async def _show_cards(update: Update, context: ShopContext) -> None:
    cards = await list_saved_cards(context.db, sender=sender_of(update))
    await show(update, *_cards_screen(cards))


@on_command("payments")
async def open_cards(update: Update, context: ShopContext) -> None:
    await _show_cards(update, context)


@on_button(SavedCards)
async def cards(update: Update, context: ShopContext, data: SavedCards) -> str | None:
    await _show_cards(update, context)
    return None


@on_button(RemoveCard)
async def ask_to_remove(update: Update, context: ShopContext, data: RemoveCard) -> str | None:
    card = await find_saved_card(context.db, sender=sender_of(update), card_id=data.card_id)
    if card is None:  # removed meanwhile, or not this customer's
        raise NotFound("card.not_found")
    await show(update, texts.remove_card_question(_label(card)), remove_card_keyboard(card.id))
    return None


@on_button(ConfirmRemoveCard)
async def remove(update: Update, context: ShopContext, data: ConfirmRemoveCard) -> str | None:
    """Detached at Stripe first; when Stripe fails, an alert says so and the card stays."""
    gateway = context.bot_data.stripe_gateway
    await remove_saved_card(context.db, gateway, sender=sender_of(update), card_id=data.card_id)
    await _show_cards(update, context)
    return texts.CARD_REMOVED
