"""Which step of a multi-step chat flow each customer is in, kept in the database so a
restart, or another bot instance, carries on exactly where the customer left off."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, Timestamps


class DialogState(Timestamps, Base):
    __tablename__ = "dialog_states"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
