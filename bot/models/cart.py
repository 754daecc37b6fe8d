"""Each customer's one cart and its lines (one line per size)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, CreatedAt, Timestamps

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
