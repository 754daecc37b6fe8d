from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.models import Address, User
from bot.services import user as users
from bot.services.errors import InvalidInput, NotFound
from bot.services.user import ADDRESS_FIELDS, MAX_ADDRESSES, AddressInput
from bot.texts.errors import error_text
from tests.factories import make_user
from tests.refusals import refused

HOME = AddressInput(
    recipient_name="Ann Example",
    phone="+49 30 1234567",
    street="Main St 1",
    city="Berlin",
    region="",
    postal_code="10115",
    country="DE",
)
WORK = replace(HOME, street="Office Park 7", postal_code="10117")
COTTAGE = replace(HOME, street="Lake Road 3", city="Potsdam", postal_code="14467")


async def _user_row(db: Database, telegram_id: int) -> tuple[object, ...]:
    async with db.transaction() as session:
        user = await users.get_by_telegram_id(session, telegram_id)
        return (user.first_name, user.username, user.email, user.language_code, user.is_blocked)


async def _addresses(db: Database, user_id: int) -> list[tuple[object, ...]]:
    async with db.transaction() as session:
        rows = await session.scalars(
            select(Address).where(Address.user_id == user_id).order_by(Address.id)
        )
        return [
            (a.id, a.street, a.city, a.postal_code, a.country, a.region, a.is_default) for a in rows
        ]


async def _new_user(db: Database, **fields: Any) -> int:
    async with db.transaction() as session:
        return (await make_user(session, **fields)).id


# ------------------------------------------------------------------ registration


async def test_registering_a_new_customer_stores_their_telegram_profile(db: Database) -> None:
    async with db.transaction() as session:
        user = await users.register(
            session, telegram_id=42, first_name="Ann", username="ann", language_code="de"
        )
        assert user.id is not None
    assert await _user_row(db, 42) == ("Ann", "ann", None, "de", False)


async def test_registering_again_returns_the_same_customer(db: Database) -> None:
    async with db.transaction() as session:
        first = await users.register(session, telegram_id=42, first_name="Ann")
    async with db.transaction() as session:
        again = await users.register(session, telegram_id=42, first_name="Ann")
        count = await session.scalar(select(func.count()).select_from(User))
    assert again.id == first.id
    assert count == 1


async def test_registering_again_refreshes_a_changed_profile(db: Database) -> None:
    async with db.transaction() as session:
        await users.register(
            session, telegram_id=42, first_name="Ann", username="ann", language_code="de"
        )
    async with db.transaction() as session:
        await users.register(
            session, telegram_id=42, first_name="Anna", username=None, language_code="en"
        )
    assert await _user_row(db, 42) == ("Anna", None, None, "en", False)


async def test_control_characters_in_a_telegram_name_are_not_kept(db: Database) -> None:
    profile = {"first_name": "An\x00n\x07", "username": "ann\x1b", "language_code": "de\x00"}
    async with db.transaction() as session:
        user = await users.register(session, telegram_id=42, **profile)
        unchanged = users.profile_matches(user, **profile)
    assert await _user_row(db, 42) == ("Ann", "ann", None, "de", False)
    assert unchanged  # the same profile on the next update needs no write


async def test_a_missing_language_does_not_erase_the_known_one(db: Database) -> None:
    async with db.transaction() as session:
        await users.register(session, telegram_id=42, first_name="Ann", language_code="de")
    async with db.transaction() as session:
        await users.register(session, telegram_id=42, first_name="Ann")
    assert (await _user_row(db, 42))[3] == "de"


async def test_a_blocked_customer_who_writes_again_is_no_longer_blocked(db: Database) -> None:
    await _new_user(db, telegram_id=42, is_blocked=True)
    async with db.transaction() as session:
        user = await users.register(session, telegram_id=42, first_name="Ann")
        assert user.is_blocked is False
    assert (await _user_row(db, 42))[4] is False


async def test_simultaneous_first_updates_create_exactly_one_customer(db: Database) -> None:
    async def register_once() -> int:
        async with db.transaction() as session:
            return (await users.register(session, telegram_id=777, first_name="Ann")).id

    ids = await asyncio.gather(*(register_once() for _ in range(10)))
    async with db.transaction() as session:
        rows = (await session.scalars(select(User).where(User.telegram_id == 777))).all()
    assert len(rows) == 1
    assert set(ids) == {rows[0].id}


async def test_an_overlong_telegram_name_is_clipped_rather_than_refused(db: Database) -> None:
    async with db.transaction() as session:
        await users.register(session, telegram_id=42, first_name="A" * 300, username="u" * 80)
    first_name, username, *_ = await _user_row(db, 42)
    assert first_name == "A" * 128
    assert username == "u" * 64


# ------------------------------------------------------------------------ lookups


