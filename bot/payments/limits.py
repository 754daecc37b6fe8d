"""The smallest payment each provider takes, so a checkout it would refuse is refused first.

Stripe's per-currency minimums (docs.stripe.com/currencies, "Minimum and maximum charge
amounts"), in minor units; a currency not listed is left for Stripe to judge. Telegram
Payments' minimums depend on the provider and the exchange rate of the day: only a positive
total is asked for here, and the invoice's own refusal is answered where it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.money import STARS

STARS_PROVIDER = "stars"  # Telegram Stars: digital goods, no provider token

STRIPE_MINIMUMS = {
    "USD": 50,
    "AED": 200,
    "AUD": 50,
    "BGN": 100,
    "BRL": 50,
    "CAD": 50,
    "CHF": 50,
    "CZK": 1500,
    "DKK": 250,
    "EUR": 50,
    "GBP": 30,
    "HKD": 400,
    "HUF": 17500,
    "INR": 50,
    "JPY": 50,
    "MXN": 1000,
    "MYR": 200,
    "NOK": 300,
    "NZD": 50,
    "PLN": 200,
    "RON": 200,
    "SEK": 300,
    "SGD": 50,
    "THB": 1000,
}


def payment_provider(currency: str | None, configured: str) -> str:
    """Who is asked for an order's money: Telegram Stars for digital goods (priced in XTR, as
    Telegram requires), the shop's configured provider for everything else."""
    return STARS_PROVIDER if currency == STARS else configured


def smallest_payment(provider: str, currency: str) -> int:
    """In minor units; 0 when the shop takes no payments (orders wait for the merchant)."""
    if provider == "stripe":
        return STRIPE_MINIMUMS.get(currency.upper(), 1)
    if provider in ("telegram", STARS_PROVIDER):
        return 1
    return 0


@dataclass(frozen=True, slots=True)
class SmallestPayment:
    amount: int  # minor units
    currency: str


def unpayable(provider: str, price: int, currency: str) -> SmallestPayment | None:
    """The provider's smallest payment, when a cart of one item at `price` is below it."""
    minimum = smallest_payment(provider, currency)
    return SmallestPayment(minimum, currency) if price < minimum else None
