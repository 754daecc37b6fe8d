"""Who runs the shop, and the audit log of what they did.

Admins are the Telegram ids in ADMIN_IDS (the owners, fixed by configuration) plus customers
an owner promoted, flagged in the database so every instance agrees.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import AdminAction, User
from bot.services.errors import InvalidInput, NotAllowed, NotFound


async def is_admin(session: AsyncSession, *, telegram_id: int, owners: Collection[int]) -> bool:
    if telegram_id in owners:
        return True
    flagged = await session.scalar(select(User.is_admin).where(User.telegram_id == telegram_id))
    return bool(flagged)


async def admin_chat_ids(session: AsyncSession, owners: Sequence[int]) -> list[int]:
    """Everyone to alert: the owners first, then promoted admins, each once; or, when `owners`
    names group chats (negative ids: the admins' SUPPORT_CHAT_ID), those groups alone, where
    one message reaches every admin."""
    groups = [chat_id for chat_id in owners if chat_id < 0]
    if groups:
        return list(dict.fromkeys(groups))
    promoted = await session.scalars(_PROMOTED)
    return list(dict.fromkeys([*owners, *promoted]))


# Built once: every payment webhook asks.
_PROMOTED = select(User.telegram_id).where(User.is_admin)


async def record(
    session: AsyncSession,
    *,
    admin_telegram_id: int,
    action: str,
    entity: str,
    entity_id: int | None = None,
    details: str = "",
) -> AdminAction:
    """Written in the caller's transaction, so the log and the change commit together."""
    entry = AdminAction(
        admin_telegram_id=admin_telegram_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=details[:1000],
    )
    session.add(entry)
    await session.flush()
    return entry


async def set_admin(
    session: AsyncSession,
    *,
    by: int,
    owners: Collection[int],
    telegram_id: int,
    admin: bool,
) -> tuple[User, AdminAction | None]:
    """Only an owner (ADMIN_IDS) may promote or demote, and owners can't be demoted here.
    Returns the user and the audit entry of the change, None when nothing changed."""
    if by not in owners:
        raise NotAllowed("admin.owners_only")
    if not admin and telegram_id in owners:
        raise InvalidInput("admin.is_owner")
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    if user is None:
        raise NotFound("admin.unknown_user")
    entry = None
    if user.is_admin != admin:
        user.is_admin = admin
        entry = await record(
            session,
            admin_telegram_id=by,
            action="promote" if admin else "demote",
            entity="user",
            entity_id=user.id,
            details=f"telegram_id={telegram_id}",
        )
    await session.flush()
    return user, entry
