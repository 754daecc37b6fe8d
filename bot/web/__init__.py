"""The shop's HTTP side: provider webhooks and a health check, served beside the bot."""

from bot.web.app import (
    HEALTH_PATH,
    STRIPE_WEBHOOK_PATH,
    TELEGRAM_WEBHOOK_PATH,
    create_web_app,
)
from bot.web.common import TelegramUpdateHandler
from bot.web.metrics import METRICS_PATH, create_metrics_app
from bot.web.server import server_url, start_web_server, stop_web_server

__all__ = [
    "HEALTH_PATH",
    "METRICS_PATH",
    "STRIPE_WEBHOOK_PATH",
    "TELEGRAM_WEBHOOK_PATH",
    "TelegramUpdateHandler",
    "create_metrics_app",
    "create_web_app",
    "server_url",
    "start_web_server",
    "stop_web_server",
]
