"""What `shopbot backup` and `shopbot restore` print: plain terminal text, in the language of
the terminal (its locale) when the shop speaks it, else the shop's DEFAULT_LANGUAGE.

Their refusals are domain errors, worded in bot.texts.errors; /backup's words are admin texts.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.units import format_unit

from bot.languages import SOURCE
from bot.texts.i18n import N_, _, current_language, negotiate, translated_constant
from bot.usecases.backups import Restored

# `shopbot --help`: read through _() when the parser is built.
BACKUP_SUMMARY = N_(
    "copy the SQLite database, consistently, while the shop runs "
    "(on PostgreSQL: print the pg_dump command to run)"
)
BACKUP_PATH = N_(
    "a file or folder to write the copy to (default: a timestamped file in BACKUP_DIR)"
)
RESTORE_SUMMARY = N_(
    "replace the SQLite database with a backup while the shop is stopped, "
    "keeping the current one beside it; an older backup is migrated"
)
RESTORE_PATH = N_("the backup file to restore")


def __getattr__(name: str) -> str:
    """`backups.RESTORING` is `_RESTORING` translated for the current reader."""
    return translated_constant(globals(), name)


def terminal_language(default: str = SOURCE) -> str:
    """The locale's language (LC_ALL, else LC_MESSAGES, else LANG, as gettext reads them) when
    the shop has it, else `default`."""
    locale = next(
        (os.environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(name)),
        None,
    )
    return negotiate(chosen=None, telegram=locale, default=default)


def file_size(size: int) -> str:
    """1.2 MB, 1,2 MB, 1,2 МБ: decimal units, written the reader's way."""
    for unit, scale in (("gigabyte", 10**9), ("megabyte", 10**6), ("kilobyte", 10**3)):
        if size >= scale:
            return format_unit(
                size / scale,
                f"digital-{unit}",
                length="short",
                format="#,##0.#",
                locale=current_language(),
            )
    return format_unit(size, "digital-byte", length="short", locale=current_language())


def backup_written(path: Path, size: int) -> str:
    return _("Backup written to {path} ({size}).").format(path=path, size=file_size(size))


def pg_dump(command: str) -> str:
    explanation = _(
        "The database is PostgreSQL, which shopbot doesn't copy itself: pg_dump makes a "
        "consistent backup while the shop runs (pg_restore puts it back). Nothing was written; "
        "run this, with the password in PGPASSWORD or ~/.pgpass:"
    )
    return f"{explanation}\n{command}"


def restored(backup: Path, done: Restored) -> str:
    lines = [_("Restored {backup} into {database}.").format(backup=backup, database=done.database)]
    if done.migrated:
        lines.append(
            _("The backup's schema was migrated from {revision} to {head}.").format(
                revision=done.revision, head=done.head
            )
        )
    if done.side_copy is None:
        lines.append(_("There was no database there before."))
    else:
        kept = _("The database it replaced is kept as {side_copy}.")
        lines.append(kept.format(side_copy=done.side_copy))
    return "\n".join(lines)


_RESTORING = N_(
    "The database is being restored (shopbot restore): try again when that has finished."
)
_NOTHING_CHANGED = N_("Nothing was changed.")
