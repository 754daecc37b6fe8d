"""Search as a customer uses it: the query is remembered for the pages after the first."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from bot.db import Database
from bot.services.errors import NotFound
from bot.services.search import CatalogSearch
from bot.texts.errors import error_text
from bot.usecases import search
from bot.usecases.customers import Sender
from tests.factories import make_category, make_product
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


async def test_searching_never_holds_the_write_lock(db: Database) -> None:
    """On SQLite one writer at a time: a search (and the index rebuild after a catalogue
    change) that held the lock would make every webhook and checkout wait behind it."""
    if not db.is_sqlite:
        pytest.skip("SQLite's single write lock; PostgreSQL readers and writers don't queue")
    await _shop_with_sneakers(db, 3)
    written: list[str] = []

    def watch(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        written.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", watch)
    try:
        found = await search.search(
            db, sender=ANN, catalog=CatalogSearch(), text="sneakers", per_page=2
        )
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", watch)

    assert found.found.total == 3
    assert written, "the query is still remembered, in a write of its own"
    assert not [s for s in written if "FROM products" in s], written
