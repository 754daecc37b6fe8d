"""Application state and the small helpers every endpoint shares."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.config import Settings
from bot.db import Database
from bot.payments.stripe_gateway import StripeGateway

# What the chat side hands a Telegram update to (the parsed JSON body).
# Takes an update; False when the bot is not taking updates yet (or any more): Telegram retries.
TelegramUpdateHandler = Callable[[dict[str, Any]], Awaitable[bool]]

DATABASE = web.AppKey("database", Database)
SETTINGS = web.AppKey("settings", Settings)
GATEWAY: web.AppKey[StripeGateway | None] = web.AppKey("stripe_gateway")
TELEGRAM_HANDLER: web.AppKey[TelegramUpdateHandler | None] = web.AppKey("telegram_handler")


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
