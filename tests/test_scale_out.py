"""Two shop instances in webhook mode behind one load balancer, sharing one database.

Telegram pushes every update to the balancer, which hands them to the instances in turn, so one
customer's checkout hops from instance to instance; Stripe's webhook reaches both. Nothing a
customer did may be lost or happen twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.app import ShopApplication
from bot.db import Database
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.models import (
    Order,
    OrderStatus,
    OutboxMessage,
    PaymentInformation,
    ProviderEvent,
    Size,
)
from bot.runner import running_shop
from bot.web import TELEGRAM_WEBHOOK_PATH
from tests.e2e.test_stripe_checkout_flow import check_out_two_hoodies, messages_with
from tests.fakes.stripe_shop import hoodie_for_ann, paid_event, post_event, stripe_settings

ANN = 42
SECRET = "scale-out_Secret1"
PAID_NOTICE = "We received €99.98 for order #1"


class RoundRobinBalancer:
    """A load balancer on loopback: each request goes to the next instance in turn."""

    def __init__(self) -> None:
        self.backends: list[str] = []
        self.served: list[int] = []  # which backend each update went to
        self._turn = itertools.count()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self.url = ""

    async def __aenter__(self) -> RoundRobinBalancer:
        app = web.Application()
        app.router.add_post(TELEGRAM_WEBHOOK_PATH, self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self._http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._http is not None and self._runner is not None
        await self._http.close()
        await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        backend = next(self._turn) % len(self.backends)
        self.served.append(backend)
        headers = {
            key: value
            for key, value in request.headers.items()
            if key.lower() in {"content-type", "x-telegram-bot-api-secret-token"}
        }
        url = self.backends[backend] + TELEGRAM_WEBHOOK_PATH
        async with self._http.post(url, data=await request.read(), headers=headers) as answer:
            return web.Response(status=answer.status, body=await answer.read())


@pytest.fixture
async def hoodie(db: Database) -> None:
    await hoodie_for_ann(db, telegram_id=ANN, stock=5)


@pytest.fixture
async def instances(
    emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> AsyncIterator[tuple[RoundRobinBalancer, list[ShopApplication]]]:
    """Two instances, each with its own connection pool, background jobs on, one database."""
    async with RoundRobinBalancer() as balancer, contextlib.AsyncExitStack() as stack:
        settings = stripe_settings(
            emulator, db, stripe_api, webhook_url=balancer.url, telegram_webhook_secret=SECRET
        )
        apps = []
        for _ in range(2):
            database = Database(db.url)
            stack.push_async_callback(database.dispose)
            app = await stack.enter_async_context(
                running_shop(settings, database, token=emulator.token)
            )
            assert app.bot_data.web_url is not None
            balancer.backends.append(app.bot_data.web_url)
            apps.append(app)
        yield balancer, apps


@pytest.mark.usefixtures("hoodie")
async def test_a_checkout_hopping_between_two_instances_is_paid_and_told_once(
    instances: tuple[RoundRobinBalancer, list[ShopApplication]],
    emulator: BotApiEmulator,
    db: Database,
) -> None:
    balancer, (first, second) = instances
    ann = emulator.user(ANN, "Ann")

    await check_out_two_hoodies(ann)
    async with db.reading() as session:
        order = (await session.scalars(select(Order))).one()
    event = paid_event(
        session_id=await _session_id(db), order_id=order.id, amount=9998, currency="EUR"
    )
    # Stripe retries reach both instances at once.
    statuses = await asyncio.gather(post_event(first, event), post_event(second, event))

    paid = await ann.next_message(timeout=10)
    assert PAID_NOTICE in paid.content
    await asyncio.sleep(2.5)  # both instances' delivery jobs have run again since
    assert list(statuses) == [200, 200]
    assert {0, 1} <= set(balancer.served), "the updates did not alternate"
    assert len(messages_with(ann, PAID_NOTICE)) == 1
    async with db.reading() as session:
        assert (await session.scalars(select(Order.status))).all() == [OrderStatus.PAID]
        assert await session.scalar(select(Size.stock)) == 3
        assert await session.scalar(select(func.count()).select_from(ProviderEvent)) == 1
        keys = (await session.scalars(select(OutboxMessage.key))).all()
    assert len(keys) == len(set(keys))


async def _session_id(db: Database) -> str:
    async with db.reading() as session:
        found = await session.scalar(select(PaymentInformation.stripe_checkout_session_id))
    assert found is not None
    return str(found)
