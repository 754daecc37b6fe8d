"""One entry point each for buttons and for free text, routing to the feature handlers.

Domain errors are turned into friendly replies here, in one place; the transaction that raised
them has already rolled back, so nothing changed.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import Message, MessageEntity, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import filters

from bot import texts
from bot.handlers.context import ShopContext, sender_is_admin, sender_of
from bot.keyboards.callbacks import Callback, ExpiredButton, unpack
from bot.keyboards.menu import LeaveForm, leave_form_keyboard
from bot.services.dialog import Step
from bot.services.errors import ShopError
from bot.texts import admin as admin_texts
from bot.texts.errors import error_text
from bot.usecases import forms
from bot.usecases.customers import current_step

# A button handler returns the toast to show (or None for a silent answer).
ButtonHandler = Callable[[Update, ShopContext, Any], Coroutine[Any, Any, str | None]]
StepHandler = Callable[[Update, ShopContext, Step, str], Coroutine[Any, Any, None]]
# A photo sent within a flow: the handler gets the file id of its largest size.
PhotoHandler = Callable[[Update, ShopContext, Step, str], Coroutine[Any, Any, None]]
TextHandler = Callable[[Update, ShopContext, str], Coroutine[Any, Any, None]]
Handler = Callable[[Update, ShopContext], Coroutine[Any, Any, None]]

_buttons: dict[type[Callback], ButtonHandler] = {}
_steps: dict[str, StepHandler] = {}
_photo_steps: dict[str, PhotoHandler] = {}
_free_text: list[TextHandler] = []
_screens: dict[str, Handler] = {}
_commands: dict[str, Handler] = {}
_admin_commands: list[str] = []
_caption_commands: dict[str, Handler] = {}


CB = TypeVar("CB", bound=Callback)
H = TypeVar("H", bound=Callable[..., Coroutine[Any, Any, Any]])


def on_button(cls: type[CB]) -> Callable[[H], H]:
    """Register the handler for presses of buttons carrying `cls` data."""

    def wrap(handler: H) -> H:
        if cls in _buttons:
            raise ValueError(f"{cls.__name__} already has a handler")
        _buttons[cls] = handler
        return handler

    return wrap


def on_admin_button(cls: type[CB]) -> Callable[[ButtonHandler], ButtonHandler]:
    """Register an admin screen's button: pressed by anyone else (forged), it has expired."""

    def wrap(handler: ButtonHandler) -> ButtonHandler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: ShopContext, data: Any) -> str | None:
            if not await sender_is_admin(update, context):
                raise ExpiredButton
            return await handler(update, context, data)

        on_button(cls)(guarded)
        return handler

    return wrap


def on_step(flow: str) -> Callable[[H], H]:
    """Register the handler for text sent while a customer is in `flow`."""

    def wrap(handler: H) -> H:
        _steps[flow] = handler
        return handler

    return wrap


def on_photo_step(flow: str) -> Callable[[H], H]:
    """Register the handler for photos sent while a customer is in `flow`."""

    def wrap(handler: H) -> H:
        _photo_steps[flow] = handler
        return handler

    return wrap


def on_screen(name: str) -> Callable[[Handler], Handler]:
    """Register a top-level screen, reachable from the main menu and its own command."""

    def wrap(handler: Handler) -> Handler:
        _screens[name] = handler
        return handler

    return wrap


def screen(name: str) -> Handler | None:
    return _screens.get(name)


def on_command(*names: str) -> Callable[[Handler], Handler]:
    """Register a slash command; domain errors it raises become friendly replies."""

    def wrap(handler: Handler) -> Handler:
        for name in names:
            wrapped = handler if name in STAYS_IN_FORMS else leaves_forms(handler)
            _add_command(name, friendly(wrapped))
        return handler

    return wrap


def on_admin_command(name: str) -> Callable[[Handler], Handler]:
    """Register an admin command: to anyone else it looks exactly like an unknown command.

    Its usage line and summary live in bot.texts.admin.COMMANDS, with every other word.
    """

    def wrap(handler: Handler) -> Handler:
        _add_command(name, friendly(admin_only(leaves_forms(handler))))
        _add_admin_command(name)
        return handler

    return wrap


