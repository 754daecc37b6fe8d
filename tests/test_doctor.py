"""`shopbot doctor`: the configuration checked against the Bot API emulator, the Stripe fake and
a real database over loopback, each problem reported with its fix, in DEFAULT_LANGUAGE."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from alembic.script import ScriptDirectory
from pydantic import ValidationError
from sqlalchemy.engine import URL

from bot.config import Settings
from bot.db.migrate import alembic_config, head_revisions, upgrade_async
from bot.devtools.stripe_fake import FakeStripeApi
from bot.doctor import Finding, Status, diagnose, failed, report
from bot.doctor import checks as doctor_checks
from bot.doctor.checks import (
    check_migrations,
    check_payments,
    check_settings,
    check_stripe_settings,
    check_token,
    check_webhook_settings,
)
from bot.doctor.probes import read_database
from bot.doctor.settings import UncheckedSettings
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.faults import Fault
from bot.texts import doctor as doctor_texts
from tests.test_cli import TIMEOUT_S, _shopbot
from tests.test_console import PROJECT_ROOT, SHOPBOT, fresh_database

# Shaped as @BotFather issues them: the bot's id, a colon, 35 characters.
TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
OTHER_TOKEN = "7012345678:AAFjq0VvlNnqyx2S9e1DmWk7ChJ3uXcYtZ4"
STRIPE_KEY = "sk_test_doctor4242"
WEBHOOK_SECRET = "whsec_doctor"
OWNER = "7000"
ICONS = ("✅", "⚠️", "❌")


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(TOKEN) as emu:
        yield emu


@pytest.fixture
async def stripe_api() -> AsyncIterator[FakeStripeApi]:
    async with FakeStripeApi(api_keys={STRIPE_KEY}) as api:
        yield api


@pytest.fixture
async def empty_database_url(tmp_path: Path) -> AsyncIterator[URL]:
    async with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture
async def database_url(empty_database_url: URL) -> URL:
    """A database migrated to the latest revision."""
    await upgrade_async(_plain(empty_database_url))
    return empty_database_url


def _plain(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def _good(url: URL, emulator: BotApiEmulator, stripe_api: FakeStripeApi) -> dict[str, str]:
    """A shop ready to sell: a working token, Stripe in test mode, an owner, long polling."""
    return {
        "DATABASE_URL": _plain(url),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "TELEGRAM_FILE_BASE_URL": emulator.base_file_url,
        "STRIPE_SECRET_KEY": STRIPE_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": stripe_api.base_url,
        "ADMIN_IDS": OWNER,
    }


def _environment(settings: dict[str, str]) -> dict[str, str]:
    """Only these settings (no .env: the working directory is a temporary one), and this
    checkout's code first on the path."""
    names = {name.upper() for name in Settings.model_fields}
    env = {key: value for key, value in os.environ.items() if key not in names}
    return env | {"PYTHONPATH": str(PROJECT_ROOT)} | settings


def _settings(values: dict[str, str], rules: type[Settings] = UncheckedSettings) -> Settings:
    overrides: dict[str, Any] = {name.lower(): value for name, value in values.items()}
    return rules(_env_file=None, **overrides)  # type: ignore[call-arg]


@pytest.fixture(autouse=True)
def _no_settings_from_this_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-process checks read only what each test gives them."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def _checked_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(ICONS)]


def _fix_after(out: str, problem: str) -> str:
    """The fix printed under the line that says `problem`."""
    lines = out.splitlines()
    index = next(i for i, line in enumerate(lines) if problem in line)
    fix = lines[index + 1]
    assert fix.startswith("   → "), f"no fix under {lines[index]!r}"
    return fix


async def _set_webhook(emulator: BotApiEmulator, url: str) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{emulator.api_url}/setWebhook", data={"url": url}) as response,
    ):
        assert (await response.json())["ok"]


