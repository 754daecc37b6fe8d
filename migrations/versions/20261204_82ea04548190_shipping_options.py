"""shipping options: what an admin offers for delivery, and the option an order was sent by

Revision ID: 82ea04548190
Revises: a7d3e9f1c250
Create Date: 2026-12-04 13:50:00.000000

Existing orders charged no shipping: no option, a price of 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.models.base import UTCDateTime

revision: str = "82ea04548190"
down_revision: str | None = "a7d3e9f1c250"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shipping_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("free_over", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("countries", sa.String(length=1024), server_default="", nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("price >= 0", name=op.f("ck_shipping_options_price_not_negative")),
        sa.CheckConstraint(
            "free_over IS NULL OR free_over > 0",
            name=op.f("ck_shipping_options_free_over_positive"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_options")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shipping_name", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("shipping_price", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_orders_shipping_price_not_negative"), "shipping_price >= 0"
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_orders_shipping_price_not_negative"), type_="check")
        batch_op.drop_column("shipping_price")
        batch_op.drop_column("shipping_name")
    op.drop_table("shipping_options")
