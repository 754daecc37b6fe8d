"""POST /webhooks/stripe: verify the signature on the raw body, then apply the event once."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import stripe
from aiohttp import web
from structlog.contextvars import bound_contextvars

from bot.payments.stripe_events import HANDLED_TYPES
from bot.services.errors import ShopError
from bot.usecases.payments import EventResult, apply_stripe_event
from bot.web.common import (
    DATABASE,
    GATEWAY,
    OTHER_TYPE,
    SETTINGS,
    BodyRejected,
    WebhookEvent,
    parse_json,
    read_json_body,
    reply,
    webhook_event,
)

log = logging.getLogger(__name__)

PROVIDER = "stripe"
# Stripe's default: a signature older than five minutes may be a replay.
TOLERANCE_S = stripe.Webhook.DEFAULT_TOLERANCE


async def stripe_webhook(request: web.Request) -> web.Response:
    async with webhook_event(request, PROVIDER) as seen:
        return await _receive(request, seen)


async def _receive(request: web.Request, seen: WebhookEvent) -> web.Response:
    secret = request.app[SETTINGS].stripe_webhook_secret
    if secret is None:
        return seen.answer("unconfigured", 503, error="stripe webhooks are not configured")
    try:
        body = await read_json_body(request)
    except BodyRejected as rejected:
        seen.outcome = "rejected"
        return rejected.response
    if not _signed(body, request.headers.get("Stripe-Signature"), secret.get_secret_value()):
        return seen.answer("bad_signature", 400, error="invalid signature")
    event = _parse(body)
    if event is None:
        return seen.answer("malformed", 400, error="malformed event")
    # Signed by Stripe, so the type is Stripe's: one of the few the shop handles, or "other".
    seen.type = event["type"] if event["type"] in HANDLED_TYPES else OTHER_TYPE
    # Every line logged while the event is applied names it.
    with bound_contextvars(stripe_event_id=event["id"], stripe_event_type=event["type"]):
        return await _apply(request, event, seen)


async def _apply(request: web.Request, event: dict[str, Any], seen: WebhookEvent) -> web.Response:
    try:
        result = await apply_stripe_event(
            request.app[DATABASE],
            request.app[GATEWAY],
            event=event,
            admin_chat_ids=request.app[SETTINGS].alert_chat_ids,
        )
    except ShopError as error:  # the event itself is unusable; retrying will not help
        log.warning("Stripe event %s refused: %s", event.get("id"), error)
        return seen.answer("refused", 400, error="malformed event")
    log.info("Stripe event %s (%s): %s", event["id"], event["type"], result.value)
    seen.outcome = result.value
    if result is EventResult.TOO_EARLY:  # not recorded: Stripe's next delivery applies it
        return reply(409, error="the payment this event is about has not arrived yet")
    return reply(200, received=True)


def _signed(body: bytes, header: str | None, secret: str) -> bool:
    # A header Stripe wrote is ASCII; anything else would make the digest comparison raise.
    if header is None or not header.isascii():
        log.warning("Stripe webhook refused: missing or non-ASCII signature header")
        return False
    try:
        stripe.WebhookSignature.verify_header(body, header, secret, tolerance=TOLERANCE_S)
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as error:
        log.warning("Stripe webhook with a bad signature refused: %s", error)
        return False
    # Stripe's check only bounds the age; a signature dated ahead of our clock is refused too.
    if _signed_at(header) > time.time() + TOLERANCE_S:
        log.warning("Stripe webhook refused: signature dated in the future")
        return False
    return True


def _signed_at(header: str) -> int:
    """The `t=` timestamp of a header that has already passed verification."""
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            return int(value)
    return 0


def _parse(body: bytes) -> dict[str, Any] | None:
    try:
        event = parse_json(body)
    except ValueError:
        return None
    if not isinstance(event, dict):
        return None
    fields_ok = isinstance(event.get("id"), str) and isinstance(event.get("type"), str)
    data = event.get("data")
    if (
        not fields_ok
        or not isinstance(data, Mapping)
        or not isinstance(data.get("object"), Mapping)
    ):
        return None
    return event
