"""products and categories can be named in each of the shop's languages

Revision ID: c3f1a7d25e08
Revises: 5b8e1d7c3a90
Create Date: 2026-12-04 08:00:00.000000

No translations yet: everyone reads the catalogue as it was written.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3f1a7d25e08"
down_revision: str | None = "5b8e1d7c3a90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product_translations",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_translations_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", "language", name=op.f("pk_product_translations")),
    )
    op.create_table(
        "category_translations",
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_category_translations_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("category_id", "language", name=op.f("pk_category_translations")),
    )


def downgrade() -> None:
    op.drop_table("category_translations")
    op.drop_table("product_translations")
