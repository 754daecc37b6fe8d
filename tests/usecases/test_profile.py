"""The profile's forms as a customer fills them in: one answer at a time, each step read back
from the database, as it is after a restart or on another bot instance."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.services import dialog
from bot.services import user as users
from bot.services.errors import InvalidInput, NotFound
from bot.texts.errors import error_text
from bot.usecases import profile, search
from bot.usecases.customers import Sender
from bot.usecases.profile import AddressFormEnded, AddressQuestion, FormEnd
from tests.usecases.steps import flow_of

ANN = Sender(telegram_id=701, first_name="Ann")
ANSWERS = {
    "recipient_name": "Ann Example",
    "phone": "+49 30 1234567",
    "street": "Main St 1",
    "city": "Berlin",
    "region": "-",
    "postal_code": "10115",
    "country": "Germany",
}


async def _answer(db: Database, text: str) -> AddressQuestion | AddressFormEnded:
    async with db.reading() as session:
        user = await users.get_by_telegram_id(session, ANN.telegram_id)
        step = await dialog.current_step(session, user_id=user.id)
    assert step is not None
    return await profile.answer_address_form(db, sender=ANN, step=step, text=text)


async def _add_address(db: Database) -> AddressFormEnded:
    await profile.start_address_form(db, sender=ANN, address_id=0)
    for field in users.ADDRESS_FIELDS:
        answer = await _answer(db, ANSWERS[field])
    assert isinstance(answer, AddressFormEnded)
    return answer


async def test_a_new_address_is_asked_field_by_field_and_saved_at_the_end(db: Database) -> None:
    first = await profile.start_address_form(db, sender=ANN, address_id=0)
    assert first == AddressQuestion("recipient_name", 1, 7, None)
    second = await _answer(db, "Ann Example")
    assert second == AddressQuestion("phone", 2, 7, None)
    for field in users.ADDRESS_FIELDS[1:]:
        ended = await _answer(db, ANSWERS[field])
    assert isinstance(ended, AddressFormEnded) and ended.end is FormEnd.ADDED
    (saved,) = ended.profile.addresses
    assert saved.is_default
    assert (saved.fields["city"], saved.fields["country"]) == ("Berlin", "DE")
    assert await flow_of(db, ANN) is None


async def test_a_refused_answer_asks_the_same_field_again(db: Database) -> None:
    await profile.start_address_form(db, sender=ANN, address_id=0)
    await _answer(db, "Ann Example")
    with pytest.raises(InvalidInput):
        await _answer(db, "call me maybe")
    assert await _answer(db, "+49 30 1234567") == AddressQuestion("street", 3, 7, None)


async def test_editing_shows_and_keeps_the_saved_values(db: Database) -> None:
    added = await _add_address(db)
    address_id = added.profile.addresses[0].id
    first = await profile.start_address_form(db, sender=ANN, address_id=address_id)
    assert first == AddressQuestion("recipient_name", 1, 7, "Ann Example")
    for field in users.ADDRESS_FIELDS:
        ended = await _answer(db, "Hamburg" if field == "city" else profile.KEEP)
    assert isinstance(ended, AddressFormEnded) and ended.end is FormEnd.UPDATED
    (saved,) = ended.profile.addresses
    assert (saved.fields["recipient_name"], saved.fields["city"]) == ("Ann Example", "Hamburg")


async def test_an_address_deleted_while_edited_ends_the_form(db: Database) -> None:
    added = await _add_address(db)
    address_id = added.profile.addresses[0].id
    await profile.start_address_form(db, sender=ANN, address_id=address_id)
    await profile.delete_address(db, sender=ANN, address_id=address_id)
    for field in users.ADDRESS_FIELDS:
        ended = await _answer(db, profile.KEEP if field != "city" else "Hamburg")
    assert isinstance(ended, AddressFormEnded) and ended.end is FormEnd.REFUSED
    assert isinstance(ended.refusal, NotFound) and ended.profile.addresses == ()
    assert await flow_of(db, ANN) is None


async def test_a_full_address_book_refuses_the_form_before_it_starts(db: Database) -> None:
    await _add_address(db)
    async with db.transaction() as session:
        user = await users.get_by_telegram_id(session, ANN.telegram_id)
        for _ in range(users.MAX_ADDRESSES - 1):
            entered = users.AddressInput(**ANSWERS)
            await users.add_address(session, user_id=user.id, address=entered)
    with pytest.raises(InvalidInput) as refused:
        await profile.start_address_form(db, sender=ANN, address_id=0)
    assert f"up to {users.MAX_ADDRESSES} addresses" in error_text(refused.value)
    assert await flow_of(db, ANN) is None


async def test_leaving_a_profile_form_leaves_other_flows_alone(db: Database) -> None:
    await search.ask_for_query(db, sender=ANN)
    await profile.leave_form(db, sender=ANN)
    assert await flow_of(db, ANN) == search.FLOW
    await profile.ask_for_email(db, sender=ANN)
    await profile.leave_form(db, sender=ANN)
    assert await flow_of(db, ANN) is None


async def test_a_refused_email_keeps_the_form_and_a_good_one_is_saved(db: Database) -> None:
    await profile.ask_for_email(db, sender=ANN)
    with pytest.raises(InvalidInput):
        await profile.save_email(db, sender=ANN, email="not an email")
    assert await flow_of(db, ANN) == profile.EMAIL_FORM
    saved = await profile.save_email(db, sender=ANN, email="Ann@Example.com")
    assert saved.email == "Ann@example.com"
    assert await flow_of(db, ANN) is None
