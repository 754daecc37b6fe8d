"""Where customers find the storefront: the chat's menu button and a button on /start, both
only when the Mini App has an HTTPS address."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot import texts
from bot.config import Settings
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.runner import running_shop
from tests.conftest import shop_settings

ANN = 42
URL = "https://shop.example.com/app/"


async def test_the_menu_button_and_start_open_the_storefront_at_its_address(
    emulator: BotApiEmulator, db: Database
) -> None:
    settings = shop_settings(emulator, db, webapp_url=URL)
    async with running_shop(settings, db, token=emulator.token):
        ann = emulator.user(ANN, "Ann")
        await ann.send("/start")
        welcome = await ann.next_message()

    assert emulator.menu_button() == {"type": "web_app", "text": "Shop", "web_app": {"url": URL}}
    assert welcome.button(texts.OPEN_SHOP).web_app == URL
    assert welcome.button_texts[0] == texts.OPEN_SHOP


async def test_without_an_https_address_the_storefront_is_not_offered(
    emulator: BotApiEmulator, db: Database
) -> None:
    async with running_shop(shop_settings(emulator, db), db, token=emulator.token):
        ann = emulator.user(ANN, "Ann")
        await ann.send("/start")
        welcome = await ann.next_message()

    assert emulator.menu_button() == {"type": "default"}
    assert texts.OPEN_SHOP not in welcome.button_texts


def test_the_address_follows_the_webhook_s_and_must_be_https() -> None:
    def settings(**values: object) -> Settings:
        return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]

    webhook = settings(webhook_url="https://shop.example.com", telegram_webhook_secret="s")
    local = settings(webhook_url="http://127.0.0.1:8080", telegram_webhook_secret="s")

    assert webhook.storefront_url == "https://shop.example.com/app/"
    assert local.storefront_url is None
    with pytest.raises(ValidationError, match="HTTPS"):
        settings(webapp_url="http://shop.example.com/app/")
