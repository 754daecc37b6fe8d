"""Everything the bot says to admins, kept apart from what customers read (bot.texts)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.services.broadcast import Progress
from bot.texts import esc

# The order of the sections in /admin.
SECTIONS = ("Catalogue", "Import and export", "Orders", "Customers", "Reviews", "Shop", "Admins")


def admin_help(commands: Sequence[tuple[str, str, str]]) -> str:
    """(section, usage, summary) triples, grouped by section in SECTIONS order."""
    lines = ["🛠 <b>Admin commands</b>"]
    for section in sorted(dict.fromkeys(s for s, _, _ in commands), key=lambda s: _section_rank(s)):
        lines.append(f"\n<b>{esc(section)}</b>")
        lines += [
            f"<code>{esc(usage)}</code> — {esc(summary)}"
            for s, usage, summary in commands
            if s == section
        ]
    return "\n".join(lines)


def _section_rank(section: str) -> int:
    return SECTIONS.index(section) if section in SECTIONS else len(SECTIONS)


# ---------------------------------------------------------------- admins


def promoted(name: str, telegram_id: int) -> str:
    return f"✅ {esc(name)} (<code>{telegram_id}</code>) is now an admin."


def demoted(name: str, telegram_id: int) -> str:
    return f"✅ {esc(name)} (<code>{telegram_id}</code>) is no longer an admin."


# ---------------------------------------------------------------- broadcasts

BROADCAST_STARTING = "📣 Starting the broadcast…"
BROADCAST_TEXT_OR_REPLY = (
    "Send /broadcast with a text, or reply with just /broadcast to the message to copy; not both."
)


def broadcast_progress(broadcast_id: int, counts: Progress) -> str:
    return (
        f"📣 Broadcast #{broadcast_id}: {counts.done:,} of {counts.total:,} done…\n"
        f"{_outcomes(counts)}"
    )


def broadcast_finished(broadcast_id: int, counts: Progress) -> str:
    return f"✅ Broadcast #{broadcast_id} finished.\n{_outcomes(counts)}"


def _outcomes(counts: Progress) -> str:
    return (
        f"Sent: {counts.sent:,} · Blocked the bot: {counts.blocked:,} · Failed: {counts.failed:,}"
    )
