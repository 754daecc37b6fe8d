"""One order, and everything that can happen to its money in any order, any number of times.

Stripe's events (paid, page expired, refunded) are delivered late, twice, or before the event
they follow; the expiry job runs; the customer cancels; an admin cancels or refunds, in the chat
or in Stripe's dashboard; the Stripe upkeep job closes pages and refunds late money. After every
step: no units of stock appear or vanish, the customer hears each kind of notice at most once,
and the shop never believes in money Stripe does not have. Once every event has arrived: money
Stripe kept ⇔ the order is paid; money that came and went ⇔ it is refunded or cancelled.

HYPOTHESIS_PROFILE=thorough runs a longer, random hunt.
"""

from __future__ import annotations

import contextlib
import itertools
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.db import Database
from bot.devtools import stripe_simulator as simulate
from bot.devtools.stripe_fake import FakeStripeApi
from bot.models import (
    OrderStatus,
    OutboxMessage,
    PaymentInformation,
    PaymentProvider,
    PaymentStatus,
    utcnow,
)
from bot.payments.stripe_gateway import StripeGateway
from bot.services import ledger
from bot.services import order as orders
from bot.services.errors import ShopError
from bot.usecases import refunds
from bot.usecases.customers import Sender
from bot.usecases.expiry import expire_unpaid_orders
from bot.usecases.orders import cancel_unpaid_order
from bot.usecases.payments import EventResult, apply_stripe_event
from bot.usecases.stripe_upkeep import settle_with_stripe
from tests.fakes.orders import PlacedOrder, place_order
from tests.fakes.stripe_events import refunded_charge
from tests.hostile.conftest import PROFILE
from tests.hostile.support import accounted_units

ADMIN = 9001
KEPT = frozenset({OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED})
STEPS = (
    "pay",
    "page_expires",
    "deliver",
    "deliver",
    "deliver",
    "expiry_job",
    "customer_cancels",
    "admin_cancels",
    "admin_refunds",
    "dashboard_refund",
    "upkeep",
)
_dashboard_keys = itertools.count()
# Each example is quick (one order, no chat), so many more of them than the chat properties.
MANY_STEPS = settings(max_examples=settings.get_profile(PROFILE).max_examples * 8)


@pytest.fixture
async def gateway(stripe_api: FakeStripeApi) -> AsyncIterator[StripeGateway]:
    gateway = StripeGateway(secret_key="sk_test_1", api_base=stripe_api.base_url)
    yield gateway
    await gateway.close()


