"""The catalogue's revision counters as this process last saw them, so that copies of the
catalogue in memory (the search index, the catalogue's screens) know when they are stale
without a statement per screen.

Three ways a change is learnt: a commit in this process forgets the value at once; on
PostgreSQL a change committed by any process is announced with NOTIFY on `CHANNEL` (sent in
the changing transaction, so delivered only if it commits); and a value older than `max_age`
is read again, which bounds how stale a screen can be when a notification is lost (a dropped
listening connection, SQLite with several processes on one file).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import URL

from bot.models import CatalogRevision

log = logging.getLogger(__name__)

CHANNEL = "shop_catalog"
# Row ids in catalog_revision: what search reads, and what only the screens show.
CATALOG = 1  # names, descriptions, prices, sizes, categories, visibility
SHOWCASE = 2  # photos, ratings and reviews
# session.info key set by a transaction that bumped a revision: this process forgets the
# value once it commits.
CATALOG_CHANGED = "shopbot.catalog_changed"

Revision = tuple[int, int]  # (CATALOG, SHOWCASE)
Reader = Callable[[], Awaitable[Revision]]

# Bound on a value's age while nothing announces changes, and while PostgreSQL does (a
# connection can die silently, so notifications are trusted only so long).
MAX_AGE_S = 0.5
LISTENING_MAX_AGE_S = 1.0
_RECONNECT_S = 1.0


async def read_revision(session: Any) -> Revision:
    rows = await session.execute(select(CatalogRevision.id, CatalogRevision.revision))
    found: dict[int, int] = {id: revision for id, revision in rows}
    return found.get(CATALOG, 0), found.get(SHOWCASE, 0)


class RevisionWatch:
    """The last revision read, shared by every screen of the process."""

    def __init__(
        self,
        read: Reader,
        *,
        listen_url: URL | None = None,
        max_age: float = MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self._listen_url = listen_url
        self._max_age = max_age
        self._clock = clock
        self._value: Revision | None = None
        self._read_at = 0.0
        self._changes = 0  # forgotten values, so a read racing a change isn't trusted
        self._lock: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: asyncio.Task[None] | None = None
        self._listening = False

    async def current(self) -> Revision:
        """The revision, read again when this process changed the catalogue, when a change
        was announced, or when the value is older than the bound."""
        self._listen()
        value = self._fresh()
        if value is not None:
            return value
        async with self._turn():
            value = self._fresh()
            if value is not None:
                return value
            changes, started = self._changes, self._clock()
            value = await self._read()
            if changes == self._changes:
                self._value, self._read_at = value, started
            return value

    def forget(self) -> None:
        """A change committed: the next screen reads the revision again."""
        self._changes += 1
        self._value = None

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
            self._listener = None

    def _fresh(self) -> Revision | None:
        if self._value is None:
            return None
        max_age = LISTENING_MAX_AGE_S if self._listening else self._max_age
        return self._value if self._clock() - self._read_at < max_age else None

    def _turn(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._loop is not loop:  # a lock serves one event loop
            self._lock, self._loop = asyncio.Lock(), loop
        return self._lock

    def _listen(self) -> None:
        if self._listen_url is None:
            return
        if self._listener is None or self._listener.get_loop() is not asyncio.get_running_loop():
            self._listener = asyncio.get_running_loop().create_task(self._keep_listening())

    async def _keep_listening(self) -> None:
        """LISTEN on a connection of its own, reconnecting when it drops; the values read in
        between are trusted only for the short bound."""
        import asyncpg  # type: ignore[import-untyped]  # PostgreSQL only

        assert self._listen_url is not None
        dsn = self._listen_url.set(drivername="postgresql").render_as_string(hide_password=False)
        while True:
            connection = None
            try:
                connection = await asyncpg.connect(dsn)
                await self._listen_until_lost(connection)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database restarting: read on the short bound
                log.debug("Listening for catalogue changes failed: %s", error)
            finally:
                self._listening = False
                if connection is not None and not connection.is_closed():
                    with contextlib.suppress(Exception):
                        await asyncio.shield(connection.close(timeout=1))
            await asyncio.sleep(_RECONNECT_S)

    async def _listen_until_lost(self, connection: Any) -> None:
        lost = asyncio.get_running_loop().create_future()

        def on_lost(_: object) -> None:
            if not lost.done():
                lost.set_result(None)

        connection.add_termination_listener(on_lost)
        await connection.add_listener(CHANNEL, lambda *_: self.forget())
        self.forget()  # changes made before listening are read once more
        self._listening = True
        await lost