async def test_a_customer_is_found_by_id_and_by_telegram_id(db: Database) -> None:
    user_id = await _new_user(db, telegram_id=42)
    async with db.transaction() as session:
        assert (await users.get_user(session, user_id)).telegram_id == 42
        assert (await users.get_by_telegram_id(session, 42)).id == user_id


async def test_an_unknown_customer_is_not_found(db: Database) -> None:
    async with db.transaction() as session:
        with pytest.raises(NotFound):
            await users.get_user(session, 999)
        with pytest.raises(NotFound):
            await users.get_by_telegram_id(session, 999)


# ------------------------------------------------------------------ email, blocking


async def test_an_email_is_stored_normalized(db: Database) -> None:
    user_id = await _new_user(db, telegram_id=42)
    async with db.transaction() as session:
        await users.set_email(session, user_id=user_id, email="  Ann.Example@EXAMPLE.com ")
    assert (await _user_row(db, 42))[2] == "Ann.Example@example.com"


async def test_none_forgets_the_email(db: Database) -> None:
    user_id = await _new_user(db, telegram_id=42, email="ann@example.com")
    async with db.transaction() as session:
        await users.set_email(session, user_id=user_id, email=None)
    assert (await _user_row(db, 42))[2] is None


@pytest.mark.parametrize("bad", ["", "ann", "ann@", "@example.com", "ann@@example.com", "a b@x.de"])
async def test_an_invalid_email_is_refused_and_the_old_one_kept(db: Database, bad: str) -> None:
    user_id = await _new_user(db, telegram_id=42, email="ann@example.com")
    async with db.transaction() as session:
        with refused(InvalidInput, "email address"):
            await users.set_email(session, user_id=user_id, email=bad)
    assert (await _user_row(db, 42))[2] == "ann@example.com"


async def test_a_refused_email_is_quoted_back_shortened(db: Database) -> None:
    user_id = await _new_user(db, telegram_id=42)
    async with db.transaction() as session:
        with pytest.raises(InvalidInput) as refused:
            await users.set_email(session, user_id=user_id, email="not an email " * 400)
    assert error_text(refused.value).startswith("“not an email not an email")
    assert len(error_text(refused.value)) < 200


async def test_a_customer_can_be_blocked_and_unblocked(db: Database) -> None:
    user_id = await _new_user(db, telegram_id=42)
    async with db.transaction() as session:
        await users.set_blocked(session, user_id=user_id, blocked=True)
    assert (await _user_row(db, 42))[4] is True
    async with db.transaction() as session:
        await users.set_blocked(session, user_id=user_id, blocked=False)
    assert (await _user_row(db, 42))[4] is False


# ------------------------------------------------------------ address validation


def test_the_chat_asks_address_fields_in_the_order_of_the_input() -> None:
    assert tuple(f.name for f in dataclasses.fields(AddressInput)) == ADDRESS_FIELDS
    assert ADDRESS_FIELDS[0] == "recipient_name"
    assert ADDRESS_FIELDS[-1] == "country"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("phone", "+49 30 1234567", "+49 30 1234567"),
        ("phone", " (030)  123-4567 ", "(030) 123-4567"),
        ("phone", "1234567", "1234567"),
        ("phone", "+123456789012345", "+123456789012345"),
        ("postal_code", " sw1a  1aa ", "SW1A 1AA"),
        ("postal_code", "10115", "10115"),
        ("postal_code", "12-345", "12-345"),
        ("postal_code", "AB", "AB"),
        ("country", "DE", "DE"),
        ("country", "de", "DE"),
        ("country", "Germany", "DE"),
        ("country", "germany", "DE"),
        ("country", "United States", "US"),
        ("country", "USA", "US"),
        ("country", " united   kingdom ", "GB"),
        ("country", "UK", "GB"),
        ("country", "Russia", "RU"),
        ("country", "Turkey", "TR"),
        ("region", "", ""),
        ("region", "-", ""),
        ("region", "  Bavaria ", "Bavaria"),
        ("recipient_name", "  Ann   Example ", "Ann Example"),
        ("street", "Main St 1\n", "Main St 1"),
        ("city", "São Paulo", "São Paulo"),
    ],
)
def test_address_fields_are_normalized(field: str, value: str, expected: str) -> None:
    assert users.validate_address_field(field, value) == expected


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "123456", "7 to 15 digits"),
        ("phone", "1234567890123456", "7 to 15 digits"),
        ("phone", "+49 30 CALL-ME", "7 to 15 digits"),
        ("phone", "49+301234567", "7 to 15 digits"),
        ("phone", "", "7 to 15 digits"),
        ("postal_code", "1", "postal code"),
        ("postal_code", "12345678901", "postal code"),
        ("postal_code", "10115!", "postal code"),
        ("postal_code", "-1011", "postal code"),
        ("country", "Narnia", "country"),
        ("country", "276", "country"),
        ("country", "Aust", "country"),  # Austria or Australia? Ask rather than guess.
        ("country", "", "country"),
        ("recipient_name", "   ", "recipient's name"),
        ("recipient_name", "A", "too short"),
        ("street", "x", "too short"),
        ("street", "12", "too short"),
        ("city", "1", "too short"),
        ("recipient_name", "A" * 129, "at most 128"),
        ("street", "Main St\n1", "single line"),
        ("city", "Ber\x00lin", "single line"),
        ("region", "R" * 129, "at most 128"),
    ],
)
def test_bad_address_fields_are_asked_for_again(field: str, value: str, message: str) -> None:
    with refused(InvalidInput, message):
        users.validate_address_field(field, value)


