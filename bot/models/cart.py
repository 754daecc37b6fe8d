"""Each customer's one cart and its lines (one line per size)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, CreatedAt, Timestamps, UTCDateTime

if TYPE_CHECKING:
    from bot.models.catalog import Product, Size
    from bot.models.user import User

MAX_LINE_QUANTITY = 99


class Cart(Timestamps, Base):
    __tablename__ = "carts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # The promo code the customer applied; it is checked again, and used, when they order.
    promo_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("promo_codes.id", ondelete="SET NULL"), index=True
    )
    # Each change of the lines (an add, a new quantity, a removal) counts up the version and
    # stamps the time; a cart left as it is for ABANDONED_CART_HOURS is reminded of once, and
    # reminded_version says which version that was (bot/services/abandoned_carts.py).
    content_version: Mapped[int] = mapped_column(default=0, server_default="0")
    content_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reminded_version: Mapped[int] = mapped_column(default=0, server_default="0")

    user: Mapped[User] = relationship(back_populates="cart", lazy="raise")
    items: Mapped[list[CartItem]] = relationship(
        back_populates="cart", lazy="raise", cascade="all, delete-orphan", order_by="CartItem.id"
    )


class CartItem(CreatedAt, Base):
    __tablename__ = "cart_items"
    __table_args__ = (
        UniqueConstraint("cart_id", "size_id"),
        CheckConstraint(f"quantity > 0 AND quantity <= {MAX_LINE_QUANTITY}", name="quantity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    size_id: Mapped[int] = mapped_column(ForeignKey("sizes.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column()

    cart: Mapped[Cart] = relationship(back_populates="items", lazy="raise")
    product: Mapped[Product] = relationship(lazy="raise")
    size: Mapped[Size] = relationship(lazy="raise")
