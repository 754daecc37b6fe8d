"""The doctor's only contact with the outside world: one call each to Telegram, Stripe and the
database, with a timeout, reduced to typed answers the pure checks (bot.doctor.checks) read.

Nothing here raises for an answer it doesn't like, and no token or key ever ends up in an
answer: a network error's text is scrubbed of the secret that went with the request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from bot.db import Database
from bot.db.migrate import current_revisions

_LONGEST_ERROR = 200


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """What an HTTP API answered: its status and JSON body, or why nothing usable came back."""

    status: int = 0
    body: Mapping[str, Any] = field(default_factory=dict)
    error: str = ""  # the network error, when there was no answer
    timed_out: bool = False

    @property
    def answered(self) -> bool:
        return not self.error and not self.timed_out


@dataclass(frozen=True, slots=True)
class DatabaseState:
    url: str  # printable: never the password
    missing: bool = False  # an SQLite file that doesn't exist yet (and isn't created here)
    error: str = ""
    timed_out: bool = False
    revisions: tuple[str, ...] = ()  # Alembic's: none when never migrated

    @property
    def reached(self) -> bool:
        return not (self.missing or self.error or self.timed_out)


async def ask_telegram(
    http: aiohttp.ClientSession, *, base_url: str, token: str, method: str
) -> HttpAnswer:
    """A Bot API method without parameters, e.g. getMe."""
    return await _get(http, f"{base_url}{token}/{method}", secret=token)


async def ask_stripe(http: aiohttp.ClientSession, *, api_base: str, key: str) -> HttpAnswer:
    """The cheapest call that proves the key: the latest event. The shop reads events anyway
    (the upkeep job, `shopbot stripe-sync`), so a restricted key made for it may read them too,
    where the balance or the account could be off limits to it."""
    headers = {"Authorization": f"Bearer {key}"}
    return await _get(http, f"{api_base}/v1/events?limit=1", secret=key, headers=headers)


async def _get(
    http: aiohttp.ClientSession,
    url: str,
    *,
    secret: str,
    headers: Mapping[str, str] | None = None,
) -> HttpAnswer:
    try:
        async with http.get(url, headers=headers) as response:
            try:
                body = await response.json(content_type=None)
            except ValueError:  # not JSON: a proxy's error page, say
                body = {}
            return HttpAnswer(response.status, body if isinstance(body, dict) else {})
    except TimeoutError:
        return HttpAnswer(timed_out=True)
    except (aiohttp.ClientError, OSError, ValueError) as error:
        return HttpAnswer(error=f"{type(error).__name__}: {_describe(error, secret)}")


async def read_database(url: str, *, timeout_s: float) -> DatabaseState:
    """SELECT 1 and Alembic's revision, within `timeout_s`. A missing SQLite file is reported,
    not created, as connecting to it would."""
    parsed = make_url(url)
    printable = parsed.render_as_string(hide_password=True)
    if _missing_sqlite_file(parsed):
        return DatabaseState(printable, missing=True)
    database = Database(parsed)
    try:
        async with asyncio.timeout(timeout_s), database.read_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            revisions = await current_revisions(connection)
    except TimeoutError:
        return DatabaseState(printable, timed_out=True)
    except Exception as error:  # whatever the driver raises, it is the answer
        return DatabaseState(printable, error=_describe(getattr(error, "orig", None) or error))
    finally:
        await database.dispose()
    return DatabaseState(printable, revisions=revisions)


def _missing_sqlite_file(url: URL) -> bool:
    path = url.database
    if url.get_backend_name() != "sqlite" or not path or path == ":memory:":
        return False
    return not Path(path).exists()


def _describe(error: BaseException, secret: str = "") -> str:
    """One line of the error, with `secret` (a token in a URL, say) blanked out."""
    described = (str(error).strip() or type(error).__name__).splitlines()[0]
    if secret:
        described = described.replace(secret, "…")
    return described[:_LONGEST_ERROR]
