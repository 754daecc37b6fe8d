"""What a check found: how it went and a code with its parameters, never words.

bot/texts/doctor.py puts a finding into words (with the fix to apply) in the reader's
language, so `shopbot doctor` speaks DEFAULT_LANGUAGE while `shopbot run` logs in English.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"  # the shop runs, but something a merchant wants is missing
    FAILURE = "failure"  # the shop won't start, or won't work as configured


Param = str | int


@dataclass(frozen=True, slots=True)
class Finding:
    status: Status
    code: str  # "<check>.<what>": the check is the part before the dot
    params: dict[str, Param] = field(default_factory=dict)

    @property
    def check(self) -> str:
        return self.code.split(".", 1)[0]


def ok(code: str, **params: Param) -> Finding:
    return Finding(Status.OK, code, params)


def warning(code: str, **params: Param) -> Finding:
    return Finding(Status.WARNING, code, params)


def failure(code: str, **params: Param) -> Finding:
    return Finding(Status.FAILURE, code, params)


def failed(findings: Iterable[Finding]) -> bool:
    """Whether `shopbot doctor` exits non-zero: warnings alone never make it."""
    return any(finding.status is Status.FAILURE for finding in findings)
