"""Copies of the SQLite database: made while the shop runs, checked, and put back in place.

Plain blocking file work: run it in a thread. A copy is made with SQLite's online backup API in
one step, inside one read transaction, so it is the database as it was at one instant (every
transaction committed by then, none half-done) while the shop goes on writing: in WAL mode a
reader never blocks a writer. Each copy is one self-contained file (no -wal beside it) that
only its owner may read, since it holds customers' addresses, and it appears whole or not at
all under its name.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

BUSY_TIMEOUT_S = 30.0
SQLITE_HEADER = b"SQLite format 3\x00"
# The files SQLite keeps beside a database while it is open or after a crash.
COMPANIONS = ("-wal", "-shm", "-journal")


def _connect(path: Path) -> sqlite3.Connection:
    """An existing file, never a new empty one; transactions as written (autocommit)."""
    uri = f"file:{quote(str(path.absolute()))}?mode=rw"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)


def _companion(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _private_file(path: Path) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _publish(written: Path, target: Path) -> None:
    """`written` becomes `target` in one step, and stays so after a power cut."""
    _fsync(written)
    os.replace(written, target)
    _fsync(target.parent)


@contextmanager
def _scratch(beside: Path) -> Iterator[Path]:
    """A hidden file name next to `beside` (same file system, so it can replace it), removed
    with its companions unless something moved it away."""
    scratch = beside.with_name(f".{beside.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        yield scratch
    finally:
        for path in (scratch, *(_companion(scratch, suffix) for suffix in COMPANIONS)):
            path.unlink(missing_ok=True)
        _companion(scratch, ".migrate-lock").unlink(missing_ok=True)


def _backup_into(source: sqlite3.Connection, target: Path) -> None:
    _private_file(target)
    with closing(sqlite3.connect(target, isolation_level=None)) as copy:
        source.backup(copy)  # every page in one step: one consistent snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, readable without a -wal


def copy_database(source: Path, target: Path) -> int:
    """A consistent copy of the database at `source` written to `target`; returns its size."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _scratch(target) as partial, closing(_connect(source)) as live:
        _backup_into(live, partial)
        _publish(partial, target)
    return target.stat().st_size


def size_on_disk(database: Path) -> int:
    """What the database takes now, its write-ahead log included: about what a copy will."""
    return sum(
        path.stat().st_size for path in (database, _companion(database, "-wal")) if path.exists()
    )


@dataclass(frozen=True, slots=True)
class Inspection:
    sqlite: bool  # an SQLite database at all
    intact: bool  # SQLite's integrity check finds nothing wrong
    revision: str | None  # the schema version Alembic recorded; None without its table


def inspect(path: Path) -> Inspection:
    """What `path` holds. It is opened for writing (SQLite may roll back a journal left in it),
    so pass a copy of a file that must stay as it is."""
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return Inspection(sqlite=False, intact=False, revision=None)
    try:
        with closing(_connect(path)) as database:
            intact = database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            revision = _revision(database)
    except sqlite3.DatabaseError:  # "database disk image is malformed", and the like
        return Inspection(sqlite=True, intact=False, revision=None)
    return Inspection(sqlite=True, intact=intact, revision=revision)


def _revision(database: sqlite3.Connection) -> str | None:
    versioned = database.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if versioned is None:
        return None
    row = database.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else None


@contextmanager
def staged(backup: Path, database: Path) -> Iterator[Path]:
    """A copy of `backup` beside `database`, to check, migrate and then put in place with
    `swap_in`; the backup itself is only read. Removed if it was not put in place."""
    with _scratch(database) as stage:
        _private_file(stage)
        shutil.copyfile(backup, stage)
        yield stage


def seal(stage: Path) -> None:
    """One self-contained file: what a migration left in its write-ahead log is written in."""
    with closing(_connect(stage)) as database:
        database.execute("PRAGMA journal_mode=DELETE")
    for suffix in COMPANIONS:
        _companion(stage, suffix).unlink(missing_ok=True)


def keep_aside(database: Path, side_copy: Path) -> None:
    """A copy of the database as it is now, before it is replaced.

    Made with the backup API, so what sits in its write-ahead log is in the copy too. A database
    SQLite can no longer read (the usual reason to restore) is copied file by file instead:
    the database, and its log as `<side copy>-wal`, which SQLite reads with it."""
    try:
        copy_database(database, side_copy)
    except sqlite3.DatabaseError:
        side_copy.unlink(missing_ok=True)
        for suffix in ("", "-wal"):
            found = _companion(database, suffix)
            if found.exists():
                shutil.copy2(found, _companion(side_copy, suffix))


def swap_in(stage: Path, database: Path) -> None:
    """`stage` becomes the database in one step. Call it with the database closed everywhere
    (bot.db.lock): the journal and log left beside the old file are removed first, or SQLite
    would replay them into the new one."""
    for suffix in COMPANIONS:
        _companion(database, suffix).unlink(missing_ok=True)
    if database.exists():
        shutil.copymode(database, stage)
    _publish(stage, database)
