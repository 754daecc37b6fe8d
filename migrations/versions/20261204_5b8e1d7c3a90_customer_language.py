"""customers can choose the shop's language

Revision ID: 5b8e1d7c3a90
Revises: 9d3f6b2e8a41
Create Date: 2026-12-04 06:00:00.000000

Nobody has chosen yet: everyone is spoken to in their Telegram app's language, else the shop's.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b8e1d7c3a90"
down_revision: str | None = "9d3f6b2e8a41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language")
