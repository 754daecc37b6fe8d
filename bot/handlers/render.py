"""Showing screens: edit the message a button was pressed on, or send a new one."""

from __future__ import annotations

import logging

from telegram import Chat, InlineKeyboardMarkup, InputMediaPhoto, Message, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest

log = logging.getLogger(__name__)

# A screen: its text (HTML) and its buttons.
Screen = tuple[str, InlineKeyboardMarkup]


def _is_not_modified(error: BadRequest) -> bool:
    return "not modified" in error.message.lower()


async def show(
    update: Update,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    photo: str | None = None,
) -> bool:
    """Navigation edits in place so the chat doesn't fill up with old menus. False when the
    screen was already showing exactly this: the caller may want to say so."""
    query = update.callback_query
    message = query.message if query else None
    if isinstance(message, Message):
        return await _replace(message, text, keyboard, photo)
    await send(update, text, keyboard, photo=photo)
    return True


async def send(
    update: Update,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    photo: str | None = None,
) -> None:
    if update.effective_chat is not None:
        await _send_to(update.effective_chat, text, keyboard, photo)


async def _replace(
    message: Message, text: str, keyboard: InlineKeyboardMarkup | None, photo: str | None
) -> bool:
    try:
        if photo and message.photo:
            media = InputMediaPhoto(photo, caption=_caption(text), parse_mode=ParseMode.HTML)
            await message.edit_media(media, reply_markup=keyboard)
        elif not photo and message.text is not None:
            await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        else:
            # Telegram can't turn a text message into a photo or back: replace the message.
            await _delete_quietly(message)
            await _send_to(message.chat, text, keyboard, photo)
    except BadRequest as error:
        if not _is_not_modified(error):
            raise
        return False
    return True


async def _send_to(
    chat: Chat, text: str, keyboard: InlineKeyboardMarkup | None, photo: str | None
) -> None:
    if photo:
        try:
            await chat.send_photo(
                photo, caption=_caption(text), parse_mode=ParseMode.HTML, reply_markup=keyboard
            )
            return
        except BadRequest as error:  # a stale file id or a broken URL must not hide the product
            log.warning("photo %r could not be sent: %s", photo, error.message)
    await chat.send_message(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)


async def _delete_quietly(message: Message) -> None:
    try:
        await message.delete()
    except BadRequest:
        log.info("message %s was already gone", message.message_id)


def _caption(text: str) -> str:
    limit = MessageLimit.CAPTION_LENGTH
    return text if len(text) <= limit else text[: limit - 1] + "…"
