"""Who may run the shop: owners (ADMIN_IDS) promote customers to admins and demote them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.db import Database
from bot.services import admin, notifications
from bot.usecases import customers


async def is_admin(db: Database, *, telegram_id: int, owners: Collection[int]) -> bool:
    """An owner, or someone an owner promoted; known without a statement when this update
    already looked the sender up."""
    if telegram_id in owners:
        return True
    found = customers.known_sender(db, telegram_id)
    if found is not None:
        return found.is_admin
    async with db.reading() as session:
        return await admin.is_admin(session, telegram_id=telegram_id, owners=owners)


@dataclass(frozen=True, slots=True)
class RoleChange:
    first_name: str
    telegram_id: int
    admin: bool  # what they are now


async def set_admin(
    db: Database, *, by: int, owners: Collection[int], telegram_id: int, admin_: bool
) -> RoleChange:
    """Only an owner may change roles, and owners stay owners; the change, its audit entry and
    the person's notice commit together (nothing is written when nothing changes)."""
    async with db.transaction() as session:
        user, change = await admin.set_admin(
            session, by=by, owners=owners, telegram_id=telegram_id, admin=admin_
        )
        if change is not None:
            await notifications.announce_role(
                session, chat_id=telegram_id, admin=admin_, change_id=change.id
            )
        return RoleChange(user.first_name, telegram_id, admin_)
