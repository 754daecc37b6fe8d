"""GET /metrics: the shop's Prometheus metrics, on the web server or on a port of their own."""

from __future__ import annotations

from aiohttp import web
from prometheus_client.aiohttp import make_aiohttp_handler

from bot.metrics import ShopMetrics
from bot.web.common import METRICS

METRICS_PATH = "/metrics"


def add_metrics_route(app: web.Application, metrics: ShopMetrics) -> None:
    """prometheus_client's own handler (the text format, or OpenMetrics when asked for), after
    the figures read at scrape time are read."""
    render = make_aiohttp_handler(metrics.registry)

    async def serve_metrics(request: web.Request) -> web.StreamResponse:
        await metrics.refresh()
        return await render(request)

    app.router.add_get(METRICS_PATH, serve_metrics)


def create_metrics_app(metrics: ShopMetrics) -> web.Application:
    """Only /metrics, for METRICS_PORT."""
    app = web.Application()
    app[METRICS] = metrics
    add_metrics_route(app, metrics)
    return app