async def _until(condition: Callable[[], bool], timeout_s: float = 10) -> None:
    for _ in range(int(timeout_s / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the condition never held")


# ------------------------------------------------------------------ the command


async def test_a_good_configuration_passes_every_check_and_exits_0(
    database_url: URL, tmp_path: Path, emulator: BotApiEmulator, stripe_api: FakeStripeApi
) -> None:
    env = _environment(_good(database_url, emulator, stripe_api))

    code, out, err = await _shopbot("doctor", env=env, cwd=tmp_path)

    checked = _checked_lines(out)
    assert code == 0, out + err
    assert len(checked) >= 10 and all(line.startswith("✅") for line in checked), out
    assert "✅ Telegram: the token works: this is the bot @shop_test_bot." in checked
    assert "✅ Updates: long polling, and no webhook is registered at Telegram." in checked
    assert "✅ Stripe: a test-mode secret key (sk_test_…): no money moves." in checked
    assert f"✅ Stripe: the API at {stripe_api.base_url} accepts the key." in checked
    assert f"✅ Migrations: the database is at the latest revision, {head_revisions()[0]}." in (
        checked
    )
    assert "✅ Admins: 1 owner in ADMIN_IDS." in checked
    assert out.splitlines()[-1] == f"All {len(checked)} checks passed."
    assert stripe_api.requests_to("GET", "/v1/events")[0].params == {"limit": "1"}
    assert TOKEN not in out + err and STRIPE_KEY not in out + err
    assert "Traceback" not in err


async def test_a_broken_configuration_reports_each_problem_with_its_fix_and_exits_1(
    empty_database_url: URL, tmp_path: Path, emulator: BotApiEmulator, stripe_api: FakeStripeApi
) -> None:
    head = head_revisions()[0]
    previous = ScriptDirectory.from_config(alembic_config("")).get_revision(head).down_revision
    assert isinstance(previous, str)
    await upgrade_async(_plain(empty_database_url), previous)
    env = _environment(
        _good(empty_database_url, emulator, stripe_api)
        | {
            "TELEGRAM_BOT_TOKEN": OTHER_TOKEN,
            "STRIPE_SECRET_KEY": "sk_test_rolled0000",
            "WEBHOOK_URL": "http://shop.example.com",
            "TELEGRAM_WEBHOOK_SECRET": "s3cret",
            "ADMIN_IDS": "",
        }
    )

    code, out, err = await _shopbot("doctor", env=env, cwd=tmp_path)

    assert code == 1, out + err
    assert "❌ Telegram: Telegram refused the token (401 Unauthorized)." in out
    assert "TELEGRAM_BOT_TOKEN" in _fix_after(out, "refused the token")
    assert "❌ Updates: WEBHOOK_URL is http://shop.example.com, but Telegram delivers" in out
    assert "HTTPS reverse proxy" in _fix_after(out, "WEBHOOK_URL is http://")
    refused = "❌ Stripe: Stripe refused STRIPE_SECRET_KEY (401: Invalid API Key provided: sk_test_"
    assert refused in out and "sk_test_rolled0000" not in out
    assert "Developers → API keys" in _fix_after(out, "Stripe refused")
    assert (
        f"❌ Migrations: the database is at revision {previous}, behind the latest, {head}." in out
    )
    assert "`shopbot migrate`" in _fix_after(out, "behind the latest")
    assert "⚠️ Admins: ADMIN_IDS is empty: nobody can run the shop from the chat." in out
    assert "Telegram user id in ADMIN_IDS" in _fix_after(out, "ADMIN_IDS is empty")
    assert out.splitlines()[-1].startswith("4 failures: fix them, then run `shopbot doctor` again.")
    assert OTHER_TOKEN not in out + err and "Traceback" not in err


async def test_warnings_alone_exit_0(
    database_url: URL, tmp_path: Path, emulator: BotApiEmulator
) -> None:
    env = _environment(
        {
            "DATABASE_URL": _plain(database_url),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
        }
    )

    code, out, err = await _shopbot("doctor", env=env, cwd=tmp_path)

    assert code == 0, out + err
    assert "⚠️ Payments: no payment provider is set up: customers can order, but not pay." in out
    assert "TELEGRAM_PROVIDER_TOKEN" in _fix_after(out, "no payment provider")
    assert out.splitlines()[-1] == "No failures, 2 warnings: the shop runs, but look into them."


async def test_the_report_speaks_default_language(
    database_url: URL, tmp_path: Path, emulator: BotApiEmulator, stripe_api: FakeStripeApi
) -> None:
    env = _environment(
        _good(database_url, emulator, stripe_api)
        | {"DEFAULT_LANGUAGE": "de", "TELEGRAM_BOT_TOKEN": OTHER_TOKEN, "ADMIN_IDS": ""}
    )

    code, out, err = await _shopbot("doctor", env=env, cwd=tmp_path)

    assert code == 1, out + err
    assert "❌ Telegram: Telegram hat den Token abgelehnt (401 Unauthorized)." in out
    assert "⚠️ Admins: ADMIN_IDS ist leer" in out
    assert _fix_after(out, "ADMIN_IDS ist leer").startswith("   → Trag deine Telegram-Nutzer-ID")
    assert "✅ Datenbank:" in out
    assert out.splitlines()[-1].startswith("1 Fehler: Behebe ihn")
    assert "the token" not in out and "nobody" not in out


async def test_settings_that_cannot_be_read_are_each_named_with_their_fix(
    tmp_path: Path,
) -> None:
    env = _environment({"WEB_PORT": "eighty", "ADMIN_IDS": "me", "DEFAULT_LANGUAGE": "es"})

    code, out, err = await _shopbot("doctor", env=env, cwd=tmp_path)

    assert code == 1, out + err
    assert "❌ Ajustes: WEB_PORT no se puede leer:" in out
    assert "❌ Ajustes: ADMIN_IDS no se puede leer:" in out
    assert "WEB_PORT" in _fix_after(out, "WEB_PORT no se puede leer")
    assert "Traceback" not in err


async def test_run_logs_the_warnings_and_failures_at_start_and_serves_anyway(
    database_url: URL, tmp_path: Path, emulator: BotApiEmulator
) -> None:
    env = _environment(
        {
            "DATABASE_URL": _plain(database_url),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            "TELEGRAM_FILE_BASE_URL": emulator.base_file_url,
            "STRIPE_SECRET_KEY": "sk_live_doctor",
            "STRIPE_API_BASE": "http://127.0.0.1:9",  # nothing listens there
            "WEB_PORT": "0",
            "DEFAULT_LANGUAGE": "de",  # the log stays English
            "MEDIA_DIR": str(tmp_path / "media"),
            "LOG_FORMAT": "json",
        }
    )
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
        process.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(process.communicate(), TIMEOUT_S)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    log = err.decode()
    assert process.returncode == 0, log
    lines = [json.loads(line) for line in log.splitlines()]
    said = [f"{line['level']} {line['logger']}: {line['message']}" for line in lines]
    text = "\n".join(said)
    assert "warning bot.doctor.report: Configuration: Admins: ADMIN_IDS is empty" in text
    assert "Fix: Put your Telegram user id in ADMIN_IDS" in text
    assert (
        "error bot.doctor.report: Configuration: Stripe: STRIPE_WEBHOOK_SECRET is not set" in text
    )
    assert "warning bot.doctor.report: Configuration: Stripe: a live key, but WEBHOOK_URL" in text
    assert "error bot.doctor.report: Configuration: Stripe: Stripe can't be reached at" in text
    assert "Configuration: Telegram:" not in text  # the token works
    assert text.index("Configuration:") < text.index("The bot is running")
    assert "Traceback" not in log


# ------------------------------------------------------------------ Telegram, in process


async def test_a_webhook_left_registered_fails_a_polling_shop(
    database_url: URL, emulator: BotApiEmulator
) -> None:
    await _set_webhook(emulator, "https://old.example.com/webhooks/telegram")
    settings = _settings(
        {
            "DATABASE_URL": _plain(database_url),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
        }
    )

    findings = await diagnose(settings)
    out = report(findings)

    assert failed(findings)
    assert (
        "❌ Updates: the shop polls, but a webhook is registered at Telegram "
        "(https://old.example.com/webhooks/telegram), and Telegram refuses to be polled"
    ) in out
    assert "without WEBHOOK_URL removes it" in _fix_after(out, "the shop polls")


async def test_webhook_mode_reports_what_telegram_says_about_its_deliveries(
    database_url: URL, emulator: BotApiEmulator
) -> None:
    base = "https://127.0.0.1:8443"  # loopback, so the emulator tries; nothing listens there
    settings = _settings(
        {
            "DATABASE_URL": _plain(database_url),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            "WEBHOOK_URL": base,
            "TELEGRAM_WEBHOOK_SECRET": "s3cret",
        }
    )
    before = report(await diagnose(settings))
    await _set_webhook(emulator, f"{base}/webhooks/telegram")
    registered = report(await diagnose(settings))
    await emulator.user(42, "Ann").send("/start")
    await _until(lambda: bool(emulator.webhook.last_error_message))
    failing = report(await diagnose(settings))

    assert "⚠️ Updates: no webhook is registered at Telegram yet." in before
    assert f"it registers {base}/webhooks/telegram" in _fix_after(before, "no webhook is")
    assert (
        f"✅ Updates: Telegram delivers updates to {base}/webhooks/telegram (0 updates waiting)."
    ) in registered
    assert "⚠️ Updates: Telegram's last delivery to the webhook failed (" in failing
    assert "“Connection failed: ClientConnectorError”; 1 update is waiting." in failing
    assert "reverse proxy forwards /webhooks/" in _fix_after(failing, "last delivery")


async def test_another_shop_s_webhook_is_a_failure(
    database_url: URL, emulator: BotApiEmulator
) -> None:
    await _set_webhook(emulator, "https://staging.example.com/webhooks/telegram")
    settings = _settings(
        {
            "DATABASE_URL": _plain(database_url),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            "WEBHOOK_URL": "https://shop.example.com",
            "TELEGRAM_WEBHOOK_SECRET": "s3cret",
        }
    )

    out = report(await diagnose(settings))

    assert (
        "❌ Updates: Telegram delivers updates to https://staging.example.com/webhooks/telegram, "
        "not to this shop's https://shop.example.com/webhooks/telegram."
    ) in out


async def test_a_slow_telegram_is_a_failure_within_the_timeout(
    database_url: URL, emulator: BotApiEmulator
) -> None:
    emulator.inject("getMe", Fault.slow(3))
    settings = _settings(
        {
            "DATABASE_URL": _plain(database_url),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
        }
    )

    started = asyncio.get_running_loop().time()
    findings = await diagnose(settings, timeout_s=0.5)
    took = asyncio.get_running_loop().time() - started

    assert took < 2.5
    assert [f.code for f in findings if f.check == "telegram"] == ["telegram.slow"]
    assert f"Telegram at {emulator.base_url} didn't answer in time." in report(findings)


async def test_the_token_never_shows_even_in_a_network_error(database_url: URL) -> None:
    settings = _settings(
        {
            "DATABASE_URL": _plain(database_url),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": "http://[broken/bot",
        }
    )

    out = report(await diagnose(settings))

    assert "❌ Telegram: Telegram can't be reached at http://[broken/bot: " in out
    assert TOKEN.split(":")[1] not in out


async def test_bot_username_must_name_the_token_s_bot(
    database_url: URL, emulator: BotApiEmulator
) -> None:
    settings = _settings(
        {
            "DATABASE_URL": _plain(database_url),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            "BOT_USERNAME": "@my_old_bot",
        }
    )

    out = report(await diagnose(settings))

    assert "⚠️ Telegram: the token belongs to @shop_test_bot, but BOT_USERNAME says @my_old_bot" in (
        out
    )


# ------------------------------------------------------------------ Stripe, in process


@pytest.mark.parametrize(
    ("key", "line"),
    [
        ("rk_test_doctor", "✅ Stripe: a test-mode restricted key (rk_test_…): no money moves."),
        ("rk_live_doctor", "✅ Stripe: a live restricted key (rk_live_…): customers pay for real."),
    ],
)
async def test_restricted_keys_are_told_apart_and_accepted(
    database_url: URL, stripe_api: FakeStripeApi, key: str, line: str
) -> None:
    stripe_api.api_keys = {key}
    settings = _settings(
        {
            "DATABASE_URL": _plain(database_url),
            "STRIPE_SECRET_KEY": key,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": stripe_api.base_url,
        }
    )

    out = report(await diagnose(settings))

    assert line in out
    assert f"✅ Stripe: the API at {stripe_api.base_url} accepts the key." in out


async def test_a_restricted_key_that_may_not_read_events_is_a_failure(
    database_url: URL, stripe_api: FakeStripeApi
) -> None:
    message = (
        "The provided key 'rk_test_******ctor' does not have the required permissions for this "
        "endpoint on account 'acct_1'. Having the 'rak_event_read' permission would allow this "
        "request to continue."
    )
    stripe_api.api_keys = {"rk_test_doctor"}
    stripe_api.fail_next(status=403, type="invalid_request_error", message=message, code=None)
    settings = _settings(
        {
            "DATABASE_URL": _plain(database_url),
            "STRIPE_SECRET_KEY": "rk_test_doctor",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": stripe_api.base_url,
        }
    )

    out = report(await diagnose(settings))

    assert f"❌ Stripe: the key may not read Stripe's events: {message}" in out
    assert "read access to Events" in _fix_after(out, "may not read")


# ------------------------------------------------------------------ the database, in process


async def test_a_database_that_was_never_migrated_needs_shopbot_migrate(
    empty_database_url: URL,
) -> None:
    state = await read_database(_plain(empty_database_url), timeout_s=10)
    if empty_database_url.get_backend_name() == "sqlite":
        assert state.missing
        created = await asyncio.to_thread(Path(str(empty_database_url.database)).exists)
        assert not created
    else:
        assert state.reached and state.revisions == ()

    findings = await diagnose(_settings({"DATABASE_URL": _plain(empty_database_url)}))

    out = report(findings)
    assert failed(findings)
    assert "shopbot migrate" in out


async def test_a_database_that_cannot_be_reached_is_a_failure_naming_no_password() -> None:
    url = "postgresql+asyncpg://shop:hunter2@127.0.0.1:9/shop"

    findings = await diagnose(_settings({"DATABASE_URL": url}), timeout_s=5)

    out = report(findings)
    assert "❌ Database: postgresql+asyncpg://shop:***@127.0.0.1:9/shop can't be reached:" in out
    assert "DATABASE_URL" in _fix_after(out, "can't be reached")
    assert "hunter2" not in out
    assert not any(f.check == "migrations" for f in findings)


# ------------------------------------------------------------------ the pure checks


def _codes(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (TOKEN, "token.ok"),
        ("123456:TEST-TOKEN", "token.malformed"),  # the emulator's default: too short
        (f" {TOKEN}", "token.malformed"),
        (TOKEN.replace(":", ""), "token.malformed"),
        (None, "token.missing"),
    ],
)
def test_the_token_s_form(token: str | None, code: str) -> None:
    assert _codes(check_token(_settings({"TELEGRAM_BOT_TOKEN": token or ""}))) == [code]


@pytest.mark.parametrize(
    ("url", "codes"),
    [
        ("https://shop.example.com", []),
        ("https://shop.example.com:8443/shop", []),
        ("http://shop.example.com", ["updates.not_https"]),
        ("https://shop.example.com:8080", ["updates.bad_port"]),
        ("https://shop.example.com/webhooks/telegram", ["updates.full_path"]),
    ],
)
def test_webhook_url_as_telegram_takes_it(url: str, codes: list[str]) -> None:
    settings = _settings({"WEBHOOK_URL": url, "TELEGRAM_WEBHOOK_SECRET": "s3cret"})
    assert _codes(check_webhook_settings(settings)) == codes


def test_a_full_webhook_url_gets_its_base_as_the_fix() -> None:
    settings = _settings(
        {
            "WEBHOOK_URL": "https://shop.example.com/webhooks/telegram",
            "TELEGRAM_WEBHOOK_SECRET": "x",
        }
    )
    (finding,) = check_webhook_settings(settings)
    assert doctor_texts.describe(finding.code, finding.params)[1] == (
        "Set WEBHOOK_URL to https://shop.example.com."
    )


@pytest.mark.parametrize(
    ("values", "codes"),
    [
        ({}, ["payments.none"]),
        ({"PAYMENT_PROVIDER": "none", "STRIPE_SECRET_KEY": STRIPE_KEY}, ["payments.none"]),
        ({"STRIPE_SECRET_KEY": STRIPE_KEY}, ["payments.stripe"]),
        ({"TELEGRAM_PROVIDER_TOKEN": "284685063:TEST:NjQ0ZTRi"}, ["payments.telegram_test"]),
        ({"TELEGRAM_PROVIDER_TOKEN": "350862534:LIVE:YzE2MGI"}, ["payments.telegram_live"]),
        ({"TELEGRAM_PROVIDER_TOKEN": "pk_test_123"}, ["payments.telegram_odd_token"]),
    ],
)
def test_the_payment_provider(values: dict[str, str], codes: list[str]) -> None:
    assert _codes(check_payments(_settings(values))) == codes


@pytest.mark.parametrize(
    ("values", "codes"),
    [
        (
            {"STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET},
            ["stripe.secret_key_live", "stripe.webhook_secret", "stripe.live_without_https"],
        ),
        (
            {
                "STRIPE_SECRET_KEY": "sk_live_x",
                "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "WEBHOOK_URL": "https://shop.example.com",
                "TELEGRAM_WEBHOOK_SECRET": "s3cret",
            },
            ["stripe.secret_key_live", "stripe.webhook_secret"],
        ),
        (
            {"STRIPE_SECRET_KEY": "pk_live_x", "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET},
            ["stripe.key_publishable", "stripe.webhook_secret"],
        ),
        (
            {"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "we_123"},
            ["stripe.secret_key_test", "stripe.odd_webhook_secret"],
        ),
        (
            {"STRIPE_SECRET_KEY": "stripe", "STRIPE_WEBHOOK_SECRET": ""},
            ["stripe.key_malformed", "stripe.no_webhook_secret"],
        ),
        (
            {
                "PAYMENT_PROVIDER": "telegram",
                "TELEGRAM_PROVIDER_TOKEN": "1:TEST:x",
                "STRIPE_SECRET_KEY": "sk_test_x",
            },
            [],
        ),
    ],
)
def test_stripe_s_key_and_signing_secret(values: dict[str, str], codes: list[str]) -> None:
    """The last: the key stays for saved cards, but Telegram Payments take the payments."""
    assert _codes(check_stripe_settings(_settings(values))) == codes


@pytest.mark.parametrize(
    ("current", "code"),
    [
        (("c3",), "migrations.ok"),
        (("b2",), "migrations.behind"),
        (("d4",), "migrations.unknown"),
        ((), "migrations.none"),
    ],
)
def test_the_schema_against_the_migrations(current: tuple[str, ...], code: str) -> None:
    assert _codes(check_migrations(current, ("c3",), {"a1", "b2", "c3"})) == [code]


@pytest.mark.parametrize(
    "values",
    [
        {"WEBHOOK_URL": "https://shop.example.com"},
        {"PAYMENT_PROVIDER": "stripe"},
        {"PAYMENT_PROVIDER": "telegram"},
        {"BROADCAST_MESSAGES_PER_SECOND": "40"},
    ],
)
def test_every_setting_rule_that_stops_the_shop_is_a_doctor_failure(
    values: dict[str, str],
) -> None:
    with pytest.raises(ValidationError):
        _settings(values, Settings)
    settings = _settings(values)

    found = [
        *check_settings(settings),
        *check_webhook_settings(settings),
        *check_payments(settings),
    ]

    assert failed(found), found


# ------------------------------------------------------------------ the words


def test_every_finding_has_words_and_every_word_a_finding() -> None:
    source = (
        Path(doctor_checks.__file__).read_text()
        + Path(doctor_checks.__file__).with_name("settings.py").read_text()
    )
    produced = set(re.findall(r'"((?:[a-z]+)\.[a-z_]+)"', source))

    assert produced == set(doctor_texts.FINDINGS)
    assert {code.split(".")[0] for code in produced} == set(doctor_texts.LABELS)


def test_a_fix_is_shown_for_every_problem_and_never_for_what_is_fine() -> None:
    findings = [
        Finding(Status.OK, "admins.ok", {"count": 2}),
        Finding(Status.WARNING, "admins.none"),
    ]

    lines = report(findings).splitlines()

    assert lines == [
        "✅ Admins: 2 owners in ADMIN_IDS.",
        "⚠️ Admins: ADMIN_IDS is empty: nobody can run the shop from the chat.",
        "   → Put your Telegram user id in ADMIN_IDS (comma-separated for several owners); "
        "a bot such as @userinfobot tells you yours.",
        "No failures, 1 warning: the shop runs, but look into it.",
    ]
