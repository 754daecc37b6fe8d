"""Fault injection: make the next calls of a method fail or stall, for resilience tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import ApiError

ANY_METHOD = "*"


@dataclass(frozen=True)
class Fault:
    """What an affected call does: wait `delay` seconds, then fail with `status` (if set)."""

    status: int | None = None
    description: str = ""
    retry_after: int | None = None
    delay: float = 0.0

    @classmethod
    def retry_after_seconds(cls, seconds: int) -> Fault:
        """429 Too Many Requests with parameters.retry_after; PTB raises RetryAfter."""
        return cls(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)

    @classmethod
    def server_error(cls, status: int = 500, description: str = "Internal Server Error") -> Fault:
        return cls(status, description)

    @classmethod
    def bad_request(cls, reason: str) -> Fault:
        return cls(400, f"Bad Request: {reason}")

    @classmethod
    def blocked_by_user(cls) -> Fault:
        """403 as Telegram answers when the user has blocked the bot; PTB raises Forbidden."""
        return cls(403, "Forbidden: bot was blocked by the user")

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Answers normally, but only after `seconds` (for timeout tests)."""
        return cls(delay=seconds)

    def error(self) -> ApiError | None:
        if self.status is None:
            return None
        parameters: dict[str, Any] | None = None
        if self.retry_after is not None:
            parameters = {"retry_after": self.retry_after}
        return ApiError(self.status, self.description, parameters=parameters)


@dataclass
class _Planned:
    method: str
    fault: Fault
    remaining: int


class FaultPlan:
    """Faults queued per method (lower-cased), used up in the order they were injected."""

    def __init__(self) -> None:
        self._planned: list[_Planned] = []

    def add(self, method: str, fault: Fault, times: int = 1) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        self._planned.append(_Planned(method.lower(), fault, times))

    def take(self, method: str) -> Fault | None:
        for planned in self._planned:
            if planned.method in (method.lower(), ANY_METHOD):
                planned.remaining -= 1
                if planned.remaining == 0:
                    self._planned.remove(planned)
                return planned.fault
        return None
