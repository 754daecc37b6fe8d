"""`shopbot backup` and `shopbot restore` as an operator runs them, beside a running shop."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from bot.cli import PG_DUMP_INSTEAD
from bot.db.lock import holding
from bot.emulator.emulator import BotApiEmulator
from tests.conftest import TEST_DATABASE_URL, _is_postgres
from tests.test_cli import TIMEOUT_S, _shopbot
from tests.test_console import SHOPBOT, _console_env

PASSWORD = "never-print-me"


def _env(url: URL | str, **more: str) -> dict[str, str]:
    """English whatever this machine's locale, and no .env (the working directory is empty)."""
    env = _console_env(make_url(url)) | {"LC_ALL": "C.UTF-8"}
    return env | more


@pytest.fixture
def sqlite_url(tmp_path: Path) -> URL:
    if _is_postgres():
        pytest.skip("the shop copies its own database on SQLite; PostgreSQL has pg_dump")
    return make_url(f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}")


def _customers(database: Path) -> list[str]:
    with closing(sqlite3.connect(database)) as shop:
        return [name for (name,) in shop.execute("SELECT first_name FROM users ORDER BY id")]


async def test_a_backup_is_taken_while_the_shop_runs_and_restored_only_once_it_stopped(
    sqlite_url: URL, tmp_path: Path, emulator: BotApiEmulator
) -> None:
    env = _env(
        sqlite_url,
        TELEGRAM_BOT_TOKEN=emulator.token,
        TELEGRAM_API_BASE_URL=emulator.base_url,
        TELEGRAM_FILE_BASE_URL=emulator.base_file_url,
        WEB_PORT="0",
    )
    shop = await asyncio.create_subprocess_exec(
        str(SHOPBOT), "run", cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await emulator.wait_until_polling(timeout=TIMEOUT_S)
        ann = emulator.user(42, "Ann")
        await ann.send("/start")
        await ann.next_message(timeout=TIMEOUT_S)
        backed_up = await _shopbot("backup", env=env, cwd=tmp_path)
        bob = emulator.user(43, "Bob")  # a customer the backup has not seen
        await bob.send("/start")
        await bob.next_message(timeout=TIMEOUT_S)
        backup = next((tmp_path / "backups").glob("shop-*.db"))
        refused = await _shopbot("restore", str(backup), env=env, cwd=tmp_path)
        shop.send_signal(signal.SIGINT)
        await asyncio.wait_for(shop.communicate(), TIMEOUT_S)
    finally:
        if shop.returncode is None:
            shop.kill()
            await shop.wait()
    restored = await _shopbot("restore", str(backup), env=env, cwd=tmp_path)

    code, out, err = backed_up
    assert code == 0, err
    assert out.startswith(f"Backup written to {backup} (") and out.endswith(" kB).\n")
    code, out, err = refused
    assert code == 1 and out == ""
    assert "The shop is running on this database" in err and "Nothing was changed." in err
    code, out, err = restored
    assert code == 0, err
    first, kept = out.splitlines()
    assert first == f"Restored {backup} into {tmp_path / 'shop.db'}."
    side_copy = Path(kept.removeprefix("The database it replaced is kept as ").removesuffix("."))
    assert side_copy.parent == tmp_path and side_copy.name.startswith("shop-before-restore-")
    assert _customers(tmp_path / "shop.db") == ["Ann"]
    assert _customers(side_copy) == ["Ann", "Bob"]


async def test_no_command_opens_the_database_while_a_restore_holds_it(
    sqlite_url: URL, tmp_path: Path
) -> None:
    with holding(sqlite_url, exclusive=True):
        code, out, err = await _shopbot("migrate", env=_env(sqlite_url), cwd=tmp_path)

    assert code == 1 and out == ""
    assert "The database is being restored (shopbot restore)" in err
    assert not (tmp_path / "shop.db").exists()


def _postgres_url() -> URL:
    """The test server's address with a password added: these commands never connect."""
    server = TEST_DATABASE_URL if _is_postgres() else "postgresql+asyncpg://postgres@127.0.0.1/test"
    return make_url(server).set(password=PASSWORD)


async def test_on_postgresql_backup_prints_the_pg_dump_command_without_the_password(
    tmp_path: Path,
) -> None:
    url = _postgres_url()

    code, out, err = await _shopbot("backup", env=_env(url), cwd=tmp_path)

    explanation, command = out.splitlines()
    assert code == PG_DUMP_INSTEAD, err
    assert explanation.startswith("The database is PostgreSQL") and "PGPASSWORD" in explanation
    assert command.startswith("pg_dump --format=custom --file=backups/test-")
    assert f"--host={url.host}" in command and f"--username={url.username}" in command
    assert command.endswith(f"--dbname={url.database}")
    assert PASSWORD not in out + err
    assert not (tmp_path / "backups").exists()


async def test_on_postgresql_restore_is_refused_and_points_to_pg_restore(tmp_path: Path) -> None:
    (tmp_path / "shop.dump").write_bytes(b"PGDMP")

    code, out, err = await _shopbot("restore", "shop.dump", env=_env(_postgres_url()), cwd=tmp_path)

    assert code == 1 and out == ""
    assert "PostgreSQL" in err and "pg_restore" in err and PASSWORD not in err
