from __future__ import annotations

import pytest

from bot.money import decimal_amount, format_amount, parse_amount
from bot.services.errors import InvalidInput


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [
        ("49.99", "EUR", 4999),
        ("49,99", "EUR", 4999),
        ("50", "EUR", 5000),
        (" 1 299.5 ", "EUR", 129950),
        ("0", "USD", 0),
        ("0.1", "EUR", 10),
        ("1500", "JPY", 1500),
        ("1.234", "KWD", 1234),
        ("19.99", "eur", 1999),
        ("123456789.99", "EUR", 12345678999),
    ],
)
def test_prices_typed_by_people_become_exact_minor_units(
    typed: str, currency: str, minor: int
) -> None:
    assert parse_amount(typed, currency) == minor


@pytest.mark.parametrize(
    ("typed", "currency"),
    [
        ("-5", "EUR"),
        ("", "EUR"),
        ("abc", "EUR"),
        ("1.999", "EUR"),
        ("1.5", "JPY"),
        ("1e3", "EUR"),
        ("NaN", "EUR"),
        ("1,000.00", "EUR"),
        ("1.2.3", "EUR"),
        ("10", "EURO"),
    ],
)
def test_malformed_negative_or_too_precise_prices_are_refused(typed: str, currency: str) -> None:
    with pytest.raises(InvalidInput):
        parse_amount(typed, currency)


@pytest.mark.parametrize(
    ("minor", "currency", "shown"),
    [
        (4999, "EUR", "€49.99"),
        (123456789, "USD", "$1,234,567.89"),
        (1500, "JPY", "¥1,500"),
        (1234, "KWD", "KWD\u00a01.234"),
        (5, "CHF", "CHF\u00a00.05"),
        (-250, "GBP", "-£2.50"),
    ],
)
def test_amounts_are_shown_in_their_currency(minor: int, currency: str, shown: str) -> None:
    assert format_amount(minor, currency) == shown


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "€1,234.50"),
        ("de", "1.234,50\u00a0€"),
        ("pt_BR", "€\u00a01.234,50"),
        ("ru", "1\u00a0234,50\u00a0€"),
        ("es", "1.234,50\u00a0€"),
    ],
)
def test_amounts_are_written_the_reader_s_way(language: str, shown: str) -> None:
    assert format_amount(123450, "EUR", language) == shown


def test_a_currency_keeps_its_own_decimals_in_every_language() -> None:
    assert format_amount(150000, "JPY", "de") == "150.000\u00a0¥"
    assert format_amount(123456, "BRL", "pt_BR") == "R$\u00a01.234,56"
    assert format_amount(1234, "KWD", "de") == "1,234\u00a0KWD"


def test_a_price_survives_a_round_trip_through_its_display_form() -> None:
    for minor in (0, 1, 99, 100, 4999, 1_000_000):
        shown = format_amount(minor, "EUR").removeprefix("€").replace(",", "")
        assert parse_amount(shown, "EUR") == minor


@pytest.mark.parametrize(
    ("minor", "currency", "written"),
    [(4999, "EUR", "49.99"), (5, "EUR", "0.05"), (1500, "JPY", "1500"), (1234, "KWD", "1.234")],
)
def test_amounts_are_written_as_plain_numbers_that_read_back_exactly(
    minor: int, currency: str, written: str
) -> None:
    assert decimal_amount(minor, currency) == written
    assert parse_amount(written, currency) == minor
