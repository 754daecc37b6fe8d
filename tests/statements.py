"""The SQL a piece of the shop runs, for tests that bound what a screen or a payment costs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event

from bot.db import Database


def not_transaction_control(statement: str) -> bool:
    return not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))


@contextmanager
def statements(
    db: Database,
    *,
    keep: Callable[[str], bool] = not_transaction_control,
    reads_too: bool = True,
) -> Iterator[list[str]]:
    """The statements `keep` accepts while the block runs, on the writing engine and (unless
    `reads_too` is off) the reading one, which SQLite has apart."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if keep(statement):
            seen.append(statement)

    engines = {db.engine.sync_engine}
    if reads_too:
        engines.add(db.read_engine.sync_engine)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
