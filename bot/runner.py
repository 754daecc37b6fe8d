"""Starting and stopping the shop: the bot, the web server beside it and the background jobs.

Used by `shopbot run`, by the offline console and by the end-to-end tests, so all three run the
bot the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import select
from telegram import Update
from telegram.error import NetworkError

from bot.app import ShopApplication, build_application
from bot.config import Settings
from bot.db import Database
from bot.db.migrate import upgrade_async
from bot.devtools.demo_catalog import seed_demo
from bot.jobs.background import BackgroundJobs
from bot.jobs.outbox_delivery import backlog as outbox_backlog
from bot.metrics import ShopMetrics
from bot.models import Product
from bot.payments.stripe_gateway import StripeGateway
from bot.services.search import CatalogSearch
from bot.web import (
    TELEGRAM_WEBHOOK_PATH,
    TelegramUpdateHandler,
    create_metrics_app,
    create_web_app,
    server_url,
    start_web_server,
    stop_web_server,
)
from bot.web.storefront import Storefront

log = logging.getLogger(__name__)

# Long-poll seconds: short enough that stopping the shop never hangs for long.
POLL_TIMEOUT_S = 2
# While Telegram can't be reached at start: the first wait, doubled each time up to the longest.
TELEGRAM_FIRST_RETRY_S = 1.0
TELEGRAM_LONGEST_RETRY_S = 60.0


class WebServerError(Exception):
    """The web server could not listen where it was told to."""


class ShopStopped(Exception):
    """Asked to stop before Telegram could be reached; everything started was closed."""


@contextlib.asynccontextmanager
async def running_shop(
    settings: Settings,
    database: Database,
    *,
    token: str | None = None,
    catalog: CatalogSearch | None = None,
    web: bool = False,
    jobs: bool = True,
    stop: asyncio.Event | None = None,
    first_retry_s: float = TELEGRAM_FIRST_RETRY_S,
) -> AsyncIterator[ShopApplication]:
    """The bot, receiving updates until the block ends, then stopped in order.

    `web` serves bot/web on WEB_HOST:WEB_PORT (its URL lands in `bot_data.web_url`); with
    WEBHOOK_URL set the bot always serves and takes its updates there instead of polling.
    The web server starts first, so Stripe's webhooks and /healthz work while Telegram can't
    be reached; reaching Telegram is retried with backoff until `stop` is set (ShopStopped).
    `jobs` runs outbox delivery and order expiry in the background; either way
    `bot_data.jobs` can run a round on demand, which is how tests drive them.
    With METRICS_ENABLED the shop keeps metrics of its own (`bot_data.metrics`), recorded
    into by `database` too while it runs, and served with the web server, or on
    METRICS_PORT (its URL in `bot_data.metrics_url`).
    """
    metrics = ShopMetrics() if settings.metrics_enabled else None
    application = build_application(
        settings, database, token=token, catalog=catalog, metrics=metrics
    )
    webhook_mode = settings.webhook_url is not None
    async with contextlib.AsyncExitStack() as stack:
        if metrics is not None:
            await _keep_metrics(stack, application, settings, database, metrics)
            if settings.metrics_port is None and not (web or webhook_mode):
                log.warning("no web server runs here to serve /metrics; set METRICS_PORT")
        elif settings.metrics_port is not None:
            log.warning("METRICS_PORT is set but METRICS_ENABLED is off: no metrics are served")
        gateway = _chat_gateway(settings)
        if gateway is not None:
            stack.push_async_callback(gateway.close)
        application.bot_data.stripe_gateway = gateway
        if web or webhook_mode:
            handler = _update_queuer(application) if webhook_mode else None
            storefront = _storefront(application, gateway)
            application.bot_data.web_url = await _serve_web(
                stack, settings, database, handler, metrics, storefront
            )
        # The bot's HTTP sessions open before it reaches Telegram: closed even if it never does.
        stack.push_async_callback(application.bot.shutdown)
        await _reach_telegram(application.initialize, stop, first_retry_s)
        stack.push_async_callback(application.shutdown)
        if application.post_init is not None:
            # run_polling calls post_init; we start the pieces ourselves, so we call it too.
            await application.post_init(application)
        await application.start()
        stack.push_async_callback(_stop_application, application)
        background = BackgroundJobs(application.bot, database, settings, stripe_gateway=gateway)
        application.bot_data.jobs = background
        if jobs:
            background.start()
            stack.push_async_callback(background.stop)
        if webhook_mode:
            await _reach_telegram(lambda: _set_webhook(application, settings), stop, first_retry_s)
        else:
            await _start_polling(stack, application)
        yield application


async def _reach_telegram(
    attempt: Callable[[], Awaitable[object]], stop: asyncio.Event | None, first_retry_s: float
) -> None:
    """`attempt` until Telegram answers, waiting longer each time. A refused token is not
    retried: no wait would change it."""
    delay = first_retry_s
    while True:
        try:
            await attempt()
            return
        except NetworkError as error:  # TimedOut too
            log.warning("Telegram cannot be reached (%s); trying again in %.0f s", error, delay)
        if stop is None:
            await asyncio.sleep(delay)
        else:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await stop.wait()
            if stop.is_set():
                raise ShopStopped
        delay = min(delay * 2, TELEGRAM_LONGEST_RETRY_S)


def _chat_gateway(settings: Settings) -> StripeGateway | None:
    """The Stripe client the chat creates Checkout Sessions with when Stripe takes payments, and
    removes saved cards with (also after the shop has moved to another provider)."""
    if settings.stripe_secret_key is None:
        return None
    # A missing STRIPE_WEBHOOK_SECRET is logged at start with the other checks (bot.doctor).
    return StripeGateway(
        secret_key=settings.stripe_secret_key.get_secret_value(),
        api_base=settings.stripe_api_base,
    )


def _storefront(application: ShopApplication, gateway: StripeGateway | None) -> Storefront:
    """The Mini App works with the chat's own objects: one catalogue index, one Stripe client."""
    data = application.bot_data
    assert data.db is not None and data.settings is not None and data.catalog is not None

    def wake_outbox() -> None:
        if data.jobs is not None:
            data.jobs.delivery.wake()

    return Storefront(data.db, data.settings, data.catalog, application.bot, gateway, wake_outbox)


