"""After checkout: hand the placed order to the configured payment provider.

Each provider module registers how it offers payment (a Stripe "Pay" link, a Telegram invoice);
with no provider configured the order simply waits, as the placement message says.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update

from bot.handlers.context import ShopContext

PaymentOffer = Callable[[Update, ShopContext, int], Coroutine[Any, Any, None]]

_offers: dict[str, PaymentOffer] = {}


def offers_payment(provider: str) -> Callable[[PaymentOffer], PaymentOffer]:
    def wrap(offer: PaymentOffer) -> PaymentOffer:
        _offers[provider] = offer
        return offer

    return wrap


def payment_connected(context: ShopContext) -> bool:
    return context.settings.effective_payment_provider in _offers


def can_save_cards(context: ShopContext) -> bool:
    """Only Stripe keeps a customer's card for their next payment."""
    return context.settings.effective_payment_provider == "stripe"


async def offer_payment(update: Update, context: ShopContext, order_id: int) -> None:
    offer = _offers.get(context.settings.effective_payment_provider)
    if offer is not None:
        await offer(update, context, order_id)
