"""Customers (identified by Telegram) and their shipping addresses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, false, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, CreatedAt, Timestamps

if TYPE_CHECKING:
    from bot.models.cart import Cart
    from bot.models.order import Order
    from bot.models.payment import PaymentDetails


class User(CreatedAt, Base):
    """Telegram identity is the authentication, so there is deliberately no password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    username: Mapped[str | None] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(128), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    language_code: Mapped[str | None] = mapped_column(String(16))  # their Telegram app's
    # The language they chose in the shop; None: their Telegram app's, else the shop's default.
    language: Mapped[str | None] = mapped_column(String(8))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # False: the customer turned /broadcast announcements off (orders' notices still come).
    wants_announcements: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # False: no reminders they did not ask for (a cart left behind, a saved product's price drop).
    wants_reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    addresses: Mapped[list[Address]] = relationship(
        back_populates="user", lazy="raise", cascade="all, delete-orphan", order_by="Address.id"
    )
    cart: Mapped[Cart | None] = relationship(back_populates="user", lazy="raise")
    orders: Mapped[list[Order]] = relationship(back_populates="user", lazy="raise")
    payment_details: Mapped[list[PaymentDetails]] = relationship(
        back_populates="user", lazy="raise", cascade="all, delete-orphan"
    )


class Address(Timestamps, Base):
    __tablename__ = "addresses"
    __table_args__ = (
        # At most one default address per customer, enforced by the database itself.
        Index(
            "uq_addresses_user_default",
            "user_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_name: Mapped[str] = mapped_column(String(128))
    phone: Mapped[str] = mapped_column(String(32))
    street: Mapped[str] = mapped_column(String(255))
    city: Mapped[str] = mapped_column(String(128))
    region: Mapped[str] = mapped_column(String(128), default="")
    postal_code: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    user: Mapped[User] = relationship(back_populates="addresses", lazy="raise")
