"""promo codes: the codes, each order's use of one, the cart's applied code, the order's discount

Revision ID: b7d4e2a9c615
Revises: e5a9c2d4b7f1
Create Date: 2026-12-04 11:15:00.000000

Existing orders had no discount: 0, and no code.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.models.base import UTCDateTime

revision: str = "b7d4e2a9c615"
down_revision: str | None = "e5a9c2d4b7f1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "promo_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("percent_off", sa.Integer(), nullable=True),
        sa.Column("amount_off", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("per_customer", sa.Integer(), nullable=True),
        sa.Column("min_total", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), server_default="0", nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(percent_off IS NULL) <> (amount_off IS NULL)",
            name=op.f("ck_promo_codes_percent_or_amount"),
        ),
        sa.CheckConstraint(
            "percent_off IS NULL OR (percent_off BETWEEN 1 AND 100)",
            name=op.f("ck_promo_codes_percent"),
        ),
        sa.CheckConstraint(
            "amount_off IS NULL OR amount_off > 0", name=op.f("ck_promo_codes_amount_positive")
        ),
        sa.CheckConstraint("uses >= 0", name=op.f("ck_promo_codes_uses_not_negative")),
        sa.CheckConstraint(
            "max_uses IS NULL OR uses <= max_uses", name=op.f("ck_promo_codes_uses_within_limit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promo_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_promo_codes_code")),
    )
    op.create_table(
        "promo_redemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("promo_code_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_promo_redemptions_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["promo_code_id"],
            ["promo_codes.id"],
            name=op.f("fk_promo_redemptions_promo_code_id_promo_codes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_promo_redemptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promo_redemptions")),
        sa.UniqueConstraint("order_id", name=op.f("uq_promo_redemptions_order_id")),
    )
    op.create_index(
        "ix_promo_redemptions_code_user",
        "promo_redemptions",
        ["promo_code_id", "user_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_promo_redemptions_user_id"), "promo_redemptions", ["user_id"], unique=False
    )
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promo_code_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_carts_promo_code_id"), ["promo_code_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_carts_promo_code_id_promo_codes"),
            "promo_codes",
            ["promo_code_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discount", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("promo_code", sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_orders_discount_not_negative"), "discount >= 0"
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_orders_discount_not_negative"), type_="check")
        batch_op.drop_column("promo_code")
        batch_op.drop_column("discount")
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_carts_promo_code_id_promo_codes"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_carts_promo_code_id"))
        batch_op.drop_column("promo_code_id")
    op.drop_index(op.f("ix_promo_redemptions_user_id"), table_name="promo_redemptions")
    op.drop_index("ix_promo_redemptions_code_user", table_name="promo_redemptions")
    op.drop_table("promo_redemptions")
    op.drop_table("promo_codes")
