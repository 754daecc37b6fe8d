"""Stripe objects only tests send, beside those the console's simulator makes as well
(bot.devtools.stripe_simulator): the console never refunds, so a refunded charge lives here."""

from __future__ import annotations

import secrets
from typing import Any


def refunded_charge(
    *,
    payment_intent: str,
    amount: int,
    currency: str,
    refunded: int | None = None,
    order_id: int | None = None,
) -> dict[str, Any]:
    """A charge as Stripe sends it in charge.refunded: fully refunded unless `refunded` is less.
    It carries its payment intent's metadata, which names the order when the shop made it."""
    amount_refunded = amount if refunded is None else refunded
    return {
        "id": f"ch_{secrets.token_hex(12)}",
        "object": "charge",
        "amount": amount,
        "amount_refunded": amount_refunded,
        "currency": currency.lower(),
        "payment_intent": payment_intent,
        "refunded": amount_refunded >= amount,
        "metadata": {} if order_id is None else {"order_id": str(order_id)},
    }
