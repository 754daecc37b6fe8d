"""customers can turn reminders off

Revision ID: 4a7d2c9e1f53
Revises: c3f1a7d25e08
Create Date: 2026-12-04 10:55:00.000000

Reminders (a cart left behind, a saved product's price drop) reach everyone until they turn
them off.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4a7d2c9e1f53"
down_revision: str | None = "c3f1a7d25e08"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("wants_reminders", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("wants_reminders")