def test_an_unknown_country_is_quoted_back_shortened() -> None:
    with pytest.raises(InvalidInput) as refused:
        users.validate_address_field("country", "Narnia " * 700)
    assert "“Narnia Narnia" in error_text(refused.value)
    assert len(error_text(refused.value)) < 200


def test_an_unknown_address_field_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        users.validate_address_field("planet", "Earth")


# ---------------------------------------------------------------------- addresses


async def test_a_first_address_becomes_the_default(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        address = await users.add_address(session, user_id=user_id, address=HOME)
        assert address.is_default
    assert [row[-1] for row in await _addresses(db, user_id)] == [True]


async def test_an_address_is_stored_normalized(db: Database) -> None:
    user_id = await _new_user(db)
    messy = replace(HOME, city=" Berlin ", country="germany", postal_code=" 10115", region="-")
    async with db.transaction() as session:
        await users.add_address(session, user_id=user_id, address=messy)
    [(_, street, city, postal, country, region, _)] = await _addresses(db, user_id)
    assert (street, city, postal, country, region) == ("Main St 1", "Berlin", "10115", "DE", "")


async def test_a_further_address_leaves_the_default_alone(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        await users.add_address(session, user_id=user_id, address=HOME)
        await users.add_address(session, user_id=user_id, address=WORK)
    assert [row[-1] for row in await _addresses(db, user_id)] == [True, False]


async def test_a_further_address_can_take_over_as_default(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        await users.add_address(session, user_id=user_id, address=HOME)
    async with db.transaction() as session:
        await users.add_address(session, user_id=user_id, address=WORK, make_default=True)
    assert [row[-1] for row in await _addresses(db, user_id)] == [False, True]


async def test_an_address_with_a_bad_field_is_refused_and_nothing_stored(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        await users.add_address(session, user_id=user_id, address=HOME)
    before = await _addresses(db, user_id)
    async with db.transaction() as session:
        with refused(InvalidInput, "phone"):
            await users.add_address(
                session, user_id=user_id, address=replace(WORK, phone="12"), make_default=True
            )
    assert await _addresses(db, user_id) == before


async def test_a_customer_keeps_at_most_twenty_addresses(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        for n in range(MAX_ADDRESSES):
            await users.add_address(
                session, user_id=user_id, address=replace(HOME, street=f"Main St {n}")
            )
    before = await _addresses(db, user_id)
    async with db.transaction() as session:
        with refused(InvalidInput, "up to 20"):
            await users.add_address(session, user_id=user_id, address=WORK)
    assert await _addresses(db, user_id) == before
    assert len(before) == MAX_ADDRESSES


async def test_an_address_for_an_unknown_customer_is_refused(db: Database) -> None:
    async with db.transaction() as session:
        with pytest.raises(NotFound):
            await users.add_address(session, user_id=999, address=HOME)
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Address)) == 0


async def test_updating_an_address_rewrites_its_fields(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        address_id = (await users.add_address(session, user_id=user_id, address=HOME)).id
    async with db.transaction() as session:
        updated = await users.update_address(
            session, user_id=user_id, address_id=address_id, address=replace(COTTAGE, country="fr")
        )
        assert updated.country == "FR"
    [(_, street, city, postal, country, _, default)] = await _addresses(db, user_id)
    assert (street, city, postal, country, default) == (
        "Lake Road 3",
        "Potsdam",
        "14467",
        "FR",
        True,
    )


async def test_an_update_with_a_bad_field_changes_nothing(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        address_id = (await users.add_address(session, user_id=user_id, address=HOME)).id
    before = await _addresses(db, user_id)
    async with db.transaction() as session:
        with refused(InvalidInput, "country"):
            await users.update_address(
                session,
                user_id=user_id,
                address_id=address_id,
                address=replace(COTTAGE, country="Atlantis"),
            )
    assert await _addresses(db, user_id) == before


async def test_another_customers_address_looks_missing(db: Database) -> None:
    owner = await _new_user(db)
    stranger = await _new_user(db)
    async with db.transaction() as session:
        address_id = (await users.add_address(session, user_id=owner, address=HOME)).id
    before = await _addresses(db, owner)
    async with db.transaction() as session:
        with pytest.raises(NotFound):
            await users.get_address(session, user_id=stranger, address_id=address_id)
        with pytest.raises(NotFound):
            await users.update_address(
                session, user_id=stranger, address_id=address_id, address=WORK
            )
        with pytest.raises(NotFound):
            await users.set_default_address(session, user_id=stranger, address_id=address_id)
        with pytest.raises(NotFound):
            await users.delete_address(session, user_id=stranger, address_id=address_id)
    assert await _addresses(db, owner) == before
    assert await _addresses(db, stranger) == []


async def test_a_customer_reads_their_own_address(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        address_id = (await users.add_address(session, user_id=user_id, address=HOME)).id
    async with db.transaction() as session:
        address = await users.get_address(session, user_id=user_id, address_id=address_id)
        assert address.street == "Main St 1"


async def test_the_default_address_is_listed_first(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        await users.add_address(session, user_id=user_id, address=HOME)
        await users.add_address(session, user_id=user_id, address=WORK)
        await users.add_address(session, user_id=user_id, address=COTTAGE, make_default=True)
    async with db.transaction() as session:
        listed = await users.list_addresses(session, user_id=user_id)
    assert [a.street for a in listed] == ["Lake Road 3", "Main St 1", "Office Park 7"]


async def test_choosing_another_default_moves_the_mark(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        await users.add_address(session, user_id=user_id, address=HOME)
        work_id = (await users.add_address(session, user_id=user_id, address=WORK)).id
    async with db.transaction() as session:
        chosen = await users.set_default_address(session, user_id=user_id, address_id=work_id)
        assert chosen.is_default
    assert [row[-1] for row in await _addresses(db, user_id)] == [False, True]


async def test_choosing_the_current_default_again_changes_nothing(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        home_id = (await users.add_address(session, user_id=user_id, address=HOME)).id
        await users.add_address(session, user_id=user_id, address=WORK)
    async with db.transaction() as session:
        await users.set_default_address(session, user_id=user_id, address_id=home_id)
    assert [row[-1] for row in await _addresses(db, user_id)] == [True, False]


async def test_deleting_the_default_promotes_the_most_recent_remaining(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        home_id = (await users.add_address(session, user_id=user_id, address=HOME)).id
    async with db.transaction() as session:
        await users.add_address(session, user_id=user_id, address=WORK)
    async with db.transaction() as session:
        await users.add_address(session, user_id=user_id, address=COTTAGE)
    async with db.transaction() as session:
        await users.delete_address(session, user_id=user_id, address_id=home_id)
    rows = await _addresses(db, user_id)
    assert [(street, default) for _, street, *_, default in rows] == [
        ("Office Park 7", False),
        ("Lake Road 3", True),
    ]


async def test_deleting_another_address_keeps_the_default(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        await users.add_address(session, user_id=user_id, address=HOME)
        work_id = (await users.add_address(session, user_id=user_id, address=WORK)).id
    async with db.transaction() as session:
        await users.delete_address(session, user_id=user_id, address_id=work_id)
    assert [(row[1], row[-1]) for row in await _addresses(db, user_id)] == [("Main St 1", True)]


async def test_deleting_the_only_address_leaves_none(db: Database) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        home_id = (await users.add_address(session, user_id=user_id, address=HOME)).id
    async with db.transaction() as session:
        await users.delete_address(session, user_id=user_id, address_id=home_id)
    assert await _addresses(db, user_id) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"postal_code": "ZZZZZZ"}, r"isn't a postal code in Germany \(they look like 10115\)"),
        ({"postal_code": "1010"}, "isn't a postal code in Germany"),
        ({"country": "US", "phone": "12345678", "postal_code": "10001"}, "in United States"),
        ({"country": "GB", "postal_code": "10115"}, r"United Kingdom \(they look like SW1A 1AA\)"),
    ],
)
async def test_postal_codes_and_phones_are_checked_for_the_country(
    db: Database, changes: dict[str, str], message: str
) -> None:
    user_id = await _new_user(db)
    async with db.transaction() as session:
        with refused(InvalidInput, message):
            await users.add_address(session, user_id=user_id, address=replace(HOME, **changes))
    assert await _addresses(db, user_id) == []


async def test_a_phone_is_kept_in_international_form(db: Database) -> None:
    user_id = await _new_user(db)
    local = replace(HOME, phone="030 1234567")
    async with db.transaction() as session:
        address = await users.add_address(session, user_id=user_id, address=local)
    assert address.phone == "+49 30 1234567"
