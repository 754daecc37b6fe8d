"""The delivery options an admin offers, each with a price and the countries it serves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, CreatedAt, UTCDateTime

SHIPPING_NAME_MAX = 64


class ShippingOption(CreatedAt, Base):
    """`countries` is upper-case ISO codes joined by commas, sorted ("AT,DE"); empty serves
    every country. Ended options stay for the audit log; orders keep their own copy."""

    __tablename__ = "shipping_options"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("free_over IS NULL OR free_over > 0", name="free_over_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(SHIPPING_NAME_MAX))
    price: Mapped[int] = mapped_column()  # minor units of `currency`
    free_over: Mapped[int | None] = mapped_column()  # items' subtotal from which it is free
    currency: Mapped[str] = mapped_column(String(3))
    countries: Mapped[str] = mapped_column(String(1024), default="", server_default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int] = mapped_column(BigInteger)  # the admin's Telegram id

    @property
    def country_codes(self) -> tuple[str, ...]:
        return tuple(code for code in self.countries.split(",") if code)

    def serves(self, country: str) -> bool:
        return not self.countries or country.upper() in self.country_codes
