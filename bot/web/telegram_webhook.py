"""POST /webhooks/telegram: Telegram updates in webhook mode, only with the secret header."""

from __future__ import annotations

import hmac
import logging

from aiohttp import web

from bot.web.common import (
    SETTINGS,
    TELEGRAM_HANDLER,
    BodyRejected,
    parse_json,
    read_json_body,
    reply,
)

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def telegram_webhook(request: web.Request) -> web.Response:
    if not _authentic(request):
        return reply(403, error="forbidden")
    handler = request.app[TELEGRAM_HANDLER]
    if handler is None:
        return reply(503, error="not accepting updates")
    try:
        body = await read_json_body(request)
    except BodyRejected as rejected:
        return rejected.response
    try:
        update = parse_json(body)
    except ValueError:
        return reply(400, error="malformed JSON")
    if not isinstance(update, dict):
        return reply(400, error="malformed update")
    if not await handler(update):  # starting or stopping: Telegram delivers it again later
        return reply(503, error="not accepting updates yet")
    return reply(200, ok=True)


def _authentic(request: web.Request) -> bool:
    """Constant-time comparison, so the secret cannot be guessed one character at a time.
    Without a configured secret nothing is accepted."""
    secret = request.app[SETTINGS].telegram_webhook_secret
    given = request.headers.get(SECRET_HEADER)
    if secret is None or given is None:
        return False
    return hmac.compare_digest(given.encode(), secret.get_secret_value().encode())
