"""Apply Alembic migrations from code, for `shopbot migrate` and start-up, and tell how far a
database is from the latest one, for `shopbot doctor`."""

from __future__ import annotations

import asyncio
import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema up to date; safe to run on every start, by several instances at once."""
    with _sqlite_turn(database_url):
        command.upgrade(alembic_config(database_url), revision)


@contextmanager
def _sqlite_turn(database_url: str) -> Iterator[None]:
    """Processes migrating one SQLite file take turns for the whole upgrade. Alembic commits
    each migration on its own there (SQLite's DDL isn't transactional for it), so without this
    a second instance could read the version between two of the first one's steps and apply a
    step twice. PostgreSQL takes an advisory lock in env.py instead."""
    url = make_url(database_url)
    path = url.database
    if url.get_backend_name() != "sqlite" or not path or path == ":memory:":
        yield
        return
    with open(f"{path}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, even on a crash
        yield


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    # env.py runs its own event loop, so it must not run on this one.
    await asyncio.to_thread(upgrade, database_url, revision)


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(""))


def head_revisions() -> tuple[str, ...]:
    """The latest revision of migrations/ (one, while the history stays a line)."""
    return tuple(_scripts().get_heads())


def known_revisions() -> frozenset[str]:
    """Every revision in migrations/: a database at any other was migrated by a newer shop."""
    return frozenset(script.revision for script in _scripts().walk_revisions())


async def current_revisions(connection: AsyncConnection) -> tuple[str, ...]:
    """The revisions the database is at; none when it was never migrated."""

    def read(sync: Connection) -> tuple[str, ...]:
        return tuple(MigrationContext.configure(sync).get_current_heads())

    return await connection.run_sync(read)
