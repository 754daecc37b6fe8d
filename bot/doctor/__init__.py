"""`shopbot doctor`: the configuration and whether what it names can be reached, checked one
thing at a time, each problem with its fix; `shopbot run` logs the same at start.

probes.py asks the outside world (Telegram, Stripe, the database) with a timeout; checks.py
turns settings and answers into findings; report.py puts findings into words.
"""

from __future__ import annotations

import asyncio

import aiohttp

from bot.config import Settings
from bot.db.migrate import head_revisions, known_revisions
from bot.doctor.checks import (
    check_admins,
    check_database,
    check_migrations,
    check_payments,
    check_settings,
    check_stripe_api,
    check_stripe_settings,
    check_telegram,
    check_token,
    check_webhook_settings,
    check_webhook_state,
    stripe_key_kind,
    stripe_takes_payments,
    updates_mode,
)
from bot.doctor.findings import Finding, Status, failed
from bot.doctor.probes import ask_stripe, ask_telegram, read_database
from bot.doctor.report import log_findings, report

__all__ = [
    "CHECK_TIMEOUT_S",
    "START_CHECK_TIMEOUT_S",
    "Finding",
    "Status",
    "diagnose",
    "failed",
    "log_findings",
    "report",
]

# Each network call's longest wait; at start-up shorter, so a dead service delays the shop
# by seconds only.
CHECK_TIMEOUT_S = 10.0
START_CHECK_TIMEOUT_S = 5.0


async def diagnose(
    settings: Settings, *, timeout_s: float = CHECK_TIMEOUT_S, at_start: bool = False
) -> list[Finding]:
    """Every check, the network ones side by side. `at_start` leaves Telegram's webhook alone:
    the start-up that follows registers it (webhook mode) or removes it (polling) anyway."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s)) as http:
        telegram, stripe, database = await asyncio.gather(
            _telegram(http, settings, ask_webhook=not at_start),
            _stripe(http, settings),
            _database(settings, timeout_s),
        )
    return [
        *check_settings(settings),
        *telegram,
        *check_payments(settings),
        *stripe,
        *database,
        *check_admins(settings),
    ]


async def _telegram(
    http: aiohttp.ClientSession, settings: Settings, *, ask_webhook: bool
) -> list[Finding]:
    found = check_token(settings)
    webhook_problems = check_webhook_settings(settings)
    if settings.telegram_bot_token is None:  # the offline console: updates come from nowhere
        return [*found, *webhook_problems]
    token = settings.telegram_bot_token.get_secret_value()
    base_url = settings.telegram_api_base_url
    me = await ask_telegram(http, base_url=base_url, token=token, method="getMe")
    found += check_telegram(settings, me)
    if ask_webhook and me.answered and me.status == 200:
        info = await ask_telegram(http, base_url=base_url, token=token, method="getWebhookInfo")
        return [*found, *webhook_problems, *check_webhook_state(settings, info)]
    return [*found, *(webhook_problems or [updates_mode(settings)])]


async def _stripe(http: aiohttp.ClientSession, settings: Settings) -> list[Finding]:
    found = check_stripe_settings(settings)
    if not stripe_takes_payments(settings) or stripe_key_kind(settings) is None:
        return found
    assert settings.stripe_secret_key is not None
    key = settings.stripe_secret_key.get_secret_value()
    answer = await ask_stripe(http, api_base=settings.stripe_api_base, key=key)
    return [*found, *check_stripe_api(settings, answer)]


async def _database(settings: Settings, timeout_s: float) -> list[Finding]:
    state = await read_database(settings.database_url, timeout_s=timeout_s)
    found = check_database(state, timeout_s=timeout_s)
    if state.reached:
        found += check_migrations(state.revisions, head_revisions(), known_revisions())
    return found
