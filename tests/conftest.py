"""Every test gets an empty shop on a real database.

SQLite (default): a fresh file per test. PostgreSQL (TEST_DATABASE_URL=postgresql+asyncpg://…):
a database of this test run's own, created once, emptied between tests, dropped at the end,
so parallel runs on one server never see each other's rows.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from bot.app import ShopApplication
from bot.config import Settings
from bot.db import Database
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.models import Base
from bot.runner import running_shop

# Fixtures kept in modules of their own.
pytest_plugins = ["tests.catalogues"]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def _is_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")


async def _admin_execute(admin_url: URL, statement: str) -> None:
    admin = Database(admin_url)
    try:
        async with admin.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await admin.dispose()


async def _create_schema(url: URL) -> None:
    database = Database(url)
    try:
        async with database.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
    finally:
        await database.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[URL | None]:
    if not _is_postgres():
        yield None
        return
    admin_url = make_url(TEST_DATABASE_URL)
    name = f"shopbot_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin_execute(admin_url, f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name)
    asyncio.run(_create_schema(url))
    yield url
    asyncio.run(_admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def database_url(postgres_url: URL | None, tmp_path: Path) -> URL:
    """A URL with an empty schema; tests that run migrations use their own."""
    if postgres_url is not None:
        return postgres_url
    return make_url(f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}")


@pytest.fixture
async def db(database_url: URL) -> AsyncIterator[Database]:
    database = Database(database_url)
    if database.is_sqlite:
        async with database.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
    else:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with database.engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emu:
        yield emu


def shop_settings(emulator: BotApiEmulator, database: Database, **overrides: object) -> Settings:
    """Settings pointing the bot at the emulator, ignoring any .env on this machine."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database.url.render_as_string(hide_password=False),
        telegram_api_base_url=emulator.base_url,
        telegram_file_base_url=emulator.base_file_url,
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture
async def shop(emulator: BotApiEmulator, db: Database) -> AsyncIterator[ShopApplication]:
    """The real Application, long-polling the emulator over loopback HTTP."""
    async with running_shop(shop_settings(emulator, db), db, token=emulator.token) as app:
        yield app


# The shop owner in the admin tests: listed in ADMIN_IDS.
OWNER_ID = 7000


@pytest.fixture
async def admin_shop(emulator: BotApiEmulator, db: Database) -> AsyncIterator[ShopApplication]:
    """The running shop with OWNER_ID in ADMIN_IDS."""
    settings = shop_settings(emulator, db, admin_ids=[OWNER_ID])
    async with running_shop(settings, db, token=emulator.token) as app:
        yield app


@pytest.fixture
async def stripe_api() -> AsyncIterator[FakeStripeApi]:
    """The local fake of Stripe's API on loopback, recording every request."""
    async with FakeStripeApi() as api:
        yield api
