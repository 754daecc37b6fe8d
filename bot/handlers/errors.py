"""The last line: log what broke with the update's context, tell the customer politely."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot import texts
from bot.handlers.context import ShopContext

log = logging.getLogger(__name__)


def describe(update: object) -> str:
    if not isinstance(update, Update):
        return repr(update)
    user = update.effective_user
    what = (
        f"button {update.callback_query.data!r}"
        if update.callback_query
        else f"text {update.effective_message.text!r}"
        if update.effective_message and update.effective_message.text
        else "update"
    )
    return f"update {update.update_id} from user {user.id if user else '?'}: {what}"


async def on_error(update: object, context: ShopContext) -> None:
    log.error("failed to handle %s", describe(update), exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.SOMETHING_WENT_WRONG, show_alert=True)
        elif update.effective_chat is not None:
            await update.effective_chat.send_message(texts.SOMETHING_WENT_WRONG)
    except TelegramError:
        log.warning("could not tell the customer about the failure", exc_info=True)
