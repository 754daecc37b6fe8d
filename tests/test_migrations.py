"""The Alembic history builds exactly the schema the models describe, on both databases."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (
    JSON,
    BigInteger,
    Integer,
    String,
    Text,
    column,
    insert,
    inspect,
    select,
    table,
)
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.sql.expression import ColumnClause

from bot.db import Database
from bot.db.migrate import alembic_config
from bot.models import Base
from bot.models.base import UTCDateTime, utcnow
from bot.texts.notices import LEGACY_TEXT, render_notice
from tests.conftest import TEST_DATABASE_URL, _admin_execute, _is_postgres


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[URL]:
    if not _is_postgres():
        yield make_url(f"sqlite+aiosqlite:///{tmp_path / 'migrated.db'}")
        return
    admin_url = make_url(TEST_DATABASE_URL)
    name = f"shopbot_migrate_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin_execute(admin_url, f'CREATE DATABASE "{name}"'))
    yield admin_url.set(database=name)
    asyncio.run(_admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _inspect(url: URL) -> tuple[list[Any], set[str]]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            return await connection.run_sync(_diff), await connection.run_sync(_tables)
    finally:
        await database.dispose()


def test_migrations_build_the_schema_the_models_describe(empty_database_url: URL) -> None:
    url = empty_database_url.render_as_string(hide_password=False)
    command.upgrade(alembic_config(url), "head")
    diff, tables = asyncio.run(_inspect(empty_database_url))
    assert diff == []
    assert set(Base.metadata.tables) <= tables


def test_migrations_downgrade_to_nothing_and_back(empty_database_url: URL) -> None:
    url = empty_database_url.render_as_string(hide_password=False)
    config = alembic_config(url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    _, tables = asyncio.run(_inspect(empty_database_url))
    assert tables <= {"alembic_version"}
    command.upgrade(config, "head")
    diff, _ = asyncio.run(_inspect(empty_database_url))
    assert diff == []


def test_instances_starting_together_both_end_up_on_the_current_schema(
    empty_database_url: URL, tmp_path: Path
) -> None:
    """Two processes, as two instances would be: Alembic's context is one per process."""
    url = empty_database_url.render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url}
    command_line = [sys.executable, "-m", "bot", "migrate"]
    starts = [
        subprocess.Popen(command_line, cwd=tmp_path, env=env, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    errors = [start.communicate(timeout=120)[1].decode() for start in starts]
    assert [start.returncode for start in starts] == [0, 0], errors
    diff, _ = asyncio.run(_inspect(empty_database_url))
    assert diff == []


_OLD_OUTBOX = table(
    "outbox_messages",
    column("key", String()),
    column("chat_id", BigInteger()),
    column("text", Text()),
    column("buttons", JSON()),
    column("status", String()),
    column("attempts", Integer()),
    column("next_attempt_at", UTCDateTime()),
    column("created_at", UTCDateTime()),
)


async def _queue_old_text(url: URL) -> None:
    """A notification queued by the version before notices had keys, still waiting."""
    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                insert(_OLD_OUTBOX).values(
                    key="order:1:paid:customer",
                    chat_id=42,
                    text="Your order <b>#1</b> is paid.",
                    buttons=[[{"text": "Order #1", "callback_data": "o:1"}]],
                    status="pending",
                    attempts=0,
                    next_attempt_at=utcnow(),
                    created_at=utcnow(),
                )
            )
    finally:
        await database.dispose()


_NEW_OUTBOX = table(
    "outbox_messages",
    column("status", String()),
    column("message_key", String()),
    column("params", JSON()),
    column("buttons", JSON()),
)


async def _read(url: URL, *columns: ColumnClause[Any]) -> list[tuple[Any, ...]]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(select(*columns))]
    finally:
        await database.dispose()


def test_a_text_queued_before_notice_keys_is_carried_over_and_sent_as_it_was(
    empty_database_url: URL,
) -> None:
    url = empty_database_url.render_as_string(hide_password=False)
    config = alembic_config(url)
    command.upgrade(config, "45aa76e8e49b")
    asyncio.run(_queue_old_text(empty_database_url))

    command.upgrade(config, "head")

    ((status, message_key, params, buttons),) = asyncio.run(
        _read(empty_database_url, *_NEW_OUTBOX.c)
    )
    assert (status, message_key) == ("pending", LEGACY_TEXT)
    assert render_notice(message_key, params, buttons) == (
        "Your order <b>#1</b> is paid.",
        [[{"text": "Order #1", "callback_data": "o:1"}]],
    )

    command.downgrade(config, "45aa76e8e49b")

    old = _OLD_OUTBOX.c
    assert asyncio.run(_read(empty_database_url, old.status, old.text, old.buttons)) == [
        (
            "pending",
            "Your order <b>#1</b> is paid.",
            [[{"text": "Order #1", "callback_data": "o:1"}]],
        )
    ]
