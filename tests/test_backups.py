"""Backups of the SQLite database: consistent while orders are placed, restored only into a
stopped shop and only from a sound backup of this shop, migrated when older, kept daily."""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from bot.db import Database
from bot.db.lock import DatabaseBusy, holding
from bot.db.migrate import alembic_config, head_revisions, upgrade_async
from bot.emulator.emulator import BotApiEmulator
from bot.models import Order, OrderItem, Size
from bot.runner import running_shop
from bot.services.errors import NotAllowed, ShopError
from bot.usecases.backups import (
    Backup,
    keep_daily_backups,
    restore_backup,
    take_backup,
)
from tests.conftest import _is_postgres, shop_settings
from tests.test_checkout_concurrency import Buyer, checkout, make_buyer, make_sizes

STOCK = 500
BUYERS = 60
WRITERS = 4

OrderLines = dict[int, tuple[int, str, list[tuple[int | None, int]]]]  # id -> total, status, lines


def sqlite_only() -> None:
    if _is_postgres():
        pytest.skip("the shop copies its own database on SQLite; PostgreSQL has pg_dump")


@pytest.fixture
async def shop_db(tmp_path: Path) -> AsyncIterator[Database]:
    """The shop's SQLite file as `shopbot migrate` leaves it, Alembic's version table too."""
    sqlite_only()
    url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    await upgrade_async(url)
    database = Database(url)
    try:
        yield database
    finally:
        await database.dispose()


def database_file(db: Database) -> Path:
    assert db.url.database is not None
    return Path(db.url.database)


async def orders_in(db: Database) -> OrderLines:
    async with db.reading() as session:
        orders = (await session.scalars(select(Order))).all()
        items = (
            await session.execute(select(OrderItem.order_id, OrderItem.size_id, OrderItem.quantity))
        ).all()
    lines: dict[int, list[tuple[int | None, int]]] = {}
    for order_id, size_id, quantity in items:
        lines.setdefault(order_id, []).append((size_id, quantity))
    return {o.id: (o.total, o.status.value, sorted(lines.get(o.id, []))) for o in orders}


async def stock_of(db: Database, size_id: int) -> int:
    async with db.reading() as session:
        stock = await session.scalar(select(Size.stock).where(Size.id == size_id))
    assert stock is not None
    return stock


def integrity(path: Path) -> list[tuple[str]]:
    with closing(sqlite3.connect(path)) as copy:
        return copy.execute("PRAGMA integrity_check").fetchall()


async def test_a_backup_taken_while_orders_are_placed_restores_every_committed_order_intact(
    shop_db: Database, tmp_path: Path
) -> None:
    size_id = (await make_sizes(shop_db, {"M": STOCK}))["M"]
    buyers = [await make_buyer(shop_db, {size_id: 1 + n % 3}) for n in range(BUYERS)]
    committed: dict[int, float] = {}  # order id -> when its checkout's commit returned
    under_way = asyncio.Event()

    async def place(batch: list[Buyer]) -> None:
        for buyer in batch:
            order = await checkout(shop_db, buyer)
            committed[order.id] = time.monotonic()
            if len(committed) >= BUYERS // 4:
                under_way.set()

    writers = [asyncio.create_task(place(buyers[n::WRITERS])) for n in range(WRITERS)]
    await under_way.wait()
    started = time.monotonic()
    made = await take_backup(shop_db.url, backup_dir=tmp_path / "backups")
    finished = time.monotonic()
    await asyncio.gather(*writers)
    live = await orders_in(shop_db)
    await shop_db.dispose()  # the shop stops: now it may be restored

    assert isinstance(made, Backup) and made.path.parent == tmp_path / "backups"
    assert integrity(made.path) == [("ok",)]
    restored = await restore_backup(shop_db.url, backup=made.path)
    back = await orders_in(shop_db)

    committed_before = {order_id for order_id, at in committed.items() if at < started}
    assert committed_before <= back.keys(), "an order committed before the backup is missing"
    assert any(at > finished for at in committed.values()), "orders went on after the backup"
    assert back.keys() < live.keys()
    assert {order_id: live[order_id] for order_id in back} == back  # every line, every total
    # One writer at a time on SQLite: ids follow commit order, so the copy holds a prefix of
    # them, and the stock it holds is exactly what those orders left.
    assert sorted(back) == list(range(1, len(back) + 1))
    sold = sum(quantity for _, _, lines in back.values() for _, quantity in lines)
    assert await stock_of(shop_db, size_id) == STOCK - sold
    assert restored.side_copy is not None and integrity(restored.side_copy) == [("ok",)]
    side = Database(f"sqlite+aiosqlite:///{restored.side_copy}")
    try:
        assert await orders_in(side) == live  # the replaced database, kept whole
    finally:
        await side.dispose()


