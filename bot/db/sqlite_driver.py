"""aiosqlite with one trip to its thread per statement, for SQLAlchemy's sqlite+aiosqlite.

aiosqlite runs every call in the connection's own thread, and SQLAlchemy's adapter makes four
calls per statement (open a cursor, execute, fetch, close). Each trip is a hand-over of the GIL
and a wake-up of the event loop, some 40-80 µs of CPU: a third of what a statement costs. Here
one trip opens the cursor, executes, fetches every row and closes it, and the adapter reads
the rows and the cursor's attributes from memory. Same SQLite, same thread, same errors.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import URL

_Outcome = tuple[Any, list[Any], int, int | None]


def _run(connection: sqlite3.Connection, many: bool, operation: str, parameters: Any) -> _Outcome:
    """In the connection's thread: the whole statement, its rows and what the cursor says."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor:
    """The part of aiosqlite's Cursor that SQLAlchemy uses, with the results already fetched."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1
        self._rows: list[Any] = []

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def execute(self, operation: str, parameters: Any = ()) -> OneTripCursor:
        return await self._trip(False, operation, parameters)

    async def executemany(self, operation: str, parameters: Iterable[Any]) -> OneTripCursor:
        return await self._trip(True, operation, list(parameters))

    async def _trip(self, many: bool, operation: str, parameters: Any) -> OneTripCursor:
        run = partial(_run, self._connection._conn, many, operation, parameters)
        outcome: _Outcome = await self._connection._execute(run)  # type: ignore[no-untyped-call]
        self.description, self._rows, self.rowcount, self.lastrowid = outcome
        return self

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        taken, self._rows = self._rows[:count], self._rows[count:]
        return taken

    async def fetchall(self) -> list[Any]:
        taken, self._rows = self._rows, []
        return taken

    async def close(self) -> None:
        self._rows = []


class OneTripConnection(aiosqlite.Connection):
    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)


def connector(url: URL, *, timeout: float) -> Callable[[], Awaitable[OneTripConnection]]:
    """For create_async_engine(async_creator=…): connects as the sqlite+aiosqlite dialect
    would for this URL (file name, uri=true, thread check), with busy `timeout` seconds."""
    dialect = SQLiteDialect_aiosqlite(dbapi=SQLiteDialect_aiosqlite.import_dbapi())
    arguments, options = dialect.create_connect_args(url)
    connect = partial(sqlite3.connect, *_strings(arguments), timeout=timeout, **options)

    async def create() -> OneTripConnection:
        connection = OneTripConnection(connect, iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy sets it: never blocks the exit
        await connection  # starts its thread and connects there
        return connection

    return create


def _strings(arguments: Sequence[Any]) -> list[str]:
    return [str(argument) for argument in arguments]
