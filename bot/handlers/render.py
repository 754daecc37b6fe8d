"""Showing screens: edit the message a button was pressed on, or send a new one."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from telegram import Chat, InlineKeyboardMarkup, InputMediaPhoto, Message, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest

log = logging.getLogger(__name__)

# A screen: its text (HTML) and its buttons.
Screen = tuple[str, InlineKeyboardMarkup]


@dataclass(frozen=True, slots=True)
class StoredPicture:
    """A picture in the shop's media directory. Sent by the file id Telegram gave it last time;
    uploaded when there is none or Telegram doesn't know it, and `uploaded` is told the new id
    so the next send needn't upload again."""

    path: Path
    file_id: str | None
    uploaded: Callable[[str], Awaitable[None]]


# A file id or URL Telegram can fetch, or a picture of the shop's own.
Photo = str | StoredPicture


def _is_not_modified(error: BadRequest) -> bool:
    return "not modified" in error.message.lower()


async def show(
    update: Update,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    photo: Photo | None = None,
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
    photo: Photo | None = None,
) -> None:
    if update.effective_chat is not None:
        await _send_to(update.effective_chat, text, keyboard, photo)


async def _replace(
    message: Message, text: str, keyboard: InlineKeyboardMarkup | None, photo: Photo | None
) -> bool:
    try:
        if photo and message.photo:
            await _edit_photo(message, text, keyboard, photo)
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


async def _edit_photo(
    message: Message, text: str, keyboard: InlineKeyboardMarkup | None, photo: Photo
) -> None:
    """The first of the photo's forms Telegram takes; the last one's refusal is raised."""
    candidates = list(_candidates(photo))
    if not candidates:  # a picture of our own that has gone: the card as text, then
        await _delete_quietly(message)
        await _send_to(message.chat, text, keyboard, None)
        return
    for number, (media, filename) in enumerate(candidates, start=1):
        input_media = InputMediaPhoto(
            media, caption=_caption(text), parse_mode=ParseMode.HTML, filename=filename
        )
        try:
            edited = await message.edit_media(input_media, reply_markup=keyboard)
        except BadRequest as error:
            if _is_not_modified(error) or number == len(candidates):
                raise
            log.warning("photo %r could not be shown: %s", _described(media), error.message)
            continue
        if isinstance(edited, Message):
            await _remember_upload(photo, media, edited)
        return


async def _send_to(
    chat: Chat, text: str, keyboard: InlineKeyboardMarkup | None, photo: Photo | None
) -> None:
    for media, filename in _candidates(photo) if photo else ():
        try:
            sent = await chat.send_photo(
                media,
                caption=_caption(text),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
                filename=filename,
            )
        except BadRequest as error:  # a stale file id or a broken URL must not hide the product
            log.warning("photo %r could not be sent: %s", _described(media), error.message)
            continue
        await _remember_upload(photo, media, sent)
        return
    await chat.send_message(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)


def _candidates(photo: Photo) -> Iterator[tuple[str | bytes, str | None]]:
    """What to try, in order: the file id, then (for a picture of our own) its bytes. A string
    naming a file on this server is never tried: python-telegram-bot would upload that file."""
    if isinstance(photo, str):
        if _names_a_local_file(photo):
            log.warning("photo %r names a file on the server; not sent", photo)
            return
        yield photo, None
        return
    if photo.file_id:
        yield photo.file_id, None
    try:
        content = photo.path.read_bytes()
    except OSError as error:
        log.warning("picture %s can't be read: %s", photo.path, error)
        return
    yield content, photo.path.name


def _names_a_local_file(photo: str) -> bool:
    if photo.startswith(("http://", "https://")):
        return False
    try:
        return Path(photo).exists()
    except (OSError, ValueError):
        return True


async def _remember_upload(photo: Photo | None, media: str | bytes, sent: Message) -> None:
    if isinstance(photo, StoredPicture) and isinstance(media, bytes) and sent.photo:
        await photo.uploaded(sent.photo[-1].file_id)


def _described(media: str | bytes) -> str:
    return media if isinstance(media, str) else f"<{len(media)} bytes>"


async def _delete_quietly(message: Message) -> None:
    try:
        await message.delete()
    except BadRequest:
        log.info("message %s was already gone", message.message_id)


def _caption(text: str) -> str:
    limit = MessageLimit.CAPTION_LENGTH
    return text if len(text) <= limit else text[: limit - 1] + "…"
