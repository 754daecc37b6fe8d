"""customers can save products to a wishlist

Revision ID: b7e4d1a9c362
Revises: b7d4e2a9c615
Create Date: 2026-12-04 11:15:00.000000

Nobody has saved anything yet.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = "b7e4d1a9c362"
down_revision: str | None = "b7d4e2a9c615"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_saved_products_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_saved_products_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_products")),
        sa.UniqueConstraint(
            "user_id", "product_id", name=op.f("uq_saved_products_user_id_product_id")
        ),
    )
    with op.batch_alter_table("saved_products", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_saved_products_product_id"), ["product_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("saved_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_products_product_id"))
    op.drop_table("saved_products")
