"""The customer's profile: name, email (changed through a one-step form) and addresses.

The saved addresses and their form live in bot/handlers/addresses.py.
"""

from __future__ import annotations

from telegram import Message, Update

from bot import texts
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.render import Screen, send, show
from bot.handlers.router import on_button, on_command, on_screen, on_step
from bot.keyboards.profile import (
    Announcements,
    LeaveForm,
    PickLanguage,
    Reminders,
    SetEmail,
    StopAlert,
    form_keyboard,
    language_keyboard,
    profile_keyboard,
)
from bot.languages import LANGUAGES
from bot.services.dialog import Step
from bot.services.errors import InvalidInput
from bot.texts import stock_alerts as alert_texts
from bot.texts.errors import error_text
from bot.texts.i18n import current_language, negotiate, set_language
from bot.usecases import profile as usecase
from bot.usecases.profile import EMAIL_FORM, Profile

FORGET = "-"  # the email form: remove the saved email


def profile_view(profile: Profile) -> Screen:
    listed = [(a.fields, a.is_default) for a in profile.addresses]
    text = texts.profile(profile.first_name, profile.email, listed)
    if profile.alerts:
        waiting = [(alert.product, alert.size) for alert in profile.alerts]
        text = f"{text}\n\n{alert_texts.profile_section(waiting)}"
    keyboard = profile_keyboard(
        profile.addresses,
        announcements=profile.announcements,
        reminders=profile.reminders,
        alerts=profile.alerts,
    )
    return text, keyboard


@on_button(StopAlert)
async def stop_alert(update: Update, context: ShopContext, data: StopAlert) -> str | None:
    found = await usecase.remove_alert(context.db, sender=sender_of(update), alert_id=data.alert_id)
    await show(update, *profile_view(found))
    return alert_texts.stopped()


async def send_profile(update: Update, profile: Profile, notice: str) -> None:
    text, keyboard = profile_view(profile)
    await send(update, f"{notice}\n\n{text}", keyboard)


@on_button(Announcements)
async def announcements(update: Update, context: ShopContext, data: Announcements) -> str | None:
    """From the profile, or from under an announcement (which then stays as it is)."""
    wanted = bool(data.wanted)
    profile = await usecase.set_announcements(context.db, sender=sender_of(update), wanted=wanted)
    await _refresh_profile(update, profile)
    return texts.announcements_set(wanted)


@on_button(Reminders)
async def reminders(update: Update, context: ShopContext, data: Reminders) -> str | None:
    """From the profile, or from under a reminder (which then stays as it is)."""
    wanted = bool(data.wanted)
    profile = await usecase.set_reminders(context.db, sender=sender_of(update), wanted=wanted)
    await _refresh_profile(update, profile)
    return texts.reminders_set(wanted)


async def _refresh_profile(update: Update, profile: Profile) -> None:
    """Redraw the profile when the switch was pressed on it."""
    query = update.callback_query
    on_profile = (
        query is not None
        and isinstance(query.message, Message)
        and (query.message.text or "").startswith(texts.PROFILE_TITLE_PLAIN)
    )
    if on_profile:
        await show(update, *profile_view(profile))


@on_command("language")
@on_screen("language")
async def language_screen(update: Update, context: ShopContext) -> None:
    """The languages the shop speaks; the customer's choice is kept and applies at once."""
    choice = await usecase.language_choice(context.db, sender=sender_of(update))
    await _show_languages(update, choice)


@on_button(PickLanguage)
async def pick_language(update: Update, context: ShopContext, data: PickLanguage) -> str | None:
    sender = sender_of(update)
    choice = await usecase.choose_language(
        context.db, sender=sender, language=data.language or None
    )
    # From here on this update speaks the new language, as every later one will.
    default = context.settings.default_language
    set_language(negotiate(chosen=choice.chosen, telegram=sender.language_code, default=default))
    await _show_languages(update, choice)
    return texts.language_set(LANGUAGES[current_language()])


async def _show_languages(update: Update, choice: usecase.LanguageChoice) -> None:
    speaking = texts.language_screen(LANGUAGES[current_language()], len(choice.offered))
    await show(update, speaking, language_keyboard(choice.offered, choice.chosen))


@on_command("profile")
@on_screen("profile")
async def profile_screen(update: Update, context: ShopContext) -> None:
    """Name, email and saved addresses."""
    found = await usecase.profile(context.db, sender=sender_of(update))
    await show(update, *profile_view(found))


# ------------------------------------------------------------------------- email


@on_button(SetEmail)
async def ask_email(update: Update, context: ShopContext, data: SetEmail) -> str | None:
    current = await usecase.ask_for_email(context.db, sender=sender_of(update))
    await show(update, texts.profile_email_prompt(current), form_keyboard())
    return None


@on_step(EMAIL_FORM)
async def receive_email(update: Update, context: ShopContext, step: Step, text: str) -> None:
    forget = text.strip() == FORGET
    try:
        found = await usecase.save_email(
            context.db, sender=sender_of(update), email=None if forget else text
        )
    except InvalidInput as error:  # stay in the form and ask again
        await send(update, texts.profile_reask(error_text(error)), form_keyboard())
        return
    notice = texts.PROFILE_EMAIL_REMOVED if forget else texts.PROFILE_EMAIL_SAVED
    await send_profile(update, found, notice)


@on_button(LeaveForm)
async def leave_form(update: Update, context: ShopContext, data: LeaveForm) -> str | None:
    found = await usecase.leave_form(context.db, sender=sender_of(update))
    await show(update, *profile_view(found))
    return texts.PROFILE_FORM_LEFT
