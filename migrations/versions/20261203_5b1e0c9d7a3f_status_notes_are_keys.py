"""status-history notes are keys, put into words when shown

Revision ID: 5b1e0c9d7a3f
Revises: d4c7313f4277
Create Date: 2026-12-03 09:40:00.000000

The notes the shop itself wrote ("payment timeout", "stripe payment"…) become the keys that
bot.texts.statuses renders, so they can be shown in the reader's language. Notes it did not
write are left as they are, and are shown as stored.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e0c9d7a3f"
down_revision: str | None = "d4c7313f4277"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the shop wrote before, and the key it writes now.
KEYS = {
    "payment timeout": "payment_timeout",
    "cancelled by the shop": "shop_cancelled",
    "Stripe checkout expired": "checkout_expired",
    "stripe payment": "paid_stripe",
    "telegram payment": "paid_telegram",
}

changes = sa.table("order_status_changes", sa.column("note", sa.String()))


def _rename(pairs: dict[str, str]) -> None:
    for old, new in pairs.items():
        op.execute(changes.update().where(changes.c.note == old).values(note=new))


def upgrade() -> None:
    _rename(KEYS)


def downgrade() -> None:
    _rename({new: old for old, new in KEYS.items()})
