"""Backups of the shop's database: taken while it runs, sent to an owner, kept daily, and put
back with the shop stopped.

On SQLite the shop copies its own file (bot.db.backup); PostgreSQL is backed up by its own
tool, pg_dump, and the shop only says how. The file work blocks, so it runs in a thread.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from bot.db import Database
from bot.db import backup as backups
from bot.db.lock import DatabaseBusy, holding_file, sqlite_file
from bot.db.migrate import head_revisions, known_revisions, upgrade
from bot.models import utcnow
from bot.services import admin
from bot.services.errors import InvalidInput, NotAllowed, NotFound

log = logging.getLogger(__name__)

# The largest file a bot may send (Telegram's Bot API, in bytes).
TELEGRAM_UPLOAD_LIMIT = 50_000_000
MEGABYTE = 1_000_000


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d-%H%M%S")


def backup_name(database: Path, moment: datetime) -> str:
    """shop-20261205-143000.db for shop.db, at that moment (UTC)."""
    return f"{database.stem}-{_stamp(moment)}{database.suffix or '.db'}"


# ---------------------------------------------------------------- shopbot backup


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    size: int  # bytes


@dataclass(frozen=True, slots=True)
class PgDump:
    """PostgreSQL: nothing was made; this command makes the backup (no password in it)."""

    command: tuple[str, ...]


async def take_backup(
    database_url: str | URL,
    *,
    backup_dir: Path,
    target: Path | None = None,
    now: datetime | None = None,
) -> Backup | PgDump:
    """A copy of the SQLite database at `target` (a file, or a folder to put a timestamped one
    in), by default in `backup_dir`; an existing file is never overwritten."""
    url, moment = make_url(database_url), now or utcnow()
    database = sqlite_file(url)
    if database is None:
        file = await asyncio.to_thread(_dump_file, url, backup_dir, target, moment)
        return PgDump(_pg_dump(url, file))
    return await asyncio.to_thread(_take, database, backup_dir, target, moment)


def _take(database: Path, backup_dir: Path, target: Path | None, moment: datetime) -> Backup:
    if not database.is_file():
        raise NotFound("backup.no_database", path=str(database))
    if target is None or target.is_dir():
        target = (target or backup_dir) / backup_name(database, moment)
    if target.exists():
        raise InvalidInput("backup.exists", path=str(target))
    return Backup(target, backups.copy_database(database, target))


def _dump_file(url: URL, backup_dir: Path, target: Path | None, moment: datetime) -> Path:
    if target is not None and not target.is_dir():
        return target
    return (target or backup_dir) / f"{url.database}-{_stamp(moment)}.dump"


def _pg_dump(url: URL, file: Path) -> tuple[str, ...]:
    """pg_dump's own format, which pg_restore reads; the password is left to PGPASSWORD or
    ~/.pgpass, so it never lands in a shell history or on a screen."""
    command = ["pg_dump", "--format=custom", f"--file={file}"]
    if url.host:
        command.append(f"--host={url.host}")
    if url.port:
        command.append(f"--port={url.port}")
    if url.username:
        command.append(f"--username={url.username}")
    command.append(f"--dbname={url.database}")
    return tuple(command)


# ---------------------------------------------------------------- shopbot restore


@dataclass(frozen=True, slots=True)
class Restored:
    database: Path
    side_copy: Path | None  # the database it replaced; None when there was none
    revision: str  # the backup's schema version
    head: str  # the schema now: the backup was migrated when the two differ

    @property
    def migrated(self) -> bool:
        return self.revision != self.head


async def restore_backup(
    database_url: str | URL, *, backup: Path, now: datetime | None = None
) -> Restored:
    """The SQLite database replaced by `backup`, once it is found to be a sound database of
    this shop, migrated to this code's schema. Refused while anything has the database open
    (bot.db.lock); the database it replaces is kept beside it first."""
    database = sqlite_file(database_url)
    if database is None:
        raise NotAllowed("restore.postgresql")
    side_copy = database.with_name(
        f"{database.stem}-before-restore-{_stamp(now or utcnow())}{database.suffix or '.db'}"
    )
    return await asyncio.to_thread(_restore, backup, database, side_copy)


def _restore(backup: Path, database: Path, side_copy: Path) -> Restored:
    if not backup.is_file():
        raise NotFound("restore.no_backup", path=str(backup))
    if database.exists() and backup.resolve() == database.resolve():
        raise InvalidInput("restore.same_file", path=str(backup))
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        with holding_file(database, exclusive=True):
            return _put_back(backup, database, side_copy)
    except DatabaseBusy:
        raise NotAllowed("restore.shop_running") from None


def _put_back(backup: Path, database: Path, side_copy: Path) -> Restored:
    (head,), known = head_revisions(), known_revisions()
    with backups.staged(backup, database) as stage:
        found = backups.inspect(stage)
        if not found.sqlite:
            raise InvalidInput("restore.not_sqlite", path=str(backup))
        if not found.intact:
            raise InvalidInput("restore.damaged", path=str(backup))
        if found.revision is None:
            raise InvalidInput("restore.not_a_shop", path=str(backup))
        if found.revision not in known:
            raise InvalidInput("restore.newer", path=str(backup), revision=found.revision)
        if found.revision != head:
            upgrade(f"sqlite+aiosqlite:///{stage}")
        backups.seal(stage)
        kept = None
        if database.exists():
            backups.keep_aside(database, side_copy)
            kept = side_copy
        backups.swap_in(stage, database)
    log.info("Restored %s into %s (schema %s, now %s)", backup, database, found.revision, head)
    return Restored(database, kept, found.revision, head)


# ---------------------------------------------------------------- /backup


@dataclass(frozen=True, slots=True)
class OwnerBackup:
    file_name: str
    data: bytes
    taken_at: datetime


async def backup_for_owner(
    db: Database, *, by: int, owners: Collection[int], now: datetime | None = None
) -> OwnerBackup:
    """A fresh copy of the database for an owner (ADMIN_IDS) to download: it holds every
    customer's address, so promoted admins may not. Who took it goes into the audit log."""
    if by not in owners:
        raise NotAllowed("backup.owners_only")
    database = sqlite_file(db.url)
    if database is None:
        raise NotAllowed("backup.postgresql")
    moment = now or utcnow()
    name = backup_name(database, moment)
    data = await asyncio.to_thread(_copied_bytes, database, name)
    async with db.transaction() as session:
        await admin.record(
            session, admin_telegram_id=by, action="backup", entity="database", details=name
        )
    log.info("Owner %s downloaded a backup of the database (%d bytes)", by, len(data))
    return OwnerBackup(name, data, moment)


