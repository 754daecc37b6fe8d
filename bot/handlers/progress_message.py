"""One message that follows a long job, edited no more often than Telegram tolerates."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram import Chat, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

log = logging.getLogger(__name__)

# Telegram answers bursts of edits to one chat with flood waits: about one a second is safe.
EDIT_INTERVAL_S = 1.0


class ProgressMessage:
    def __init__(
        self,
        message: Message,
        text: str,
        *,
        interval: float = EDIT_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._message = message
        self._text = text
        self._interval = interval
        self._clock = clock
        self._edited_at = clock()
        self._broken = False

    @classmethod
    async def send(cls, chat: Chat, text: str) -> ProgressMessage:
        return cls(await chat.send_message(text, parse_mode=ParseMode.HTML), text)

    async def update(self, text: str, *, now: bool = False) -> None:
        """Show `text` unless the last edit was too recent (`now` skips that wait).

        A failed progress edit is only logged: the job it follows must not fail for it.
        """
        if self._broken or text == self._text:
            return
        if not now and self._clock() - self._edited_at < self._interval:
            return
        try:
            await self._edit(text)
        except TelegramError as error:
            log.warning("progress message %s not edited: %s", self._message.message_id, error)
            self._broken = isinstance(error, BadRequest)

    async def finish(self, text: str, *, keyboard: InlineKeyboardMarkup | None = None) -> None:
        """The final word, always shown (with its buttons): a new message if this one can't be
        edited."""
        if text == self._text and keyboard is None:
            return
        try:
            await self._edit(text, keyboard)
        except BadRequest:
            await self._message.chat.send_message(
                text, parse_mode=ParseMode.HTML, reply_markup=keyboard
            )

    async def _edit(self, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
        await self._message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        self._text = text
        self._edited_at = self._clock()
