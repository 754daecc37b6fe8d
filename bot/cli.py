"""The `shopbot` command (also `python -m bot`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.config import Settings, get_settings
from bot.db import Database
from bot.migrate import upgrade_async

log = logging.getLogger("shopbot")


async def _migrate(settings: Settings) -> None:
    await upgrade_async(settings.database_url)
    print(f"Database is up to date ({_describe(settings.database_url)}).")


async def _seed_demo(settings: Settings) -> None:
    from bot.demo import seed_demo

    await upgrade_async(settings.database_url)
    database = Database(settings.database_url)
    try:
        async with database.transaction() as session:
            created = await seed_demo(session)
    finally:
        await database.dispose()
    print(
        f"Demo catalogue: {created} products added." if created else "Demo catalogue already there."
    )


async def _run(settings: Settings) -> None:
    await _seed_demo(settings)
    print(
        "The database is migrated and stocked. The Telegram conversation is not built yet, "
        "so there is no shop to chat with here so far."
    )


def _describe(url: str) -> str:
    # Never print credentials from a PostgreSQL URL.
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


COMMANDS = {
    "migrate": (_migrate, "apply database migrations"),
    "seed-demo": (_seed_demo, "load the demo catalogue (once; safe to repeat)"),
    "run": (_run, "migrate, stock the demo shop and start the bot"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shopbot", description="A Telegram shop bot.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    handler, _ = COMMANDS[args.command]
    try:
        asyncio.run(handler(get_settings()))
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
