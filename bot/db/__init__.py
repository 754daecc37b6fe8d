"""Engine and transactions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.db import sqlite_driver
from bot.db.revisions import CATALOG_CHANGED, RevisionWatch, read_revision
from bot.metrics import ShopMetrics

SQLITE_BUSY_TIMEOUT_S = 30
# session.info key: what to record in the shop's metrics once the session's transaction commits.
_ON_COMMIT = "shopbot.on_commit"

# Records a committed change (an order placed, paid…) in the shop's metrics.
Record = Callable[[ShopMetrics], None]


def _configure_sqlite(engine: AsyncEngine, *, immediate: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so that we can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails with SQLITE_BUSY when
        # another writer got in between; taking the write lock up front makes writers
        # queue on busy_timeout instead, which is what keeps checkouts from failing.
        # Read-only sessions keep the deferred BEGIN so they never wait for writers (WAL).
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def dialect_insert(session: AsyncSession, model: type[Any]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT with the ON CONFLICT clauses both our databases share."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def on_commit(session: AsyncSession, record: Record) -> None:
    """`record` the shop's metrics once this session's transaction has committed: never for a
    change that rolls back, and not at all while no shop records metrics on the database."""
    session.info.setdefault(_ON_COMMIT, []).append(record)


class Database:
    """One engine and its session factory; `transaction()` is the unit of work.

    `metrics`, set by the shop running on this database when METRICS_ENABLED is on, times
    every transaction and receives what services record with `on_commit`."""

    def __init__(self, url: str | URL) -> None:
        self.url = make_url(url)
        self.metrics: ShopMetrics | None = None
        # A statement's values are customers' names, addresses and phone numbers: they stay out
        # of error messages (and so out of logged tracebacks) and out of DATABASE_ECHO's lines,
        # which bot.logs turns on by logger level rather than with create_engine's echo (that
        # adds a handler of SQLAlchemy's own, printing lines of another shape).
        kwargs: dict[str, Any] = {"hide_parameters": True}
        if self.is_sqlite:
            kwargs["async_creator"] = sqlite_driver.connector(
                self.url, timeout=SQLITE_BUSY_TIMEOUT_S
            )
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine = create_async_engine(self.url, **kwargs)
        self.read_engine = self.engine
        if self.is_sqlite:
            _configure_sqlite(self.engine, immediate=True)
            self.read_engine = create_async_engine(self.url, **kwargs)
            _configure_sqlite(self.read_engine, immediate=False)
        self._lock = asyncio.Lock()
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        self._writer: asyncio.Task[Any] | None = None
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessionmaker = async_sessionmaker(self.read_engine, expire_on_commit=False)
        self._before_dispose: list[Callable[[], Awaitable[None]]] = []
        # The catalogue's revision as this process last saw it (bot.db.revisions).
        self.revisions = RevisionWatch(
            self._read_revision, listen_url=None if self.is_sqlite else self.url
        )

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Commit when the block ends normally, roll everything back when it raises."""
        started = time.perf_counter()
        try:
            async with self._writer_turn(), self.sessionmaker() as session:
                async with session.begin():
                    yield session
                self._committed(session)
        finally:
            self._timed("write", started)

    @asynccontextmanager
    async def _writer_turn(self) -> AsyncIterator[None]:
        """On SQLite, this process's writers queue here, first come first served.

        SQLite lets one writer in at a time; the others poll for the lock, sleeping longer each
        time (up to 100 ms), so under load the lock sits idle while they sleep and an unlucky
        writer waits for seconds. Queued here, the next writer starts the moment the last one
        commits. Writers in other processes still wait on busy_timeout.
        """
        if not self.is_sqlite:
            yield
            return
        task = asyncio.current_task()
        if task is not None and task is self._writer:  # nested: SQLite decides, as before
            yield
            return
        async with self._writer_lock():
            self._writer = task
            try:
                yield
            finally:
                self._writer = None

    def _writer_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock_loop is not loop:  # a lock serves the event loop it was made in
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only: on SQLite it never queues behind writers."""
        started = time.perf_counter()
        try:
            async with self.read_sessionmaker() as session:
                async with session.begin():
                    yield session
                self._committed(session)
        finally:
            self._timed("read", started)

    async def _read_revision(self) -> tuple[int, int]:
        async with self.reading() as session:
            return await read_revision(session)

    def _committed(self, session: AsyncSession) -> None:
        if session.info.pop(CATALOG_CHANGED, False):
            self.revisions.forget()
        records: list[Record] = session.info.pop(_ON_COMMIT, [])
        if self.metrics is not None:
            for record in records:
                record(self.metrics)

    def _timed(self, kind: str, started: float) -> None:
        if self.metrics is not None:
            elapsed = time.perf_counter() - started
            self.metrics.db_transaction_seconds.labels(kind).observe(elapsed)

    def before_dispose(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run `callback` when the shop stops using the database: to write what was kept
        back for a batch."""
        self._before_dispose.append(callback)

    async def dispose(self) -> None:
        for callback in self._before_dispose:
            await callback()
        self._before_dispose.clear()
        await self.revisions.close()
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()
