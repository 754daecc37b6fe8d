"""Searching the catalogue. The customer's last query is kept in the database, so the result
pages' arrows work after a restart and on any bot instance.

A search is a read: the queries are written behind it, many customers' in one short
transaction a moment later (`QUERIES_KEPT_AFTER_S`), so on SQLite a search never waits for the
single write lock. This process answers the arrows from the queries not written yet; another
instance sees them once they are written, and `Database.dispose` writes what is left.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.languages import reader
from bot.services import dialog, product
from bot.services.errors import NotFound
from bot.services.pagination import Page
from bot.services.search import CatalogSearch, SearchHit, clean_query
from bot.usecases.customers import Sender, shopper_id

FLOW = "search"
LAST_SEARCH = "last_search"
QUERIES_KEPT_AFTER_S = 0.2

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: str
    found: Page[SearchHit]


async def ask_for_query(db: Database, *, sender: Sender) -> None:
    """The next text the customer sends is the query, even if another flow was under way."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await dialog.set_step(session, user_id=user_id, flow=FLOW, step="query")


async def search(
    db: Database,
    *,
    sender: Sender,
    catalog: CatalogSearch,
    text: str,
    per_page: int,
    leave_flow: bool = False,
) -> SearchResults:
    """The first page for the words, remembered for the pages after it; leave_flow ends the
    step that asked for them. The search (and any rebuild of the index it needs) runs in a
    read session: on SQLite only the short write after it takes the single write lock, so
    webhooks and checkouts never wait behind a search."""
    query = clean_query(text)
    async with db.reading() as session:
        user_id = await shopper_id(session, sender)
        found = await _results(db, session, catalog, query, 1, per_page)
    if leave_flow:
        async with db.transaction() as session:
            await dialog.clear_step(session, user_id=user_id)
    _queries.keep(db, user_id, query)
    return SearchResults(query, found)


async def find(
    db: Database, *, catalog: CatalogSearch, text: str, page: int, per_page: int
) -> Page[SearchHit]:
    """A page of results without remembering the query: for a front door that keeps it
    itself (the storefront's search box)."""
    query = clean_query(text)
    async with db.reading() as session:
        return await _results(db, session, catalog, query, page, per_page)


async def search_page(
    db: Database, *, sender: Sender, catalog: CatalogSearch, page: int, per_page: int
) -> SearchResults:
    """Another page of the customer's last search."""
    async with db.reading() as session:
        user_id = await shopper_id(session, sender)
        query = _queries.unwritten(db, user_id)
        if query is None:
            query = await dialog.recall(session, user_id=user_id, key=LAST_SEARCH)
        if not isinstance(query, str) or not query.strip():
            raise NotFound("search.forgotten")
        found = await _results(db, session, catalog, query, page, per_page)
    return SearchResults(query, found)


async def _results(
    db: Database,
    session: AsyncSession,
    catalog: CatalogSearch,
    query: str,
    page: int,
    per_page: int,
) -> Page[SearchHit]:
    language = reader()
    revision, _ = await db.revisions.current()
    found = await product.search_products(
        session,
        catalog=catalog,
        query=query,
        page=max(page, 1),
        per_page=per_page,
        language=language,
    )
    if found.page > found.pages:  # the catalogue changed since the button was made
        found = await product.search_products(
            session,
            catalog=catalog,
            query=query,
            page=found.pages,
            per_page=per_page,
            language=language,
            revision=revision,
        )
    return found


class _LastQueries:
    """The customers' last queries this process has not written yet, per database."""

    def __init__(self) -> None:
        self._unwritten: WeakKeyDictionary[Database, dict[int, str]] = WeakKeyDictionary()
        self._writers: WeakKeyDictionary[Database, asyncio.Task[None]] = WeakKeyDictionary()

    def keep(self, db: Database, user_id: int, query: str) -> None:
        unwritten = self._unwritten.get(db)
        if unwritten is None:
            unwritten = self._unwritten[db] = {}
            db.before_dispose(lambda: self._last_write(db))
        unwritten[user_id] = query
        writer = self._writers.get(db)
        if writer is None or writer.done():
            self._writers[db] = asyncio.get_running_loop().create_task(self._write_soon(db))

    def unwritten(self, db: Database, user_id: int) -> str | None:
        return self._unwritten.get(db, {}).get(user_id)

    async def write(self, db: Database) -> None:
        """Every query kept so far, in one transaction; kept for the next turn if it fails."""
        unwritten = self._unwritten.get(db)
        if not unwritten:
            return
        batch = dict(unwritten)
        try:
            async with db.transaction() as session:
                await dialog.remember_many(session, key=LAST_SEARCH, values=batch)
        except Exception:
            log.exception("Could not keep %d customers' last searches; trying again", len(batch))
            return
        for user_id, query in batch.items():
            if unwritten.get(user_id) == query:  # unless a newer one came meanwhile
                del unwritten[user_id]

    async def _last_write(self, db: Database) -> None:
        writer = self._writers.pop(db, None)
        if writer is not None:
            writer.cancel()
        await self.write(db)

    async def _write_soon(self, db: Database) -> None:
        while self._unwritten.get(db):
            await asyncio.sleep(QUERIES_KEPT_AFTER_S)
            await self.write(db)


_queries = _LastQueries()
