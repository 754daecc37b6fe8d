"""carts remember when their content last changed, and which change was reminded of

Revision ID: d6a2f8c41e97
Revises: f3b8d1c6a924
Create Date: 2026-12-04 11:40:00.000000

Carts that exist already have no change time: they are not reminded of until they change, so
deploying this does not message every customer with an old cart at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d6a2f8c41e97"
down_revision: str | None = "f3b8d1c6a924"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("content_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("content_changed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("reminded_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index(
            batch_op.f("ix_carts_content_changed_at"), ["content_changed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carts_content_changed_at"))
        batch_op.drop_column("reminded_version")
        batch_op.drop_column("content_changed_at")
        batch_op.drop_column("content_version")
