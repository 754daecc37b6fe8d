"""The Mini App storefront: a page inside Telegram over the same shop as the chat."""

from __future__ import annotations

from aiohttp import web

from bot.web.storefront.api import STOREFRONT, Storefront, add_api_routes
from bot.web.storefront.pages import add_page_routes, security_headers
from bot.web.storefront.photos import add_photo_route

__all__ = ["STOREFRONT", "Storefront", "add_storefront", "security_headers"]


def add_storefront(app: web.Application, storefront: Storefront) -> None:
    app[STOREFRONT] = storefront
    add_api_routes(app)
    add_photo_route(app)
    add_page_routes(app)