@dataclass
class World:
    """Stripe's side of one order: its page, the money, and the events Stripe has to send."""

    db: Database
    stripe_api: FakeStripeApi
    gateway: StripeGateway
    placed: PlacedOrder
    page: str
    units: dict[int, int]
    intent: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    refunds_sent: set[str] = field(default_factory=set)

    @property
    def money_kept(self) -> bool:
        """Stripe holds the customer's money and has not given it back."""
        if self.intent is None:
            return False
        refunded = sum(
            int(refund["amount"])
            for refund in self.stripe_api.refunds.values()
            if refund["payment_intent"] == self.intent
        )
        return refunded < self.placed.total

    async def step(self, name: str, pick: int) -> None:
        await getattr(self, name)(pick)
        self._announce_refunds()

    async def pay(self, _: int) -> None:
        if self.stripe_api.sessions[self.page]["status"] == "open":
            paid = self.stripe_api.pay(self.page)
            self.intent = paid["payment_intent"]
            self.events.append(simulate.stripe_event("checkout.session.completed", paid))

    async def page_expires(self, _: int) -> None:
        session = self.stripe_api.sessions[self.page]
        if session["status"] == "open":
            session["status"] = "expired"
            obj = simulate.checkout_session(
                session_id=self.page,
                order_id=self.placed.order_id,
                amount=self.placed.total,
                currency=self.placed.currency,
                payment_status="unpaid",
            )
            self.events.append(simulate.stripe_event("checkout.session.expired", obj))

    async def deliver(self, pick: int) -> EventResult | None:
        if not self.events:
            return None
        event = self.events[pick % len(self.events)]
        return await apply_stripe_event(self.db, self.gateway, event=event, admin_chat_ids=(ADMIN,))

    async def expiry_job(self, _: int) -> None:
        later = utcnow() + timedelta(days=2)
        await expire_unpaid_orders(self.db, older_than=timedelta(hours=1), now=later)

    async def customer_cancels(self, _: int) -> None:
        sender = Sender(self.placed.telegram_id, "Ann")
        await _refused_calmly(cancel_unpaid_order(self.db, sender=sender, order_id=self.order_id))

    async def admin_cancels(self, _: int) -> None:
        cancel = refunds.cancel_order(
            self.db, self.gateway, order_id=self.order_id, admin_telegram_id=ADMIN
        )
        await _refused_calmly(cancel)

    async def admin_refunds(self, _: int) -> None:
        refund = refunds.refund_order(
            self.db, self.gateway, order_id=self.order_id, admin_telegram_id=ADMIN
        )
        await _refused_calmly(refund)

    async def dashboard_refund(self, _: int) -> None:
        if self.intent is not None and self.money_kept:
            key = f"dashboard-{next(_dashboard_keys)}"
            await self.gateway.refund(self.intent, idempotency_key=key)

    async def upkeep(self, _: int) -> None:
        await settle_with_stripe(self.db, self.gateway)

    @property
    def order_id(self) -> int:
        return self.placed.order_id

    def _announce_refunds(self) -> None:
        """Stripe tells of every refund of this payment, however it was made."""
        for refund_id, refund in self.stripe_api.refunds.items():
            if refund["payment_intent"] != self.intent or refund_id in self.refunds_sent:
                continue
            self.refunds_sent.add(refund_id)
            charge = refunded_charge(
                payment_intent=refund["payment_intent"],
                amount=self.placed.total,
                currency=self.placed.currency,
                order_id=self.order_id,
            )
            self.events.append(simulate.stripe_event("charge.refunded", charge))

    async def drain(self) -> None:
        """Every event delivered, with the upkeep job between, until nothing new happens."""
        for _ in range(5):
            await self.upkeep(0)
            self._announce_refunds()
            known = len(self.events)
            results = [await self.deliver(i) for i in range(known)]
            await self.upkeep(0)
            self._announce_refunds()
            if EventResult.TOO_EARLY not in results and len(self.events) == known:
                return
        pytest.fail("events still arriving too early after every other event was delivered")

    async def order_and_payment(self) -> tuple[OrderStatus, PaymentInformation | None]:
        async with self.db.reading() as session:
            order = await orders.get_order(session, order_id=self.order_id)
            return order.status, order.payment

    async def check_every_step(self) -> None:
        units = await accounted_units(self.db)
        assert {s: units[s] for s in self.units} == self.units, "stock appeared or vanished"
        async with self.db.reading() as session:
            told = Counter(
                (
                    await session.scalars(
                        select(OutboxMessage.message_key).where(
                            OutboxMessage.chat_id == self.placed.telegram_id
                        )
                    )
                ).all()
            )
        assert all(count == 1 for count in told.values()), f"told twice: {told}"
        status, payment = await self.order_and_payment()
        if status in KEPT or (payment is not None and ledger.money_received(payment)):
            assert self.intent is not None, "the shop believes in money Stripe never took"
        if payment is not None and payment.status is PaymentStatus.REFUNDED:
            assert not self.money_kept, "refunded in the shop's books, not at Stripe"

    async def check_settled(self) -> None:
        status, payment = await self.order_and_payment()
        assert (status in KEPT) == self.money_kept, (status, payment and payment.status)
        if self.intent is not None and not self.money_kept:
            assert payment is not None and payment.status is PaymentStatus.REFUNDED
            assert status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
        if status is OrderStatus.CANCELLED:
            assert self.stripe_api.sessions[self.page]["status"] != "open", "page left open"


async def _refused_calmly(action: Any) -> None:
    """A refusal the admin or customer reads (not payable, nothing to refund…) is fine."""
    with contextlib.suppress(ShopError):
        await action


async def new_world(db: Database, stripe_api: FakeStripeApi, gateway: StripeGateway) -> World:
    placed = await place_order(db)
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=placed.order_id)
    page = await gateway.create_checkout_session(
        order,
        success_url="https://t.me/a",
        cancel_url="https://t.me/b",
        expires_at=utcnow() + timedelta(hours=1),
    )
    async with db.transaction() as session:
        await ledger.attach_reference(
            session,
            order_id=placed.order_id,
            provider=PaymentProvider.STRIPE,
            checkout_session_id=page.id,
        )
    units = await accounted_units(db)
    mine = {size_id: units[size_id] for size_id in placed.size_ids}
    return World(db, stripe_api, gateway, placed, page.id, mine)


# The orderings the shop once got wrong, tried first every run:
@example(steps=[("pay", 0), ("dashboard_refund", 0), ("deliver", 1)])  # refund before payment
@example(steps=[("pay", 0), ("expiry_job", 0)])  # paid in the last second, cancelled before news
@example(steps=[("expiry_job", 0), ("pay", 0), ("deliver", 0)])  # paid after cancellation
@example(steps=[("pay", 0), ("admin_cancels", 0), ("deliver", 0), ("admin_refunds", 0)])
@MANY_STEPS
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(min_value=0, max_value=7)),
        min_size=1,
        max_size=14,
    )
)
async def test_every_ordering_of_payment_events_ends_with_the_books_right(
    db: Database,
    stripe_api: FakeStripeApi,
    gateway: StripeGateway,
    steps: list[tuple[str, int]],
) -> None:
    world = await new_world(db, stripe_api, gateway)
    for name, pick in steps:
        await world.step(name, pick)
        await world.check_every_step()
    await world.drain()
    await world.check_every_step()
    await world.check_settled()
