"""Money as integer minor units plus an ISO 4217 code; never a float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from bot.services.errors import InvalidInput

# ISO 4217 minor-unit exponents that differ from the usual two decimals.
_EXPONENTS = {
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}
# The largest order, in minor units: the most Stripe takes in one payment ($999,999.99), and far
# below the 32-bit columns that hold amounts.
MAX_ORDER_TOTAL = 99_999_999
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "UAH": "₴", "RUB": "₽"}
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_PRICE_RE = re.compile(r"^\d+(?:[.,]\d+)?$")


def minor_exponent(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


def normalize_currency(currency: str) -> str:
    code = currency.strip().upper()
    if not _CURRENCY_RE.match(code):
        raise InvalidInput("money.bad_currency", currency=currency)
    return code


def parse_amount(text: str, currency: str) -> int:
    """Turn a price typed by a person ("49.99", "49,99", "50") into exact minor units."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if not _PRICE_RE.match(cleaned):
        raise InvalidInput("money.bad_price", text=text)
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the regex already rules this out
        raise InvalidInput("money.bad_price", text=text) from None
    scaled = value.scaleb(minor_exponent(normalize_currency(currency)))
    if scaled != scaled.to_integral_value():
        raise InvalidInput("money.too_many_decimals", text=text, currency=currency.upper())
    return int(scaled)


def format_amount(amount: int, currency: str) -> str:
    """Render minor units for people: 4999 EUR -> "€49.99"."""
    exponent = minor_exponent(currency)
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(amount), 10**exponent)
    number = f"{major:,}" + (f".{minor:0{exponent}d}" if exponent else "")
    symbol = _SYMBOLS.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"


def decimal_amount(amount: int, currency: str) -> str:
    """Minor units as the plain number parse_amount reads back: 4999 EUR -> "49.99"."""
    exponent = minor_exponent(currency)
    return f"{Decimal(amount).scaleb(-exponent):.{exponent}f}"