def _refuse_if_too_large(size: int) -> None:
    if size > TELEGRAM_UPLOAD_LIMIT:
        raise NotAllowed(
            "backup.too_large",
            size_mb=math.ceil(size / MEGABYTE),
            limit_mb=TELEGRAM_UPLOAD_LIMIT // MEGABYTE,
        )


def _copied_bytes(database: Path, name: str) -> bytes:
    _refuse_if_too_large(backups.size_on_disk(database))  # before copying a huge file for nothing
    with tempfile.TemporaryDirectory(prefix="shopbot-backup-") as folder:
        copy = Path(folder) / name
        _refuse_if_too_large(backups.copy_database(database, copy))
        return copy.read_bytes()


# ---------------------------------------------------------------- daily backups


@dataclass(frozen=True, slots=True)
class DailyBackups:
    made: Path | None  # today's copy; None when it was there already
    removed: tuple[Path, ...]  # older daily copies beyond the number kept


def daily_name(database: Path, day: date) -> str:
    return f"{database.stem}-daily-{day:%Y%m%d}{database.suffix or '.db'}"


async def keep_daily_backups(
    database_url: str | URL, *, backup_dir: Path, keep: int, today: date
) -> DailyBackups:
    """Today's copy of the SQLite database, unless there is one, and only the newest `keep`
    daily copies after it. Other files in `backup_dir` (copies made by hand) are never touched."""
    database = sqlite_file(database_url)
    if database is None or keep < 1:
        raise ValueError("daily backups are made of an SQLite database, at least one kept")
    return await asyncio.to_thread(_daily, database, backup_dir, keep, today)


def _daily(database: Path, backup_dir: Path, keep: int, today: date) -> DailyBackups:
    target = backup_dir / daily_name(database, today)
    made = None
    if not target.exists():
        backups.copy_database(database, target)
        made = target
    pattern = re.compile(re.escape(database.stem) + r"-daily-\d{8}" + re.escape(target.suffix))
    daily = sorted(path for path in backup_dir.iterdir() if pattern.fullmatch(path.name))
    removed = tuple(daily[:-keep])
    for path in removed:
        path.unlink(missing_ok=True)
    return DailyBackups(made, removed)
