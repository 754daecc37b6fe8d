"""Saved payment methods (tokens only) and each order's payment record."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, CreatedAt, Timestamps, UTCDateTime, enum_type

if TYPE_CHECKING:
    from bot.models.order import Order
    from bot.models.user import User


class PaymentProvider(enum.StrEnum):
    STRIPE = "stripe"
    TELEGRAM = "telegram"
    STARS = "stars"  # Telegram Stars (XTR), for digital goods: no provider, refundStarPayment


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    MISMATCH = "mismatch"  # money arrived that does not match the order; an admin decides
    REFUND_PENDING = "refund_pending"
    REFUNDED = "refunded"


class PaymentDetails(CreatedAt, Base):
    """A card saved at the provider. PCI DSS: never a card number or CVV, only the
    provider's tokens and what a customer needs to recognise the card."""

    __tablename__ = "payment_details"
    __table_args__ = (
        UniqueConstraint("provider", "provider_payment_method_id"),
        CheckConstraint("length(last4) = 4", name="last4_length"),
        CheckConstraint("exp_month BETWEEN 1 AND 12", name="exp_month_range"),
        CheckConstraint("exp_year BETWEEN 2000 AND 2100", name="exp_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[PaymentProvider] = mapped_column(
        enum_type(PaymentProvider, name="payment_provider", length=20)
    )
    provider_customer_id: Mapped[str | None] = mapped_column(String(255))
    provider_payment_method_id: Mapped[str] = mapped_column(String(255))
    brand: Mapped[str] = mapped_column(String(32))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int] = mapped_column()
    exp_year: Mapped[int] = mapped_column()

    user: Mapped[User] = relationship(back_populates="payment_details", lazy="raise")


class PaymentInformation(Timestamps, Base):
    """An order's payment; `save_card` is the customer's choice at checkout, honoured by
    every payment page made for the order. `refund_asked_at`: when Stripe took the refund of
    this payment; `page_closed_at`: when the payment page of a cancelled order was closed at
    Stripe. Until then the Stripe upkeep job keeps trying."""

    __tablename__ = "payment_information"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    provider: Mapped[PaymentProvider] = mapped_column(
        enum_type(PaymentProvider, name="payment_provider", length=20)
    )
    method: Mapped[str | None] = mapped_column(String(32))
    amount: Mapped[int] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[PaymentStatus] = mapped_column(
        enum_type(PaymentStatus, name="payment_status", length=20), default=PaymentStatus.PENDING
    )
    received_amount: Mapped[int | None] = mapped_column()
    received_currency: Mapped[str | None] = mapped_column(String(3))
    stripe_checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    telegram_payment_charge_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    provider_payment_charge_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    save_card: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    refund_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    page_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    order: Mapped[Order] = relationship(back_populates="payment", lazy="raise")