async def _serve_web(
    stack: contextlib.AsyncExitStack,
    settings: Settings,
    database: Database,
    handler: TelegramUpdateHandler | None,
    metrics: ShopMetrics | None,
    storefront: Storefront,
) -> str:
    # No gateway is passed: the web app makes its own, with the short timeout a webhook needs.
    app = create_web_app(
        database=database,
        settings=settings,
        telegram_update_handler=handler,
        metrics=metrics,
        storefront=storefront,
    )
    return await _listen(stack, app, settings.web_host, settings.web_port)


async def _keep_metrics(
    stack: contextlib.AsyncExitStack,
    application: ShopApplication,
    settings: Settings,
    database: Database,
    metrics: ShopMetrics,
) -> None:
    """The database records into this shop's metrics while it runs (its transactions, and the
    orders they place, pay and cancel); the outbox is read at each scrape."""
    previous, database.metrics = database.metrics, metrics
    stack.callback(setattr, database, "metrics", previous)
    metrics.read_outbox_with(lambda: outbox_backlog(database))
    if settings.metrics_port is not None:
        application.bot_data.metrics_url = await _listen(
            stack, create_metrics_app(metrics), settings.web_host, settings.metrics_port
        )


async def _listen(
    stack: contextlib.AsyncExitStack, app: web.Application, host: str, port: int
) -> str:
    """Serves `app` until the stack closes; returns its base URL."""
    try:
        runner = await start_web_server(app, host, port)
    except OSError as error:
        reason = error.strerror or error
        raise WebServerError(f"cannot listen on {host}:{port}: {reason}") from error
    stack.push_async_callback(stop_web_server, runner)
    return server_url(runner)


def _update_queuer(application: ShopApplication) -> TelegramUpdateHandler:
    """Webhook updates join the same queue polling fills; the request is answered at once."""

    async def queue(data: dict[str, Any]) -> bool:
        if not application.running:  # still reaching Telegram, or stopping
            return False
        try:
            update = Update.de_json(data, application.bot)
        except Exception as error:  # malformed: answering an error would only make Telegram retry
            # Its kind only: the message of an error about a field may quote what a person wrote.
            log.warning(
                "dropped Telegram update %s: it could not be read (%s)",
                data.get("update_id"),
                type(error).__name__,
            )
            return True
        try:
            application.update_queue.put_nowait(update)
        except asyncio.QueueFull:  # the bot is far behind: Telegram keeps it and retries
            log.warning("update queue full; asking Telegram to deliver the update again later")
            return False
        return True

    return queue


async def _set_webhook(application: ShopApplication, settings: Settings) -> None:
    """Telegram then pushes updates to us. The webhook is left in place on shutdown: another
    instance may still be serving it."""
    assert settings.webhook_url is not None and settings.telegram_webhook_secret is not None
    await application.bot.set_webhook(
        url=settings.webhook_url + TELEGRAM_WEBHOOK_PATH,
        secret_token=settings.telegram_webhook_secret.get_secret_value(),
    )


async def _start_polling(stack: contextlib.AsyncExitStack, application: ShopApplication) -> None:
    """start_polling removes a webhook left by an earlier run first."""
    updater = application.updater
    assert updater is not None
    await updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT_S)

    async def stop() -> None:
        if updater.running:
            await updater.stop()

    stack.push_async_callback(stop)


async def _stop_application(application: ShopApplication) -> None:
    """Handles the updates already received, then stops."""
    if application.running:
        await application.stop()


async def prepare_database(database: Database, *, media_dir: Path) -> int:
    """Apply pending migrations; stock a shop that has no products yet with the demo catalogue
    (its pictures go to `media_dir`).

    Returns the number of demo products added (0 when the shop already had products).
    """
    await upgrade_async(database.url.render_as_string(hide_password=False))
    async with database.transaction() as session:
        if await session.scalar(select(Product.id).limit(1)) is not None:
            return 0
        return await seed_demo(session, media_dir=media_dir)


@contextlib.contextmanager
def on_stop_signals(callback: Callable[[], object]) -> Iterator[None]:
    """Ctrl-C and SIGTERM call `callback` instead of interrupting, so shutdown runs in order."""
    loop = asyncio.get_running_loop()
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    for number in stop_signals:
        loop.add_signal_handler(number, callback)
    try:
        yield
    finally:
        for number in stop_signals:
            loop.remove_signal_handler(number)
