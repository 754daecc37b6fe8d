"""What Telegram hands a Mini App: `initData` signed with the bot's token, for tests."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.app import ShopApplication
from bot.web.storefront.init_data import sign


def init_data(
    bot_token: str,
    *,
    telegram_id: int,
    first_name: str = "Ann",
    language_code: str | None = "en",
    auth_date: int | None = None,
    forge: bool = False,
) -> str:
    """As Telegram signs it; `forge` signs with another token."""
    user: dict[str, Any] = {"id": telegram_id, "first_name": first_name}
    if language_code is not None:
        user["language_code"] = language_code
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user, separators=(",", ":")),
        "auth_date": str(int(time.time()) if auth_date is None else auth_date),
    }
    fields["hash"] = sign(fields, "123:forged" if forge else bot_token)
    return urlencode(fields)


class StorefrontClient:
    """The page's side of the API: every call signed in as one customer."""

    def __init__(self, app: ShopApplication, http: aiohttp.ClientSession, init: str) -> None:
        assert app.bot_data.web_url is not None, "run the shop with web=True"
        self.base = f"{app.bot_data.web_url}/app/api"
        self.http = http
        self.headers = {"Authorization": f"tma {init}"}

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        async with self.http.request(
            method, self.base + path, json=body, headers=self.headers
        ) as response:
            return response.status, await response.json()

    async def get(self, path: str) -> Any:
        status, body = await self.call("GET", path)
        assert status == 200, (status, body)
        return body
