"""Stripe webhook events made and signed locally, as `stripe trigger` would send them.

For the offline console and for tests: the shop's webhook cannot tell these from Stripe's own,
because they are signed with the same secret.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import aiohttp
import stripe


def stripe_event(
    event_type: str, obj: dict[str, Any], *, event_id: str | None = None
) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": stripe.api_version,
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": obj},
    }


def checkout_session(
    *,
    session_id: str,
    order_id: int,
    amount: int,
    currency: str,
    payment_status: str = "paid",
    payment_intent: str | dict[str, Any] | None = None,
    customer: str | None = None,
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A Checkout Session as Stripe sends it in checkout.session.* events."""
    complete = payment_status != "unpaid"
    return {
        "id": session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "complete" if complete else "open",
        "payment_status": payment_status,
        "amount_total": amount,
        "currency": currency.lower(),
        "client_reference_id": str(order_id),
        "metadata": {"order_id": str(order_id)} | (metadata or {}),
        "payment_intent": payment_intent or f"pi_{secrets.token_hex(12)}",
        "customer": customer,
    }


def sign(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for `body`."""
    return str(
        stripe.WebhookSignature.generate_signature_header(
            body.decode("utf-8"), secret, timestamp=timestamp
        )
    )


async def deliver(http: aiohttp.ClientSession, url: str, event: dict[str, Any], secret: str) -> int:
    """POST a signed event to a webhook endpoint; returns the HTTP status."""
    body = json.dumps(event).encode()
    headers = {"Content-Type": "application/json", "Stripe-Signature": sign(body, secret)}
    async with http.post(url, data=body, headers=headers) as response:
        return response.status
