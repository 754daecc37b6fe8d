"""The storefront in a real browser: Debian's Chromium, driven by Playwright, against the real
shop (the Bot API emulator and the Stripe fake on loopback) at a phone's screen size.

Telegram's own script is replaced by a stand-in (telegram-web-app.js here) carrying initData
signed as Telegram signs it, so the page runs offline exactly as inside Telegram. Each test
saves a screenshot under test-artifacts/ for a reviewer to look at.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    Route,
    ViewportSize,
    async_playwright,
)

from bot.app import ShopApplication
from bot.db import Database
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.runner import running_shop
from tests.fakes.stripe_shop import stripe_settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the networking flags Chromium keeps calling Google's hosts, which this machine refuses.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
STAND_IN = (Path(__file__).parent / "telegram-web-app.js").read_text()
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
async def storefront_shop(
    emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> AsyncIterator[ShopApplication]:
    settings = stripe_settings(emulator, db, stripe_api, webapp_url="https://shop.example.com/app/")
    async with running_shop(settings, db, token=emulator.token, web=True) as app:
        yield app


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        await launched.close()


async def open_storefront(browser: Browser, app: ShopApplication, init_data: str) -> Page:
    """The page as Telegram opens it on a phone, signed in with `init_data`."""
    context: BrowserContext = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    script = STAND_IN.replace('"__INIT_DATA__"', json.dumps(init_data))

    async def telegram_script(route: Route) -> None:
        await route.fulfill(status=200, content_type="application/javascript", body=script)

    await context.route("https://telegram.org/**", telegram_script)
    page = await context.new_page()
    await page.goto(f"{app.bot_data.web_url}/app/")
    return page


async def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
