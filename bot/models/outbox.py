"""Notifications written in the same transaction as the change they announce.

A delivery job sends them afterwards, so a crash between the commit and the send loses nothing,
and the unique key stops one event from ever being queued twice.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, CreatedAt, UTCDateTime, enum_type, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"  # the customer blocked the bot
    FAILED = "failed"  # gave up after the last retry


class OutboxMessage(CreatedAt, Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # What to say, as a notice key ("order.paid") and its plain JSON parameters: the sender
    # renders them (bot.texts.notices) when it sends, in the recipient's language.
    message_key: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Inline buttons as [[{"label": …, "params": {…}, "url"|"callback_data": …}]]: a label key
    # rendered like the notice, no words and no Telegram types.
    buttons: Mapped[list[list[dict[str, Any]]] | None] = mapped_column(JSON)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus, name="status", length=16),
        default=OutboxStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(255))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
