"""Search as a customer uses it: the query is remembered for the pages after the first."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.engine import URL

from bot.db import Database
from bot.services import dialog
from bot.services import user as users
from bot.services.errors import NotFound
from bot.services.search import CatalogSearch
from bot.texts.errors import error_text
from bot.usecases import customers, search
from bot.usecases.customers import Sender
from tests.factories import make_category, make_product
from tests.statements import statements
from tests.usecases.steps import flow_of

ANN = Sender(telegram_id=501, first_name="Ann")
BOB = Sender(telegram_id=502, first_name="Bob")


async def _shop_with_sneakers(db: Database, count: int) -> None:
    async with db.transaction() as session:
        category = await make_category(session, "Sneakers")
        for number in range(count):
            await make_product(session, name=f"Trail Sneakers {number}", category=category)


async def test_the_next_page_continues_the_customers_last_search(db: Database) -> None:
    await _shop_with_sneakers(db, 3)
    engine = CatalogSearch()
    first = await search.search(db, sender=ANN, catalog=engine, text="  snekers ", per_page=2)
    second = await search.search_page(db, sender=ANN, catalog=engine, page=2, per_page=2)
    assert (first.query, first.found.total, len(first.found.items)) == ("snekers", 3, 2)
    assert (second.query, second.found.page, len(second.found.items)) == ("snekers", 2, 1)


async def test_a_page_past_the_end_shows_the_last_one(db: Database) -> None:
    await _shop_with_sneakers(db, 3)
    engine = CatalogSearch()
    await search.search(db, sender=ANN, catalog=engine, text="sneakers", per_page=2)
    results = await search.search_page(db, sender=ANN, catalog=engine, page=9, per_page=2)
    assert results.found.page == 2


async def test_pages_of_a_search_nobody_made_are_refused(db: Database) -> None:
    engine = CatalogSearch()
    await search.search(db, sender=ANN, catalog=engine, text="sneakers", per_page=2)
    with pytest.raises(NotFound) as refused:
        await search.search_page(db, sender=BOB, catalog=engine, page=2, per_page=2)
    assert "no longer know what you searched for" in error_text(refused.value)


async def test_answering_the_search_prompt_ends_its_step(db: Database) -> None:
    engine = CatalogSearch()
    await search.ask_for_query(db, sender=ANN)
    assert await flow_of(db, ANN) == search.FLOW
    await search.search(db, sender=ANN, catalog=engine, text="hoodie", per_page=2, leave_flow=True)
    assert await flow_of(db, ANN) is None


def _writes(statement: str) -> bool:
    writing = ("INSERT", "UPDATE", "DELETE", "BEGIN IMMEDIATE")
    return statement.startswith(writing) or "FOR UPDATE" in statement


async def test_a_search_is_a_read_and_its_query_is_kept_a_moment_later(db: Database) -> None:
    """On SQLite one writer at a time: a search (and the index rebuild after a catalogue
    change) that took the write lock would make every webhook and checkout wait behind it."""
    await _shop_with_sneakers(db, 3)
    await customers.remember(db, ANN)  # as the chat does before any handler
    with statements(db, keep=_writes, reads_too=False) as written:
        found = await search.search(
            db, sender=ANN, catalog=CatalogSearch(), text="sneakers", per_page=2
        )
        assert found.found.total == 3
        assert written == []
        await asyncio.sleep(search.QUERIES_KEPT_AFTER_S * 3)
    assert written, "the query is kept, in a write of its own"
    async with db.reading() as session:
        ann = await users.get_by_telegram_id(session, ANN.telegram_id)
        assert await dialog.recall(session, user_id=ann.id, key=search.LAST_SEARCH) == "sneakers"


async def test_the_next_page_works_on_another_instance_after_a_restart(
    db: Database, database_url: URL
) -> None:
    await _shop_with_sneakers(db, 3)
    stopping = Database(database_url)
    await search.search(stopping, sender=ANN, catalog=CatalogSearch(), text="snekers", per_page=2)
    await stopping.dispose()  # at once: the query had no time to be written in a batch
    page = await search.search_page(db, sender=ANN, catalog=CatalogSearch(), page=2, per_page=2)
    assert (page.query, page.found.page) == ("snekers", 2)
