"""Reading and writing outbox notices in tests: the words a row will be sent with."""

from __future__ import annotations

from bot.models import OutboxMessage
from bot.services.outbox import Notice
from bot.texts.notices import LEGACY_TEXT, render_notice


def text_of(row: OutboxMessage) -> str:
    """What the sender will send for this row, rendered as it would be."""
    return render_notice(row.message_key, row.params)[0]


def verbatim(text: str) -> Notice:
    """A notice whose words are given: for tests about delivery, not about what is said."""
    return Notice(LEGACY_TEXT, {"text": text})
