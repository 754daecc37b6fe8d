"""Inline mode: `@shop_bot hoodie` in any chat offers the matching products to post there."""

from __future__ import annotations

from telegram import Update

from bot.handlers.context import ShopContext
from bot.keyboards.inline import PER_PAGE, inline_result
from bot.usecases import inline
from bot.usecases.inline import CACHE_SECONDS


async def answer_inline_query(update: Update, context: ShopContext) -> None:
    """One page of products for what was typed; scrolling on asks for the next."""
    query = update.inline_query
    if query is None:
        return
    found = await inline.offers(
        context.db,
        catalog=context.catalog,
        cache=context.bot_data.inline_offers,
        text=query.query,
        offset=query.offset,
        per_page=PER_PAGE,
    )
    await query.answer(
        [inline_result(offer, context.bot.username) for offer in found.products],
        cache_time=CACHE_SECONDS,
        is_personal=True,  # names and prices are in the asker's language
        next_offset=found.next_offset,
    )
