"""What the database benchmarks share: scratch databases, percentiles, the machine, verdicts."""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import signal
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.search import machine as _search_machine
from bench.search import percentile
from bot.db import Database
from bot.db.migrate import upgrade_async

SQLITE = "sqlite"
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
DEFAULT_DATABASES = (SQLITE, DEFAULT_POSTGRES)
ROOT = Path(__file__).resolve().parent.parent
CHILD_START_TIMEOUT_S = 60.0
CHILD_STOP_TIMEOUT_S = 30.0

__all__ = [
    "DEFAULT_DATABASES",
    "SQLITE",
    "Verdict",
    "child_process",
    "cpu_seconds",
    "database_kind",
    "machine",
    "ms_percentiles",
    "percentile",
    "profiling",
    "scratch_database",
]


@dataclass(frozen=True, slots=True)
class Verdict:
    target: str
    value: str
    met: bool


def database_kind(spec: str) -> str:
    """ "sqlite" or "postgresql", for tables."""
    return SQLITE if spec == SQLITE else make_url(spec).get_backend_name()


def ms_percentiles(seconds: Sequence[float], *percents: float) -> list[float]:
    if not seconds:
        return [0.0 for _ in percents]
    return [percentile(seconds, percent) * 1000 for percent in percents]


@contextlib.asynccontextmanager
async def scratch_database(spec: str) -> AsyncIterator[str]:
    """A new, migrated database, gone afterwards: an SQLite file in a temporary folder for
    "sqlite", or a database of its own on the PostgreSQL server `spec` points at."""
    if spec == SQLITE:
        with tempfile.TemporaryDirectory(prefix="shopbot-bench-") as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'shop.db'}"
            await upgrade_async(url)
            yield url
        return
    server = make_url(spec)
    name = f"shopbot_bench_{uuid.uuid4().hex[:12]}"
    await _administer(spec, f'CREATE DATABASE "{name}"')
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        await upgrade_async(url)
        yield url
    finally:
        await _administer(spec, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _administer(server_url: str, statement: str) -> None:
    admin = Database(server_url)
    try:
        async with admin.engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(statement))
    finally:
        await admin.dispose()


def machine() -> dict[str, str]:
    """The search benchmark's description of this machine, with what the others depend on."""
    import aiohttp
    import sqlalchemy
    import telegram

    about = _search_machine()
    about.pop("rapidfuzz", None)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return about | {
        "python-telegram-bot": telegram.__version__,
        "aiohttp": aiohttp.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "implementation": platform.python_implementation(),
        "load_before": f"{load[0]:.2f}",
    }


def describe(about: dict[str, str]) -> str:
    return (
        f"Machine: {about['cpus']} × {about['cpu']}, {about['implementation']} "
        f"{about['python']}, python-telegram-bot {about['python-telegram-bot']}, "
        f"aiohttp {about['aiohttp']}, SQLAlchemy {about['sqlalchemy']}; "
        f"load average {about['load_before']} before the run"
    )


@contextlib.asynccontextmanager
async def child_process(module: str, *arguments: str) -> AsyncIterator[tuple[int, str]]:
    """`python -m module arguments` from this checkout, which prints one line when it is ready
    and stops when its standard input closes: when this block ends, or when we die."""
    with tempfile.TemporaryFile() as errors:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            *arguments,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=errors,
        )
        assert process.stdin is not None and process.stdout is not None
        try:
            try:
                async with asyncio.timeout(CHILD_START_TIMEOUT_S):
                    ready = (await process.stdout.readline()).decode().strip()
            except TimeoutError:
                ready = ""
            if not ready:
                raise RuntimeError(f"{module} did not start:\n{_tail(errors)}")
            yield process.pid, ready
        finally:
            process.stdin.close()
            try:
                async with asyncio.timeout(CHILD_STOP_TIMEOUT_S):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()
        if process.returncode != 0:
            raise RuntimeError(f"{module} exited with {process.returncode}:\n{_tail(errors)}")


def _tail(stream: IO[bytes], limit: int = 4000) -> str:
    stream.seek(0)
    return stream.read().decode(errors="replace")[-limit:]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux); 0 where /proc is missing."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.asynccontextmanager
async def profiling(folder: Path | None, name: str, pid: int) -> AsyncIterator[None]:
    """With a folder, py-spy (pip install py-spy) samples process `pid` while the block runs
    and writes the stacks that held the GIL (where its Python CPU time goes), collapsed,
    to folder/name.txt."""
    if folder is None:
        yield
        return
    os.makedirs(folder, exist_ok=True)
    beside = Path(sys.executable).parent / "py-spy"
    command = [
        str(beside) if beside.exists() else "py-spy", "record", "--pid", str(pid),
        "--rate", "250", "--nonblocking", "--gil", "--format", "raw",
        "--output", str(folder / f"{name}.txt"),
    ]  # fmt: skip
    spy = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)  # py-spy writes what it has and exits
        await spy.wait()
