"""Who has the SQLite database open, told by a lock on a file beside it (`shop.db.lock`).

The shop and every `shopbot` command hold it shared for as long as they run; a restore takes
it exclusively, so it never swaps the file under a running shop, and a shop never starts on a
file being swapped. flock(2) locks belong to the open file and die with the process: a shop
killed with SIGKILL lets go at once, so unlike a PID file the lock can never go stale.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class DatabaseBusy(Exception):
    """Someone holds the lock the other way: the shop is running, or a restore is."""


def sqlite_file(url: str | URL) -> Path | None:
    """The SQLite database's file; None for PostgreSQL or an in-memory database."""
    url = make_url(url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(str(url.database))


def lock_file(database: Path) -> Path:
    return database.with_name(f"{database.name}.lock")


@contextmanager
def holding(url: str | URL, *, exclusive: bool = False) -> Iterator[None]:
    """The lock, taken at once or not at all (DatabaseBusy); PostgreSQL needs none."""
    database = sqlite_file(url)
    if database is None:
        yield
        return
    with holding_file(database, exclusive=exclusive):
        yield


@contextmanager
def holding_file(database: Path, *, exclusive: bool = False) -> Iterator[None]:
    if not database.parent.is_dir():
        yield  # nobody can have a database open in a folder that doesn't exist
        return
    with lock_file(database).open("a") as lock:
        try:
            fcntl.flock(lock, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseBusy(str(database)) from None
        yield