def on_admin_caption_command(name: str) -> Callable[[Handler], Handler]:
    """Register an admin command sent as the caption of a document (a file to import).

    Typed alone, without a file, the command answers its admins with the usage line.
    """

    def wrap(handler: Handler) -> Handler:
        if name in _caption_commands:
            raise ValueError(f"/{name} already has a caption handler")
        _caption_commands[name] = friendly(admin_only(handler))
        _add_command(name, friendly(admin_only(_usage_reply(name))))
        _add_admin_command(name)
        return handler

    return wrap


def _add_admin_command(name: str) -> None:
    if name not in admin_texts.COMMANDS:
        raise ValueError(f"/{name} has no usage line in bot.texts.admin.COMMANDS")
    _admin_commands.append(name)


def caption_commands() -> dict[str, Handler]:
    return dict(_caption_commands)


class CaptionCommand(filters.MessageFilter):
    """A caption starting with /name or /name@this_bot, read as CommandHandler reads text."""

    __slots__ = ("command",)

    def __init__(self, command: str) -> None:
        super().__init__(name=f"CaptionCommand({command})")
        self.command = command.lower()

    def filter(self, message: Message) -> bool:
        found = caption_command(message)
        return found is not None and found[0] == self.command


def caption_command(message: Message) -> tuple[str, list[str]] | None:
    """("editproduct", ["5", "photo"]) for the caption "/editproduct@this_bot 5 photo"; None
    when the caption is not a command, or is one for another bot."""
    entities = message.caption_entities
    if not message.caption or not entities:
        return None
    first = entities[0]
    if first.type != MessageEntity.BOT_COMMAND or first.offset != 0:
        return None
    command, _, mention = message.caption[1 : first.length].partition("@")
    if mention and mention.lower() != message.get_bot().username.lower():
        return None
    return command.lower(), message.caption[first.length :].split()


def _usage_reply(name: str) -> Handler:
    async def reply(update: Update, context: ShopContext) -> None:
        if update.effective_chat is not None:
            await update.effective_chat.send_message(
                texts.usage(usage_line(name)), parse_mode=ParseMode.HTML
            )

    return reply


def admin_commands() -> list[str]:
    """The registered admin commands' names, in the order they were registered."""
    return list(_admin_commands)


def usage_line(name: str) -> str:
    """The usage line of an admin command, for replies to bad arguments."""
    return admin_texts.usage_line(name)


