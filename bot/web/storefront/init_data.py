"""Telegram's `initData`: who opened the Mini App, signed by Telegram with the bot's token.

Checked exactly as Telegram specifies (core.telegram.org/bots/webapps, "Validating data received
via the Mini App"): the data-check string is every field but `hash`, as `key=value` lines sorted
by key; the secret key is HMAC-SHA256 of the bot token keyed with "WebAppData"; the hash is the
hex HMAC-SHA256 of the data-check string under that key. A valid string also has to be recent:
`auth_date` says when Telegram signed it, and one signed too long ago (or in the future) could
be a copy replayed after the customer left.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl

# Telegram's own clock and ours may disagree a little.
CLOCK_SKEW_S = 60


class InitDataInvalid(Exception):
    """Missing, forged or stale: the request is refused, with no detail to the caller."""


@dataclass(frozen=True, slots=True)
class WebAppUser:
    telegram_id: int
    first_name: str
    username: str | None
    language_code: str | None


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={value}" for key, value in sorted(fields.items()) if key != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The hash Telegram puts in `initData` for these fields (tests and the console use it)."""
    check = data_check_string(fields).encode()
    return hmac.new(secret_key(bot_token), check, hashlib.sha256).hexdigest()


def validate(
    init_data: str, *, bot_token: str, max_age_s: float, now: float | None = None
) -> WebAppUser:
    """The user Telegram vouches for; InitDataInvalid for anything else."""
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataInvalid("unreadable") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataInvalid("a field given twice")
    received = fields.get("hash", "")
    if not hmac.compare_digest(sign(fields, bot_token), received):
        raise InitDataInvalid("bad hash")
    try:
        signed_at = int(fields["auth_date"])
    except (KeyError, ValueError):
        raise InitDataInvalid("no auth_date") from None
    age = (time.time() if now is None else now) - signed_at
    if age > max_age_s or age < -CLOCK_SKEW_S:
        raise InitDataInvalid("stale")
    return _user(fields.get("user"))


def _user(raw: str | None) -> WebAppUser:
    try:
        user = json.loads(raw or "")
        telegram_id = user["id"]
    except (ValueError, TypeError, KeyError):
        raise InitDataInvalid("no user") from None
    if not isinstance(telegram_id, int) or isinstance(telegram_id, bool):
        raise InitDataInvalid("no user")
    return WebAppUser(
        telegram_id=telegram_id,
        first_name=str(user.get("first_name") or ""),
        username=user.get("username") if isinstance(user.get("username"), str) else None,
        language_code=(
            user.get("language_code") if isinstance(user.get("language_code"), str) else None
        ),
    )
