"""Delivery options: admins add and end them; a checkout finds the ones serving an address and
prices the chosen one for the order.

An option is priced in the shop currency and serves a list of countries (none: everywhere). It
is free once the items' subtotal, before any promo discount, reaches its `free_over`. Options
are never edited: an admin ends one and adds another, so a price the customer saw cannot
change under them; placing the order checks the option is still offered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pycountry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import SHIPPING_NAME_MAX, ShippingOption, utcnow
from bot.services import admin
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.pricing import shipping_charge

ENTITY = "shipping_option"
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True, slots=True)
class ShippingTerms:
    """Amounts in minor units of the shop currency; `countries` as typed (codes)."""

    name: str
    price: int
    free_over: int | None = None
    countries: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class ShippingQuote:
    """An option and what it costs for the cart at hand."""

    option: ShippingOption
    price: int


def normalize_countries(codes: Iterable[str]) -> str:
    """ "de, at" -> "AT,DE"; a code that is not an ISO 3166 country is refused by name."""
    found: set[str] = set()
    for word in codes:
        for code in _SEPARATORS.split(word.strip()):
            if not code:
                continue
            upper = code.upper()
            if len(upper) != 2 or pycountry.countries.get(alpha_2=upper) is None:
                raise InvalidInput("shipping.unknown_country", country=code)
            found.add(upper)
    return ",".join(sorted(found))


def quote(option: ShippingOption, subtotal: int) -> ShippingQuote:
    price = shipping_charge(price=option.price, free_over=option.free_over, subtotal=subtotal)
    return ShippingQuote(option, price)


async def add_option(
    session: AsyncSession, *, admin_id: int, terms: ShippingTerms, currency: str
) -> ShippingOption:
    name = " ".join(terms.name.split())
    if not 1 <= len(name) <= SHIPPING_NAME_MAX:
        raise InvalidInput("shipping.bad_name", limit=SHIPPING_NAME_MAX)
    if terms.price < 0 or (terms.free_over is not None and terms.free_over <= 0):
        raise InvalidInput("shipping.bad_price")
    countries = normalize_countries(terms.countries)
    if await _active_named(session, name) is not None:
        raise InvalidInput("shipping.name_taken", name=name)
    option = ShippingOption(
        name=name,
        price=terms.price,
        free_over=terms.free_over,
        currency=currency,
        countries=countries,
        created_by=admin_id,
    )
    session.add(option)
    await session.flush()
    await admin.record(
        session,
        admin_telegram_id=admin_id,
        action="add_shipping",
        entity=ENTITY,
        entity_id=option.id,
        details=describe(option),
    )
    return option


async def list_options(session: AsyncSession, *, limit: int = 50) -> Sequence[ShippingOption]:
    """The offered options first (cheapest first), then the ended ones, newest first."""
    rows = await session.scalars(
        select(ShippingOption)
        .order_by(
            ShippingOption.ended_at.is_not(None),
            ShippingOption.ended_at.desc(),
            ShippingOption.price,
            ShippingOption.id,
        )
        .limit(limit)
    )
    return rows.all()


async def end_option(
    session: AsyncSession, *, admin_id: int, reference: str
) -> tuple[ShippingOption, bool]:
    """By id (`3`, `#3`) or by name (any case); the option, and whether this ended it."""
    option = await _find(session, reference)
    if option is None:
        raise NotFound("shipping.unknown", name=reference.strip())
    if option.ended_at is not None:
        return option, False
    option.ended_at = utcnow()
    await session.flush()
    await admin.record(
        session,
        admin_telegram_id=admin_id,
        action="end_shipping",
        entity=ENTITY,
        entity_id=option.id,
        details=option.name,
    )
    return option, True


async def offers_shipping(session: AsyncSession, *, currency: str) -> bool:
    """Whether the shop charges for delivery at all: without options, checkout has no shipping."""
    count = await session.scalar(
        select(func.count())
        .select_from(ShippingOption)
        .where(ShippingOption.ended_at.is_(None), ShippingOption.currency == currency)
    )
    return bool(count)


async def options_for(
    session: AsyncSession, *, country: str, currency: str, subtotal: int
) -> tuple[ShippingQuote, ...]:
    """The offered options serving the country, cheapest (for this cart) first."""
    rows = await session.scalars(
        select(ShippingOption)
        .where(ShippingOption.ended_at.is_(None), ShippingOption.currency == currency)
        .order_by(ShippingOption.id)
    )
    quotes = [quote(option, subtotal) for option in rows if option.serves(country)]
    return tuple(sorted(quotes, key=lambda q: (q.price, q.option.id)))


async def quote_for_order(
    session: AsyncSession, *, option_id: int, country: str, currency: str, subtotal: int
) -> ShippingQuote:
    """The chosen option, checked again as the order is placed: it may have been ended."""
    option = await session.get(ShippingOption, option_id, populate_existing=True)
    if option is None or option.currency != currency:
        raise NotAllowed("shipping.choose")
    if option.ended_at is not None:
        raise NotAllowed("shipping.ended", name=option.name)
    if not option.serves(country):
        raise NotAllowed("shipping.not_to_country", name=option.name, country=country)
    return quote(option, subtotal)


def describe(option: ShippingOption) -> str:
    """For the audit log (not read by customers): the terms, raw."""
    terms = {"free_over": option.free_over, "countries": option.countries or "*"}
    fields = " ".join(f"{name}={value}" for name, value in terms.items() if value is not None)
    return f"{option.name}: {option.price} {option.currency} {fields}"


async def _active_named(session: AsyncSession, name: str) -> ShippingOption | None:
    return await session.scalar(
        select(ShippingOption).where(
            func.lower(ShippingOption.name) == name.lower(), ShippingOption.ended_at.is_(None)
        )
    )


async def _find(session: AsyncSession, reference: str) -> ShippingOption | None:
    text = " ".join(reference.split())
    number = text.lstrip("#")
    if number.isascii() and number.isdigit() and len(number) <= 9:
        found = await session.get(ShippingOption, int(number), populate_existing=True)
        if found is not None:
            return found
    named = await _active_named(session, text)
    if named is not None:
        return named
    return await session.scalar(
        select(ShippingOption)
        .where(func.lower(ShippingOption.name) == text.lower())
        .order_by(ShippingOption.id.desc())
        .limit(1)
    )
