"""The customer's profile: their email and saved addresses, and the forms that change them.

Each form keeps its step and answers in the database (through services.dialog), so a restart
or another bot instance asks the next question; editing an address prefills the form, and
"." keeps a current value.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot import languages
from bot.db import Database
from bot.languages import reader
from bot.models import Address
from bot.services import dialog, stock_alert
from bot.services import user as users
from bot.services.dialog import Step
from bot.services.errors import AddressFieldInvalid, InvalidInput, ShopError
from bot.services.stock_alert import Waiting
from bot.usecases.customers import Sender, shopper, shopper_id

EMAIL_FORM = "email"
ADDRESS_FORM = "address"
FIELDS = users.ADDRESS_FIELDS
KEEP = "."  # editing an address: keep the current value


@dataclass(frozen=True, slots=True)
class SavedAddress:
    id: int
    is_default: bool
    fields: dict[str, str]  # by name, in the order the form asks for them


@dataclass(frozen=True, slots=True)
class Profile:
    first_name: str
    email: str | None
    addresses: tuple[SavedAddress, ...]  # the default first
    announcements: bool = True  # gets the shop's /broadcast announcements
    reminders: bool = True  # gets reminders: a cart left behind, a saved product's price drop
    alerts: tuple[Waiting, ...] = ()  # sold-out sizes they wait for, oldest first


@dataclass(frozen=True, slots=True)
class AddressQuestion:
    """The form's next question; `current` is the saved value when an address is edited."""

    field: str
    number: int  # 1-based
    of: int
    current: str | None


class FormEnd(Enum):
    ADDED = "added"
    UPDATED = "updated"
    LEFT = "left"  # nothing saved
    REFUSED = "refused"  # the address was deleted meanwhile, or the limit reached


@dataclass(frozen=True, slots=True)
class AddressFormEnded:
    end: FormEnd
    profile: Profile
    refusal: ShopError | None = None


async def profile(db: Database, *, sender: Sender) -> Profile:
    async with db.reading() as session:
        user = await shopper(session, sender)
        addresses = await users.list_addresses(session, user_id=user.id)
        alerts = await stock_alert.list_alerts(session, user_id=user.id, language=reader())
    saved = tuple(map(_saved, addresses))
    return Profile(
        user.first_name,
        user.email,
        saved,
        user.wants_announcements,
        user.wants_reminders,
        tuple(alerts),
    )


async def remove_alert(db: Database, *, sender: Sender, alert_id: int) -> Profile:
    """No more waiting for that size; one already gone (announced meanwhile) is no error."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await stock_alert.remove(session, user_id=user_id, alert_id=alert_id)
    return await profile(db, sender=sender)


async def set_announcements(db: Database, *, sender: Sender, wanted: bool) -> Profile:
    """Announcements on or off; notices about the customer's own orders come either way."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await users.set_announcements(session, user_id=user_id, wanted=wanted)
    return await profile(db, sender=sender)


async def set_reminders(db: Database, *, sender: Sender, wanted: bool) -> Profile:
    """Reminders on or off: the messages a customer did not ask for, other than announcements."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await users.set_reminders(session, user_id=user_id, wanted=wanted)
    return await profile(db, sender=sender)


@dataclass(frozen=True, slots=True)
class LanguageChoice:
    chosen: str | None  # None: their Telegram app's
    offered: tuple[str, ...]  # every language the shop speaks


async def language_choice(db: Database, *, sender: Sender) -> LanguageChoice:
    async with db.reading() as session:
        user = await shopper(session, sender)
    return LanguageChoice(user.language, languages.SHIPPED)


async def choose_language(db: Database, *, sender: Sender, language: str | None) -> LanguageChoice:
    """Kept on the customer, so it applies at once and on every instance; None goes back to
    their Telegram app's language."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await users.set_language(session, user_id=user_id, language=language)
    return LanguageChoice(language, languages.SHIPPED)


async def leave_form(db: Database, *, sender: Sender) -> Profile:
    """An old Cancel button must not end another feature's flow (a checkout, say)."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        step = await dialog.current_step(session, user_id=user_id)
        if step is not None and step.flow in (EMAIL_FORM, ADDRESS_FORM):
            await dialog.clear_step(session, user_id=user_id)
    return await profile(db, sender=sender)


# ------------------------------------------------------------------------- email


async def ask_for_email(db: Database, *, sender: Sender) -> str | None:
    """The email saved now, if any; the next text is the new one."""
    async with db.transaction() as session:
        user = await shopper(session, sender)
        await dialog.set_step(session, user_id=user.id, flow=EMAIL_FORM, step="email")
    return user.email


async def save_email(db: Database, *, sender: Sender, email: str | None) -> Profile:
    """None forgets the email; a refused one (InvalidInput) keeps the form open."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await users.set_email(session, user_id=user_id, email=email)
        await dialog.clear_step(session, user_id=user_id)
    return await profile(db, sender=sender)


