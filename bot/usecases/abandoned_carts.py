"""Reminding customers of the carts they left, for the abandoned-cart job."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db import Database
from bot.models import utcnow
from bot.services import abandoned_carts

BATCH = 100  # carts looked at per round; the next round takes the rest


async def remind_abandoned_carts(
    db: Database, *, hours: int, now: datetime | None = None, limit: int = BATCH
) -> int:
    """Queue one reminder per cart left unchanged for `hours` (0: none); returns how many were
    queued. A read-only look first, so an idle shop never takes SQLite's write lock; then one
    short transaction per cart, so a customer editing their cart waits for one cart at most."""
    if hours <= 0:
        return 0
    changed_before = (now or utcnow()) - timedelta(hours=hours)
    async with db.reading() as session:
        due = await abandoned_carts.due_carts(session, changed_before=changed_before, limit=limit)
    queued = 0
    for cart_id in due:
        async with db.transaction() as session:
            queued += await abandoned_carts.remind(
                session, cart_id=cart_id, changed_before=changed_before
            )
    return queued
