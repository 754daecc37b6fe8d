"""Star ratings and written reviews, one of each per customer and product."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, Timestamps

if TYPE_CHECKING:
    from bot.models.user import User

REVIEW_MAX_LENGTH = 2000


class Rating(Timestamps, Base):
    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("user_id", "product_id"),
        CheckConstraint("value BETWEEN 1 AND 5", name="value_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int] = mapped_column()


class Review(Timestamps, Base):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("user_id", "product_id"),
        CheckConstraint(f"length(text) BETWEEN 1 AND {REVIEW_MAX_LENGTH}", name="text_length"),
        Index("ix_reviews_product_created", "product_id", "created_at"),
        Index("ix_reviews_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)

    user: Mapped[User] = relationship(lazy="raise")
