"""After checkout: hand the placed order to the configured payment provider.

Each provider module registers how it offers payment (a Stripe "Pay" link, a Telegram invoice);
with no provider configured the order simply waits, as the placement message says.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update

from bot.handlers.context import ShopContext
from bot.payments.limits import payment_provider

PaymentOffer = Callable[[Update, ShopContext, int], Coroutine[Any, Any, None]]

_offers: dict[str, PaymentOffer] = {}


def offers_payment(provider: str) -> Callable[[PaymentOffer], PaymentOffer]:
    def wrap(offer: PaymentOffer) -> PaymentOffer:
        _offers[provider] = offer
        return offer

    return wrap


def payment_connected(context: ShopContext, currency: str | None = None) -> bool:
    """Whether an order in `currency` can be paid now: one in Stars always can."""
    return _provider(context, currency) in _offers


def _provider(context: ShopContext, currency: str | None) -> str:
    return payment_provider(currency, context.settings.effective_payment_provider)


def can_save_cards(context: ShopContext) -> bool:
    """Only Stripe keeps a customer's card for their next payment."""
    return context.settings.effective_payment_provider == "stripe"


async def offer_payment(
    update: Update, context: ShopContext, order_id: int, currency: str | None = None
) -> None:
    """`currency`: the order's; an order in Telegram Stars gets a Stars invoice."""
    offer = _offers.get(_provider(context, currency))
    if offer is not None:
        await offer(update, context, order_id)
