"""What admins did (the audit log) and the broadcasts they sent."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, CreatedAt, UTCDateTime, enum_type


class AdminAction(CreatedAt, Base):
    """One row per change an admin made: who, what, on which record, and when."""

    __tablename__ = "admin_actions"
    __table_args__ = (Index("ix_admin_actions_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Telegram id, not a users row: an ADMIN_IDS admin may never have written to the bot.
    admin_telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column()
    details: Mapped[str] = mapped_column(String(1000), default="")


class BroadcastStatus(enum.StrEnum):
    RUNNING = "running"
    FINISHED = "finished"


class RecipientStatus(enum.StrEnum):
    PENDING = "pending"
    # Claimed and committed before the send: after a crash it is never sent again.
    SENDING = "sending"
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"


class Broadcast(CreatedAt, Base):
    """A message to every customer; recipients are fixed when it starts so it can resume."""

    __tablename__ = "broadcasts"
    # Telegram delivers an update again after a crash before it was confirmed: one /broadcast
    # message starts one broadcast, however often it arrives.
    __table_args__ = (UniqueConstraint("progress_chat_id", "command_message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_telegram_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text, default="")
    # A broadcast made by replying to a message copies that message instead of sending text.
    source_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_chat_id: Mapped[int] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    command_message_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[BroadcastStatus] = mapped_column(
        enum_type(BroadcastStatus, name="broadcast_status", length=16),
        default=BroadcastStatus.RUNNING,
        index=True,
    )
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BroadcastRecipient(Base):
    __tablename__ = "broadcast_recipients"
    __table_args__ = (Index("ix_broadcast_recipients_status", "broadcast_id", "status"),)

    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[RecipientStatus] = mapped_column(
        enum_type(RecipientStatus, name="recipient_status", length=16),
        default=RecipientStatus.PENDING,
    )
