"""reply_markup validation as Telegram does it, and a readable view of inline keyboards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import bad_request

Markup = dict[str, Any]

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_INVALID_MARKUP = "can't parse reply keyboard markup JSON object"


@dataclass(frozen=True)
class Button:
    """One inline keyboard button."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    web_app: str | None = None  # the Mini App's URL a web_app button opens


def validate_markup(markup: Any) -> Markup | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request(_INVALID_MARKUP)
    if "inline_keyboard" in markup:
        _validate_inline(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _validate_rows(markup["keyboard"])
    elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
        raise bad_request(_INVALID_MARKUP)
    return markup


def _validate_rows(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(_INVALID_MARKUP)


def _validate_inline(rows: Any) -> None:
    _validate_rows(rows)
    for row in rows:
        for button in row:
            _validate_inline_button(button)


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed")
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_EMPTY")
    actions = [name for name in _INLINE_ACTIONS if name in button]
    if len(actions) != 1:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed")
    data = button.get("callback_data")
    if data is not None and not (isinstance(data, str) and 1 <= len(data.encode()) <= 64):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not (isinstance(url, str) and url.strip()):
        raise bad_request("BUTTON_URL_INVALID")
    if "web_app" in button:
        validate_web_app(button["web_app"], "inline keyboard button")


def inline_buttons(markup: Markup | None) -> tuple[tuple[Button, ...], ...]:
    if not markup or "inline_keyboard" not in markup:
        return ()
    return tuple(
        tuple(Button(b["text"], b.get("callback_data"), b.get("url"), _web_app_url(b)) for b in row)
        for row in markup["inline_keyboard"]
    )


def reply_keyboard(markup: Markup) -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(b if isinstance(b, str) else str(b.get("text", "")) for b in row)
        for row in markup["keyboard"]
    )


def validate_web_app(web_app: Any, where: str) -> None:
    """Telegram opens Mini Apps over HTTPS only."""
    url = web_app.get("url") if isinstance(web_app, dict) else None
    if not isinstance(url, str) or not url.startswith("https://"):
        raise bad_request(f"{where} Web App URL {url!r} is invalid: Only HTTPS links are allowed")


def _web_app_url(button: dict[str, Any]) -> str | None:
    web_app = button.get("web_app")
    return web_app.get("url") if isinstance(web_app, dict) else None
