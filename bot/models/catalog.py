"""Categories, products and their sizes (where the stock lives); digital products' key pools."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, CreatedAt, Timestamps, UTCDateTime, enum_type

MAX_PRODUCT_PHOTOS = 10  # an album holds at most 10 photos, and so does a gallery
MAX_DIGITAL_TEXT = 3500  # a licence text, sent in one message with a line around it
MAX_DIGITAL_KEY = 256


class ProductKind(enum.StrEnum):
    """A physical product is shipped to an address; a digital one is sent by the bot once paid,
    and priced in Telegram Stars (currency XTR), as Telegram requires of digital goods."""

    PHYSICAL = "physical"
    DIGITAL = "digital"


class DigitalFileType(enum.StrEnum):
    DOCUMENT = "document"
    PHOTO = "photo"


class Category(CreatedAt, Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)

    products: Mapped[list[Product]] = relationship(back_populates="category", lazy="raise")


class Product(Timestamps, Base):
    """A hidden product (is_active false) is never sold, but old orders still show it."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        Index("ix_products_category_listing", "category_id", "is_active", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[int] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    kind: Mapped[ProductKind] = mapped_column(
        enum_type(ProductKind, name="product_kind", length=10),
        default=ProductKind.PHYSICAL,
        server_default=ProductKind.PHYSICAL.value,
    )
    # A digital product's content: a text (a licence key, a link), or a file the admin sent,
    # or neither when it sells keys from its pool (DigitalKey), one per unit.
    digital_text: Mapped[str | None] = mapped_column(Text)
    digital_file_id: Mapped[str | None] = mapped_column(String(255))
    digital_file_type: Mapped[DigitalFileType | None] = mapped_column(
        enum_type(DigitalFileType, name="digital_file_type", length=10)
    )

    category: Mapped[Category] = relationship(back_populates="products", lazy="raise")
    sizes: Mapped[list[Size]] = relationship(
        back_populates="product",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="(Size.position, Size.id)",
    )
    # Loaded with the product: the cover goes wherever the product is shown.
    photos: Mapped[list[GalleryPhoto]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="GalleryPhoto.position"
    )

    @property
    def is_digital(self) -> bool:
        return self.kind is ProductKind.DIGITAL

    @property
    def photo(self) -> str | None:
        """The cover: the gallery's first photo."""
        return self.photos[0].value if self.photos else None

    @photo.setter
    def photo(self, value: str | None) -> None:
        """The gallery becomes this one photo (or none). The cover's row is kept and changed:
        a new row at its position would be inserted before the old one is deleted."""
        if not value:
            self.photos = []
        elif self.photos:
            self.photos[0].value = value
            del self.photos[1:]
        else:
            self.photos = [GalleryPhoto(position=0, value=value)]


class GalleryPhoto(Base):
    """One of a product's photos, in the order customers flip through them; position 0 is the
    cover. The value is what product_photo.parse reads: a file id, a URL or a media picture."""

    __tablename__ = "product_photos"
    __table_args__ = (CheckConstraint("position >= 0", name="position_not_negative"),)

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[str] = mapped_column(String(512))


class Size(Base):
    """A product sold without sizes has exactly one size row, e.g. "One size"."""

    __tablename__ = "sizes"
    __table_args__ = (
        UniqueConstraint("product_id", "name"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(32))
    stock: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="sizes", lazy="raise")


class ProductTranslation(Base):
    """A product's name and description in one language; what a translation leaves out reads
    as the product's own text."""

    __tablename__ = "product_translations"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(128))
    description: Mapped[str | None] = mapped_column(Text)


class CategoryTranslation(Base):
    __tablename__ = "category_translations"

    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))


class CatalogRevision(Base):
    """One counter bumped by every catalogue change, so each bot instance knows when
    its in-memory search index is stale without rescanning the products."""

    __tablename__ = "catalog_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(default=0)


class DigitalKey(CreatedAt, Base):
    """One key of a digital product's pool, sold once: `order_item_id` is set when a paid order
    claims it (a conditional UPDATE, so two orders never get one key) and never cleared, so a
    refunded order's key is not sold again."""

    __tablename__ = "digital_keys"
    __table_args__ = (
        UniqueConstraint("product_id", "value"),
        Index("ix_digital_keys_unclaimed", "product_id", "order_item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(MAX_DIGITAL_KEY))
    order_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_items.id", ondelete="SET NULL"), index=True
    )
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
