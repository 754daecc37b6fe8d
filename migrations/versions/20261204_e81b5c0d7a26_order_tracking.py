"""orders keep the tracking number and carrier they shipped with

Revision ID: e81b5c0d7a26
Revises: 4a7d2c9e1f53
Create Date: 2026-12-04 11:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e81b5c0d7a26"
down_revision: str | None = "4a7d2c9e1f53"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tracking_number", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("tracking_carrier", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("tracking_carrier")
        batch_op.drop_column("tracking_number")
