from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text
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