def admin_only(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def guarded(update: Update, context: ShopContext) -> None:
        if await sender_is_admin(update, context):
            await handler(update, context)
        elif update.effective_chat is not None:
            await update.effective_chat.send_message(texts.UNKNOWN_COMMAND)

    return guarded


# Commands that act on the form the person is in rather than leaving it.
STAYS_IN_FORMS = frozenset({"cancel"})


def leaves_forms(handler: Handler) -> Handler:
    """A command sent in the middle of a form leaves it first, so the text after it is not
    taken as the form's answer; when typed answers would be lost, the person is asked, and
    the command runs if they choose to leave (LeaveForm below)."""

    @functools.wraps(handler)
    async def leaving(update: Update, context: ShopContext) -> None:
        if await leave_form_first(update, context):
            await handler(update, context)

    return leaving


async def leave_form_first(update: Update, context: ShopContext) -> bool:
    """Whether to go on with the update now: there was no form, or it was left at once.
    Otherwise the person was asked, and the update waits for their answer."""
    left = await forms.leave_for(context.db, sender=sender_of(update), waiting=update.to_dict)
    if left.exit is not forms.Exit.ASK:
        return True
    if update.effective_chat is not None:
        await update.effective_chat.send_message(
            texts.leave_form_question(left.flow or ""), reply_markup=leave_form_keyboard()
        )
    return False


@on_button(LeaveForm)
async def leave_form(update: Update, context: ShopContext, data: LeaveForm) -> str | None:
    """Left: the command that was waiting runs now, as if just sent."""
    if not data.leave:
        step = await forms.stay(context.db, sender=sender_of(update))
        await _delete_question(update)
        return texts.STAYING if step is not None else None
    waiting = await forms.confirm_leave(context.db, sender=sender_of(update))
    if waiting is None:
        raise ExpiredButton
    await _delete_question(update)
    replay = Update.de_json(waiting, context.bot)
    if replay is not None:
        await context.application.process_update(replay)
    return None


async def _delete_question(update: Update) -> None:
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        with contextlib.suppress(TelegramError):
            await query.message.delete()


def _add_command(name: str, handler: Handler) -> None:
    if name in _commands:
        raise ValueError(f"/{name} already has a handler")
    _commands[name] = handler


def commands() -> dict[str, Handler]:
    return dict(_commands)


def on_free_text(handler: H) -> H:
    """Register what plain text outside any flow means (a search)."""
    _free_text[:] = [handler]
    return handler


def friendly(handler: Handler) -> Handler:
    """Reply to a domain error with its message instead of failing the update."""

    @functools.wraps(handler)
    async def wrapped(update: Update, context: ShopContext) -> None:
        try:
            await handler(update, context)
        except ShopError as error:
            if update.effective_chat is not None:
                await update.effective_chat.send_message(
                    texts.esc(error_text(error)), parse_mode=ParseMode.HTML
                )

    return wrapped


async def dispatch_button(update: Update, context: ShopContext) -> None:
    """Every button press is answered, with a toast, an alert, or silently."""
    query = update.callback_query
    if query is None:
        return
    try:
        data = unpack(query.data)
        handler = _buttons.get(type(data))
        if handler is None:
            raise ExpiredButton
        toast = await handler(update, context, data)
    except ExpiredButton:
        await query.answer(texts.EXPIRED_BUTTON, show_alert=True)
        return
    except ShopError as error:
        await query.answer(error_text(error), show_alert=True)
        return
    with contextlib.suppress(BadRequest):  # a press replayed after "leave the form?" was answered
        await query.answer(toast)


@friendly
async def dispatch_text(update: Update, context: ShopContext) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    step = await current_step(context.db, sender_of(update))
    handler = _steps.get(step.flow) if step else None
    if step is not None and handler is not None:
        await handler(update, context, step, message.text)
    elif _free_text:
        await _free_text[0](update, context, message.text)


@friendly
async def dispatch_photo(update: Update, context: ShopContext) -> None:
    """A photo whose caption is a command runs that command (CommandHandler reads only texts);
    any other photo goes to the flow its sender is in, if that flow takes photos."""
    message = update.effective_message
    if message is None or not message.photo:
        return
    command = caption_command(message)
    if command is not None:
        name, context.args = command
        handler = _commands.get(name)
        if handler is not None:
            await handler(update, context)
        elif update.effective_chat is not None:
            await update.effective_chat.send_message(texts.UNKNOWN_COMMAND)
        return
    step = await current_step(context.db, sender_of(update))
    photo_handler = _photo_steps.get(step.flow) if step else None
    if step is not None and photo_handler is not None:
        await photo_handler(update, context, step, message.photo[-1].file_id)
    else:
        await dispatch_other(update, context)


@friendly
async def dispatch_other(update: Update, context: ShopContext) -> None:
    """Anything the shop can't read where it was sent (a sticker, a voice note, a file, a photo
    no step asked for) gets an answer saying what would work, and changes nothing."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if (_a_spreadsheet(message) or message.photo) and await sender_is_admin(update, context):
        hint = admin_texts.PHOTO_HINT if message.photo else admin_texts.IMPORT_NEEDS_CAPTION
        await chat.send_message(hint, parse_mode=ParseMode.HTML)
        return
    step = await current_step(context.db, sender_of(update))
    handler = _steps.get(step.flow) if step else None
    phone = _own_phone(message, update)
    if step is not None and handler is not None and step.step == PHONE_STEP and phone:
        await handler(update, context, step, phone)  # shared with the phone button: typed for them
        return
    await chat.send_message(texts.ONLY_TEXT_IN_FORM if step else texts.ONLY_TEXT)


PHONE_STEP = "phone"  # the address forms' step that takes a shared contact too


def _own_phone(message: Message, update: Update) -> str | None:
    """The number of a contact the sender shared of themselves; someone else's is not theirs."""
    contact = message.contact
    sender = update.effective_user
    if contact is None or sender is None or contact.user_id != sender.id:
        return None
    number = contact.phone_number
    return number if number.startswith("+") else f"+{number}"


def _a_spreadsheet(message: Message) -> bool:
    document = message.document
    if document is None:
        return False
    name = (document.file_name or "").lower()
    return name.endswith((".csv", ".tsv", ".txt")) or document.mime_type in _CSV_TYPES


_CSV_TYPES = frozenset({"text/csv", "text/plain", "text/tab-separated-values"})
