"""The shop with Stripe as its payment provider, talking to the Stripe fake, for tests."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.app import ShopApplication
from bot.config import Settings
from bot.db import Database
from bot.devtools import stripe_simulator as simulate
from bot.devtools.stripe_fake import FakeStripeApi, signed_event
from bot.emulator.emulator import BotApiEmulator
from bot.services import product as products
from bot.services import user as users
from bot.services.user import AddressInput
from bot.web import STRIPE_WEBHOOK_PATH
from tests.conftest import shop_settings
from tests.factories import make_product, make_user

HOME = AddressInput("Ann Example", "+49 30 1234567", "Main St 1", "Berlin", "", "10115", "DE")
SECRET_KEY = "sk_test_shop"
WEBHOOK_SECRET = "whsec_test_shop"


def stripe_settings(
    emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi, **overrides: object
) -> Settings:
    """Stripe through the fake, and the web server on a free loopback port."""
    values: dict[str, object] = {
        "payment_provider": "stripe",
        "stripe_secret_key": SECRET_KEY,
        "stripe_webhook_secret": WEBHOOK_SECRET,
        "stripe_api_base": stripe_api.base_url,
        "web_port": 0,
    }
    return shop_settings(emulator, db, **(values | overrides))


def paid_event(
    *, session_id: str, order_id: int, amount: int, currency: str, **fields: Any
) -> dict[str, Any]:
    obj = simulate.checkout_session(
        session_id=session_id, order_id=order_id, amount=amount, currency=currency, **fields
    )
    return simulate.stripe_event("checkout.session.completed", obj)


async def post_event(
    app: ShopApplication, event: dict[str, Any], secret: str = WEBHOOK_SECRET
) -> int:
    """POST a signed event to the running shop's Stripe webhook; returns the HTTP status."""
    body, signature = signed_event(event, secret)
    headers = {"Content-Type": "application/json", "Stripe-Signature": signature}
    url = f"{app.bot_data.web_url}{STRIPE_WEBHOOK_PATH}"
    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
        await r.read()
        return r.status


async def hoodie_for_ann(db: Database, *, telegram_id: int, stock: int) -> int:
    """A €49.99 hoodie in size M, and Ann with a saved address; returns Ann's id."""
    async with db.transaction() as session:
        await make_product(session, name="Hoodie", price=4999, sizes={"M": stock})
        await products.bump_catalog_revision(session)
        ann = await make_user(session, telegram_id=telegram_id, first_name="Ann")
        await users.add_address(session, user_id=ann.id, address=HOME)
        return ann.id
