"""Money as integer minor units plus an ISO 4217 code; never a float."""

from __future__ import annotations

import copy
import re
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from babel import Locale
from babel.numbers import NumberPattern

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
            "XTR",  # Telegram Stars: whole stars
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}
# The largest order, in minor units: the most Stripe takes in one payment ($999,999.99), and far
# below the 32-bit columns that hold amounts.
MAX_ORDER_TOTAL = 99_999_999
# Telegram Stars, the currency digital goods sold in Telegram are paid in.
STARS = "XTR"
_LETTER_THEN_DIGIT = re.compile(r"([^\W\d_])([-\d])")
_DIGIT_THEN_LETTER = re.compile(r"(\d)([^\W\d_])")
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


@lru_cache(maxsize=8192)  # a shop shows the same few prices over and over; Babel takes ~18 µs
def format_amount(amount: int, currency: str, language: str = "en") -> str:
    """Minor units for people, the way the reader's locale writes money (CLDR, through Babel):
    4999 EUR is "€49.99" in en, "49,99 €" in de, "€ 49,99" in pt_BR. The decimals are the
    currency's own (JPY none, KWD three), whatever the locale's pattern says."""
    if currency == STARS:  # not ISO 4217: Telegram's own, written the way its apps write it
        return f"⭐ {amount:,}".replace(",", "\u00a0")
    exponent = minor_exponent(currency)
    text = _pattern(language, exponent).apply(
        Decimal(amount).scaleb(-exponent), language, currency=currency, currency_digits=False
    )
    # CLDR's currency spacing, which Babel leaves out: a code such as "CHF" is not run into the
    # digits ("CHF 0.05"), a sign such as "€" is ("€0.05").
    return _LETTER_THEN_DIGIT.sub("\\1\u00a0\\2", _DIGIT_THEN_LETTER.sub("\\1\u00a0\\2", text))


@cache
def _pattern(language: str, exponent: int) -> NumberPattern:
    pattern: NumberPattern = copy.copy(Locale.parse(language).currency_formats["standard"])
    pattern.frac_prec = (exponent, exponent)
    return pattern


def decimal_amount(amount: int, currency: str) -> str:
    """Minor units as the plain number parse_amount reads back: 4999 EUR -> "49.99"."""
    exponent = minor_exponent(currency)
    return f"{Decimal(amount).scaleb(-exponent):.{exponent}f}"


def to_stars(amount: int, currency: str, stars_per_unit: int) -> int:
    """A price in Telegram Stars at `stars_per_unit` Stars per 1.00 of `currency`, rounded up
    (a customer never pays less than the shop's price): 4999 EUR at 50 is 2500."""
    if currency == STARS:
        return amount
    scale: int = 10 ** minor_exponent(currency)
    return -(-amount * stars_per_unit // scale)
