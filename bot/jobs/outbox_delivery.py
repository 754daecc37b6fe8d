"""Delivers the outbox: the Telegram side of notifications that are never lost or doubled."""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.db import Database
from bot.keyboards.catalog import Origin, open_card
from bot.keyboards.checkout import StartCheckout
from bot.keyboards.profile import Reminders
from bot.languages import SOURCE
from bot.metrics import OutboxBacklog
from bot.models import utcnow
from bot.services import notifications, outbox
from bot.services import user as users
from bot.services.errors import NotFound
from bot.services.outbox import ATTACHMENT, Delivery
from bot.texts.i18n import negotiate
from bot.texts.notices import (
    CHECKOUT_ACTION,
    PRODUCT_ACTION,
    REMINDERS_ACTION,
    Buttons,
    NoticeError,
    render_notice,
)

log = logging.getLogger(__name__)

DELIVERY_INTERVAL_S = 1.0
BATCH = 20
ADMIN_NOTICES = "admin."


def keyboard(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[_button(button) for button in row] for row in buttons])


def _button(button: dict[str, Any]) -> InlineKeyboardButton:
    """A button opening a product's card is the card's own button, one under a reminder is
    the profile's reminders switch, and a checkout button the cart's: made here, at the edge."""
    if PRODUCT_ACTION in button:
        card = open_card(button[PRODUCT_ACTION], Origin())
        return InlineKeyboardButton(button["text"], callback_data=card.pack())
    if REMINDERS_ACTION in button:
        return InlineKeyboardButton(button["text"], callback_data=Reminders(0).pack())
    if CHECKOUT_ACTION in button:
        return InlineKeyboardButton(button["text"], callback_data=StartCheckout().pack())
    return InlineKeyboardButton(**button)


async def deliver_due(
    bot: Bot,
    database: Database,
    *,
    admin_chat_ids: Sequence[int] = (),
    default_language: str = SOURCE,
    limit: int = BATCH,
) -> int:
    """Send what is due; returns how many were sent. Safe to run on several instances.

    Each message succeeds or fails alone: whatever one raises, the rest of the round goes on,
    and a message that gives up (its attempts used up, or no retry can help) is told to the
    admins once."""
    async with database.transaction() as session:
        exhausted = await outbox.fail_exhausted(session, limit=limit)
        await _tell_admins(session, exhausted, admin_chat_ids)
        due = await outbox.claim_due(session, limit=limit)
    sent = 0
    for delivery in due:
        try:
            sent += await _deliver(bot, database, delivery, admin_chat_ids, default_language)
        except Exception as error:  # a bug or an outage: this message only, retried with backoff
            log.exception("outbox message %s failed unexpectedly", delivery.id)
            await _retry_quietly(database, delivery, repr(error), admin_chat_ids)
    return sent


async def backlog(database: Database) -> OutboxBacklog:
    """What waits to be sent, by every instance, for the metrics."""
    async with database.reading() as session:
        found = await outbox.backlog(session)
    age = (utcnow() - found.oldest).total_seconds() if found.oldest is not None else 0.0
    return OutboxBacklog(found.pending, max(age, 0.0))


class Failure(enum.Enum):
    """Why Telegram refused a message, which decides what to do about it."""

    BLOCKED = "blocked"  # 403: the customer blocked the bot (or deleted their account)
    FLOOD = "flood"  # 429: not sent; Telegram says when to try again
    REFUSED = "refused"  # 400: e.g. a chat that doesn't exist won't start existing
    TRANSIENT = "transient"  # network trouble, 5xx: it may or may not have arrived


def failure(error: TelegramError) -> Failure:
    if isinstance(error, Forbidden):
        return Failure.BLOCKED
    if isinstance(error, RetryAfter):
        return Failure.FLOOD
    if isinstance(error, BadRequest):
        return Failure.REFUSED
    return Failure.TRANSIENT


def retry_after(error: TelegramError) -> timedelta | None:
    """How long flood control asks us to wait, for a RetryAfter."""
    if not isinstance(error, RetryAfter):
        return None
    value: Any = error.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


