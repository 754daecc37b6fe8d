"""Inline mode's results: each product as a result to post into a chat, with a button that
opens it in the bot."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResult,
    InlineQueryResultArticle,
    InlineQueryResultCachedPhoto,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from bot import texts
from bot.services import product_photo
from bot.services.product import ProductSummary
from bot.usecases.start import PRODUCT_START

PER_PAGE = 20
SUMMARY_LENGTH = 80  # the results list shows a line or two
CARD_DESCRIPTION_LENGTH = 700  # the card is a photo caption (1024 characters) at most


def product_link(bot_username: str, product_id: int) -> str:
    """The deep link that opens the product's card in the bot (as the card's Share does)."""
    return f"https://t.me/{bot_username}?start={PRODUCT_START}{product_id}"


def inline_result(offer: ProductSummary, bot_username: str) -> InlineQueryResult:
    """A product with a photo Telegram has (a file id) is a photo result, the photo its
    thumbnail; any other is an article, with its photo URL as thumbnail if it has one."""
    price = texts.money(offer.price, offer.currency)
    card = texts.inline_card(
        name=offer.name,
        price=price,
        description=_shortened(offer.description, CARD_DESCRIPTION_LENGTH),
    )
    summary = texts.inline_summary(
        price=price, description=_shortened(offer.description, SUMMARY_LENGTH)
    )
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.OPEN_IN_SHOP, url=product_link(bot_username, offer.id))]]
    )
    sendable = product_photo.parse(offer.photo).file_id if offer.photo else None
    if sendable and not sendable.startswith(("http://", "https://")):
        return InlineQueryResultCachedPhoto(
            id=str(offer.id),
            photo_file_id=sendable,
            title=offer.name,
            description=summary,
            caption=card,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )
    return InlineQueryResultArticle(
        id=str(offer.id),
        title=offer.name,
        description=summary,
        input_message_content=InputTextMessageContent(card, parse_mode=ParseMode.HTML),
        reply_markup=keyboard,
        thumbnail_url=sendable,
    )


def _shortened(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
