"""Starting and stopping the shop's Application around long polling.

Used by `shopbot run`, by the offline console and by the end-to-end tests, so all three run the
bot the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Callable, Iterator

from sqlalchemy import select

from bot.app import ShopApplication, build_application
from bot.config import Settings
from bot.db import Database
from bot.demo import seed_demo
from bot.migrate import upgrade_async
from bot.models import Product
from bot.services.search import CatalogSearch

# Long-poll seconds: short enough that stopping the shop never hangs for long.
POLL_TIMEOUT_S = 2


@contextlib.asynccontextmanager
async def running_shop(
    settings: Settings,
    database: Database,
    *,
    token: str | None = None,
    catalog: CatalogSearch | None = None,
) -> AsyncIterator[ShopApplication]:
    application = build_application(settings, database, token=token, catalog=catalog)
    await application.initialize()
    if application.post_init is not None:
        # run_polling calls post_init; we start the pieces ourselves, so we call it too.
        await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT_S)
    try:
        yield application
    finally:
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()


async def prepare_database(database: Database) -> int:
    """Apply pending migrations; stock a shop that has no products yet with the demo catalogue.

    Returns the number of demo products added (0 when the shop already had products).
    """
    await upgrade_async(database.url.render_as_string(hide_password=False))
    async with database.transaction() as session:
        if await session.scalar(select(Product.id).limit(1)) is not None:
            return 0
        return await seed_demo(session)


@contextlib.contextmanager
def on_stop_signals(callback: Callable[[], object]) -> Iterator[None]:
    """Ctrl-C and SIGTERM call `callback` instead of interrupting, so shutdown runs in order."""
    loop = asyncio.get_running_loop()
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    for number in stop_signals:
        loop.add_signal_handler(number, callback)
    try:
        yield
    finally:
        for number in stop_signals:
            loop.remove_signal_handler(number)
