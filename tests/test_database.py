from __future__ import annotations

import asyncio
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.models import Address, User


async def test_a_failed_transaction_leaves_nothing_behind(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            session.add(User(telegram_id=1, first_name="Ann"))
            await session.flush()
            raise RuntimeError("boom")
    async with db.transaction() as session:
        assert (await session.scalars(select(User))).all() == []


async def test_the_schema_refuses_two_users_with_one_telegram_id(db: Database) -> None:
    async with db.transaction() as session:
        session.add(User(telegram_id=7, first_name="Ann"))
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            session.add(User(telegram_id=7, first_name="Impostor"))


async def test_reading_sees_what_was_committed(db: Database) -> None:
    async with db.transaction() as session:
        session.add(User(telegram_id=8, first_name="Ann"))
    async with db.reading() as session:
        assert [u.first_name for u in await session.scalars(select(User))] == ["Ann"]


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            session.add(
                Address(
                    user_id=999,
                    recipient_name="Nobody",
                    phone="+49 30 1234567",
                    street="Main St 1",
                    city="Berlin",
                    postal_code="10115",
                    country="DE",
                )
            )


async def test_the_embedded_database_runs_in_wal_mode(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("WAL is SQLite's journal mode")
    async with db.reading() as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"


async def test_writers_on_sqlite_take_turns_in_the_order_they_came(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("PostgreSQL lets writers of different rows work side by side")
    turns: list[int] = []

    async def write(number: int) -> None:
        async with db.transaction() as session:
            session.add(User(telegram_id=100 + number, first_name=f"Customer {number}"))
            await session.flush()  # SQLite's write lock is held from here to the commit
            turns.append(number)
            await asyncio.sleep(0.01)

    await asyncio.gather(*(write(number) for number in range(20)))

    assert turns == list(range(20))


async def test_rows_counts_and_new_ids_come_back_whole(db: Database) -> None:
    async with db.transaction() as session:
        session.add_all(User(telegram_id=200 + n, first_name=f"Customer {n}") for n in range(150))
        await session.flush()
        ids = (await session.scalars(select(User.id).order_by(User.id))).all()
        renamed = await session.execute(
            update(User).where(User.telegram_id >= 250).values(first_name="Renamed")
        )
        assert renamed.rowcount == 100  # type: ignore[attr-defined]
    assert len(set(ids)) == 150
    async with db.reading() as session:
        names = (await session.scalars(select(User.first_name).order_by(User.id))).all()
    assert names == [f"Customer {n}" for n in range(50)] + ["Renamed"] * 100


async def test_a_statement_on_sqlite_is_one_trip_to_its_thread(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each trip hands the GIL over and wakes the event loop: four per statement cost a third
    of the CPU of a Stripe webhook."""
    if not db.is_sqlite:
        pytest.skip("asyncpg has no thread")
    trips = 0
    execute = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal trips
        trips += 1
        return await execute(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    async with db.reading() as session:
        await session.execute(text("SELECT 1"))  # the connection is made and begun
        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        assert (await session.scalars(select(User.id))).all() == []
        assert (await session.execute(text("SELECT 2"))).scalar() == 2
        assert trips == 2
