"""Everything the bot says to admins, kept apart from what customers read (bot.texts)."""

from __future__ import annotations

from collections.abc import Sequence

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


# ---------------------------------------------------------------- import and export


def import_reading(file_name: str) -> str:
    return f"⏳ Reading {esc(file_name)}…"


def import_progress(done: int, total: int) -> str:
    return f"⏳ Importing… {done:,} / {total:,} rows"


def imported(
    file_name: str, *, rows: int, created: int, updated: int, unchanged: int, categories: int
) -> str:
    lines = [
        f"✅ Imported {esc(file_name)}: {rows:,} rows.",
        f"New products: {created:,}",
        f"Updated: {updated:,}",
        f"Unchanged: {unchanged:,}",
    ]
    if categories:
        lines.append(f"New categories: {categories:,}")
    return "\n".join(lines)


def import_failed(reason: str) -> str:
    return f"❌ Nothing was imported.\n{esc(reason)}"


IMPORT_BROKE = "❌ The import stopped and nothing was imported."


def exported(products: int, rows: int) -> str:
    return (
        f"📦 The catalogue: {products:,} products in {rows:,} rows (one per size).\n"
        "Edit it and send it back with the caption /import."
    )


NOTHING_TO_EXPORT = "There are no products to export yet."
