"""Conversations between a customer and the shop, relayed through the bot.

Every message the bot posts to the admins for a conversation (its header, the customer's
messages) is recorded by (chat, message id), so an admin's Telegram reply to any of them finds
its customer: after a restart, and on whichever bot instance receives the reply.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, CreatedAt, Timestamps, UTCDateTime


class SupportConversation(Timestamps, Base):
    __tablename__ = "support_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # None while open; a customer has at most one open conversation (the service sees to it,
    # under the customer's dialog row lock).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SupportMessage(CreatedAt, Base):
    """A message the bot posted for a conversation, where an admin can reply to it."""

    __tablename__ = "support_messages"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("support_conversations.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)


class SupportMute(CreatedAt, Base):
    """A customer whose messages the shop no longer takes (an admin's /mute)."""

    __tablename__ = "support_mutes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    muted_by: Mapped[int] = mapped_column(BigInteger)
