"""Promo codes, and each use of one by an order."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, CreatedAt, UTCDateTime

PROMO_CODE_MAX = 32


class PromoCode(CreatedAt, Base):
    """A percentage or a fixed amount off an order. `uses` counts the orders holding a use;
    the CHECK keeps it within `max_uses` even if a conditional UPDATE were ever forgotten."""

    __tablename__ = "promo_codes"
    __table_args__ = (
        CheckConstraint("(percent_off IS NULL) <> (amount_off IS NULL)", name="percent_or_amount"),
        CheckConstraint("percent_off IS NULL OR (percent_off BETWEEN 1 AND 100)", name="percent"),
        CheckConstraint("amount_off IS NULL OR amount_off > 0", name="amount_positive"),
        CheckConstraint("uses >= 0", name="uses_not_negative"),
        CheckConstraint("max_uses IS NULL OR uses <= max_uses", name="uses_within_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(PROMO_CODE_MAX), unique=True)  # upper case
    percent_off: Mapped[int | None] = mapped_column()
    amount_off: Mapped[int | None] = mapped_column()  # minor units of `currency`
    currency: Mapped[str] = mapped_column(String(3))
    valid_until: Mapped[date | None] = mapped_column(Date)  # the last day it works (UTC)
    max_uses: Mapped[int | None] = mapped_column()
    per_customer: Mapped[int | None] = mapped_column()
    min_total: Mapped[int | None] = mapped_column()  # the smallest subtotal it applies to
    uses: Mapped[int] = mapped_column(default=0, server_default="0")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int] = mapped_column(BigInteger)  # the admin's Telegram id


class PromoRedemption(CreatedAt, Base):
    """The use an order took; `released_at` is set, once, when the order is cancelled."""

    __tablename__ = "promo_redemptions"
    __table_args__ = (Index("ix_promo_redemptions_code_user", "promo_code_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    promo_code_id: Mapped[int] = mapped_column(ForeignKey("promo_codes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
