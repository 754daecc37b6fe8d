"""outbox stores notice keys and parameters, not final texts

Revision ID: a28bf5ee7091
Revises: 45aa76e8e49b
Create Date: 2026-12-03 08:30:00.000000

Rows written before keep their words: they become the notice `legacy.text` with the old text as
its one parameter (and their buttons' labels likewise), which the sender renders verbatim.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from bot.texts.notices import LEGACY_TEXT, NoticeError, render_notice

revision: str = "a28bf5ee7091"
down_revision: str | None = "45aa76e8e49b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_outbox = sa.table(
    "outbox_messages",
    sa.column("id", sa.Integer()),
    sa.column("text", sa.Text()),
    sa.column("message_key", sa.String(64)),
    sa.column("params", sa.JSON()),
    sa.column("buttons", sa.JSON()),
    sa.column("status", sa.String(16)),
)


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
    _texts_become_legacy_notices()
    if not op.get_context().as_sql:
        _relabel_buttons()
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.alter_column("message_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("params", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("text")


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=True))
    if not op.get_context().as_sql:
        _render_notices()
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.alter_column("text", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("params")
        batch_op.drop_column("message_key")


def _postgres() -> bool:
    return bool(op.get_context().dialect.name == "postgresql")


def _texts_become_legacy_notices() -> None:
    build = sa.func.json_build_object if _postgres() else sa.func.json_object
    op.execute(
        _outbox.update().values(
            message_key=LEGACY_TEXT,
            params=build(sa.literal_column("'text'"), _outbox.c.text),
        )
    )


def _relabel_buttons() -> None:
    """Buttons are rare (JSON arrays; the rest hold SQL or JSON null): rewritten one by one."""
    json_type = sa.func.json_typeof if _postgres() else sa.func.json_type
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_outbox.c.id, _outbox.c.buttons).where(json_type(_outbox.c.buttons) == "array")
    ).all()
    for row_id, buttons in rows:
        relabelled = [[_legacy_button(button) for button in line] for line in buttons]
        bind.execute(_outbox.update().where(_outbox.c.id == row_id).values(buttons=relabelled))


def _legacy_button(button: dict[str, Any]) -> dict[str, Any]:
    rest = {name: value for name, value in button.items() if name != "text"}
    return {"label": LEGACY_TEXT, "params": {"text": button.get("text", "")}, **rest}


def _render_notices() -> None:
    """Back to final texts, in English; a row that cannot be rendered fails, as it would have."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_outbox.c.id, _outbox.c.message_key, _outbox.c.params, _outbox.c.buttons)
    ).all()
    for row_id, key, params, buttons in rows:
        update = _outbox.update().where(_outbox.c.id == row_id)
        try:
            text, rendered = render_notice(key, params or {}, buttons)
        except NoticeError:
            bind.execute(update.values(text="", status="failed"))
            continue
        bind.execute(update.values(text=text, buttons=rendered))
