"""Customers, identified by Telegram, and their shipping addresses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot import languages
from bot.db import dialect_insert
from bot.models import Address, DialogState, User
from bot.services.errors import AddressFieldInvalid, InvalidInput, NotFound

MAX_ADDRESSES: Final = 20

# The order in which a step-by-step chat asks for an address.
ADDRESS_FIELDS: Final = (
    "recipient_name",
    "phone",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
)

# Telegram allows longer names than our columns; clip rather than fail a customer's first /start.
_USERNAME_MAX = 64
_FIRST_NAME_MAX = 128
_LANGUAGE_MAX = 16


@dataclass(frozen=True, slots=True)
class AddressInput:
    recipient_name: str
    phone: str
    street: str
    city: str
    region: str
    postal_code: str
    country: str


# ---------------------------------------------------------------------------- users


async def register(
    session: AsyncSession,
    *,
    telegram_id: int,
    first_name: str,
    username: str | None = None,
    language_code: str | None = None,
) -> User:
    """Find or create the customer behind an update.

    Runs on every update, so a known customer whose profile is unchanged costs one SELECT and
    no write. INSERT … ON CONFLICT DO NOTHING makes two simultaneous first updates of one
    person end with one row instead of an IntegrityError in one of them.
    """
    first_name = _shown(first_name, _FIRST_NAME_MAX)
    username = _shown(username, _USERNAME_MAX) or None
    language_code = _shown(language_code, _LANGUAGE_MAX) or None
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    if user is None:
        await session.execute(
            insert_ignoring_conflict(
                session,
                User,
                {
                    "telegram_id": telegram_id,
                    "first_name": first_name,
                    "username": username,
                    "language_code": language_code,
                },
                conflict_columns=("telegram_id",),
            )
        )
        user = await get_by_telegram_id(session, telegram_id)
    user.first_name = first_name
    user.username = username
    # Telegram omits the language now and then; that is no reason to forget it.
    if language_code is not None:
        user.language_code = language_code
    user.is_blocked = False  # they are talking to us, so they no longer block the bot
    await session.flush()
    return user


async def find_by_telegram_id(session: AsyncSession, telegram_id: int) -> User | None:
    return await session.scalar(select(User).where(User.telegram_id == telegram_id))


@dataclass(frozen=True, slots=True)
class Arrival:
    """What every update needs of its sender first: who they are, whether their profile
    changed, and the flow (a form or checkout step) they are in."""

    id: int
    telegram_id: int
    first_name: str
    username: str | None
    language_code: str | None
    language: str | None
    is_admin: bool
    is_blocked: bool
    flow: str | None


async def arrival(session: AsyncSession, telegram_id: int) -> Arrival | None:
    """In one statement of plain columns: it runs on every update."""
    row = (
        await session.execute(
            select(
                User.id,
                User.telegram_id,
                User.first_name,
                User.username,
                User.language_code,
                User.language,
                User.is_admin,
                User.is_blocked,
                DialogState.flow,
                DialogState.step,
            )
            .outerjoin(DialogState, DialogState.user_id == User.id)
            .where(User.telegram_id == telegram_id)
        )
    ).one_or_none()
    if row is None:
        return None
    id, telegram, first_name, username, language_code, language, admin, blocked, flow, step = row
    return Arrival(
        id=id,
        telegram_id=telegram,
        first_name=first_name,
        username=username,
        language_code=language_code,
        language=language,
        is_admin=admin,
        is_blocked=blocked,
        flow=flow if flow is not None and step is not None else None,
    )


def profile_matches(
    user: User | Arrival, *, first_name: str, username: str | None, language_code: str | None
) -> bool:
    """Whether register() would change nothing (it also unblocks a returning customer)."""
    return (
        user.first_name == _shown(first_name, _FIRST_NAME_MAX)
        and user.username == (_shown(username, _USERNAME_MAX) or None)
        and (not language_code or user.language_code == _shown(language_code, _LANGUAGE_MAX))
        and not user.is_blocked
    )


def _shown(value: str | None, limit: int) -> str:
    """A profile field as we keep it: without control characters, which no one can see and
    PostgreSQL refuses (NUL), and clipped to its column."""
    if not value:
        return ""
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cc")[:limit]


def insert_ignoring_conflict(
    session: AsyncSession,
    model: type[Any],
    values: dict[str, Any],
    *,
    conflict_columns: tuple[str, ...],
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that does nothing when the unique key exists."""
    return (
        dialect_insert(session, model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict_columns))
    )


