"""Counting Bot API requests, and naming an update's kind, for the shop's metrics."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from telegram import Update
from telegram._utils.types import ODVInput
from telegram.constants import UpdateType
from telegram.request import BaseRequest, RequestData

from bot.metrics import ShopMetrics

# Bot API methods are plain words (sendMessage); the token in the URL never reaches a label.
_METHOD_RE: Final = re.compile(r"[A-Za-z]{1,64}")
FILE_DOWNLOAD: Final = "file_download"
OTHER: Final = "other"
_UPDATE_KINDS: Final = tuple(str(kind) for kind in UpdateType)


class MeteredRequest(BaseRequest):
    """Any transport (aiohttp or httpx), each of its requests counted by method and outcome:
    every try, so a 429 that the rate limiter waits out and retries shows up as such."""

    __slots__ = ("_metrics", "_request")

    def __init__(self, request: BaseRequest, metrics: ShopMetrics) -> None:
        self._request = request
        self._metrics = metrics

    @property
    def read_timeout(self) -> float | None:
        return self._request.read_timeout

    async def initialize(self) -> None:
        await self._request.initialize()

    async def shutdown(self) -> None:
        await self._request.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        name = api_method(url, method)
        try:
            code, payload = await self._request.do_request(
                url,
                method,
                request_data=request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        except Exception:  # timed out, refused, reset: no answer from Telegram
            self._metrics.bot_api_requests.labels(name, "network_error").inc()
            raise
        self._metrics.bot_api_requests.labels(name, outcome(code)).inc()
        return code, payload


def api_method(url: str, http_method: str) -> str:
    """The Bot API method a request calls; file downloads (GET) are one kind of their own."""
    if http_method != "POST":
        return FILE_DOWNLOAD
    name = url.rpartition("/")[2]
    return name if _METHOD_RE.fullmatch(name) else OTHER


def outcome(status: int) -> str:
    if 200 <= status < 300:
        return "ok"
    if status == 429:
        return "rate_limited"
    if 400 <= status < 500:
        return "client_error"
    return "server_error"


def update_kind(update: object) -> str:
    """`message`, `callback_query`, `pre_checkout_query`…: the field the update carries."""
    if not isinstance(update, Update):
        return OTHER
    for kind in _UPDATE_KINDS:
        if getattr(update, kind, None) is not None:
            return kind
    return OTHER


def raw_update_kind(update: Mapping[str, Any]) -> str:
    """The same for an update as Telegram posts it to the webhook, before it is parsed."""
    for key in update:
        if key in _UPDATE_KINDS:
            return str(key)
    return OTHER
