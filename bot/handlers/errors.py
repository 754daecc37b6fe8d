"""The last line: log what broke with the update's context, tell the customer politely."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot import texts
from bot.botapi.concurrency import handling_failed
from bot.handlers.context import ShopContext

log = logging.getLogger(__name__)


def describe(update: object) -> str:
    """What the update was, never what the person wrote: a message may hold an address or a
    phone number, so only its kind and length are logged (a command by its name alone)."""
    if not isinstance(update, Update):
        return type(update).__name__
    user = update.effective_user
    return f"update {update.update_id} from user {user.id if user else '?'}: {_kind(update)}"


def _kind(update: Update) -> str:
    if update.callback_query is not None:
        prefix = (update.callback_query.data or "").split(":", 1)[0]
        return f"button {prefix!r}"  # the kind of button, not the ids it carries
    message = update.effective_message
    if message is None:
        return "update"
    text = message.text or message.caption
    if text is None:
        return "message without text"
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0].split("@", 1)[0]
        if command[1:].isascii() and command[1:].replace("_", "").isalnum():
            return f"command {command} ({len(text)} characters)"
    return f"text of {len(text)} characters"


async def on_error(update: object, context: ShopContext) -> None:
    log.error("failed to handle %s", describe(update), exc_info=context.error)
    handling_failed()
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.SOMETHING_WENT_WRONG, show_alert=True)
        elif update.effective_chat is not None:
            await update.effective_chat.send_message(texts.SOMETHING_WENT_WRONG)
    except TelegramError:
        log.warning("could not tell the customer about the failure", exc_info=True)


async def ask_to_slow_down(update: Update) -> None:
    """Said once when a chat's updates start being dropped for flooding."""
    if update.callback_query is not None:
        await update.callback_query.answer(texts.SLOW_DOWN, show_alert=True)
    elif update.effective_chat is not None:
        await update.effective_chat.send_message(texts.SLOW_DOWN)
