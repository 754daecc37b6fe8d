"""Pushes queued updates to the bot's webhook, like Telegram does once setWebhook is called."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from urllib.parse import urlsplit

import aiohttp

from bot.emulator.state import EmulatorState

_RETRY_SECONDS = 0.2
_IDLE_SECONDS = 1.0


def is_loopback(url: str) -> bool:
    """Only this machine is ever contacted: a production webhook URL is never called."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def deliver_webhooks(state: EmulatorState) -> None:
    """Runs until the emulator closes; one update at a time, in order, retrying failures."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        while not state.closing:
            webhook = state.webhook
            if not webhook.url or not state.updates.pending:
                await state.signal.changed(_IDLE_SECONDS)
                continue
            if not is_loopback(webhook.url):
                _failed(state, "the emulator delivers webhooks to loopback addresses only")
                await state.signal.changed(_IDLE_SECONDS)
                continue
            await _post_first(state, session)


async def _post_first(state: EmulatorState, session: aiohttp.ClientSession) -> None:
    webhook = state.webhook
    update = state.updates.pending[0]
    headers = {}
    if webhook.secret_token:
        headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
    try:
        async with session.post(webhook.url, json=update, headers=headers) as response:
            if 200 <= response.status < 300:
                state.updates.drop(update["update_id"])
                state.signal.notify()
                return
            _failed(state, f"Wrong response from the webhook: {response.status} {response.reason}")
    except (aiohttp.ClientError, TimeoutError) as error:
        _failed(state, f"Connection failed: {error.__class__.__name__}")
    await asyncio.sleep(_RETRY_SECONDS)


def _failed(state: EmulatorState, message: str) -> None:
    state.webhook.last_error_date = int(time.time())
    state.webhook.last_error_message = message
