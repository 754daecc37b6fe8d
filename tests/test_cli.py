"""`shopbot` as a person runs it: a subprocess in an empty directory, talking to an emulator."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from bot.cli import main
from bot.devtools.demo_catalog import demo_products
from bot.emulator.emulator import BotApiEmulator
from bot.payments.stripe_gateway import StripeGateway
from tests.test_console import SHOPBOT, _console_env, fresh_database

TIMEOUT_S = 120


@pytest.fixture
async def empty_database_url(tmp_path: Path) -> AsyncIterator[URL]:
    async with fresh_database(tmp_path) as url:
        yield url


async def _shopbot(
    *arguments: str, env: dict[str, str], cwd: Path, stdin: bytes | None = None
) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        str(SHOPBOT),
        *arguments,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin), TIMEOUT_S)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_run_with_a_token_serves_customers_until_interrupted(
    empty_database_url: URL, tmp_path: Path, emulator: BotApiEmulator
) -> None:
    env = _console_env(empty_database_url) | {
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "TELEGRAM_FILE_BASE_URL": emulator.base_file_url,
        "WEB_PORT": "0",  # the web server starts too: any free port, so parallel runs don't clash
    }
    process = await asyncio.create_subprocess_exec(
        str(SHOPBOT),
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await emulator.wait_until_polling(timeout=TIMEOUT_S)
        ann = emulator.user(42, "Ann")
        await ann.send("/start")
        greeting = await ann.next_message(timeout=TIMEOUT_S)
        process.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(process.communicate(), TIMEOUT_S)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert greeting.text is not None and "Hello, Ann!" in greeting.text
    assert "🛍 Catalogue" in greeting.button_texts
    assert process.returncode == 0, err.decode()
    assert "Traceback" not in out.decode() + err.decode()
    assert f"loaded {len(demo_products())} demo products" in err.decode()


async def test_run_without_a_token_says_so_and_opens_the_console(
    empty_database_url: URL, tmp_path: Path
) -> None:
    code, out, err = await _shopbot(
        "run", env=_console_env(empty_database_url), cwd=tmp_path, stdin=b":quit\n"
    )

    first_line = out.splitlines()[0]
    assert code == 0, err
    assert "TELEGRAM_BOT_TOKEN" in first_line and "shopbot console" in first_line
    assert "Hello, Guest!" in out
    assert "Traceback" not in out + err


async def test_migrate_and_seed_demo_still_work_and_seeding_twice_adds_nothing(
    empty_database_url: URL, tmp_path: Path
) -> None:
    env = _console_env(empty_database_url)

    migrated = await _shopbot("migrate", env=env, cwd=tmp_path)
    seeded = await _shopbot("seed-demo", env=env, cwd=tmp_path)
    again = await _shopbot("seed-demo", env=env, cwd=tmp_path)

    assert migrated[0] == 0 and "up to date" in migrated[1]
    assert seeded[0] == 0 and f"{len(demo_products())} products added" in seeded[1]
    assert again[0] == 0 and "already there" in again[1]


def test_the_console_command_documents_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["console", "--help"])

    shown = capsys.readouterr().out
    assert exited.value.code == 0
    assert "--admin" in shown and "--user-id" in shown and "--name" in shown


async def test_stripe_sync_applies_a_payment_whose_webhook_never_came(
    empty_database_url: URL, tmp_path: Path
) -> None:
    from bot.db import Database
    from bot.db.migrate import upgrade_async
    from bot.devtools.stripe_fake import FakeStripeApi
    from tests.usecases.test_stripe_sync import paid_at_stripe, status

    await upgrade_async(empty_database_url.render_as_string(hide_password=False))
    db = Database(empty_database_url)
    try:
        async with FakeStripeApi() as stripe_api:
            gateway = StripeGateway(secret_key="sk_test_cli", api_base=stripe_api.base_url)
            try:
                placed, _ = await paid_at_stripe(db, stripe_api, gateway, delivered=False)
            finally:
                await gateway.close()
            env = _console_env(empty_database_url) | {
                "STRIPE_SECRET_KEY": "sk_test_cli",
                "STRIPE_API_BASE": stripe_api.base_url,
            }
            code, out, err = await _shopbot("stripe-sync", "--days", "2", env=env, cwd=tmp_path)
        assert code == 0, err
        assert "not delivered in the last 2 day(s): 1; applied now: 1" in out
        assert (await status(db, placed)).value == "paid"
    finally:
        await db.dispose()
