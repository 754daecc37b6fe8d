"""when Stripe took a payment's refund, and when a cancelled order's payment page was closed

Revision ID: 7c2e9f4a1b6d
Revises: 5b1e0c9d7a3f
Create Date: 2026-12-04 02:20:00.000000

Both start empty: payments waiting for a refund are asked again (under the order's refund
idempotency key, so Stripe never refunds twice), and pages of orders already cancelled are
closed, which Stripe answers for a page that is already closed too.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = "7c2e9f4a1b6d"
down_revision: str | None = "5b1e0c9d7a3f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payment_information", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("refund_asked_at", bot.models.base.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("page_closed_at", bot.models.base.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("payment_information", schema=None) as batch_op:
        batch_op.drop_column("page_closed_at")
        batch_op.drop_column("refund_asked_at")
