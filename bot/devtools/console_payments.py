"""`:pay` and `:fail` in the offline console: Stripe's side of a card payment, played locally.

The console's shop creates Checkout Sessions at the Stripe fake with a console-only key; these
commands complete or fail the customer's latest one and post the event Stripe would send to the
shop's own webhook, signed with a console-only secret, as `stripe trigger` would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from pydantic import SecretStr
from sqlalchemy import select

from bot.db import Database
from bot.devtools import console_texts
from bot.devtools import stripe_simulator as simulate
from bot.devtools.stripe_fake import FakeStripeApi
from bot.models import Order, OrderStatus, PaymentInformation, User
from bot.money import format_amount

SECRET_KEY = "sk_test_offline_console"
WEBHOOK_SECRET = "whsec_offline_console"
COMPLETED = "checkout.session.completed"
FAILED = "checkout.session.async_payment_failed"


def console_stripe_settings(api_base: str) -> dict[str, Any]:
    """Settings overrides: Stripe through the fake on loopback, whatever the environment says,
    so the console never reaches a real Stripe account or a public webhook."""
    return {
        "payment_provider": "stripe",
        "stripe_secret_key": SecretStr(SECRET_KEY),
        "stripe_webhook_secret": SecretStr(WEBHOOK_SECRET),
        "stripe_api_base": api_base,
        "web_host": "127.0.0.1",
        "web_port": 0,
        "webhook_url": None,
        "bot_username": None,
    }


@dataclass(frozen=True, slots=True)
class _Awaiting:
    order_id: int
    session_id: str
    total: int
    currency: str


class ConsolePayments:
    def __init__(
        self, database: Database, stripe_api: FakeStripeApi, webhook_url: str, telegram_id: int
    ) -> None:
        self._database = database
        self._stripe_api = stripe_api
        self._webhook_url = webhook_url
        self._telegram_id = telegram_id

    def is_checkout_page(self, url: str) -> bool:
        return url.startswith(f"{self._stripe_api.base_url}/pay/")

    async def pay(self) -> str:
        return await self._settle(paid=True)

    async def fail(self) -> str:
        return await self._settle(paid=False)

    async def _settle(self, *, paid: bool) -> str:
        awaiting = await self._latest_awaiting_payment()
        if awaiting is None:
            return console_texts.NOTHING_TO_PAY
        event = simulate.stripe_event(COMPLETED if paid else FAILED, self._session(awaiting, paid))
        async with aiohttp.ClientSession() as http:
            status = await simulate.deliver(http, self._webhook_url, event, WEBHOOK_SECRET)
        if status != 200:
            return console_texts.webhook_refused(status)
        total = format_amount(awaiting.total, awaiting.currency)
        return console_texts.payment_sent(awaiting.order_id, total, paid=paid)

    def _session(self, awaiting: _Awaiting, paid: bool) -> dict[str, Any]:
        """The Checkout Session as Stripe would send it; paying one the fake made also records
        the payment there, so a later refund finds it and a card to be saved is kept there."""
        fields: dict[str, Any] = {}
        if paid and awaiting.session_id in self._stripe_api.sessions:
            session = self._stripe_api.pay(awaiting.session_id)
            fields = {
                "payment_intent": session["payment_intent"],
                "customer": session["customer"],
                "metadata": session["metadata"],  # says whether to save the card
            }
        return simulate.checkout_session(
            session_id=awaiting.session_id,
            order_id=awaiting.order_id,
            amount=awaiting.total,
            currency=awaiting.currency,
            payment_status="paid" if paid else "unpaid",
            **fields,
        )

    async def _latest_awaiting_payment(self) -> _Awaiting | None:
        async with self._database.reading() as session:
            row = (
                await session.execute(
                    select(
                        Order.id,
                        PaymentInformation.stripe_checkout_session_id,
                        Order.total,
                        Order.currency,
                    )
                    .join(PaymentInformation, PaymentInformation.order_id == Order.id)
                    .join(User, User.id == Order.user_id)
                    .where(
                        User.telegram_id == self._telegram_id,
                        Order.status == OrderStatus.PENDING_PAYMENT,
                        PaymentInformation.stripe_checkout_session_id.is_not(None),
                    )
                    .order_by(Order.created_at.desc(), Order.id.desc())
                    .limit(1)
                )
            ).first()
        if row is None or row[1] is None:
            return None
        return _Awaiting(row[0], row[1], row[2], row[3])
