"""Sends broadcasts: the Telegram side of bot.services.broadcast, paced under the flood limit.

One background job works through the running broadcasts a small batch at a time, at
BROADCAST_MESSAGES_PER_SECOND, and edits the admin's progress message every few seconds. Every
recipient is claimed (and that committed) before their message goes out, so a restart resumes
where the last batch ended without sending anybody the message twice.
"""

from __future__ import annotations

import logging
import time

from aiolimiter import AsyncLimiter
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import texts
from bot.db import Database
from bot.jobs.outbox_delivery import Failure, failure, retry_after
from bot.keyboards.profile import Announcements
from bot.languages import SOURCE
from bot.models import RecipientStatus
from bot.services import broadcast as broadcasts
from bot.services import user as users
from bot.services.broadcast import Outgoing, Progress, Recipient
from bot.texts import admin as admin_texts
from bot.texts.i18n import negotiate, using_language

log = logging.getLogger(__name__)


def _stop_button(language: str) -> InlineKeyboardMarkup:
    """Under every announcement, in its reader's language: one tap and no more of them."""
    with using_language(language):
        label = texts.STOP_ANNOUNCEMENTS
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=Announcements(0).pack())]]
    )


BATCH = 10
PROGRESS_INTERVAL_S = 2.0
# When flood control gives no retry_after (it always should), wait this long.
DEFAULT_PAUSE_S = 1.0