async def get_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("customer.not_found")
    return user


async def get_by_telegram_id(session: AsyncSession, telegram_id: int) -> User:
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    if user is None:
        raise NotFound("customer.not_found")
    return user


async def set_email(session: AsyncSession, *, user_id: int, email: str | None) -> User:
    """Store the address normalized (lower-case domain, Unicode NFC); None forgets it."""
    user = await get_user(session, user_id)
    if email is None:
        user.email = None
    else:
        try:
            checked = validate_email(email.strip(), check_deliverability=False)
        except EmailNotValidError:
            raise InvalidInput("email.invalid", email=email.strip()) from None
        user.email = checked.normalized
    await session.flush()
    return user


async def set_announcements(session: AsyncSession, *, user_id: int, wanted: bool) -> User:
    user = await get_user(session, user_id)
    user.wants_announcements = wanted
    await session.flush()
    return user


async def set_reminders(session: AsyncSession, *, user_id: int, wanted: bool) -> User:
    user = await get_user(session, user_id)
    user.wants_reminders = wanted
    await session.flush()
    return user


async def set_language(session: AsyncSession, *, user_id: int, language: str | None) -> User:
    """The language the shop speaks to them; None goes back to their Telegram app's."""
    if language is not None and language not in languages.SHIPPED:
        raise InvalidInput("language.unknown", language=language)
    user = await get_user(session, user_id)
    user.language = language
    await session.flush()
    return user


async def languages_of(
    session: AsyncSession, telegram_ids: Iterable[int]
) -> dict[int, tuple[str | None, str | None]]:
    """Each known person's language chosen in the shop and their Telegram app's, by Telegram
    id (a private chat's id is its person's)."""
    wanted = set(telegram_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(User.telegram_id, User.language, User.language_code).where(
            User.telegram_id.in_(wanted)
        )
    )
    return {telegram_id: (chosen, app) for telegram_id, chosen, app in rows}


async def set_blocked(session: AsyncSession, *, user_id: int, blocked: bool) -> User:
    user = await get_user(session, user_id)
    user.is_blocked = blocked
    await session.flush()
    return user


# ----------------------------------------------------------------- address fields

