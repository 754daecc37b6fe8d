"""Queue notifications with the change they announce; hand them out for delivery.

Delivery leases a message before sending it, so two bot instances never send the same row at
once, and a sender that dies mid-way only delays the message until the lease runs out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Executable, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import dialect_insert
from bot.models.base import utcnow
from bot.models.outbox import OutboxMessage, OutboxStatus
from bot.services import user as users

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=2)
LONGEST_RETRY = timedelta(minutes=10)

# [[{"label": label key, "params": {...}, "callback_data"|"url": ...}]]
Buttons = list[list[dict[str, Any]]]
# A notice's parameter naming a file sent with it, the text its caption:
# {"file_id": a Telegram file id, "type": "document" | "photo"}.
ATTACHMENT = "attachment"


@dataclass(frozen=True, slots=True)
class Notice:
    """What to say, without the words: a notice key and plain JSON values, rendered when sent
    (bot.texts.notices), so the recipient can read it in their own language."""

    message_key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    buttons: Buttons | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    chat_id: int
    notice: Notice
    # The recipient's languages, when the chat is a customer's: chosen in the shop, their app's.
    language: str | None = None
    app_language: str | None = None


async def enqueue(session: AsyncSession, *, key: str, chat_id: int, notice: Notice) -> bool:
    """Queue a notice once per key; returns False when that key was already queued."""
    result = await session.execute(
        dialect_insert(session, OutboxMessage)
        .values(
            key=key,
            chat_id=chat_id,
            message_key=notice.message_key,
            params=dict(notice.params),
            buttons=notice.buttons,
            next_attempt_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxMessage.id)
    )
    return result.scalar() is not None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One notice to queue among many (enqueue_many)."""

    key: str
    chat_id: int
    notice: Notice


async def enqueue_many(session: AsyncSession, messages: Iterable[Outgoing]) -> None:
    """Queue many notices in one executemany INSERT (batched by the driver), each once per key:
    hundreds of customers told about one event cost a few round trips, not hundreds."""
    now = utcnow()
    rows = [
        {
            "key": message.key,
            "chat_id": message.chat_id,
            "message_key": message.notice.message_key,
            "params": dict(message.notice.params),
            "buttons": message.notice.buttons,
            "next_attempt_at": now,
        }
        for message in messages
    ]
    if rows:
        dialect = session.get_bind().dialect.name
        insert = _ENQUEUE_MANY.get(dialect)
        if insert is None:  # built once per database kind: every paid order comes here
            insert = _ENQUEUE_MANY[dialect] = dialect_insert(
                session, OutboxMessage
            ).on_conflict_do_nothing(index_elements=["key"])
        await session.execute(insert, rows)


_ENQUEUE_MANY: dict[str, Executable] = {}


@dataclass(frozen=True, slots=True)
class GaveUp:
    """A message that will never be sent, for the admins to hear about."""

    id: int
    chat_id: int
    message_key: str
    error: str


@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int
    oldest: datetime | None  # when the oldest pending message was queued


async def backlog(session: AsyncSession) -> Backlog:
    """Messages not yet sent (due or waiting for a retry): one aggregate over the pending rows,
    found through the (status, next_attempt_at) index, which sent rows never bloat."""
    pending, oldest = (
        await session.execute(
            select(func.count(), func.min(OutboxMessage.created_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING
            )
        )
    ).one()
    return Backlog(pending, oldest)


async def claim_due(
    session: AsyncSession, *, limit: int = 20, now: datetime | None = None
) -> list[Delivery]:
    """Lease up to `limit` due messages to this sender; one whose attempts are used up is left
    for fail_exhausted, so it can never jam the queue."""
    now = now or utcnow()
    rows = (
        await session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
                OutboxMessage.attempts < MAX_ATTEMPTS,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + LEASE
    await session.flush()
    languages = await users.languages_of(session, (row.chat_id for row in rows))
    return [
        Delivery(
            row.id,
            row.chat_id,
            Notice(row.message_key, row.params, row.buttons),
            *languages.get(row.chat_id, (None, None)),
        )
        for row in rows
    ]


async def fail_exhausted(
    session: AsyncSession, *, limit: int = 20, now: datetime | None = None
) -> list[GaveUp]:
    """Messages whose every attempt died before its outcome was recorded (a crash, a bug while
    sending), once their last lease is over: failed, for the admins to hear about."""
    rows = (
        await session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= (now or utcnow()),
                OutboxMessage.attempts >= MAX_ATTEMPTS,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for row in rows:
        row.status = OutboxStatus.FAILED
        row.last_error = (row.last_error or "attempts_exhausted")[:255]
    await session.flush()
    return [GaveUp(row.id, row.chat_id, row.message_key, row.last_error or "") for row in rows]


async def mark_sent(session: AsyncSession, *, message_id: int, now: datetime | None = None) -> None:
    row = await session.get_one(OutboxMessage, message_id)
    row.status = OutboxStatus.SENT
    row.sent_at = now or utcnow()
    await session.flush()


async def mark_skipped(session: AsyncSession, *, message_id: int, reason: str) -> None:
    row = await session.get_one(OutboxMessage, message_id)
    row.status = OutboxStatus.SKIPPED
    row.last_error = reason[:255]
    await session.flush()


async def give_up(session: AsyncSession, *, message_id: int, error: str) -> GaveUp:
    """A message no retry can help, e.g. one that cannot be rendered: failed at once."""
    row = await session.get_one(OutboxMessage, message_id)
    row.status = OutboxStatus.FAILED
    row.last_error = error[:255]
    await session.flush()
    return GaveUp(row.id, row.chat_id, row.message_key, row.last_error)


async def mark_failed(
    session: AsyncSession,
    *,
    message_id: int,
    error: str,
    retry_after: timedelta | None = None,
    now: datetime | None = None,
) -> GaveUp | None:
    """Schedule another try with exponential backoff, or give up after MAX_ATTEMPTS (returned,
    for the admins to hear about)."""
    row = await session.get_one(OutboxMessage, message_id)
    row.last_error = error[:255]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = OutboxStatus.FAILED
        await session.flush()
        return GaveUp(row.id, row.chat_id, row.message_key, row.last_error)
    backoff = min(FIRST_RETRY * 2 ** (row.attempts - 1), LONGEST_RETRY)
    row.next_attempt_at = (now or utcnow()) + max(backoff, retry_after or timedelta())
    await session.flush()
    return None
