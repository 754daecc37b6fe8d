"""one broadcast per command message

Revision ID: 45aa76e8e49b
Revises: ab40dc2e45cc
Create Date: 2026-11-26 12:46:41.521358
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "45aa76e8e49b"
down_revision: str | None = "ab40dc2e45cc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("command_message_id", sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_broadcasts_progress_chat_id_command_message_id"),
            ["progress_chat_id", "command_message_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_broadcasts_progress_chat_id_command_message_id"), type_="unique"
        )
        batch_op.drop_column("command_message_id")
