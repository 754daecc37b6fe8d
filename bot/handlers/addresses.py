"""Saved addresses in the profile: open, delete, make default, and the add/edit form.

The form keeps its field and answers in the database (flow "address"), so a restart or another
bot instance asks the next question; editing prefills it, and "." keeps a current value.
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot import texts
from bot.handlers.context import ShopContext, customer
from bot.handlers.profile import ADDRESS_FORM, profile_view, send_profile
from bot.handlers.render import send, show
from bot.handlers.router import on_button, on_step
from bot.keyboards.profile import (
    AddAddress,
    AddressCard,
    ConfirmDelete,
    DeleteAddress,
    EditAddress,
    MakeDefault,
    address_fields,
    address_keyboard,
    confirm_delete_keyboard,
    form_keyboard,
)
from bot.services import dialog
from bot.services import user as users
from bot.services.dialog import Step
from bot.services.errors import InvalidInput, ShopError
from bot.texts.errors import error_text

FIELDS = users.ADDRESS_FIELDS
KEEP = "."  # editing an address: keep the current value


@on_button(AddressCard)
async def open_address(update: Update, context: ShopContext, data: AddressCard) -> str | None:
    async with context.db.reading() as session:
        user = await customer(session, update)
        address = await users.get_address(session, user_id=user.id, address_id=data.address_id)
    text = texts.profile_address(address_fields(address), address.is_default)
    await show(update, text, address_keyboard(address))
    return None


@on_button(DeleteAddress)
async def ask_delete(update: Update, context: ShopContext, data: DeleteAddress) -> str | None:
    async with context.db.reading() as session:
        user = await customer(session, update)
        address = await users.get_address(session, user_id=user.id, address_id=data.address_id)
    text = texts.profile_delete_question(address_fields(address))
    await show(update, text, confirm_delete_keyboard(address.id))
    return None


@on_button(ConfirmDelete)
async def delete(update: Update, context: ShopContext, data: ConfirmDelete) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        await users.delete_address(session, user_id=user.id, address_id=data.address_id)
    await show(update, *await profile_view(update, context))
    return texts.PROFILE_ADDRESS_DELETED


@on_button(MakeDefault)
async def make_default(update: Update, context: ShopContext, data: MakeDefault) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        address = await users.set_default_address(
            session, user_id=user.id, address_id=data.address_id
        )
    text = texts.profile_address(address_fields(address), address.is_default)
    await show(update, text, address_keyboard(address))
    return texts.PROFILE_DEFAULT_SET


# ------------------------------------------------------------------ address form


def _form(address_id: int, values: dict[str, str]) -> dict[str, Any]:
    """The form's state; address_id 0 means a new address."""
    return {"address_id": address_id, "values": values}


def _prompt(field: str, address_id: int, values: dict[str, str]) -> str:
    current = values.get(field, "") if address_id else None
    return texts.profile_address_prompt(field, FIELDS.index(field) + 1, len(FIELDS), current)


async def _start_form(update: Update, context: ShopContext, address_id: int) -> None:
    """Editing prefills the form with the saved values; a new address starts empty."""
    values: dict[str, str] = {}
    async with context.db.transaction() as session:
        user = await customer(session, update)
        if address_id:
            address = await users.get_address(session, user_id=user.id, address_id=address_id)
            values = address_fields(address)
        elif len(await users.list_addresses(session, user_id=user.id)) >= users.MAX_ADDRESSES:
            raise InvalidInput("address.too_many", limit=users.MAX_ADDRESSES)
        form = _form(address_id, values)
        await dialog.set_step(
            session, user_id=user.id, flow=ADDRESS_FORM, step=FIELDS[0], data=form
        )
    await show(update, _prompt(FIELDS[0], address_id, values), form_keyboard())


@on_button(AddAddress)
async def add_address(update: Update, context: ShopContext, data: AddAddress) -> str | None:
    await _start_form(update, context, 0)
    return None


@on_button(EditAddress)
async def edit_address(update: Update, context: ShopContext, data: EditAddress) -> str | None:
    await _start_form(update, context, data.address_id)
    return None


@on_step(ADDRESS_FORM)
async def receive_address_field(
    update: Update, context: ShopContext, step: Step, text: str
) -> None:
    address_id = int(step.data.get("address_id") or 0)
    values = {k: str(v) for k, v in dict(step.data.get("values") or {}).items() if k in FIELDS}
    field = step.step
    if field not in FIELDS:  # left by another version of the bot: start over
        await _end_form(update, context, texts.PROFILE_FORM_LEFT)
        return
    try:
        keep = bool(address_id) and text.strip() == KEEP and field in values
        values[field] = values[field] if keep else users.validate_address_field(field, text)
    except InvalidInput as error:  # stay on this field and ask again
        await send(update, texts.profile_reask(error_text(error)), form_keyboard())
        return
    position = FIELDS.index(field)
    if position + 1 == len(FIELDS):
        await _save(update, context, address_id, values)
        return
    following = FIELDS[position + 1]
    async with context.db.transaction() as session:
        user = await customer(session, update)
        form = _form(address_id, values)
        await dialog.set_step(
            session, user_id=user.id, flow=ADDRESS_FORM, step=following, data=form
        )
    await send(update, _prompt(following, address_id, values), form_keyboard())


async def _save(
    update: Update, context: ShopContext, address_id: int, values: dict[str, str]
) -> None:
    address = users.AddressInput(**{field: values.get(field, "") for field in FIELDS})
    try:
        async with context.db.transaction() as session:
            user = await customer(session, update)
            if address_id:
                await users.update_address(
                    session, user_id=user.id, address_id=address_id, address=address
                )
            else:
                await users.add_address(session, user_id=user.id, address=address)
            await dialog.clear_step(session, user_id=user.id)
    except ShopError as error:  # deleted meanwhile, or the limit reached: end the form
        await _end_form(update, context, f"⚠️ {texts.esc(error_text(error))}")
        return
    notice = texts.PROFILE_ADDRESS_UPDATED if address_id else texts.PROFILE_ADDRESS_ADDED
    await send_profile(update, context, notice)


async def _end_form(update: Update, context: ShopContext, notice: str) -> None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        await dialog.clear_step(session, user_id=user.id)
    await send_profile(update, context, notice)
