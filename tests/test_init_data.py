"""Telegram's initData is trusted only when Telegram's signature over every field checks out,
and only while it is recent."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import quote

import pytest

from bot.web.storefront.init_data import InitDataInvalid, WebAppUser, validate

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
NOW = 1_800_000_000
USER = json.dumps({"id": 42, "first_name": "Ann", "username": "ann", "language_code": "de"})


def signed(fields: dict[str, str], token: str = TOKEN) -> str:
    """Signed as Telegram's documentation says, written out here independently of the code."""
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    digest = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in {**fields, "hash": digest}.items())


FIELDS = {"query_id": "AAHdF6IQ", "user": USER, "auth_date": str(NOW - 10), "signature": "xyz"}


def test_a_string_signed_by_telegram_names_its_user() -> None:
    user = validate(signed(FIELDS), bot_token=TOKEN, max_age_s=3600, now=NOW)

    assert user == WebAppUser(42, "Ann", "ann", "de")


@pytest.mark.parametrize(
    "init_data",
    [
        pytest.param("", id="empty"),
        pytest.param(signed(FIELDS, token="654321:other"), id="another bot's"),
        pytest.param(signed(FIELDS).replace("Ann", "Bob"), id="a field changed"),
        pytest.param(signed(FIELDS).replace("&signature=xyz", ""), id="a field dropped"),
        pytest.param(signed(FIELDS) + "&query_id=again", id="a field twice"),
        pytest.param(signed({**FIELDS, "auth_date": str(NOW - 3601)}), id="too old"),
        pytest.param(signed({**FIELDS, "auth_date": str(NOW + 600)}), id="from the future"),
        pytest.param(signed({k: v for k, v in FIELDS.items() if k != "user"}), id="no user"),
        pytest.param(signed({**FIELDS, "user": '{"id": "42"}'}), id="a user id not a number"),
        pytest.param(signed({**FIELDS, "auth_date": "soon"}), id="auth_date not a number"),
    ],
)
def test_anything_else_is_refused(init_data: str) -> None:
    with pytest.raises(InitDataInvalid):
        validate(init_data, bot_token=TOKEN, max_age_s=3600, now=NOW)
