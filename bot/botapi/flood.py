"""Per-chat flood control: a token bucket for each chat, so one chat sending hundreds of
updates a second can't take the shop's time from everyone else.

Each chat may send `burst` updates at once and `per_second` on average after that; a person
tapping and typing never comes near it. Past it updates are dropped, and the chat is told
once per flood (the caller decides how). Buckets of chats that have gone quiet are forgotten,
so memory stays bounded however many chats write.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

# Buckets kept before quiet ones are swept; a full bucket is as good as no bucket.
SWEEP_AT = 10_000


class Verdict(enum.Enum):
    ALLOW = "allow"
    DROP_AND_WARN = "drop_and_warn"  # the first update dropped in this flood: say so, once
    DROP = "drop"


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class FloodGate:
    def __init__(
        self, *, burst: int, per_second: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """`per_second` 0 turns flood control off."""
        self.burst = burst
        self.per_second = per_second
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}

    @property
    def enabled(self) -> bool:
        return self.per_second > 0 and self.burst > 0

    def admit(self, chat_id: int) -> Verdict:
        if not self.enabled:
            return Verdict.ALLOW
        now = self._clock()
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            if len(self._buckets) >= SWEEP_AT:
                self._sweep(now)
            bucket = self._buckets[chat_id] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.per_second)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return Verdict.ALLOW
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.DROP_AND_WARN

    @property
    def tracked(self) -> int:
        return len(self._buckets)

    def _sweep(self, now: float) -> None:
        """Forget chats whose bucket has refilled: they are as if never seen."""
        refill_s = self.burst / self.per_second
        self._buckets = {
            chat: bucket for chat, bucket in self._buckets.items() if now - bucket.at < refill_s
        }
