"""Orders, their snapshotted lines, and the history of every status change."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, CreatedAt, Timestamps, enum_type

if TYPE_CHECKING:
    from bot.models.payment import PaymentInformation
    from bot.models.user import User


class OrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


# The order state machine: status -> the statuses it may move to.
ALLOWED_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED, OrderStatus.REFUNDED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED, OrderStatus.REFUNDED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}

# Statuses in which the customer has paid: they make a purchase "verified".
PURCHASED_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED})


class Order(Timestamps, Base):
    """The shipping address is copied in, so editing an address never rewrites history."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total >= 0", name="total_not_negative"),
        CheckConstraint("discount >= 0", name="discount_not_negative"),
        CheckConstraint("shipping_price >= 0", name="shipping_price_not_negative"),
        Index("ix_orders_user_created", "user_id", "created_at"),
        Index("ix_orders_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    status: Mapped[OrderStatus] = mapped_column(
        enum_type(OrderStatus, name="status", length=20), default=OrderStatus.PENDING_PAYMENT
    )
    # What is charged: bot.services.pricing.order_total of the lines, the discount, the shipping.
    total: Mapped[int] = mapped_column()
    discount: Mapped[int] = mapped_column(default=0, server_default="0")
    promo_code: Mapped[str | None] = mapped_column(String(32))  # as it was when ordered
    # The delivery option chosen, as it was when ordered (None: the shop charged no shipping).
    shipping_name: Mapped[str | None] = mapped_column(String(64))
    shipping_price: Mapped[int] = mapped_column(default=0, server_default="0")
    currency: Mapped[str] = mapped_column(String(3))
    ship_recipient_name: Mapped[str] = mapped_column(String(128))
    ship_phone: Mapped[str] = mapped_column(String(32))
    ship_street: Mapped[str] = mapped_column(String(255))
    ship_city: Mapped[str] = mapped_column(String(128))
    ship_region: Mapped[str] = mapped_column(String(128), default="")
    ship_postal_code: Mapped[str] = mapped_column(String(20))
    ship_country: Mapped[str] = mapped_column(String(2))
    # Set when the order ships, if the admin gave them: bot.services.tracking links known carriers.
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    tracking_carrier: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship(back_populates="orders", lazy="raise")
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", lazy="raise", cascade="all, delete-orphan", order_by="OrderItem.id"
    )
    history: Mapped[list[OrderStatusChange]] = relationship(
        back_populates="order",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="OrderStatusChange.id",
    )
    payment: Mapped[PaymentInformation | None] = relationship(back_populates="order", lazy="raise")

    @property
    def subtotal(self) -> int:
        """The lines before the discount (they must be loaded)."""
        return sum(item.line_total for item in self.items)

    @property
    def shipping_address(self) -> str:
        lines = [
            self.ship_recipient_name,
            self.ship_street,
            " ".join(p for p in (self.ship_postal_code, self.ship_city) if p),
            ", ".join(p for p in (self.ship_region, self.ship_country) if p),
            self.ship_phone,
        ]
        return "\n".join(line for line in lines if line)


class OrderItem(Base):
    """A line as it was sold: name, size and price are copied, not looked up later."""

    __tablename__ = "order_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    size_id: Mapped[int | None] = mapped_column(
        ForeignKey("sizes.id", ondelete="SET NULL"), index=True
    )
    sku: Mapped[str] = mapped_column(String(64))
    product_name: Mapped[str] = mapped_column(String(128))
    size_name: Mapped[str] = mapped_column(String(32))
    unit_price: Mapped[int] = mapped_column()
    quantity: Mapped[int] = mapped_column()

    order: Mapped[Order] = relationship(back_populates="items", lazy="raise")

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


class OrderStatusChange(CreatedAt, Base):
    __tablename__ = "order_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[OrderStatus | None] = mapped_column(
        enum_type(OrderStatus, name="from_status", length=20)
    )
    to_status: Mapped[OrderStatus] = mapped_column(
        enum_type(OrderStatus, name="to_status", length=20)
    )
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(255))

    order: Mapped[Order] = relationship(back_populates="history", lazy="raise")
