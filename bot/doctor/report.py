"""Findings put into words: lines for `shopbot doctor` in the reader's language, log records in
English for `shopbot run`."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.doctor.findings import Finding, Status
from bot.languages import SOURCE
from bot.texts import doctor as doctor_texts
from bot.texts.i18n import using_language

log = logging.getLogger(__name__)

ICONS = {Status.OK: "✅", Status.WARNING: "⚠️", Status.FAILURE: "❌"}
_LEVELS = {Status.WARNING: logging.WARNING, Status.FAILURE: logging.ERROR}


def report(findings: Sequence[Finding]) -> str:
    """A line per finding, each problem followed by its fix, then the verdict."""
    lines = []
    for finding in findings:
        label = doctor_texts.label(finding.check)
        message, fix = doctor_texts.describe(finding.code, finding.params)
        lines.append(f"{ICONS[finding.status]} {label}: {message}")
        if fix and finding.status is not Status.OK:
            lines.append(f"   → {fix}")
    count = {status: sum(f.status is status for f in findings) for status in Status}
    lines.append(
        doctor_texts.verdict(
            checks=len(findings), warnings=count[Status.WARNING], failures=count[Status.FAILURE]
        )
    )
    return "\n".join(lines)


def log_findings(findings: Sequence[Finding]) -> None:
    """Warnings and failures, one record each; log lines are always English."""
    with using_language(SOURCE):
        for finding in findings:
            if finding.status is Status.OK:
                continue
            label = doctor_texts.label(finding.check)
            message, fix = doctor_texts.describe(finding.code, finding.params)
            log.log(_LEVELS[finding.status], "Configuration: %s: %s Fix: %s", label, message, fix)
        problems = sum(finding.status is not Status.OK for finding in findings)
        if not problems:
            log.info("Configuration: all %d checks passed.", len(findings))
