"""Broadcasts: one message to every customer, each sent at most once, resumed after a restart.

The recipients are fixed when a broadcast starts. A sender claims a few of them at a time
(pending → sending) and commits that before it sends anything, then records what became of
them. The claim is a conditional UPDATE, so two instances never claim the same customer.

At most once, not at least once: a customer still `sending` when the process died may or may
not have received the message, and nobody can find out. Sending again could give them the
message twice, so instead such rows are settled as failed on start-up and never retried.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Broadcast, BroadcastRecipient, BroadcastStatus, RecipientStatus, User
from bot.models.base import utcnow
from bot.services import user as users
from bot.services.admin import record
from bot.services.errors import InvalidInput

OUTCOMES = (RecipientStatus.SENT, RecipientStatus.BLOCKED, RecipientStatus.FAILED)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What a sender needs to know about a running broadcast."""

    id: int
    text: str
    # Set when the broadcast copies a message instead of sending text.
    source_chat_id: int | None
    source_message_id: int | None
    progress_chat_id: int
    progress_message_id: int | None


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    chat_id: int
    language: str | None = None  # chosen in the shop
    app_language: str | None = None  # their Telegram app's


@dataclass(frozen=True, slots=True)
class Progress:
    pending: int = 0
    sending: int = 0
    sent: int = 0
    blocked: int = 0
    failed: int = 0

    @property
    def done(self) -> int:
        return self.sent + self.blocked + self.failed

    @property
    def total(self) -> int:
        return self.done + self.pending + self.sending


async def started_by(session: AsyncSession, *, chat_id: int, command_message_id: int) -> bool:
    """Whether this /broadcast message already started a broadcast (a redelivered update)."""
    found = await session.scalar(
        select(Broadcast.id).where(
            Broadcast.progress_chat_id == chat_id,
            Broadcast.command_message_id == command_message_id,
        )
    )
    return found is not None


async def start(
    session: AsyncSession,
    *,
    admin_telegram_id: int,
    chat_id: int,
    progress_message_id: int,
    text: str = "",
    copy_message_id: int | None = None,
    command_message_id: int | None = None,
) -> tuple[Outgoing, int]:
    """A broadcast of `text` (HTML), or a copy of message `copy_message_id` in the admin's
    `chat_id`, to every customer who hasn't blocked the bot but the admin; returns it and how
    many it goes to.

    `progress_message_id` is the admin's message that will show how far it got.
    """
    text = text.strip()
    if (copy_message_id is None) == (not text):
        raise InvalidInput("broadcast.text_or_copy")
    broadcast = Broadcast(
        admin_telegram_id=admin_telegram_id,
        text=text,
        source_chat_id=chat_id if copy_message_id is not None else None,
        source_message_id=copy_message_id,
        progress_chat_id=chat_id,
        progress_message_id=progress_message_id,
        command_message_id=command_message_id,
    )
    try:
        async with session.begin_nested():
            session.add(broadcast)
            await session.flush()
    except IntegrityError:  # the same command delivered twice at the same moment
        raise InvalidInput("broadcast.already_started") from None
    total = await _add_recipients(session, broadcast.id, exclude_telegram_id=admin_telegram_id)
    if total == 0:
        raise InvalidInput("broadcast.nobody")
    what = f"a copy of message {copy_message_id}" if copy_message_id else f"text: {text}"
    await record(
        session,
        admin_telegram_id=admin_telegram_id,
        action="broadcast",
        entity="broadcast",
        entity_id=broadcast.id,
        details=f"{total} recipients; {what}",
    )
    return _outgoing(broadcast), total


async def _add_recipients(
    session: AsyncSession, broadcast_id: int, *, exclude_telegram_id: int
) -> int:
    """Everyone reachable now, in one INSERT … SELECT; customers who join later don't get it."""
    await session.execute(
        insert(BroadcastRecipient).from_select(
            ["broadcast_id", "user_id", "chat_id", "status"],
            select(
                literal(broadcast_id),
                User.id,
                User.telegram_id,
                literal(RecipientStatus.PENDING.value),
            ).where(_reachable(exclude_telegram_id)),
        )
    )
    count = await session.scalar(
        select(func.count()).where(BroadcastRecipient.broadcast_id == broadcast_id)
    )
    return count or 0


def _reachable(exclude_telegram_id: int) -> ColumnElement[bool]:
    """Who a broadcast goes to: not blocked, not opted out of announcements, not its admin."""
    return and_(~User.is_blocked, User.wants_announcements, User.telegram_id != exclude_telegram_id)


async def audience(session: AsyncSession, *, exclude_telegram_id: int) -> int:
    """How many a broadcast would reach now, for its preview."""
    return (
        await session.scalar(select(func.count(User.id)).where(_reachable(exclude_telegram_id)))
        or 0
    )


async def running(session: AsyncSession) -> list[Outgoing]:
    """Unfinished broadcasts, oldest first."""
    rows = await session.scalars(
        select(Broadcast).where(Broadcast.status == BroadcastStatus.RUNNING).order_by(Broadcast.id)
    )
    return [_outgoing(row) for row in rows]


