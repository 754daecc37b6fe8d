"""The bot side of bench.updates: the real shop, run by bot.runner in a process of its own.

    python -m bench.bot_process --mode shop|ceiling --api URL --files URL --token T --database URL
                                [--transport aiohttp|httpx]

Prints "ready" once it polls, and stops cleanly when its standard input closes (the benchmark
closes it, or dies), so it never outlives the run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import cast

from telegram import Update
from telegram.ext import TypeHandler

from bot.app import ShopApplication
from bot.config import HttpTransport, Settings
from bot.db import Database
from bot.handlers.context import ShopContext
from bot.runner import running_shop

CEILING_REPLY = "ok"


async def reply_only(update: Update, context: ShopContext) -> None:
    """The ceiling's handler: one message back, no database."""
    if update.effective_chat is not None:
        await update.effective_chat.send_message(CEILING_REPLY)


def make_ceiling(application: ShopApplication) -> None:
    """Only the handlers change: transport, rate limiter, jobs and polling stay the shop's."""
    for group, handlers in list(application.handlers.items()):
        for handler in list(handlers):
            application.remove_handler(handler, group)
    application.add_handler(TypeHandler(Update, reply_only))


def settings_for(arguments: argparse.Namespace) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=arguments.database,
        telegram_api_base_url=arguments.api,
        telegram_file_base_url=arguments.files,
        telegram_http_transport=cast(HttpTransport, arguments.transport),
        # The emulator has no flood limit; pacing would measure Telegram's rule, not the bot.
        telegram_messages_per_second=0,
        # Each simulated customer sends as fast as the bot answers, far past what a person
        # could: per-chat flood control would cap the load instead of measuring the bot.
        flood_updates_per_second=0,
    )


async def serve(arguments: argparse.Namespace) -> None:
    settings = settings_for(arguments)
    database = Database(settings.database_url)
    try:
        async with running_shop(settings, database, token=arguments.token) as application:
            if arguments.mode == "ceiling":
                make_ceiling(application)
            print("ready", flush=True)
            # EOF on stdin: the benchmark is done with us (or gone).
            await asyncio.to_thread(sys.stdin.read)
    finally:
        await database.dispose()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bot_process", description=__doc__)
    parser.add_argument("--mode", choices=["shop", "ceiling"], default="shop")
    parser.add_argument("--api", required=True, help="Bot API base URL (the emulator's)")
    parser.add_argument("--files", required=True, help="file base URL (the emulator's)")
    parser.add_argument("--token", required=True)
    parser.add_argument("--database", required=True, help="a migrated database's URL")
    parser.add_argument("--transport", choices=["aiohttp", "httpx"], default="aiohttp")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