# --------------------------------------------------------------------- addresses


async def address(db: Database, *, sender: Sender, address_id: int) -> SavedAddress:
    async with db.reading() as session:
        user_id = await shopper_id(session, sender)
        return _saved(await users.get_address(session, user_id=user_id, address_id=address_id))


async def delete_address(db: Database, *, sender: Sender, address_id: int) -> Profile:
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await users.delete_address(session, user_id=user_id, address_id=address_id)
    return await profile(db, sender=sender)


async def make_default(db: Database, *, sender: Sender, address_id: int) -> SavedAddress:
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        address = await users.set_default_address(session, user_id=user_id, address_id=address_id)
    return _saved(address)


async def start_address_form(db: Database, *, sender: Sender, address_id: int) -> AddressQuestion:
    """address_id 0 adds an address, refused up front when the customer has the most
    allowed; any other edits that address, prefilled with its saved values."""
    values: dict[str, str] = {}
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        if address_id:
            saved = await users.get_address(session, user_id=user_id, address_id=address_id)
            values = _saved(saved).fields
        elif len(await users.list_addresses(session, user_id=user_id)) >= users.MAX_ADDRESSES:
            raise InvalidInput("address.too_many", limit=users.MAX_ADDRESSES)
        await dialog.set_step(
            session,
            user_id=user_id,
            flow=ADDRESS_FORM,
            step=FIELDS[0],
            data=_form(address_id, values),
        )
    return _question(FIELDS[0], address_id, values)


async def answer_address_form(
    db: Database, *, sender: Sender, step: Step, text: str
) -> AddressQuestion | AddressFormEnded:
    """Take the answer to the step's field: the next question, or the form's end once the
    last field is answered. A refused answer (InvalidInput) keeps the form on its field."""
    address_id = int(step.data.get("address_id") or 0)
    values = {k: str(v) for k, v in dict(step.data.get("values") or {}).items() if k in FIELDS}
    field = step.step
    if field not in FIELDS:  # left by another version of the bot: start over
        return await _end_form(db, sender, FormEnd.LEFT)
    keep = bool(address_id) and text.strip() == KEEP and field in values
    values[field] = values[field] if keep else users.validate_address_field(field, text)
    position = FIELDS.index(field)
    if position + 1 == len(FIELDS):
        return await _save(db, sender, address_id, values)
    following = FIELDS[position + 1]
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await dialog.set_step(
            session,
            user_id=user_id,
            flow=ADDRESS_FORM,
            step=following,
            data=_form(address_id, values),
        )
    return _question(following, address_id, values)


def _saved(address: Address) -> SavedAddress:
    fields = {field: getattr(address, field) for field in FIELDS}
    return SavedAddress(address.id, address.is_default, fields)


def _form(address_id: int, values: dict[str, str]) -> dict[str, object]:
    """The form's state; address_id 0 means a new address."""
    return {"address_id": address_id, "values": values}


def _question(field: str, address_id: int, values: dict[str, str]) -> AddressQuestion:
    current = values.get(field, "") if address_id else None
    return AddressQuestion(field, FIELDS.index(field) + 1, len(FIELDS), current)


async def _save(
    db: Database, sender: Sender, address_id: int, values: dict[str, str]
) -> AddressFormEnded:
    entered = users.AddressInput(**{field: values.get(field, "") for field in FIELDS})
    try:
        async with db.transaction() as session:
            user_id = await shopper_id(session, sender)
            if address_id:
                await users.update_address(
                    session, user_id=user_id, address_id=address_id, address=entered
                )
            else:
                await users.add_address(session, user_id=user_id, address=entered)
            await dialog.clear_step(session, user_id=user_id)
    except AddressFieldInvalid as wrong:  # e.g. a postal code of another country
        await _back_to(db, sender, address_id, values, wrong.field)
        raise
    except ShopError as error:
        return await _end_form(db, sender, FormEnd.REFUSED, error)
    end = FormEnd.UPDATED if address_id else FormEnd.ADDED
    return AddressFormEnded(end, await profile(db, sender=sender))


async def _back_to(
    db: Database, sender: Sender, address_id: int, values: dict[str, str], field: str
) -> None:
    """Ask `field` again, keeping every other answer."""
    kept = {name: value for name, value in values.items() if name != field}
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await dialog.set_step(
            session, user_id=user_id, flow=ADDRESS_FORM, step=field, data=_form(address_id, kept)
        )


async def _end_form(
    db: Database, sender: Sender, end: FormEnd, refusal: ShopError | None = None
) -> AddressFormEnded:
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await dialog.clear_step(session, user_id=user_id)
    return AddressFormEnded(end, await profile(db, sender=sender), refusal)
