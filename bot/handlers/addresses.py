"""Saved addresses in the profile: open, delete, make default, and the add/edit form."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.profile import profile_view, send_profile
from bot.handlers.render import send, show
from bot.handlers.router import on_button, on_step
from bot.keyboards.profile import (
    AddAddress,
    AddressCard,
    ConfirmDelete,
    DeleteAddress,
    EditAddress,
    MakeDefault,
    address_keyboard,
    confirm_delete_keyboard,
    form_keyboard,
)
from bot.services.dialog import Step
from bot.services.errors import InvalidInput
from bot.texts.errors import error_text
from bot.usecases import profile as usecase
from bot.usecases.profile import ADDRESS_FORM, AddressFormEnded, AddressQuestion, FormEnd


@on_button(AddressCard)
async def open_address(update: Update, context: ShopContext, data: AddressCard) -> str | None:
    address = await usecase.address(
        context.db, sender=sender_of(update), address_id=data.address_id
    )
    text = texts.profile_address(address.fields, address.is_default)
    await show(update, text, address_keyboard(address))
    return None


@on_button(DeleteAddress)
async def ask_delete(update: Update, context: ShopContext, data: DeleteAddress) -> str | None:
    address = await usecase.address(
        context.db, sender=sender_of(update), address_id=data.address_id
    )
    text = texts.profile_delete_question(address.fields)
    await show(update, text, confirm_delete_keyboard(address.id))
    return None


@on_button(ConfirmDelete)
async def delete(update: Update, context: ShopContext, data: ConfirmDelete) -> str | None:
    found = await usecase.delete_address(
        context.db, sender=sender_of(update), address_id=data.address_id
    )
    await show(update, *profile_view(found))
    return texts.PROFILE_ADDRESS_DELETED


@on_button(MakeDefault)
async def make_default(update: Update, context: ShopContext, data: MakeDefault) -> str | None:
    address = await usecase.make_default(
        context.db, sender=sender_of(update), address_id=data.address_id
    )
    text = texts.profile_address(address.fields, address.is_default)
    await show(update, text, address_keyboard(address))
    return texts.PROFILE_DEFAULT_SET


# ------------------------------------------------------------------ address form


@on_button(AddAddress)
async def add_address(update: Update, context: ShopContext, data: AddAddress) -> str | None:
    question = await usecase.start_address_form(context.db, sender=sender_of(update), address_id=0)
    await show(update, _prompt(question), form_keyboard())
    return None


@on_button(EditAddress)
async def edit_address(update: Update, context: ShopContext, data: EditAddress) -> str | None:
    question = await usecase.start_address_form(
        context.db, sender=sender_of(update), address_id=data.address_id
    )
    await show(update, _prompt(question), form_keyboard())
    return None


@on_step(ADDRESS_FORM)
async def receive_address_field(
    update: Update, context: ShopContext, step: Step, text: str
) -> None:
    try:
        answer = await usecase.answer_address_form(
            context.db, sender=sender_of(update), step=step, text=text
        )
    except InvalidInput as error:  # stay on this field and ask again
        await send(update, texts.profile_reask(error_text(error)), form_keyboard())
        return
    if isinstance(answer, AddressQuestion):
        await send(update, _prompt(answer), form_keyboard())
    else:
        await send_profile(update, answer.profile, _notice(answer))


def _prompt(question: AddressQuestion) -> str:
    return texts.profile_address_prompt(
        question.field, question.number, question.of, question.current
    )


def _notice(ended: AddressFormEnded) -> str:
    if ended.refusal is not None:
        return f"⚠️ {texts.esc(error_text(ended.refusal))}"
    return {
        FormEnd.ADDED: texts.PROFILE_ADDRESS_ADDED,
        FormEnd.UPDATED: texts.PROFILE_ADDRESS_UPDATED,
    }.get(ended.end, texts.PROFILE_FORM_LEFT)
