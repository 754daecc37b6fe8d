"""The web server over real HTTP: health check and Telegram's webhook endpoint."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest

from bot.config import Settings
from bot.db import Database
from bot.web import (
    HEALTH_PATH,
    TELEGRAM_WEBHOOK_PATH,
    TelegramUpdateHandler,
    create_web_app,
    server_url,
    start_web_server,
    stop_web_server,
)

TELEGRAM_SECRET = "telegram-Secret_123"
UPDATE = {"update_id": 1, "message": {"message_id": 1, "text": "/start"}}


class Updates:
    """A stand-in for the bot's update handler that remembers what it was given."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    async def __call__(self, update: dict[str, Any]) -> bool:
        self.received.append(update)
        return True


def settings_for(db: Database, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": db.url.render_as_string(hide_password=False),
        "telegram_webhook_secret": TELEGRAM_SECRET,
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


@asynccontextmanager
async def serving(
    database: Database,
    settings: Settings,
    handler: TelegramUpdateHandler | None = None,
) -> AsyncIterator[str]:
    app = create_web_app(database=database, settings=settings, telegram_update_handler=handler)
    runner = await start_web_server(app, "127.0.0.1", 0)
    try:
        yield server_url(runner)
    finally:
        await stop_web_server(runner)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def updates() -> Updates:
    return Updates()


@pytest.fixture
async def base_url(db: Database, updates: Updates) -> AsyncIterator[str]:
    async with serving(db, settings_for(db), updates) as url:
        yield url


async def send_update(
    http: aiohttp.ClientSession,
    url: str,
    *,
    secret: str | None = TELEGRAM_SECRET,
    body: bytes = json.dumps(UPDATE).encode(),
) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with http.post(url + TELEGRAM_WEBHOOK_PATH, data=body, headers=headers) as response:
        return response.status


# Health


async def test_the_health_check_is_ok_while_the_database_answers(
    http: aiohttp.ClientSession, base_url: str
) -> None:
    async with http.get(base_url + HEALTH_PATH) as response:
        assert (response.status, await response.json()) == (200, {"status": "ok"})


async def test_the_health_check_fails_when_the_database_is_unreachable(
    db: Database, http: aiohttp.ClientSession
) -> None:
    if db.is_sqlite:
        unreachable = Database("sqlite+aiosqlite:////nonexistent/folder/shop.db")
    else:
        unreachable = Database(db.url.set(host="127.0.0.1", port=1))
    try:
        async with (
            serving(unreachable, settings_for(db)) as url,
            http.get(url + HEALTH_PATH) as response,
        ):
            status, body = response.status, await response.text()
    finally:
        await unreachable.dispose()

    assert (status, json.loads(body)) == (503, {"status": "unavailable"})
    assert "nonexistent" not in body
    assert "127.0.0.1" not in body


# Telegram webhook


async def test_an_update_with_the_secret_is_handed_to_the_bot_once(
    http: aiohttp.ClientSession, base_url: str, updates: Updates
) -> None:
    assert await send_update(http, base_url) == 200
    assert updates.received == [UPDATE]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", TELEGRAM_SECRET + "x"])
async def test_an_update_without_the_right_secret_is_forbidden(
    http: aiohttp.ClientSession, base_url: str, updates: Updates, secret: str | None
) -> None:
    assert await send_update(http, base_url, secret=secret) == 403
    assert updates.received == []


async def test_without_a_configured_secret_no_update_is_accepted(
    db: Database, http: aiohttp.ClientSession, updates: Updates
) -> None:
    async with serving(db, settings_for(db, telegram_webhook_secret=None), updates) as url:
        assert await send_update(http, url) == 403
        assert await send_update(http, url, secret="") == 403
    assert updates.received == []


async def test_updates_are_refused_while_the_bot_cannot_take_them(
    db: Database, http: aiohttp.ClientSession
) -> None:
    async with serving(db, settings_for(db)) as url:
        assert await send_update(http, url) == 503


async def test_a_malformed_update_is_refused(
    http: aiohttp.ClientSession, base_url: str, updates: Updates
) -> None:
    assert await send_update(http, base_url, body=b'{"update_id": ') == 400
    assert await send_update(http, base_url, body=b"[1, 2]") == 400
    assert updates.received == []


async def test_an_oversized_update_is_refused(
    db: Database, http: aiohttp.ClientSession, updates: Updates
) -> None:
    big = json.dumps(UPDATE | {"padding": "x" * 5000}).encode()
    async with serving(db, settings_for(db, max_webhook_body_bytes=4096), updates) as url:
        assert await send_update(http, url, body=big) == 413
    assert updates.received == []


async def test_a_crashing_handler_gets_a_generic_error_without_internals(
    db: Database, http: aiohttp.ClientSession
) -> None:
    async def crash(update: dict[str, Any]) -> bool:
        raise RuntimeError("secret internal detail")

    async with (
        serving(db, settings_for(db), crash) as url,
        http.post(
            url + TELEGRAM_WEBHOOK_PATH,
            json=UPDATE,
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
        ) as response,
    ):
        status, body = response.status, await response.text()

    assert (status, json.loads(body)) == (500, {"error": "internal error"})
    assert "secret internal detail" not in body


# Server lifecycle


async def test_a_stopped_server_no_longer_answers(
    db: Database, http: aiohttp.ClientSession
) -> None:
    runner = await start_web_server(
        create_web_app(database=db, settings=settings_for(db)), "127.0.0.1", 0
    )
    url = server_url(runner)
    async with http.get(url + HEALTH_PATH) as response:
        assert response.status == 200

    await stop_web_server(runner)

    with pytest.raises(aiohttp.ClientConnectionError):
        async with http.get(url + HEALTH_PATH):
            pass


def test_webhook_mode_needs_a_telegram_secret() -> None:
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET"):
        Settings(_env_file=None, webhook_url="https://shop.example")  # type: ignore[call-arg]


def test_the_payment_provider_follows_the_credentials_given() -> None:
    def provider(**values: Any) -> str:
        return Settings(_env_file=None, **values).effective_payment_provider  # type: ignore[call-arg]

    assert provider() == "none"
    assert provider(telegram_provider_token="123:TEST") == "telegram"
    assert provider(stripe_secret_key="sk_test_1", telegram_provider_token="1:T") == "stripe"
    assert (
        provider(
            stripe_secret_key="sk_test_1",
            payment_provider="telegram",
            telegram_provider_token="1:T",
        )
        == "telegram"
    )
    with pytest.raises(ValueError, match="STRIPE_SECRET_KEY"):
        provider(payment_provider="stripe")
