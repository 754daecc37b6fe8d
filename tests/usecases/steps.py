"""What the use-case tests ask the database about a customer's dialog."""

from __future__ import annotations

from bot.db import Database
from bot.services import dialog
from bot.services import user as users
from bot.usecases.customers import Sender


async def flow_of(db: Database, sender: Sender) -> str | None:
    """The flow the customer is in, if any (none for someone the shop does not know)."""
    async with db.reading() as session:
        user = await users.find_by_telegram_id(session, sender.telegram_id)
        step = user and await dialog.current_step(session, user_id=user.id)
    return step.flow if step else None
