"""Prometheus metrics, scraped over loopback HTTP from a running shop.

A customer browses, fills a cart, checks out and pays through Stripe's signed webhook, and the
scrapes before and after show what moved; nothing in a label names a person, a chat or an
order. Off, there is no /metrics at all; with METRICS_PORT they have a port of their own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from bot.app import ShopApplication
from bot.config import Settings
from bot.db import Database
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.faults import Fault
from bot.jobs.background import BackgroundJobs
from bot.metrics import ShopMetrics
from bot.models import OrderStatus
from bot.runner import running_shop
from bot.services import order as order_service
from bot.usecases import orders
from bot.usecases.customers import Sender
from bot.web import METRICS_PATH, TELEGRAM_WEBHOOK_PATH
from tests.conftest import shop_settings
from tests.e2e.test_stripe_checkout_flow import check_out_two_hoodies
from tests.fakes.orders import place_order
from tests.fakes.stripe_shop import hoodie_for_ann, paid_event, post_event, stripe_settings
from tests.test_scale_out import RoundRobinBalancer

ANN = 424_242
ADMIN = 737_373
SECRET = "metrics_Secret1"
# Every label the shop uses; `le` is a histogram's bucket.
LABELS = {"kind", "outcome", "method", "provider", "type", "currency", "le"}


@dataclass(frozen=True)
class Scrape:
    text: str
    samples: tuple[Sample, ...]

    def value(self, name: str, **labels: str) -> float:
        """The sum of the samples of `name` whose labels include these."""
        return sum(
            sample.value
            for sample in self.samples
            if sample.name == name and labels.items() <= sample.labels.items()
        )

    def names(self) -> set[str]:
        return {sample.name for sample in self.samples}


async def scrape(base_url: str) -> Scrape:
    async with aiohttp.ClientSession() as http, http.get(base_url + METRICS_PATH) as response:
        assert response.status == 200, await response.text()
        assert response.content_type == "text/plain"
        text = await response.text()
    samples = tuple(
        sample for family in text_string_to_metric_families(text) for sample in family.samples
    )
    return Scrape(text, samples)


async def status_of(url: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status


async def settled(base_url: str, ready: Callable[[Scrape], bool], within_s: float = 5.0) -> Scrape:
    """A scrape once `ready` holds: an update is counted as its handler returns, which may be a
    moment after the customer has read its reply."""
    deadline = time.monotonic() + within_s
    while True:
        found = await scrape(base_url)
        if ready(found) or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.05)


def moved(before: Scrape, after: Scrape, name: str, **labels: str) -> float:
    return after.value(name, **labels) - before.value(name, **labels)


def web_url(app: ShopApplication) -> str:
    assert app.bot_data.web_url is not None
    return app.bot_data.web_url


def jobs(app: ShopApplication) -> BackgroundJobs:
    assert app.bot_data.jobs is not None
    return app.bot_data.jobs


@pytest.fixture
async def metered_shop(
    emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> AsyncIterator[ShopApplication]:
    """Stripe through the fake, the web server on loopback, metrics on; jobs run on demand."""
    settings = stripe_settings(emulator, db, stripe_api, admin_ids=[ADMIN], metrics_enabled=True)
    async with running_shop(settings, db, token=emulator.token, web=True, jobs=False) as app:
        yield app


# The journey


async def test_a_paid_checkout_moves_the_counters_and_names_nobody(
    metered_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    await hoodie_for_ann(db, telegram_id=ANN, stock=5)
    url = web_url(metered_shop)
    ann = emulator.user(ANN, "Ann")
    emulator.user(ADMIN, "Boss")  # the admin's chat, told of the payment
    before = await scrape(url)

    await check_out_two_hoodies(ann)  # 2 messages (/start, "hoodie"), 7 buttons
    [session_id] = stripe_api.sessions
    event = paid_event(session_id=session_id, order_id=1, amount=9998, currency="EUR")
    assert await post_event(metered_shop, event) == 200
    assert await post_event(metered_shop, event) == 200  # Stripe delivers it again
    waiting = await scrape(url)
    assert await jobs(metered_shop).deliver_now() == 2
    after = await settled(
        url,
        lambda now: moved(before, now, "shopbot_updates_total", kind="callback_query") == 7,
    )

    def delta(name: str, **labels: str) -> float:
        return moved(before, after, name, **labels)

    assert delta("shopbot_updates_total", kind="message", outcome="ok") == 2
    assert delta("shopbot_updates_total", kind="callback_query", outcome="ok") == 7
    assert delta("shopbot_updates_total", outcome="error") == 0
    assert delta("shopbot_update_handling_seconds_count", kind="message") == 2
    assert delta("shopbot_update_handling_seconds_count", kind="callback_query") == 7
    assert delta("shopbot_bot_api_requests_total", method="getUpdates", outcome="ok") >= 1
    assert delta("shopbot_bot_api_requests_total", method="answerCallbackQuery") >= 7
    assert delta("shopbot_bot_api_requests_total", method="sendMessage", outcome="ok") >= 5
    assert delta("shopbot_bot_api_requests_total") == delta(
        "shopbot_bot_api_requests_total", outcome="ok"
    )
    completed = {"provider": "stripe", "type": "checkout.session.completed"}
    assert delta("shopbot_webhook_events_total", **completed, outcome="paid") == 1
    assert delta("shopbot_webhook_events_total", **completed, outcome="duplicate") == 1
    assert delta("shopbot_orders_placed_total", currency="EUR") == 1
    assert delta("shopbot_orders_paid_total", currency="EUR") == 1
    assert delta("shopbot_orders_cancelled_total") == 0
    assert delta("shopbot_revenue_minor_units_total", currency="EUR") == 9998
    assert delta("shopbot_search_seconds_count") >= 1
    assert delta("shopbot_db_transaction_seconds_count", kind="write") >= 9
    assert delta("shopbot_db_transaction_seconds_count", kind="read") >= 1
    # The customer's and the admin's "paid" notices waited in the outbox until delivered.
    assert waiting.value("shopbot_outbox_pending_messages") == 2
    assert waiting.value("shopbot_outbox_oldest_pending_age_seconds") >= 0
    assert after.value("shopbot_outbox_pending_messages") == 0
    assert after.value("shopbot_outbox_oldest_pending_age_seconds") == 0
    assert_names_nobody(after, secrets=(emulator.token, session_id, str(ANN), str(ADMIN)))


def assert_names_nobody(found: Scrape, *, secrets: tuple[str, ...]) -> None:
    labels = [(name, value) for sample in found.samples for name, value in sample.labels.items()]
    assert {name for name, _ in labels} <= LABELS
    assert [value for name, value in labels if name != "le" and value.isdigit()] == []
    for secret in secrets:
        assert secret not in found.text


async def test_every_family_is_exposed_with_its_help(
    metered_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(ANN, "Ann")
    await ann.send("/start")
    await ann.next_message()

    found = await settled(web_url(metered_shop), lambda now: now.value("shopbot_updates_total") > 0)

    families = {family.name for family in text_string_to_metric_families(found.text)}
    assert {
        "shopbot_updates",
        "shopbot_update_handling_seconds",
        "shopbot_bot_api_requests",
        "shopbot_db_transaction_seconds",
        "shopbot_outbox_pending_messages",
        "shopbot_outbox_oldest_pending_age_seconds",
    } <= families
    assert "# HELP shopbot_revenue_minor_units_total " in found.text
    assert "minor units" in found.text
    assert "python_gc_objects_collected_total" not in found.text  # not the global registry


# Failures count as such


async def test_a_failed_update_and_telegrams_refusals_are_counted(
    metered_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    url = web_url(metered_shop)
    ann = emulator.user(ANN, "Ann")
    before = await scrape(url)

    emulator.inject("sendMessage", Fault.bad_request("chat not found"))
    await ann.send("/start")
    apology = await ann.next_message()  # the error handler's, once /start's reply failed
    emulator.inject("sendMessage", Fault.retry_after_seconds(1))
    await ann.send("/start")
    greeting = await ann.next_message()  # sent again after the wait
    after = await settled(url, lambda now: moved(before, now, "shopbot_updates_total") == 2)

    assert "Hello, Ann!" not in apology.content
    assert "Hello, Ann!" in greeting.content
    assert moved(before, after, "shopbot_updates_total", kind="message", outcome="error") == 1
    assert moved(before, after, "shopbot_updates_total", kind="message", outcome="ok") == 1
    send = {"method": "sendMessage"}
    assert (
        moved(before, after, "shopbot_bot_api_requests_total", **send, outcome="client_error") == 1
    )
    assert (
        moved(before, after, "shopbot_bot_api_requests_total", **send, outcome="rate_limited") == 1
    )
    assert moved(before, after, "shopbot_bot_api_requests_total", **send, outcome="ok") == 2


async def test_refused_stripe_webhooks_are_counted_without_their_claimed_type(
    metered_shop: ShopApplication,
) -> None:
    url = web_url(metered_shop)
    before = await scrape(url)
    forged = paid_event(session_id="cs_forged", order_id=1, amount=100, currency="EUR")

    assert await post_event(metered_shop, forged, secret="whsec_someone_else") == 400
    assert await post_event(metered_shop, forged) == 200  # signed, for a page we never made
    after = await scrape(url)

    stripe = {"provider": "stripe"}
    assert moved(before, after, "shopbot_webhook_events_total", **stripe, type="unknown") == 1
    assert (
        moved(
            before,
            after,
            "shopbot_webhook_events_total",
            **stripe,
            type="checkout.session.completed",
            outcome="unknown_session",
        )
        == 1
    )
    assert moved(before, after, "shopbot_webhook_events_total", outcome="bad_signature") == 1


# Telegram's webhook


async def test_telegram_webhook_updates_are_counted_by_kind_and_outcome(
    emulator: BotApiEmulator, db: Database
) -> None:
    async with RoundRobinBalancer() as balancer:
        settings = shop_settings(
            emulator,
            db,
            metrics_enabled=True,
            web_port=0,
            webhook_url=balancer.url,
            telegram_webhook_secret=SECRET,
        )
        async with running_shop(settings, db, token=emulator.token, jobs=False) as app:
            url = web_url(app)
            balancer.backends.append(url)
            ann = emulator.user(ANN, "Ann")
            await ann.send("/start")
            await ann.next_message()
            assert await status_of_post(url + TELEGRAM_WEBHOOK_PATH) == 403

            found = await settled(url, lambda now: now.value("shopbot_updates_total") == 1)

    telegram = {"provider": "telegram"}
    accepted = {"type": "message", "outcome": "accepted"}
    assert found.value("shopbot_webhook_events_total", **telegram, **accepted) == 1
    refused = {"type": "unknown", "outcome": "forbidden"}
    assert found.value("shopbot_webhook_events_total", **telegram, **refused) == 1
    assert found.value("shopbot_updates_total", kind="message", outcome="ok") == 1
    assert found.value("shopbot_bot_api_requests_total", method="setWebhook", outcome="ok") == 1
    assert found.value("shopbot_bot_api_requests_total", method="getUpdates") == 0


async def status_of_post(url: str) -> int:
    async with aiohttp.ClientSession() as http, http.post(url, json={"update_id": 1}) as response:
        return response.status


# Where they are served, if at all


async def test_with_metrics_off_there_is_no_metrics_route(
    emulator: BotApiEmulator, db: Database
) -> None:
    settings = shop_settings(emulator, db, web_port=0)
    async with running_shop(settings, db, token=emulator.token, web=True, jobs=False) as app:
        assert await status_of(web_url(app) + METRICS_PATH) == 404
        assert app.bot_data.metrics is None
        assert app.bot_data.metrics_url is None
        assert db.metrics is None


async def test_metrics_port_serves_them_on_their_own_port_and_only_there(
    emulator: BotApiEmulator, db: Database
) -> None:
    settings = shop_settings(emulator, db, web_port=0, metrics_enabled=True, metrics_port=0)
    async with running_shop(settings, db, token=emulator.token, web=True, jobs=False) as app:
        metrics_url = app.bot_data.metrics_url
        assert metrics_url is not None and metrics_url != web_url(app)
        assert metrics_url.startswith("http://127.0.0.1:")  # WEB_HOST
        found = await scrape(metrics_url)
        assert await status_of(web_url(app) + METRICS_PATH) == 404
        assert db.metrics is app.bot_data.metrics

    assert found.value("shopbot_bot_api_requests_total", method="getMe", outcome="ok") >= 1
    assert db.metrics is None  # the database no longer records into the stopped shop's metrics
    with pytest.raises(aiohttp.ClientConnectionError):
        await status_of(metrics_url + METRICS_PATH)


def test_metrics_are_off_by_default_and_their_port_must_differ_from_the_web_port() -> None:
    assert Settings(_env_file=None).metrics_enabled is False  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="METRICS_PORT must differ from WEB_PORT"):
        Settings(_env_file=None, web_port=9100, metrics_enabled=True, metrics_port=9100)  # type: ignore[call-arg]
    unset = Settings(_env_file=None, metrics_port="")  # type: ignore[call-arg, arg-type]
    assert unset.metrics_port is None


# Orders count once their change commits


async def test_orders_are_counted_only_when_their_change_commits(db: Database) -> None:
    metrics = ShopMetrics()
    db.metrics = metrics
    placed = await place_order(db)
    customer = Sender(placed.telegram_id, "Ann")

    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await order_service.transition(
                session, order_id=placed.order_id, to=OrderStatus.CANCELLED, actor="system"
            )
            raise RuntimeError("rolled back")
    rolled_back = value(metrics, "shopbot_orders_cancelled_total", currency="EUR")
    await orders.cancel_unpaid_order(db, sender=customer, order_id=placed.order_id)

    assert value(metrics, "shopbot_orders_placed_total", currency="EUR") == 1
    assert rolled_back == 0
    assert value(metrics, "shopbot_orders_cancelled_total", currency="EUR") == 1
    assert value(metrics, "shopbot_db_transaction_seconds_count", kind="write") == 3
    assert ShopMetrics().registry.get_sample_value("shopbot_orders_placed_total") is None


def value(metrics: ShopMetrics, name: str, **labels: str) -> float:
    found = metrics.registry.get_sample_value(name, labels)
    return 0.0 if found is None else found
