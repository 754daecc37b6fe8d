"""getMe, bot commands, menu button, profile texts, getFile, logOut/close."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.markup import validate_web_app
from bot.emulator.methods.registry import method
from bot.emulator.params import Params
from bot.emulator.state import EmulatorState

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


@method("getMe")
async def get_me(state: EmulatorState, params: Params) -> Any:
    return {
        **state.bot_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("setMyCommands")
async def set_my_commands(state: EmulatorState, params: Params) -> Any:
    commands = params.json_value("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        _validate_command(command)
    state.commands[_commands_key(params)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    state.signal.notify()
    return True


@method("getMyCommands")
async def get_my_commands(state: EmulatorState, params: Params) -> Any:
    return state.commands.get(_commands_key(params), [])


@method("deleteMyCommands")
async def delete_my_commands(state: EmulatorState, params: Params) -> Any:
    state.commands.pop(_commands_key(params), None)
    state.signal.notify()
    return True


@method("setChatMenuButton")
async def set_chat_menu_button(state: EmulatorState, params: Params) -> Any:
    button = params.json_value("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
        raise bad_request("can't parse menu button JSON object")
    if button["type"] == "web_app":
        if not isinstance(button.get("text"), str) or not button["text"]:
            raise bad_request("can't parse menu button JSON object")
        validate_web_app(button.get("web_app"), "menu button")
    state.menu_buttons[params.integer("chat_id")] = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(state: EmulatorState, params: Params) -> Any:
    chat_id = params.integer("chat_id")
    return state.menu_buttons.get(chat_id) or state.menu_buttons.get(None) or {"type": "default"}


# Bots may download files of up to 20 MB; getFile refuses larger ones.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


@method("getFile")
async def get_file(state: EmulatorState, params: Params) -> Any:
    stored = state.files.get(params.required_string("file_id", "invalid file_id"))
    if len(stored.content) > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return stored.as_file()


@method("setMyDescription")
@method("setMyShortDescription")
@method("setMyName")
@method("logOut")
@method("close")
async def accept(state: EmulatorState, params: Params) -> Any:
    """Accepted and recorded in `emu.calls`; nothing in the emulator depends on these."""
    return True


def _validate_command(command: Any) -> None:
    if not isinstance(command, dict) or not _COMMAND.match(str(command.get("command", ""))):
        raise bad_request("BOT_COMMAND_INVALID")
    description = command.get("description")
    if not isinstance(description, str) or not 1 <= len(description) <= 256:
        raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")


def _commands_key(params: Params) -> tuple[str, str]:
    scope = params.json_value("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), params.string("language_code", "") or ""
