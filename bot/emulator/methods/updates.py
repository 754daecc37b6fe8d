"""getUpdates (long polling) and the webhook settings."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from bot.emulator.errors import bad_request, conflict
from bot.emulator.methods.registry import method
from bot.emulator.params import Params
from bot.emulator.state import EmulatorState, Webhook

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_MAX_POLL_SECONDS = 50


@method("getUpdates")
async def get_updates(state: EmulatorState, params: Params) -> Any:
    _refuse_while_webhook(state)
    offset = params.integer("offset")
    limit = min(max(params.integer("limit", 100) or 100, 1), 100)
    timeout = min(max(params.integer("timeout", 0) or 0, 0), _MAX_POLL_SECONDS)
    allowed = params.json_value("allowed_updates")
    if isinstance(allowed, list):
        state.updates.allowed_updates = [str(kind) for kind in allowed]
    if offset is not None:
        state.updates.confirm(offset)
    state.poll_generation += 1
    generation = state.poll_generation
    state.signal.notify()
    return await _long_poll(state, generation, limit, timeout)


async def _long_poll(state: EmulatorState, generation: int, limit: int, seconds: int) -> Any:
    """Answers as soon as an update is queued, or with [] when the timeout runs out."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        _refuse_while_webhook(state)
        if generation != state.poll_generation:
            raise conflict(
                "terminated by other getUpdates request; "
                "make sure that only one bot instance is running"
            )
        updates = state.updates.take(limit)
        remaining = deadline - asyncio.get_running_loop().time()
        if updates or state.closing or remaining <= 0:
            return updates
        state.waiting_polls += 1
        state.signal.notify()
        try:
            await state.signal.changed(remaining)
        finally:
            state.waiting_polls -= 1


def _refuse_while_webhook(state: EmulatorState) -> None:
    if state.webhook.url:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )


@method("setWebhook")
async def set_webhook(state: EmulatorState, params: Params) -> Any:
    url = params.string("url", "") or ""
    if url and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.string("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if params.boolean("drop_pending_updates"):
        state.updates.pending.clear()
    allowed = params.json_value("allowed_updates")
    if isinstance(allowed, list):
        state.updates.allowed_updates = [str(kind) for kind in allowed]
    state.webhook = Webhook(
        url=url, secret_token=secret, max_connections=params.integer("max_connections", 40) or 40
    )
    state.signal.notify()
    return True


@method("deleteWebhook")
async def delete_webhook(state: EmulatorState, params: Params) -> Any:
    if params.boolean("drop_pending_updates"):
        state.updates.pending.clear()
    state.webhook = Webhook()
    state.signal.notify()
    return True


@method("getWebhookInfo")
async def get_webhook_info(state: EmulatorState, params: Params) -> Any:
    webhook = state.webhook
    info: dict[str, Any] = {
        "url": webhook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates.pending),
    }
    if webhook.url:
        info["max_connections"] = webhook.max_connections
        if state.updates.allowed_updates:
            info["allowed_updates"] = state.updates.allowed_updates
    if webhook.last_error_date is not None:
        info["last_error_date"] = webhook.last_error_date
        info["last_error_message"] = webhook.last_error_message
    return info