async def _deliver(
    bot: Bot,
    database: Database,
    delivery: Delivery,
    admin_chat_ids: Sequence[int],
    default_language: str,
) -> int:
    notice = delivery.notice
    language = negotiate(
        chosen=delivery.language, telegram=delivery.app_language, default=default_language
    )
    try:
        text, buttons = render_notice(
            notice.message_key, notice.params, notice.buttons, language=language
        )
    except NoticeError as error:
        await _give_up(database, delivery, str(error), admin_chat_ids)
        return 0
    try:
        await _send(bot, delivery, text, keyboard(buttons))
    except TelegramError as error:
        match failure(error):
            case Failure.BLOCKED:
                await _skip_blocked(database, delivery, error.message)
            case Failure.FLOOD:
                flood = f"flood control: {error}"
                await _retry(database, delivery, flood, retry_after(error), admin_chat_ids)
            case Failure.REFUSED:
                log.warning("outbox message %s refused: %s", delivery.id, error.message)
                async with database.transaction() as session:
                    await outbox.mark_skipped(session, message_id=delivery.id, reason=error.message)
            case Failure.TRANSIENT:  # try again later: at least once (see the README)
                await _retry(database, delivery, str(error), None, admin_chat_ids)
        return 0
    async with database.transaction() as session:
        await outbox.mark_sent(session, message_id=delivery.id)
    return 1


async def _send(
    bot: Bot, delivery: Delivery, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """A notice with an ATTACHMENT (a digital product's file) is that file, the text its
    caption; any other is a text message."""
    attachment = delivery.notice.params.get(ATTACHMENT)
    if not isinstance(attachment, dict):
        await bot.send_message(
            delivery.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
        )
        return
    file_id, kind = str(attachment.get("file_id")), attachment.get("type")
    if kind == "photo":
        await bot.send_photo(
            delivery.chat_id, file_id, caption=text, parse_mode=ParseMode.HTML, reply_markup=markup
        )
    else:
        await bot.send_document(
            delivery.chat_id, file_id, caption=text, parse_mode=ParseMode.HTML, reply_markup=markup
        )


async def _give_up(
    database: Database, delivery: Delivery, error: str, admin_chat_ids: Sequence[int]
) -> None:
    """A row that cannot be put into words fails alone: no retry would change it. The error
    quotes the notice's parameters (a customer's name, an address), so it is kept on the row
    and told to the admins, but not logged."""
    log.error("outbox message %s (%s) cannot be rendered", delivery.id, delivery.notice.message_key)
    async with database.transaction() as session:
        gave_up = await outbox.give_up(session, message_id=delivery.id, error=error)
        await _tell_admins(session, [gave_up], admin_chat_ids)


async def _skip_blocked(database: Database, delivery: Delivery, reason: str) -> None:
    async with database.transaction() as session:
        await outbox.mark_skipped(session, message_id=delivery.id, reason=reason)
        try:
            user = await users.get_by_telegram_id(session, delivery.chat_id)
        except NotFound:
            return
        await users.set_blocked(session, user_id=user.id, blocked=True)


async def _retry(
    database: Database,
    delivery: Delivery,
    error: str,
    retry_after: timedelta | None,
    admin_chat_ids: Sequence[int],
) -> None:
    log.info("outbox message %s will be retried: %s", delivery.id, error)
    async with database.transaction() as session:
        gave_up = await outbox.mark_failed(
            session, message_id=delivery.id, error=error, retry_after=retry_after
        )
        await _tell_admins(session, [gave_up] if gave_up else [], admin_chat_ids)


async def _retry_quietly(
    database: Database, delivery: Delivery, error: str, admin_chat_ids: Sequence[int]
) -> None:
    """If even that fails (the database is down), the lease runs out and it is tried again."""
    try:
        await _retry(database, delivery, error, None, admin_chat_ids)
    except Exception:
        log.exception("outbox message %s: the failure could not be recorded", delivery.id)


async def _tell_admins(
    session: AsyncSession, gave_up: Sequence[outbox.GaveUp], admin_chat_ids: Sequence[int]
) -> None:
    """Alerts that fail themselves are not alerted about: that could go on forever."""
    for message in gave_up:
        log.error("outbox message %s (%s) given up", message.id, message.message_key)
        if not message.message_key.startswith(ADMIN_NOTICES):
            await notifications.alert_undelivered(
                session,
                message_id=message.id,
                chat_id=message.chat_id,
                message_key=message.message_key,
                error=message.error,
                admin_chat_ids=admin_chat_ids,
            )
