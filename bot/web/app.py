"""The aiohttp application: routes, shared state and the rule that no internals ever leak."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web
from sqlalchemy import text

from bot.config import Settings
from bot.db import Database
from bot.metrics import ShopMetrics
from bot.payments.stripe_gateway import StripeGateway
from bot.web.common import (
    DATABASE,
    GATEWAY,
    METRICS,
    SETTINGS,
    TELEGRAM_HANDLER,
    TelegramUpdateHandler,
    reply,
)
from bot.web.metrics import add_metrics_route
from bot.web.storefront import Storefront, add_storefront, security_headers
from bot.web.stripe_webhook import stripe_webhook
from bot.web.telegram_webhook import telegram_webhook

log = logging.getLogger(__name__)

STRIPE_WEBHOOK_PATH = "/webhooks/stripe"
TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram"
HEALTH_PATH = "/healthz"
HEALTH_TIMEOUT_S = 5.0


def create_web_app(
    *,
    database: Database,
    settings: Settings,
    telegram_update_handler: TelegramUpdateHandler | None = None,
    stripe_gateway: StripeGateway | None = None,
    metrics: ShopMetrics | None = None,
    storefront: Storefront | None = None,
) -> web.Application:
    """Without a gateway one is made from STRIPE_SECRET_KEY (and closed with the app); it is
    only used to look up a card the customer asked to save. With `metrics`, webhook requests
    are counted, and GET /metrics serves them unless METRICS_PORT does. With a storefront, the
    Mini App's page and API are served under /app."""
    app = web.Application(
        client_max_size=settings.max_webhook_body_bytes,
        middlewares=[_hide_internals, security_headers],
    )
    app[DATABASE] = database
    app[SETTINGS] = settings
    app[TELEGRAM_HANDLER] = telegram_update_handler
    app[GATEWAY] = stripe_gateway
    app[METRICS] = metrics
    if stripe_gateway is None and settings.stripe_secret_key is not None:
        app.cleanup_ctx.append(_own_gateway)
    app.router.add_post(STRIPE_WEBHOOK_PATH, stripe_webhook)
    app.router.add_post(TELEGRAM_WEBHOOK_PATH, telegram_webhook)
    app.router.add_get(HEALTH_PATH, healthz)
    if metrics is not None and settings.metrics_port is None:
        add_metrics_route(app, metrics)
    if storefront is not None:
        add_storefront(app, storefront)
    return app


async def _own_gateway(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    assert settings.stripe_secret_key is not None
    # Stripe waits for the webhook's answer: one quick try, and the card is not saved if it fails.
    gateway = StripeGateway(
        secret_key=settings.stripe_secret_key.get_secret_value(),
        api_base=settings.stripe_api_base,
        max_network_retries=0,
        timeout_s=5.0,
    )
    app[GATEWAY] = gateway
    yield
    await gateway.close()


@web.middleware
async def _hide_internals(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """A crash is logged in full and answered with a generic 500, which providers retry."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return reply(500, error="internal error")


async def healthz(request: web.Request) -> web.Response:
    """200 while the database answers; 503 tells a load balancer to look elsewhere."""
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_S):
            async with request.app[DATABASE].reading() as session:
                await session.execute(text("SELECT 1"))
    except Exception as error:  # any failure at all means "not healthy"
        log.warning("health check failed: %r", error)
        return reply(503, status="unavailable")
    return reply(200, status="ok")
