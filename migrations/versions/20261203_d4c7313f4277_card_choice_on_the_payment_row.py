"""the choice to save the card on the order's payment row

Revision ID: d4c7313f4277
Revises: a28bf5ee7091
Create Date: 2026-12-03 08:20:00.000000

The choice used to be kept in each customer's dialog data (key "save_card_orders", the last
ten orders). It is carried over to the orders' payment rows: an order without one yet, still
awaiting payment, gets a pending Stripe payment row, as placing it with the choice now makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = "d4c7313f4277"
down_revision: str | None = "a28bf5ee7091"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SAVE_CARD_ORDERS = "save_card_orders"

dialog_states = sa.table(
    "dialog_states", sa.column("user_id", sa.Integer()), sa.column("data", sa.JSON())
)
orders = sa.table(
    "orders",
    sa.column("id", sa.Integer()),
    sa.column("user_id", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("total", sa.Integer()),
    sa.column("currency", sa.String()),
)
payments = sa.table(
    "payment_information",
    sa.column("id", sa.Integer()),
    sa.column("order_id", sa.Integer()),
    sa.column("provider", sa.String()),
    sa.column("amount", sa.Integer()),
    sa.column("currency", sa.String()),
    sa.column("status", sa.String()),
    sa.column("save_card", sa.Boolean()),
    sa.column("created_at", bot.models.base.UTCDateTime()),
    sa.column("updated_at", bot.models.base.UTCDateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table("payment_information", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("save_card", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    connection = op.get_bind()
    for user_id, data in connection.execute(
        sa.select(dialog_states.c.user_id, dialog_states.c.data)
    ):
        if not isinstance(data, dict) or SAVE_CARD_ORDERS not in data:
            continue
        chosen = data[SAVE_CARD_ORDERS]
        order_ids = [o for o in chosen if isinstance(o, int)] if isinstance(chosen, list) else []
        for order_id in order_ids:
            _carry_over(connection, user_id, order_id)
        kept = {key: value for key, value in data.items() if key != SAVE_CARD_ORDERS}
        connection.execute(
            dialog_states.update().where(dialog_states.c.user_id == user_id).values(data=kept)
        )


def _carry_over(connection: sa.Connection, user_id: int, order_id: int) -> None:
    """Only the customer's own orders; a payment row is made only where one can still be paid."""
    order = connection.execute(
        sa.select(orders.c.status, orders.c.total, orders.c.currency).where(
            orders.c.id == order_id, orders.c.user_id == user_id
        )
    ).one_or_none()
    if order is None:
        return
    updated = connection.execute(
        payments.update().where(payments.c.order_id == order_id).values(save_card=True)
    )
    if updated.rowcount or order.status != "pending_payment":
        return
    now = datetime.now(UTC)
    connection.execute(
        payments.insert().values(
            order_id=order_id,
            provider="stripe",
            amount=order.total,
            currency=order.currency,
            status="pending",
            save_card=True,
            created_at=now,
            updated_at=now,
        )
    )


def downgrade() -> None:
    """The choices of orders still awaiting payment go back to their customers' dialog data."""
    connection = op.get_bind()
    chosen: dict[int, list[int]] = {}
    rows = connection.execute(
        sa.select(orders.c.user_id, orders.c.id)
        .join(payments, payments.c.order_id == orders.c.id)
        .where(payments.c.save_card.is_(True), orders.c.status == "pending_payment")
        .order_by(orders.c.id)
    )
    for user_id, order_id in rows:
        chosen.setdefault(user_id, []).append(order_id)
    for user_id, order_ids in chosen.items():
        _remember(connection, user_id, order_ids[-10:])
    with op.batch_alter_table("payment_information", schema=None) as batch_op:
        batch_op.drop_column("save_card")


def _remember(connection: sa.Connection, user_id: int, order_ids: list[int]) -> None:
    data: Any = connection.scalar(
        sa.select(dialog_states.c.data).where(dialog_states.c.user_id == user_id)
    )
    if data is None:
        now = datetime.now(UTC)
        states = sa.table(
            "dialog_states",
            sa.column("user_id", sa.Integer()),
            sa.column("data", sa.JSON()),
            sa.column("created_at", bot.models.base.UTCDateTime()),
            sa.column("updated_at", bot.models.base.UTCDateTime()),
        )
        connection.execute(
            states.insert().values(
                user_id=user_id,
                data={SAVE_CARD_ORDERS: order_ids},
                created_at=now,
                updated_at=now,
            )
        )
        return
    connection.execute(
        dialog_states.update()
        .where(dialog_states.c.user_id == user_id)
        .values(data={**data, SAVE_CARD_ORDERS: order_ids})
    )