async def claim(session: AsyncSession, *, broadcast_id: int, limit: int) -> list[Recipient]:
    """Up to `limit` pending recipients, now `sending` and this caller's alone.

    Commit before sending: from then on the row is never handed out again. On PostgreSQL
    SKIP LOCKED lets a second instance pick the next rows instead of waiting for these, and
    `status = pending` in the UPDATE keeps a row from ever being claimed twice.
    """
    # Two statements: in one UPDATE … IN (SELECT … LIMIT … SKIP LOCKED) PostgreSQL may rescan
    # the subquery, skip the rows it has just updated and claim more than `limit`.
    candidates = (
        await session.scalars(
            select(BroadcastRecipient.user_id)
            .where(
                BroadcastRecipient.broadcast_id == broadcast_id,
                BroadcastRecipient.status == RecipientStatus.PENDING,
            )
            .order_by(BroadcastRecipient.user_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not candidates:
        return []
    result = await session.execute(
        update(BroadcastRecipient)
        .where(
            BroadcastRecipient.broadcast_id == broadcast_id,
            BroadcastRecipient.user_id.in_(candidates),
            BroadcastRecipient.status == RecipientStatus.PENDING,
        )
        .values(status=RecipientStatus.SENDING)
        .returning(BroadcastRecipient.user_id, BroadcastRecipient.chat_id)
    )
    chats: dict[int, int] = {user_id: chat_id for user_id, chat_id in result.all()}
    languages = await users.languages_of(session, chats.values())
    claimed = [
        Recipient(user_id, chat_id, *languages.get(chat_id, (None, None)))
        for user_id, chat_id in chats.items()
    ]
    return sorted(claimed, key=lambda recipient: recipient.user_id)


async def record_outcomes(
    session: AsyncSession, *, broadcast_id: int, outcomes: Mapping[int, RecipientStatus]
) -> None:
    """What became of claimed recipients (by user id); who blocked the bot is marked so.

    A row another instance settled as failed while this one was still sending is corrected.
    """
    by_status: dict[RecipientStatus, list[int]] = {}
    for user_id, status in outcomes.items():
        if status not in OUTCOMES:
            raise ValueError(f"{status} is not an outcome")
        by_status.setdefault(status, []).append(user_id)
    for status, user_ids in by_status.items():
        await session.execute(
            update(BroadcastRecipient)
            .where(
                BroadcastRecipient.broadcast_id == broadcast_id,
                BroadcastRecipient.user_id.in_(user_ids),
                BroadcastRecipient.status.in_([RecipientStatus.SENDING, RecipientStatus.FAILED]),
            )
            .values(status=status)
        )
    blocked = by_status.get(RecipientStatus.BLOCKED)
    if blocked:
        await session.execute(update(User).where(User.id.in_(blocked)).values(is_blocked=True))


async def release(session: AsyncSession, *, broadcast_id: int, user_ids: Sequence[int]) -> None:
    """Hand back claimed recipients nothing was sent to yet (shutting down, flood control)."""
    await session.execute(
        update(BroadcastRecipient)
        .where(
            BroadcastRecipient.broadcast_id == broadcast_id,
            BroadcastRecipient.user_id.in_(user_ids),
            BroadcastRecipient.status == RecipientStatus.SENDING,
        )
        .values(status=RecipientStatus.PENDING)
    )


async def settle_interrupted(session: AsyncSession) -> int:
    """On start-up: recipients a crash left `sending` count as failed and are never resent.

    Returns how many. With several instances, one restarting while another is mid-batch
    settles the other's few rows too; the other then records what really became of them.
    """
    running_ids = select(Broadcast.id).where(Broadcast.status == BroadcastStatus.RUNNING)
    result = await session.execute(
        update(BroadcastRecipient)
        .where(
            BroadcastRecipient.broadcast_id.in_(running_ids),
            BroadcastRecipient.status == RecipientStatus.SENDING,
        )
        .values(status=RecipientStatus.FAILED)
        .returning(BroadcastRecipient.user_id)
    )
    return len(result.all())


async def progress(session: AsyncSession, *, broadcast_id: int) -> Progress:
    rows = await session.execute(
        select(BroadcastRecipient.status, func.count())
        .where(BroadcastRecipient.broadcast_id == broadcast_id)
        .group_by(BroadcastRecipient.status)
    )
    counts = Counter({RecipientStatus(status).value: count for status, count in rows.all()})
    return Progress(**counts)


async def finish(session: AsyncSession, *, broadcast_id: int) -> Progress | None:
    """Marks the broadcast finished once nobody is left to send to; returns the final counts
    to the one caller that finished it, None to everyone else and while work remains."""
    counts = await progress(session, broadcast_id=broadcast_id)
    if counts.pending or counts.sending:
        return None
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.RUNNING)
        .values(status=BroadcastStatus.FINISHED, finished_at=utcnow())
        .returning(Broadcast.id)
    )
    return counts if result.first() is not None else None


def _outgoing(broadcast: Broadcast) -> Outgoing:
    return Outgoing(
        id=broadcast.id,
        text=broadcast.text,
        source_chat_id=broadcast.source_chat_id,
        source_message_id=broadcast.source_message_id,
        progress_chat_id=broadcast.progress_chat_id,
        progress_message_id=broadcast.progress_message_id,
    )
