"""Application state and the small helpers every endpoint shares."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.config import Settings
from bot.db import Database
from bot.metrics import ShopMetrics
from bot.payments.stripe_gateway import StripeGateway

# What the chat side hands a Telegram update to (the parsed JSON body).
# Takes an update; False when the bot is not taking updates yet (or any more): Telegram retries.
TelegramUpdateHandler = Callable[[dict[str, Any]], Awaitable[bool]]

DATABASE = web.AppKey("database", Database)
SETTINGS = web.AppKey("settings", Settings)
GATEWAY: web.AppKey[StripeGateway | None] = web.AppKey("stripe_gateway")
TELEGRAM_HANDLER: web.AppKey[TelegramUpdateHandler | None] = web.AppKey("telegram_handler")
METRICS: web.AppKey[ShopMetrics | None] = web.AppKey("metrics")

# A webhook event's type before it could be read (a refused request), or one not listed.
UNKNOWN_TYPE = "unknown"
OTHER_TYPE = "other"


class BodyRejected(Exception):
    """The request body was refused; `response` says why."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def parse_json(body: bytes) -> Any:
    """The parsed body; ValueError for anything unreadable, nesting too deep to parse too
    (json.loads raises RecursionError for 30,000 opening brackets)."""
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def reply(code: int, /, **body: Any) -> web.Response:
    return web.json_response(body, status=code)


@dataclass(slots=True)
class WebhookEvent:
    """One webhook request as the metrics count it: the event's type once it can be trusted,
    and what came of it ("error" unless the endpoint says otherwise: it raised)."""

    provider: str
    type: str = UNKNOWN_TYPE
    outcome: str = "error"

    def answer(self, outcome: str, code: int, /, **body: Any) -> web.Response:
        self.outcome = outcome
        return reply(code, **body)


@asynccontextmanager
async def webhook_event(request: web.Request, provider: str) -> AsyncIterator[WebhookEvent]:
    """Counts the request in the shop's metrics (when it keeps them) as the block ends."""
    event = WebhookEvent(provider)
    try:
        yield event
    finally:
        metrics = request.app[METRICS]
        if metrics is not None:
            metrics.webhook_events.labels(event.provider, event.type, event.outcome).inc()


async def read_json_body(request: web.Request) -> bytes:
    """The raw body of a JSON request, refused when too large or of another type."""
    if request.content_type != "application/json":
        raise BodyRejected(reply(415, error="expected application/json"))
    limit = request.app[SETTINGS].max_webhook_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise BodyRejected(reply(413, error="request body too large"))
    try:
        return await request.read()  # enforces client_max_size on chunked bodies too
    except web.HTTPRequestEntityTooLarge:
        raise BodyRejected(reply(413, error="request body too large")) from None
