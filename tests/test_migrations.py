"""The Alembic history builds exactly the schema the models describe, on both databases."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
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
from bot.texts.statuses import note_text
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


# The choice to save the card: from the dialog data to the order's payment row

CARD_CHOICE_REVISION = "d4c7313f4277"
SHIPPING = tuple(
    f"ship_{field}"
    for field in ("recipient_name", "phone", "street", "city", "region", "postal_code", "country")
)
_NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
_users = sa.table(
    "users",
    sa.column("id", sa.Integer()),
    sa.column("telegram_id", sa.BigInteger()),
    sa.column("first_name", sa.String()),
    sa.column("created_at", UTCDateTime()),
)
_orders = sa.table(
    "orders",
    *(sa.column(name, sa.Integer()) for name in ("id", "user_id", "total")),
    *(sa.column(name, sa.String()) for name in ("status", "currency", *SHIPPING)),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
_payments = sa.table(
    "payment_information",
    *(sa.column(name, sa.Integer()) for name in ("order_id", "amount")),
    *(sa.column(name, sa.String()) for name in ("provider", "currency", "status")),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
_dialogs = sa.table(
    "dialog_states",
    sa.column("user_id", sa.Integer()),
    sa.column("data", sa.JSON()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)


def _order(order_id: int, user_id: int, status: str) -> dict[str, Any]:
    shipping = dict.fromkeys(SHIPPING, "x")
    return {"id": order_id, "user_id": user_id, "total": 4999, "currency": "EUR", **shipping} | {
        "status": status,
        "created_at": _NOW,
        "updated_at": _NOW,
    }


async def _old_choices(url: URL) -> None:
    """Ann chose to save her card for orders 1 (paid through a page already), 2 (awaiting
    payment) and 3 (cancelled); 99 is no order at all, and 4 is Bob's."""
    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            stamps = {"created_at": _NOW, "updated_at": _NOW}
            await connection.execute(
                _users.insert(),
                [
                    {"id": 1, "telegram_id": 11, "first_name": "Ann", "created_at": _NOW},
                    {"id": 2, "telegram_id": 22, "first_name": "Bob", "created_at": _NOW},
                ],
            )
            await connection.execute(
                _orders.insert(),
                [
                    _order(1, 1, "pending_payment"),
                    _order(2, 1, "pending_payment"),
                    _order(3, 1, "cancelled"),
                    _order(4, 2, "pending_payment"),
                ],
            )
            await connection.execute(
                _payments.insert().values(
                    order_id=1,
                    amount=4999,
                    provider="stripe",
                    currency="EUR",
                    status="pending",
                    **stamps,
                )
            )
            choices = {"last_search": "hoodie", "save_card_orders": [1, 2, 3, 99, 4]}
            await connection.execute(_dialogs.insert().values(user_id=1, data=choices, **stamps))
    finally:
        await database.dispose()


async def _card_choices(url: URL) -> tuple[list[tuple[int, bool]], Any]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            payments = sa.table(
                "payment_information", sa.column("order_id"), sa.column("save_card")
            )
            rows = await connection.execute(
                sa.select(payments.c.order_id, payments.c.save_card).order_by(payments.c.order_id)
            )
            data = await connection.scalar(sa.select(_dialogs.c.data))
            return [(order_id, bool(save)) for order_id, save in rows], data
    finally:
        await database.dispose()


def test_a_card_choice_kept_in_the_dialog_data_moves_to_the_orders_payment_row(
    empty_database_url: URL,
) -> None:
    config = alembic_config(empty_database_url.render_as_string(hide_password=False))
    script = ScriptDirectory.from_config(config)
    before = script.get_revision(CARD_CHOICE_REVISION).down_revision
    assert isinstance(before, str)
    command.upgrade(config, before)
    asyncio.run(_old_choices(empty_database_url))

    command.upgrade(config, CARD_CHOICE_REVISION)

    payments, data = asyncio.run(_card_choices(empty_database_url))
    assert payments == [(1, True), (2, True)]
    assert data == {"last_search": "hoodie"}


# Status-history notes: the shop's own words become keys, shown in words again when read

NOTE_KEYS_REVISION = "5b1e0c9d7a3f"
_changes = sa.table(
    "order_status_changes",
    sa.column("id", sa.Integer()),
    sa.column("order_id", sa.Integer()),
    sa.column("from_status", sa.String()),
    sa.column("to_status", sa.String()),
    sa.column("actor", sa.String()),
    sa.column("note", sa.String()),
    sa.column("created_at", UTCDateTime()),
)


