"""The storefront's page and its static files, sent with headers that allow only what the page
needs: its own scripts and styles, Telegram's script, pictures, and calls to its own API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE_PATH = "/app/"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' https://telegram.org",
        "style-src 'self'",
        "img-src 'self' https: data:",
        "connect-src 'self'",
        "frame-ancestors https://web.telegram.org https://*.telegram.org",
        "base-uri 'none'",
        "form-action 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def add_page_routes(app: web.Application) -> None:
    app.router.add_get("/app", _to_page)
    app.router.add_get(PAGE_PATH, _page)
    app.router.add_static("/app/static/", STATIC_DIR, follow_symlinks=False)


@web.middleware
async def security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """On everything under /app, errors included."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        if request.path.startswith("/app"):
            error.headers.update(SECURITY_HEADERS)
        raise
    if request.path.startswith("/app"):
        response.headers.update(SECURITY_HEADERS)
    return response


async def _to_page(request: web.Request) -> web.Response:
    raise web.HTTPPermanentRedirect(PAGE_PATH)


async def _page(request: web.Request) -> web.FileResponse:
    # Revalidated each time: a new release's page must reach customers at once.
    return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})
