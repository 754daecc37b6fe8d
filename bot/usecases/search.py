"""Searching the catalogue. The customer's last query is kept in the database, so the result
pages' arrows work after a restart and on any bot instance."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.languages import reader
from bot.services import dialog, product
from bot.services.errors import NotFound
from bot.services.pagination import Page
from bot.services.search import CatalogSearch, SearchHit, clean_query
from bot.usecases.customers import Sender, shopper

FLOW = "search"
LAST_SEARCH = "last_search"


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: str
    found: Page[SearchHit]


async def ask_for_query(db: Database, *, sender: Sender) -> None:
    """The next text the customer sends is the query, even if another flow was under way."""
    async with db.transaction() as session:
        user = await shopper(session, sender)
        await dialog.set_step(session, user_id=user.id, flow=FLOW, step="query")


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
        found = await _results(session, catalog, query, 1, per_page)
    async with db.transaction() as session:
        user = await shopper(session, sender)
        if leave_flow:
            await dialog.clear_step(session, user_id=user.id)
        await dialog.remember(session, user_id=user.id, key=LAST_SEARCH, value=query)
    return SearchResults(query, found)


async def find(
    db: Database, *, catalog: CatalogSearch, text: str, page: int, per_page: int
) -> Page[SearchHit]:
    """A page of results without remembering the query: for a front door that keeps it
    itself (the storefront's search box)."""
    query = clean_query(text)
    async with db.reading() as session:
        return await _results(session, catalog, query, page, per_page)


async def search_page(
    db: Database, *, sender: Sender, catalog: CatalogSearch, page: int, per_page: int
) -> SearchResults:
    """Another page of the customer's last search."""
    async with db.reading() as session:
        user = await shopper(session, sender)
        query = await dialog.recall(session, user_id=user.id, key=LAST_SEARCH)
        if not isinstance(query, str) or not query.strip():
            raise NotFound("search.forgotten")
        found = await _results(session, catalog, query, page, per_page)
    return SearchResults(query, found)


async def _results(
    session: AsyncSession, catalog: CatalogSearch, query: str, page: int, per_page: int
) -> Page[SearchHit]:
    language = reader()
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
        )
    return found