async def test_restore_is_refused_while_the_shop_has_the_database_open(
    shop_db: Database, tmp_path: Path
) -> None:
    made = await take_backup(shop_db.url, backup_dir=tmp_path / "backups")
    assert isinstance(made, Backup)
    before = database_file(shop_db).read_bytes()

    with holding(shop_db.url), pytest.raises(NotAllowed) as refused:  # as `shopbot run` does
        await restore_backup(shop_db.url, backup=made.path)

    assert refused.value.code == "restore.shop_running"
    assert database_file(shop_db).read_bytes() == before
    assert left_behind(tmp_path) == []


def left_behind(folder: Path) -> list[str]:
    """A side copy or a half-made file a refused restore should not have left."""
    return [p.name for p in folder.iterdir() if "before-restore" in p.name or p.name[0] == "."]


async def test_the_shop_does_not_start_while_a_restore_holds_the_database(
    shop_db: Database,
) -> None:
    with holding(shop_db.url, exclusive=True), pytest.raises(DatabaseBusy), holding(shop_db.url):
        pass
    with holding(shop_db.url), holding(shop_db.url):  # two shops share it
        pass


async def test_a_file_that_is_not_a_database_of_this_shop_is_refused(
    shop_db: Database, tmp_path: Path
) -> None:
    await shop_db.dispose()
    good = await take_backup(shop_db.url, backup_dir=tmp_path / "backups")
    assert isinstance(good, Backup)
    junk = tmp_path / "notes.db"
    junk.write_text("not a database, just text that someone named .db\n" * 50)
    no_schema = tmp_path / "other-app.db"
    with closing(sqlite3.connect(no_schema)) as other:
        other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    damaged = tmp_path / "damaged.db"
    shutil.copyfile(good.path, damaged)
    with damaged.open("r+b") as file:
        for page in range(2, good.size // 4096, 3):
            file.seek(page * 4096 + 8)
            file.write(b"\xff" * 64)
    newer = tmp_path / "newer.db"
    shutil.copyfile(good.path, newer)
    with closing(sqlite3.connect(newer)) as future:
        future.execute("UPDATE alembic_version SET version_num = 'f00dfeedbeef'")
        future.commit()
    before = database_file(shop_db).read_bytes()

    codes = []
    for backup in (
        junk,
        no_schema,
        damaged,
        newer,
        tmp_path / "missing.db",
        database_file(shop_db),
    ):
        with pytest.raises(ShopError) as refused:
            await restore_backup(shop_db.url, backup=backup)
        codes.append(refused.value.code)

    assert codes == [
        "restore.not_sqlite",
        "restore.not_a_shop",
        "restore.damaged",
        "restore.newer",
        "restore.no_backup",
        "restore.same_file",
    ]
    assert database_file(shop_db).read_bytes() == before
    assert left_behind(tmp_path) == []


async def test_a_database_sqlite_can_no_longer_read_is_replaced_and_kept_as_it_was(
    shop_db: Database, tmp_path: Path
) -> None:
    made = await take_backup(shop_db.url, backup_dir=tmp_path / "backups")
    assert isinstance(made, Backup)
    await shop_db.dispose()
    broken = b"\x00" * 4096 + database_file(shop_db).read_bytes()[4096:]
    database_file(shop_db).write_bytes(broken)

    restored = await restore_backup(shop_db.url, backup=made.path)

    assert integrity(database_file(shop_db)) == [("ok",)]
    assert restored.side_copy is not None and restored.side_copy.read_bytes() == broken


async def test_an_older_backup_is_migrated_to_the_current_schema_as_it_is_restored(
    shop_db: Database, tmp_path: Path
) -> None:
    older = tmp_path / "older.db"
    url = f"sqlite+aiosqlite:///{older}"
    await asyncio.to_thread(command.upgrade, alembic_config(url), "9d3f6b2e8a41")
    with closing(sqlite3.connect(older)) as old:
        old.execute(
            "INSERT INTO users (telegram_id, first_name, is_admin, is_blocked, created_at) "
            "VALUES (4242, 'Olga', 0, 0, '2026-11-30 10:00:00')"
        )
        old.commit()
    await shop_db.dispose()

    restored = await restore_backup(shop_db.url, backup=older)

    (head,) = head_revisions()
    assert (restored.revision, restored.head, restored.migrated) == ("9d3f6b2e8a41", head, True)
    with closing(sqlite3.connect(database_file(shop_db))) as now:
        assert now.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        olga = now.execute("SELECT first_name, language FROM users WHERE telegram_id = 4242")
        assert olga.fetchall() == [("Olga", None)]  # the column a later migration added
        assert now.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert not (tmp_path / "shop.db-wal").exists()  # one self-contained file


async def test_restore_on_postgresql_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotAllowed) as refused:
        await restore_backup(
            "postgresql+asyncpg://shop:secret@127.0.0.1:5432/shop", backup=tmp_path / "x.dump"
        )
    assert refused.value.code == "restore.postgresql"


