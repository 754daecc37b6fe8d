"""/backup: an owner downloads the live database as a file; nobody else does."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.users import SimulatedUser
from bot.models import AdminAction, OrderStatus, Size, User
from bot.usecases import backups
from tests.conftest import OWNER_ID
from tests.factories import make_order, make_product, make_user

ANN = 42


def owner(emulator: BotApiEmulator) -> SimulatedUser:
    return emulator.user(OWNER_ID, "Owner")


async def reply_to(user: SimulatedUser, text: str) -> str:
    await user.send(text)
    reply = await user.next_message()
    assert reply.text is not None, reply
    return reply.text


async def orders_placed(db: Database, count: int) -> None:
    async with db.transaction() as session:
        product = await make_product(session, sizes={"M": 50})
        size = (await session.scalars(select(Size).where(Size.product_id == product.id))).one()
        for number in range(count):
            customer = await make_user(session, first_name=f"Customer {number}")
            await make_order(session, user=customer, product=product, size=size, quantity=2)


async def test_an_owner_gets_a_fresh_copy_of_the_database_that_opens_with_every_order(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database, tmp_path: Path
) -> None:
    if not db.is_sqlite:
        pytest.skip("an SQLite file is what /backup sends")
    await orders_placed(db, 3)

    await owner(emulator).send("/backup")
    sent = await owner(emulator).next_message()

    assert sent.document is not None, sent
    assert sent.document["file_name"].startswith("shop-") and sent.caption is not None
    assert "keep it private" in sent.caption and "shopbot restore FILE" in sent.caption
    copy = tmp_path / "downloaded.db"
    copy.write_bytes(emulator.file_content(sent.document["file_id"]))
    with closing(sqlite3.connect(copy)) as downloaded:
        assert downloaded.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        orders = downloaded.execute("SELECT status, total FROM orders").fetchall()
        lines = downloaded.execute("SELECT quantity FROM order_items").fetchall()
    assert orders == [(OrderStatus.PAID.value, 2 * 4999)] * 3 and lines == [(2,)] * 3
    async with db.reading() as session:
        logged = (await session.scalars(select(AdminAction))).one()
    assert (logged.admin_telegram_id, logged.action, logged.entity) == (
        OWNER_ID,
        "backup",
        "database",
    )


async def test_a_promoted_admin_is_told_only_owners_may_and_a_customer_sees_no_command(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    ann = emulator.user(ANN, "Ann")
    await reply_to(ann, "/start")
    assert "is now an admin" in await reply_to(owner(emulator), f"/promote {ANN}")
    refused = await reply_to(ann, "/backup")
    await reply_to(owner(emulator), f"/demote {ANN}")
    as_customer = await reply_to(ann, "/backup")

    assert refused == (
        "Only the shop's owners (ADMIN_IDS) can download the database: it holds every "
        "customer's address."
    )
    assert as_customer == texts.UNKNOWN_COMMAND
    async with db.reading() as session:
        actions = (await session.scalars(select(AdminAction.action))).all()
    assert "backup" not in actions


async def test_on_postgresql_the_owner_is_pointed_to_pg_dump(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")

    answer = await reply_to(owner(emulator), "/backup")

    assert answer == (
        "The shop's database is PostgreSQL, which is backed up on the server with pg_dump, "
        "not sent here: shopbot backup prints the command to run."
    )


async def test_a_database_larger_than_telegram_lets_a_bot_send_is_refused(
    admin_shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not db.is_sqlite:
        pytest.skip("an SQLite file is what /backup sends")
    monkeypatch.setattr(backups, "TELEGRAM_UPLOAD_LIMIT", backups.MEGABYTE)
    async with db.transaction() as session:  # over a megabyte of customers' names
        names = [{"telegram_id": n, "first_name": "x" * 120} for n in range(1, 10_001)]
        await session.execute(insert(User), names)

    answer = await reply_to(owner(emulator), "/backup")

    assert answer.startswith("The database is ") and "more than the 1 MB Telegram" in answer
    assert "Run shopbot backup on the server instead." in answer


async def test_the_backup_command_takes_no_arguments(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    assert await reply_to(owner(emulator), "/backup now") == "Usage: /backup"
