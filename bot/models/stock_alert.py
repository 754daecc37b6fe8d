"""Back-in-stock alerts: a customer waiting for a sold-out size to come back."""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, CreatedAt


class StockAlert(CreatedAt, Base):
    """One per customer and size; it ends with the one notice its size's return sends."""

    __tablename__ = "stock_alerts"
    __table_args__ = (UniqueConstraint("user_id", "size_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Indexed: a restock looks up who waits for the size.
    size_id: Mapped[int] = mapped_column(ForeignKey("sizes.id", ondelete="CASCADE"), index=True)
