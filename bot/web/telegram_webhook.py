"""POST /webhooks/telegram: Telegram updates in webhook mode, only with the secret header."""

from __future__ import annotations

import hmac
import logging

from aiohttp import web

from bot.botapi.metering import raw_update_kind
from bot.web.common import (
    SETTINGS,
    TELEGRAM_HANDLER,
    BodyRejected,
    WebhookEvent,
    parse_json,
    read_json_body,
    webhook_event,
)

log = logging.getLogger(__name__)

PROVIDER = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def telegram_webhook(request: web.Request) -> web.Response:
    async with webhook_event(request, PROVIDER) as seen:
        return await _receive(request, seen)


async def _receive(request: web.Request, seen: WebhookEvent) -> web.Response:
    if not _authentic(request):
        return seen.answer("forbidden", 403, error="forbidden")
    handler = request.app[TELEGRAM_HANDLER]
    if handler is None:
        return seen.answer("unavailable", 503, error="not accepting updates")
    try:
        body = await read_json_body(request)
    except BodyRejected as rejected:
        seen.outcome = "rejected"
        return rejected.response
    try:
        update = parse_json(body)
    except ValueError:
        return seen.answer("malformed", 400, error="malformed JSON")
    if not isinstance(update, dict):
        return seen.answer("malformed", 400, error="malformed update")
    seen.type = raw_update_kind(update)
    if not await handler(update):  # starting or stopping: Telegram delivers it again later
        return seen.answer("unavailable", 503, error="not accepting updates yet")
    return seen.answer("accepted", 200, ok=True)


def _authentic(request: web.Request) -> bool:
    """Constant-time comparison, so the secret cannot be guessed one character at a time.
    Without a configured secret nothing is accepted."""
    secret = request.app[SETTINGS].telegram_webhook_secret
    given = request.headers.get(SECRET_HEADER)
    if secret is None or given is None:
        return False
    return hmac.compare_digest(given.encode(), secret.get_secret_value().encode())
