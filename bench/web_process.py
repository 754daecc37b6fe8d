"""The web side of bench.webhooks: bot/web's application, served in a process of its own.

    python -m bench.web_process --database URL --stripe-webhook-secret whsec_…

Prints its base URL once it listens, and stops when its standard input closes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot.config import Settings
from bot.db import Database
from bot.web import create_web_app, server_url, start_web_server, stop_web_server


async def serve(arguments: argparse.Namespace) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=arguments.database,
        stripe_webhook_secret=arguments.stripe_webhook_secret,
    )
    database = Database(settings.database_url)
    runner = await start_web_server(
        create_web_app(database=database, settings=settings), "127.0.0.1", 0
    )
    try:
        print(server_url(runner), flush=True)
        await asyncio.to_thread(sys.stdin.read)  # EOF: the benchmark is done with us (or gone)
    finally:
        await stop_web_server(runner)
        await database.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web_process", description=__doc__)
    parser.add_argument("--database", required=True, help="a migrated database's URL")
    parser.add_argument("--stripe-webhook-secret", required=True)
    asyncio.run(serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
