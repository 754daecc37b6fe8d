"""GET /app/photos/<product id>[/<position>]: a product's cover, or another of its photos.

A picture in the shop's media directory is sent from there; one kept as a Telegram file id is
fetched from Telegram once (getFile), cached on disk and sent from the cache after that; a web
address is where the browser is sent. Only products on sale have their picture shown.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from aiohttp import web
from telegram.error import TelegramError

from bot.services.errors import NotFound
from bot.services.product_photo import parse
from bot.usecases import catalog
from bot.web.storefront.api import STOREFRONT, Storefront

CACHE_FOLDER = "storefront-cache"
CACHE_CONTROL = "public, max-age=86400"


def add_photo_route(app: web.Application) -> None:
    app.router.add_get("/app/photos/{id:\\d{1,10}}", product_photo)
    app.router.add_get("/app/photos/{id:\\d{1,10}}/{at:\\d{1,2}}", product_photo)


async def product_photo(request: web.Request) -> web.StreamResponse:
    shop = request.app[STOREFRONT]
    try:
        card = await catalog.product_card(shop.db, product_id=int(request.match_info["id"]))
    except NotFound:
        raise web.HTTPNotFound() from None
    at = int(request.match_info.get("at", "0"))
    if at >= len(card.photos):
        raise web.HTTPNotFound()
    stored = parse(card.photos[at])
    if stored.media is not None:
        path = shop.settings.media_path / stored.media
        if path.is_file():
            return _file(path)
    if stored.file_id is None:
        raise web.HTTPNotFound()
    if stored.file_id.startswith(("https://", "http://")):
        raise web.HTTPFound(stored.file_id)
    return _file(await _cached(shop, stored.file_id))


def _file(path: Path) -> web.FileResponse:
    return web.FileResponse(path, headers={"Cache-Control": CACHE_CONTROL})


async def _cached(shop: Storefront, file_id: str) -> Path:
    name = hashlib.sha256(file_id.encode()).hexdigest()[:40]
    path = shop.settings.media_path / CACHE_FOLDER / name
    if path.is_file():
        return path
    try:
        telegram_file = await shop.bot.get_file(file_id)
        content = await telegram_file.download_as_bytearray()
    except TelegramError:
        raise web.HTTPNotFound() from None
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside, then renamed: two requests for one picture never see half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temporary, path)
    return path