class Broadcaster:
    """Sends every running broadcast, a batch per round; safe on several instances at once.

    bot.jobs.background runs the rounds: at once again while `more_to_send`, otherwise every second.
    """

    def __init__(
        self,
        bot: Bot,
        database: Database,
        *,
        messages_per_second: float,
        default_language: str = SOURCE,
        batch: int = BATCH,
        progress_interval_s: float = PROGRESS_INTERVAL_S,
    ) -> None:
        self._bot = bot
        self._database = database
        self._default_language = default_language
        self._batch = batch
        # One message per 1/rate seconds, evenly: no burst at the start of each second.
        self._pace = AsyncLimiter(1, 1 / messages_per_second)
        self._progress_interval_s = progress_interval_s
        self._last_progress: dict[int, float] = {}
        self._paused_until = 0.0
        self._settled = False
        self._stopping = False
        self.more_to_send = False

    def resume(self) -> None:
        self._stopping = False

    def interrupt(self) -> None:
        """The round in progress stops after the message being sent and hands the rest of its
        batch back, for whichever instance runs next."""
        self._stopping = True

    async def round(self) -> int:
        """One batch of the oldest broadcast with work left; returns how many were sent.

        The first round settles what an earlier crash left half-done.
        """
        self.more_to_send = False
        if not self._settled:
            await self._settle_interrupted()
        if time.monotonic() < self._paused_until:
            return 0
        async with self._database.reading() as session:
            running = await broadcasts.running(session)
        for broadcast in running:
            async with self._database.transaction() as session:
                claimed = await broadcasts.claim(
                    session, broadcast_id=broadcast.id, limit=self._batch
                )
            if claimed:
                sent = await self._send_batch(broadcast, claimed)
                await self._report_progress(broadcast)
                self.more_to_send = not self._stopping and time.monotonic() >= self._paused_until
                return sent
            await self._finish_if_done(broadcast)
        return 0

    async def _settle_interrupted(self) -> None:
        async with self._database.transaction() as session:
            settled = await broadcasts.settle_interrupted(session)
        if settled:
            log.warning(
                "%d broadcast message(s) were being sent when the bot stopped; whether they "
                "arrived is unknown, so they count as failed and are not sent again",
                settled,
            )
        self._settled = True

    async def _send_batch(self, broadcast: Outgoing, claimed: list[Recipient]) -> int:
        """Outcomes are written once per batch: a crash mid-batch can only make a few
        messages that did arrive count as failed, never send one twice."""
        outcomes: dict[int, RecipientStatus] = {}
        unsent: list[Recipient] = []
        for index, recipient in enumerate(claimed):
            if self._stopping:
                unsent = claimed[index:]
                break
            await self._pace.acquire()
            outcome = await self._send(broadcast, recipient)
            if outcome is None:  # flood control: nothing was sent, so it can be sent later
                unsent = claimed[index:]
                break
            outcomes[recipient.user_id] = outcome
        async with self._database.transaction() as session:
            await broadcasts.record_outcomes(session, broadcast_id=broadcast.id, outcomes=outcomes)
            if unsent:
                await broadcasts.release(
                    session, broadcast_id=broadcast.id, user_ids=[r.user_id for r in unsent]
                )
        return sum(outcome is RecipientStatus.SENT for outcome in outcomes.values())

    async def _send(self, broadcast: Outgoing, recipient: Recipient) -> RecipientStatus | None:
        """The outcome, or None when Telegram asked us to slow down and nothing was sent."""
        language = negotiate(
            chosen=recipient.language,
            telegram=recipient.app_language,
            default=self._default_language,
        )
        try:
            if broadcast.source_chat_id is not None and broadcast.source_message_id is not None:
                await self._bot.copy_message(
                    recipient.chat_id,
                    broadcast.source_chat_id,
                    broadcast.source_message_id,
                    reply_markup=_stop_button(language),
                )
            else:
                await self._bot.send_message(
                    recipient.chat_id,
                    broadcast.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=_stop_button(language),
                )
        except TelegramError as error:
            kind = failure(error)
            if kind is Failure.FLOOD:
                wait = retry_after(error)
                seconds = wait.total_seconds() if wait else DEFAULT_PAUSE_S
                log.info("broadcast %s paused %.1f s by flood control", broadcast.id, seconds)
                self._paused_until = time.monotonic() + seconds
                return None
            if kind is Failure.BLOCKED:
                return RecipientStatus.BLOCKED
            # Refused (it never will go), or lost on the way (it may have arrived): either way
            # it is not sent again.
            log.warning("broadcast %s to %s failed: %s", broadcast.id, recipient.chat_id, error)
            return RecipientStatus.FAILED
        return RecipientStatus.SENT

    async def _admin_language(self, session: AsyncSession, broadcast: Outgoing) -> str:
        """The language of the admin who follows the broadcast in their chat."""
        chat = broadcast.progress_chat_id
        chosen, app = (await users.languages_of(session, [chat])).get(chat, (None, None))
        return negotiate(chosen=chosen, telegram=app, default=self._default_language)

    async def _report_progress(self, broadcast: Outgoing) -> None:
        """At most every few seconds: one edit of the admin's progress message."""
        now = time.monotonic()
        if broadcast.progress_message_id is None:
            return
        if now - self._last_progress.get(broadcast.id, 0.0) < self._progress_interval_s:
            return
        self._last_progress[broadcast.id] = now
        async with self._database.reading() as session:
            counts = await broadcasts.progress(session, broadcast_id=broadcast.id)
            language = await self._admin_language(session, broadcast)
        if not counts.pending and not counts.sending:
            return  # the summary comes next; another instance may be showing it already
        with using_language(language):
            text = admin_texts.broadcast_progress(broadcast.id, counts)
        try:
            await self._bot.edit_message_text(
                text,
                chat_id=broadcast.progress_chat_id,
                message_id=broadcast.progress_message_id,
                parse_mode=ParseMode.HTML,
            )
        except TelegramError as error:  # "not modified", or the admin deleted it
            log.debug("broadcast %s progress not shown: %s", broadcast.id, error)

    async def _finish_if_done(self, broadcast: Outgoing) -> None:
        async with self._database.transaction() as session:
            final = await broadcasts.finish(session, broadcast_id=broadcast.id)
        if final is None:
            return
        self._last_progress.pop(broadcast.id, None)
        log.info("broadcast %s finished: %s", broadcast.id, final)
        await self._show_summary(broadcast, final)

    async def _show_summary(self, broadcast: Outgoing, final: Progress) -> None:
        """In the progress message; in a new one if the admin deleted that."""
        async with self._database.reading() as session:
            language = await self._admin_language(session, broadcast)
        with using_language(language):
            text = admin_texts.broadcast_finished(broadcast.id, final)
        try:
            if broadcast.progress_message_id is not None:
                await self._bot.edit_message_text(
                    text,
                    chat_id=broadcast.progress_chat_id,
                    message_id=broadcast.progress_message_id,
                    parse_mode=ParseMode.HTML,
                )
                return
        except TelegramError as error:
            log.info("broadcast %s summary sent anew: %s", broadcast.id, error)
        try:
            await self._bot.send_message(
                broadcast.progress_chat_id, text, parse_mode=ParseMode.HTML
            )
        except TelegramError:
            log.warning("broadcast %s summary could not be shown", broadcast.id, exc_info=True)
