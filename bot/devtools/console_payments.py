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
from bot.devtools import stripe_simulator as simulate
from bot.devtools.stripe_fake import FakeStripeApi
from bot.models import (
    Order,
    OrderStatus,
    PaymentDetails,
    PaymentInformation,
    PaymentProvider,
    PaymentStatus,
    User,
)
from bot.money import format_amount
from bot.texts import console as console_texts

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

    async def restore(self) -> None:
        """Stripe keeps payments between runs; the stand-in rebuilds them from the shop's own
        records, so /refund finds a payment made in an earlier console session."""
        async with self._database.reading() as session:
            payments = (
                await session.scalars(
                    select(PaymentInformation).where(
                        PaymentInformation.provider == PaymentProvider.STRIPE,
                        PaymentInformation.stripe_payment_intent_id.is_not(None),
                    )
                )
            ).all()
            cards = (
                await session.scalars(
                    select(PaymentDetails).where(PaymentDetails.provider == PaymentProvider.STRIPE)
                )
            ).all()
        for payment in payments:
            self._restore_payment(payment)
        for card in cards:
            self._stripe_api.payment_methods.setdefault(
                card.provider_payment_method_id,
                {
                    "id": card.provider_payment_method_id,
                    "object": "payment_method",
                    "type": "card",
                    "card": {
                        "brand": card.brand,
                        "last4": card.last4,
                        "exp_month": card.exp_month,
                        "exp_year": card.exp_year,
                    },
                    "customer": card.provider_customer_id,
                    "allow_redisplay": "always",
                },
            )

    def _restore_payment(self, payment: PaymentInformation) -> None:
        intent_id = payment.stripe_payment_intent_id
        if intent_id is None or payment.received_amount is None:
            return
        currency = (payment.received_currency or payment.currency).lower()
        self._stripe_api.payment_intents.setdefault(
            intent_id,
            {
                "id": intent_id,
                "object": "payment_intent",
                "amount": payment.received_amount,
                "currency": currency,
                "status": "succeeded",
                "customer": None,
                "payment_method": None,
                "setup_future_usage": None,
                "metadata": {"order_id": str(payment.order_id)},
            },
        )
        if payment.status is PaymentStatus.REFUNDED:
            refund_id = f"re_restored_{payment.order_id}"
            self._stripe_api.refunds.setdefault(
                refund_id,
                {
                    "id": refund_id,
                    "object": "refund",
                    "amount": payment.received_amount,
                    "currency": currency,
                    "payment_intent": intent_id,
                    "status": "succeeded",
                },
            )

    async def confirm_refund(self, refund: dict[str, Any]) -> None:
        """Stripe's charge.refunded for a refund the shop asked for, signed, to its webhook."""
        intent = self._stripe_api.payment_intents.get(str(refund["payment_intent"]), {})
        amount = int(intent.get("amount", refund["amount"]))
        refunded = sum(
            int(r["amount"])
            for r in self._stripe_api.refunds.values()
            if r["payment_intent"] == refund["payment_intent"]
        )
        charge = {
            "id": f"ch_{refund['payment_intent']}",
            "object": "charge",
            "amount": amount,
            "amount_refunded": refunded,
            "currency": refund["currency"],
            "payment_intent": refund["payment_intent"],
            "refunded": refunded >= amount,
            "metadata": intent.get("metadata", {}),
        }
        event = simulate.stripe_event("charge.refunded", charge)
        async with aiohttp.ClientSession() as http:
            await simulate.deliver(http, self._webhook_url, event, WEBHOOK_SECRET)

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
