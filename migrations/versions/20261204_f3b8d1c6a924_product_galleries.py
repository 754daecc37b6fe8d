"""a product has a gallery of up to 10 photos; the first is its cover

Revision ID: f3b8d1c6a924
Revises: b7e4d1a9c362
Create Date: 2026-12-04 11:20:00.000000

Each product's single photo becomes its gallery's cover, and products.photo goes: the gallery
is the one place a product's photos are kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f3b8d1c6a924"
down_revision: str | None = "b7e4d1a9c362"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product_photos",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.String(length=512), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_product_photos_position_not_negative")),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_photos_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", "position", name=op.f("pk_product_photos")),
    )
    op.execute(
        "INSERT INTO product_photos (product_id, position, value) "
        "SELECT id, 0, photo FROM products WHERE photo IS NOT NULL AND photo <> ''"
    )
    # Not a batch copy: on SQLite, dropping the old products table would cascade to its sizes.
    op.execute("ALTER TABLE products DROP COLUMN photo")


def downgrade() -> None:
    op.add_column("products", sa.Column("photo", sa.String(length=512), nullable=True))
    op.execute(
        "UPDATE products SET photo = (SELECT value FROM product_photos"
        " WHERE product_photos.product_id = products.id AND position = 0)"
    )
    op.drop_table("product_photos")