# ---------------------------------------------------------------- daily backups


async def test_the_daily_backups_keep_the_newest_n_and_never_a_copy_made_by_hand(
    shop_db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    by_hand = await take_backup(shop_db.url, backup_dir=folder)
    assert isinstance(by_hand, Backup)
    (folder / "notes.txt").write_text("the operator's own file")
    first = date(2026, 12, 1)

    days = [
        await keep_daily_backups(shop_db.url, backup_dir=folder, keep=3, today=first + timedelta(n))
        for n in range(5)
    ]
    again = await keep_daily_backups(
        shop_db.url, backup_dir=folder, keep=3, today=date(2026, 12, 5)
    )

    assert [d.made.name if d.made else None for d in days] == [
        f"shop-daily-2026120{n}.db" for n in range(1, 6)
    ]
    assert [[p.name for p in d.removed] for d in days] == [
        [],
        [],
        [],
        ["shop-daily-20261201.db"],
        ["shop-daily-20261202.db"],
    ]
    assert (again.made, again.removed) == (None, ())
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [
            by_hand.path.name,
            "notes.txt",
            "shop-daily-20261203.db",
            "shop-daily-20261204.db",
            "shop-daily-20261205.db",
        ]
    )
    assert integrity(folder / "shop-daily-20261205.db") == [("ok",)]


async def test_the_running_shop_makes_today_s_backup_with_backup_keep(
    emulator: BotApiEmulator, db: Database, tmp_path: Path
) -> None:
    sqlite_only()
    folder = tmp_path / "daily"
    settings = shop_settings(emulator, db, backup_keep=2, backup_dir=folder)

    async with running_shop(settings, db, token=emulator.token):
        for _ in range(200):
            if any(folder.glob("shop-daily-*.db")):
                break
            await asyncio.sleep(0.05)

    assert [p.name.startswith("shop-daily-") for p in folder.iterdir()] == [True]


async def test_on_postgresql_the_daily_backup_job_says_so_once_and_makes_nothing(
    emulator: BotApiEmulator, db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    folder = tmp_path / "daily"
    settings = shop_settings(emulator, db, backup_keep=2, backup_dir=folder)

    with caplog.at_level(logging.INFO, logger="bot.jobs.background"):
        async with running_shop(settings, db, token=emulator.token) as app:
            assert app.bot_data.jobs is not None
            assert not app.bot_data.jobs.daily_backup.running

    said = [r.getMessage() for r in caplog.records if "BACKUP_KEEP" in r.getMessage()]
    assert len(said) == 1 and "pg_dump" in said[0]
    assert not folder.exists()
