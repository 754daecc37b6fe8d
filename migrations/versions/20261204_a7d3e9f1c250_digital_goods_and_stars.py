"""digital products (content, key pools) and Telegram Stars as a payment provider

Revision ID: a7d3e9f1c250
Revises: d6a2f8c41e97
Create Date: 2026-12-04 12:10:00.000000

Every product that exists is physical. The payment provider's CHECK constraints are rebuilt to
take "stars" (enum columns are text with a CHECK, the same on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7d3e9f1c250"
down_revision: str | None = "d6a2f8c41e97"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PROVIDER_TABLES = ("payment_details", "payment_information")


def _providers(*values: str) -> str:
    return "provider IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum(
                    "physical",
                    "digital",
                    name="product_kind",
                    native_enum=False,
                    create_constraint=True,
                    length=10,
                ),
                server_default="physical",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("digital_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("digital_file_id", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column(
                "digital_file_type",
                sa.Enum(
                    "document",
                    "photo",
                    name="digital_file_type",
                    native_enum=False,
                    create_constraint=True,
                    length=10,
                ),
                nullable=True,
            )
        )
    op.create_table(
        "digital_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.Column("order_item_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_items.id"],
            name=op.f("fk_digital_keys_order_item_id_order_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_digital_keys_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digital_keys")),
        sa.UniqueConstraint("product_id", "value", name=op.f("uq_digital_keys_product_id_value")),
    )
    op.create_index(
        "ix_digital_keys_unclaimed", "digital_keys", ["product_id", "order_item_id"], unique=False
    )
    op.create_index(
        op.f("ix_digital_keys_order_item_id"), "digital_keys", ["order_item_id"], unique=False
    )
    for table in _PROVIDER_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_payment_provider"), type_="check")
            batch_op.create_check_constraint(
                batch_op.f(f"ck_{table}_payment_provider"),
                _providers("stripe", "telegram", "stars"),
            )


def downgrade() -> None:
    for table in _PROVIDER_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_payment_provider"), type_="check")
            batch_op.create_check_constraint(
                batch_op.f(f"ck_{table}_payment_provider"), _providers("stripe", "telegram")
            )
    op.drop_index(op.f("ix_digital_keys_order_item_id"), table_name="digital_keys")
    op.drop_index("ix_digital_keys_unclaimed", table_name="digital_keys")
    op.drop_table("digital_keys")
    with op.batch_alter_table("products", schema=None) as batch_op:
        # The enum columns' CHECKs first: SQLite's copy of the table would still name them.
        batch_op.drop_constraint(batch_op.f("ck_products_digital_file_type"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_products_product_kind"), type_="check")
        batch_op.drop_column("digital_file_type")
        batch_op.drop_column("digital_file_id")
        batch_op.drop_column("digital_text")
        batch_op.drop_column("kind")