_TEXT_LIMITS: Final = {"recipient_name": 128, "street": 255, "city": 128, "region": 128}
_PHONE_RE = re.compile(r"^\+?[0-9 ()\-]+$")
_PHONE_MAX = 32
_POSTAL_RE = re.compile(r"^[A-Z0-9](?:[A-Z0-9 \-]{0,8}[A-Z0-9])$", re.ASCII)
_NO_REGION = frozenset({"", "-", "—", "–"})
# The fewest letters a name or a city can have; a street needs a letter and three characters.
_MIN_LETTERS: Final = {"recipient_name": 2, "city": 2, "street": 1}
_STREET_MIN_LENGTH = 3
# Postal codes by country (ISO 3166-1 alpha-2): the pattern, and an example for the message.
# Countries not listed accept any code the generic pattern above accepts.
_POSTAL_FORMATS: Final = {
    "AT": (r"\d{4}", "1010"),
    "AU": (r"\d{4}", "2000"),
    "BE": (r"\d{4}", "1000"),
    "BR": (r"\d{5}-?\d{3}", "01310-100"),
    "CA": (r"[A-Z]\d[A-Z] ?\d[A-Z]\d", "K1A 0B1"),
    "CH": (r"\d{4}", "8001"),
    "CZ": (r"\d{3} ?\d{2}", "110 00"),
    "DE": (r"\d{5}", "10115"),
    "DK": (r"\d{4}", "1050"),
    "ES": (r"\d{5}", "28001"),
    "FI": (r"\d{5}", "00100"),
    "FR": (r"\d{5}", "75001"),
    "GB": (r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", "SW1A 1AA"),
    "IE": (r"[A-Z]\d{2} ?[A-Z\d]{4}", "D02 X285"),
    "IN": (r"\d{6}", "110001"),
    "IT": (r"\d{5}", "00118"),
    "JP": (r"\d{3}-?\d{4}", "100-0001"),
    "KZ": (r"\d{6}|[A-Z]\d{2}[A-Z]\d[A-Z]\d", "050000"),
    "NL": (r"\d{4} ?[A-Z]{2}", "1012 AB"),
    "NO": (r"\d{4}", "0150"),
    "PL": (r"\d{2}-\d{3}", "00-950"),
    "PT": (r"\d{4}-\d{3}", "1000-001"),
    "RU": (r"\d{6}", "101000"),
    "SE": (r"\d{3} ?\d{2}", "111 22"),
    "UA": (r"\d{5}", "01001"),
    "US": (r"\d{5}(-\d{4})?", "10001"),
}

# Common English names that pycountry spells differently or not at all.
_COUNTRY_ALIASES: Final = {
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "u.s.": "US",
    "u.s.a.": "US",
    "america": "US",
    "turkey": "TR",
    "south korea": "KR",
    "north korea": "KP",
    "holland": "NL",
    "macedonia": "MK",
    "vatican": "VA",
    "ivory coast": "CI",
    "cape verde": "CV",
    "swaziland": "SZ",
    "burma": "MM",
}


def validate_address_field(field: str, value: str) -> str:
    """Return the value as it will be stored, or raise InvalidInput with a re-ask."""
    if field == "phone":
        return _phone(value)
    if field == "postal_code":
        return _postal_code(value)
    if field == "country":
        return _country(value)
    if field == "region" and value.strip() in _NO_REGION:
        return ""
    if field in _TEXT_LIMITS:
        return _text(field, value)
    raise ValueError(f"unknown address field {field!r}")


def _collapse(value: str) -> str:
    return " ".join(value.split())


def _text(field: str, value: str) -> str:
    limit = _TEXT_LIMITS[field]
    if any(unicodedata.category(ch) == "Cc" for ch in value.strip()):
        raise InvalidInput("address.one_line", field=field)
    cleaned = _collapse(value)
    if not cleaned:
        raise InvalidInput("address.missing", field=field)
    if len(cleaned) > limit:
        raise InvalidInput("address.too_long", field=field, limit=limit)
    letters = sum(ch.isalpha() for ch in cleaned)
    too_short = field == "street" and len(cleaned) < _STREET_MIN_LENGTH
    if letters < _MIN_LETTERS.get(field, 0) or too_short:
        raise InvalidInput("address.too_short", field=field)
    return cleaned


def _phone(value: str) -> str:
    cleaned = _collapse(value)
    digits = sum(ch.isdigit() for ch in cleaned)
    if not _PHONE_RE.match(cleaned) or not 7 <= digits <= 15 or len(cleaned) > _PHONE_MAX:
        raise InvalidInput("address.bad_phone")
    return cleaned


def _postal_code(value: str) -> str:
    cleaned = _collapse(value).upper()
    if not _POSTAL_RE.match(cleaned):
        raise InvalidInput("address.bad_postal_code")
    return cleaned


def _country(value: str) -> str:
    cleaned = _collapse(value)
    code = _country_code(cleaned) if any(ch.isalpha() for ch in cleaned) else None
    if code is None:
        raise InvalidInput("address.unknown_country", country=cleaned)
    return code


def _country_code(name: str) -> str | None:
    try:
        country: Any = pycountry.countries.lookup(name)  # code or exact (official) name
    except LookupError:
        pass
    else:
        return str(country.alpha_2)
    folded = name.casefold()
    if folded in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[folded]
    if len(folded) < 4:
        return None
    # "Russia" for "Russian Federation": accept a prefix only when it names one country.
    matches = {
        str(c.alpha_2)
        for c in pycountry.countries
        if any(n.casefold().startswith(folded) for n in _country_names(c))
    }
    return matches.pop() if len(matches) == 1 else None


def _country_names(country: Any) -> list[str]:
    names = (getattr(country, attr, None) for attr in ("name", "official_name", "common_name"))
    return [n for n in names if n]


def check_against_country(values: Mapping[str, str]) -> dict[str, str]:
    """The phone number and postal code checked for the address's country (known only once
    the whole address is in); the phone written in international form (+49 30 1234567)."""
    country = values["country"]
    name = _country_name(country)
    try:
        number = phonenumbers.parse(values["phone"], country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise AddressFieldInvalid(
            "address.phone_for_country", field="phone", phone=values["phone"], country=name
        )
    phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    postal = _POSTAL_FORMATS.get(country)
    if postal is not None and not re.fullmatch(postal[0], values["postal_code"]):
        raise AddressFieldInvalid(
            "address.postal_code_for_country",
            field="postal_code",
            postal_code=values["postal_code"],
            country=name,
            example=postal[1],
        )
    return {**values, "phone": phone}


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or getattr(country, "name", code))


def _validated(address: AddressInput) -> dict[str, str]:
    fields = {name: validate_address_field(name, value) for name, value in asdict(address).items()}
    return check_against_country(fields)


# -------------------------------------------------------------------- addresses


async def add_address(
    session: AsyncSession, *, user_id: int, address: AddressInput, make_default: bool = False
) -> Address:
    """A customer's first address becomes the default whatever make_default says."""
    values = _validated(address)
    await get_user(session, user_id)
    count = await session.scalar(
        select(func.count()).select_from(Address).where(Address.user_id == user_id)
    )
    if count and count >= MAX_ADDRESSES:
        raise InvalidInput("address.too_many", limit=MAX_ADDRESSES)
    if make_default and count:
        await _clear_default(session, user_id)
    new = Address(user_id=user_id, is_default=make_default or not count, **values)
    session.add(new)
    await session.flush()
    return new


async def update_address(
    session: AsyncSession, *, user_id: int, address_id: int, address: AddressInput
) -> Address:
    values = _validated(address)
    existing = await get_address(session, user_id=user_id, address_id=address_id)
    for name, value in values.items():
        setattr(existing, name, value)
    await session.flush()
    return existing


async def delete_address(session: AsyncSession, *, user_id: int, address_id: int) -> None:
    """Deleting the default hands the role to the most recently added remaining address."""
    address = await get_address(session, user_id=user_id, address_id=address_id)
    was_default = address.is_default
    await session.delete(address)
    await session.flush()
    if not was_default:
        return
    successor = await session.scalar(
        select(Address)
        .where(Address.user_id == user_id)
        .order_by(Address.created_at.desc(), Address.id.desc())
        .limit(1)
    )
    if successor is not None:
        successor.is_default = True
        await session.flush()


async def list_addresses(session: AsyncSession, *, user_id: int) -> list[Address]:
    rows = await session.scalars(
        select(Address)
        .where(Address.user_id == user_id)
        .order_by(Address.is_default.desc(), Address.id)
    )
    return list(rows)


async def get_address(session: AsyncSession, *, user_id: int, address_id: int) -> Address:
    """Someone else's address is reported missing, never as forbidden."""
    address = await session.scalar(
        select(Address).where(Address.id == address_id, Address.user_id == user_id)
    )
    if address is None:
        raise NotFound("address.not_found")
    return address


async def set_default_address(session: AsyncSession, *, user_id: int, address_id: int) -> Address:
    address = await get_address(session, user_id=user_id, address_id=address_id)
    if not address.is_default:
        await _clear_default(session, user_id)
        address.is_default = True
        await session.flush()
    return address


async def _clear_default(session: AsyncSession, user_id: int) -> None:
    """Runs before the new default is flushed: the partial unique index allows only one."""
    await session.execute(
        update(Address)
        .where(Address.user_id == user_id, Address.is_default.is_(True))
        .values(is_default=False)
    )
