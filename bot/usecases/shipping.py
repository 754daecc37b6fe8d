"""The admins' delivery options: /addshipping, /shipping and /endshipping. Each change commits
together with its audit-log entry (the service writes it), or not at all."""

from __future__ import annotations

from collections.abc import Sequence

from bot.db import Database
from bot.models import ShippingOption
from bot.services import shipping
from bot.services.shipping import ShippingTerms


async def add_shipping(
    db: Database, *, admin_telegram_id: int, terms: ShippingTerms, currency: str
) -> ShippingOption:
    async with db.transaction() as session:
        return await shipping.add_option(
            session, admin_id=admin_telegram_id, terms=terms, currency=currency
        )


async def list_shipping(db: Database) -> Sequence[ShippingOption]:
    async with db.reading() as session:
        return await shipping.list_options(session)


async def end_shipping(
    db: Database, *, admin_telegram_id: int, reference: str
) -> tuple[ShippingOption, bool]:
    """The option, and whether this ended it (False: it had ended already)."""
    async with db.transaction() as session:
        return await shipping.end_option(session, admin_id=admin_telegram_id, reference=reference)
