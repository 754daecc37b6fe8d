"""The profile's buttons: email, saved addresses and the step-by-step address form."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.keyboards.callbacks import Callback, register
from bot.keyboards.menu import Menu, back_to_menu, button
from bot.languages import LANGUAGES
from bot.services.stock_alert import Waiting
from bot.services.user import MAX_ADDRESSES
from bot.texts import stock_alerts as alert_texts
from bot.texts.i18n import current_language
from bot.usecases.profile import SavedAddress


@register("pe")
@dataclasses.dataclass(frozen=True, slots=True)
class SetEmail(Callback):
    pass


@register("pa")
@dataclasses.dataclass(frozen=True, slots=True)
class AddressCard(Callback):
    address_id: int


@register("pae")
@dataclasses.dataclass(frozen=True, slots=True)
class EditAddress(Callback):
    address_id: int


@register("pad")
@dataclasses.dataclass(frozen=True, slots=True)
class DeleteAddress(Callback):
    """Asks first; ConfirmDelete does it."""

    address_id: int


@register("padx")
@dataclasses.dataclass(frozen=True, slots=True)
class ConfirmDelete(Callback):
    address_id: int


@register("pdef")
@dataclasses.dataclass(frozen=True, slots=True)
class MakeDefault(Callback):
    address_id: int


@register("pan")
@dataclasses.dataclass(frozen=True, slots=True)
class AddAddress(Callback):
    pass


@register("px")
@dataclasses.dataclass(frozen=True, slots=True)
class LeaveForm(Callback):
    """Stops the email or address form and goes back to the profile."""


def back_to_profile() -> list[InlineKeyboardButton]:
    return [button(texts.BACK, Menu("profile"))]


@register("ann")
@dataclasses.dataclass(frozen=True, slots=True)
class Announcements(Callback):
    """Turn the shop's announcements on (1) or off (0); on profiles and under each one."""

    wanted: int


@register("rem")
@dataclasses.dataclass(frozen=True, slots=True)
class Reminders(Callback):
    """Turn reminders on (1) or off (0); on profiles and under each reminder."""

    wanted: int


@register("lang")
@dataclasses.dataclass(frozen=True, slots=True)
class PickLanguage(Callback):
    """The language the shop speaks to the customer; "" for their Telegram app's."""

    language: str


def language_keyboard(offered: Sequence[str], chosen: str | None) -> InlineKeyboardMarkup:
    """Each language by its own name, the chosen one ticked."""
    rows = [
        [button(("✓ " if code == chosen else "") + LANGUAGES[code], PickLanguage(code))]
        for code in offered
    ]
    automatic = ("✓ " if chosen is None else "") + texts.LANGUAGE_AS_APP
    rows.append([button(automatic, PickLanguage(""))])
    rows.append(back_to_profile())
    return InlineKeyboardMarkup(rows)


@register("psa")
@dataclasses.dataclass(frozen=True, slots=True)
class StopAlert(Callback):
    """Removes one of the customer's back-in-stock alerts."""

    alert_id: int


def profile_keyboard(
    addresses: Sequence[SavedAddress],
    *,
    announcements: bool = True,
    reminders: bool = True,
    alerts: Sequence[Waiting] = (),
) -> InlineKeyboardMarkup:
    rows = [[button(texts.PROFILE_SET_EMAIL, SetEmail())]]
    rows.append([button(texts.language_button(LANGUAGES[current_language()]), Menu("language"))])
    rows.append(
        [button(texts.announcements_button(announcements), Announcements(int(not announcements)))]
    )
    rows.append([button(texts.reminders_button(reminders), Reminders(int(not reminders)))])
    rows += [
        [button(texts.profile_address_button(a.fields, a.is_default), AddressCard(a.id))]
        for a in addresses
    ]
    if len(addresses) < MAX_ADDRESSES:
        rows.append([button(texts.PROFILE_ADD_ADDRESS, AddAddress())])
    rows += [[button(alert_texts.stop_button(a.product, a.size), StopAlert(a.id))] for a in alerts]
    rows.append(back_to_menu())
    return InlineKeyboardMarkup(rows)


def address_keyboard(address: SavedAddress) -> InlineKeyboardMarkup:
    rows = [
        [
            button(texts.PROFILE_EDIT_ADDRESS, EditAddress(address.id)),
            button(texts.PROFILE_DELETE_ADDRESS, DeleteAddress(address.id)),
        ]
    ]
    if not address.is_default:
        rows.append([button(texts.PROFILE_MAKE_DEFAULT, MakeDefault(address.id))])
    rows.append(back_to_profile())
    return InlineKeyboardMarkup(rows)


def confirm_delete_keyboard(address_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(texts.PROFILE_CONFIRM_DELETE, ConfirmDelete(address_id))],
            [button(texts.PROFILE_KEEP_ADDRESS, AddressCard(address_id))],
        ]
    )


def form_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(texts.PROFILE_LEAVE_FORM, LeaveForm())]])
