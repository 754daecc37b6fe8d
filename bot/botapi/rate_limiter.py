"""Outgoing Bot API calls: Telegram's flood control, and its brief failures, waited out.

AIORateLimiter keeps the bot inside Telegram's rate limits and retries after a 429's
retry_after. Telegram also fails now and then with a 5xx, or the connection drops before a
request was sent; those requests are tried again after a short pause, so a customer gets the
reply rather than an apology. A request that timed out is not: Telegram may have carried it
out, and sending it again would show the customer the same message twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

# Seconds to wait before each further try; Telegram's hiccups are usually over by then.
PAUSES_S = (0.25, 1.0)


class ShopRateLimiter(AIORateLimiter):
    """AIORateLimiter that also tries again after a 5xx or a connection that failed."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        for pause in (*PAUSES_S, None):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except (BadRequest, TimedOut):  # our mistake, or maybe done already: never again
                raise
            except NetworkError as error:
                if pause is None:
                    raise
                log.info("%s failed (%s); trying again in %s s", endpoint, error, pause)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable: the last try returns or raises")