async def _old_notes(url: URL) -> None:
    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                _users.insert(),
                [{"id": 1, "telegram_id": 11, "first_name": "Ann", "created_at": _NOW}],
            )
            await connection.execute(_orders.insert(), [_order(1, 1, "cancelled")])
            change = {"order_id": 1, "from_status": None, "actor": "system", "created_at": _NOW}
            await connection.execute(
                _changes.insert(),
                [
                    change | {"to_status": "pending_payment", "note": None},
                    change | {"to_status": "cancelled", "note": "payment timeout"},
                    change | {"to_status": "cancelled", "note": "asked by phone"},
                ],
            )
    finally:
        await database.dispose()


async def _notes(url: URL) -> list[str | None]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            rows = await connection.scalars(sa.select(_changes.c.note).order_by(_changes.c.id))
            return list(rows)
    finally:
        await database.dispose()


def test_status_notes_the_shop_wrote_become_keys_and_still_read_the_same(
    empty_database_url: URL,
) -> None:
    config = alembic_config(empty_database_url.render_as_string(hide_password=False))
    before = ScriptDirectory.from_config(config).get_revision(NOTE_KEYS_REVISION).down_revision
    assert isinstance(before, str)
    command.upgrade(config, before)
    asyncio.run(_old_notes(empty_database_url))

    command.upgrade(config, NOTE_KEYS_REVISION)
    notes = asyncio.run(_notes(empty_database_url))
    assert notes == [None, "payment_timeout", "asked by phone"]
    assert [note_text(note) for note in notes] == [None, "payment timeout", "asked by phone"]

    command.downgrade(config, before)
    assert asyncio.run(_notes(empty_database_url)) == [None, "payment timeout", "asked by phone"]


# Product galleries: each product's single photo becomes its gallery's cover

GALLERY_REVISION = "f3b8d1c6a924"
_categories = sa.table(
    "categories",
    sa.column("id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("created_at", UTCDateTime()),
)
_products = sa.table(
    "products",
    sa.column("id", sa.Integer()),
    sa.column("sku", sa.String()),
    sa.column("name", sa.String()),
    sa.column("description", sa.String()),
    sa.column("price", sa.Integer()),
    sa.column("currency", sa.String()),
    sa.column("category_id", sa.Integer()),
    sa.column("photo", sa.String()),
    sa.column("is_active", sa.Boolean()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
_sizes = sa.table(
    "sizes",
    sa.column("id", sa.Integer()),
    sa.column("product_id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("stock", sa.Integer()),
    sa.column("position", sa.Integer()),
)
_product_photos = sa.table(
    "product_photos",
    sa.column("product_id", sa.Integer()),
    sa.column("position", sa.Integer()),
    sa.column("value", sa.String()),
)


async def _old_photos(url: URL) -> None:
    database = Database(url)
    product = {"description": "", "price": 4999, "currency": "EUR", "category_id": 1}
    product |= {"is_active": True, "created_at": _NOW, "updated_at": _NOW}
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                _categories.insert(), [{"id": 1, "name": "Shoes", "created_at": _NOW}]
            )
            await connection.execute(
                _products.insert(),
                [
                    product | {"id": 1, "sku": "A", "name": "Court", "photo": "AgACfile-1"},
                    product | {"id": 2, "sku": "B", "name": "Plain", "photo": None},
                    product | {"id": 3, "sku": "C", "name": "Demo", "photo": "media:demo/c.png"},
                ],
            )
            await connection.execute(
                _sizes.insert(),
                [{"product_id": id, "name": "M", "stock": 3, "position": 0} for id in (1, 2, 3)],
            )
    finally:
        await database.dispose()


async def _galleries_and_sizes(url: URL) -> tuple[list[tuple[int, int, str]], int]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            photos = await connection.execute(
                sa.select(_product_photos).order_by(_product_photos.c.product_id)
            )
            sizes = await connection.scalar(sa.select(sa.func.count()).select_from(_sizes))
            return [tuple(row) for row in photos], sizes or 0
    finally:
        await database.dispose()


def test_each_products_single_photo_becomes_the_cover_of_its_gallery(
    empty_database_url: URL,
) -> None:
    config = alembic_config(empty_database_url.render_as_string(hide_password=False))
    command.upgrade(config, "c3f1a7d25e08")
    asyncio.run(_old_photos(empty_database_url))

    command.upgrade(config, GALLERY_REVISION)

    photos, sizes = asyncio.run(_galleries_and_sizes(empty_database_url))
    assert photos == [(1, 0, "AgACfile-1"), (3, 0, "media:demo/c.png")]
    assert sizes == 3  # the products' other rows are all still there
