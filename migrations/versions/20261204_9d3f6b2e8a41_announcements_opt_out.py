"""customers can turn /broadcast announcements off

Revision ID: 9d3f6b2e8a41
Revises: 7c2e9f4a1b6d
Create Date: 2026-12-04 03:10:00.000000

Everyone keeps getting announcements until they turn them off.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d3f6b2e8a41"
down_revision: str | None = "7c2e9f4a1b6d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("wants_announcements", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("wants_announcements")
