"""Promoting and demoting: owners only, owners stay owners, every change logged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import AdminAction, OutboxMessage, User
from bot.services.errors import InvalidInput, NotAllowed
from bot.usecases import roles
from tests.factories import make_user

OWNER, ANN = 7000, 42


async def _ann(db: Database) -> User:
    async with db.reading() as session:
        return (await session.scalars(select(User).where(User.telegram_id == ANN))).one()


async def _actions(db: Database) -> list[str]:
    async with db.reading() as session:
        return list((await session.scalars(select(AdminAction.action))).all())


async def test_an_owner_promotes_and_demotes_a_customer_and_both_are_logged(
    db: Database,
) -> None:
    async with db.transaction() as session:
        await make_user(session, telegram_id=ANN, first_name="Ann")
    promoted = await roles.set_admin(db, by=OWNER, owners=[OWNER], telegram_id=ANN, admin_=True)
    assert (promoted.first_name, promoted.admin) == ("Ann", True)
    assert (await _ann(db)).is_admin
    await roles.set_admin(db, by=OWNER, owners=[OWNER], telegram_id=ANN, admin_=False)
    assert not (await _ann(db)).is_admin
    assert await _actions(db) == ["promote", "demote"]


async def _told_ann(db: Database) -> list[str]:
    async with db.reading() as session:
        rows = await session.scalars(
            select(OutboxMessage.message_key)
            .where(OutboxMessage.chat_id == ANN)
            .order_by(OutboxMessage.id)
        )
        return list(rows.all())


async def test_the_customer_is_told_each_time_their_role_changes(db: Database) -> None:
    async with db.transaction() as session:
        await make_user(session, telegram_id=ANN, first_name="Ann")
    for admin_ in (True, False, True):
        await roles.set_admin(db, by=OWNER, owners=[OWNER], telegram_id=ANN, admin_=admin_)

    assert await _told_ann(db) == ["role.promoted", "role.demoted", "role.promoted"]


async def test_promoting_an_admin_again_logs_nothing(db: Database) -> None:
    async with db.transaction() as session:
        await make_user(session, telegram_id=ANN, is_admin=True)
    await roles.set_admin(db, by=OWNER, owners=[OWNER], telegram_id=ANN, admin_=True)
    assert await _actions(db) == []
    assert await _told_ann(db) == []


async def test_only_owners_change_roles_and_owners_cannot_be_demoted(db: Database) -> None:
    async with db.transaction() as session:
        await make_user(session, telegram_id=ANN, is_admin=True)
        await make_user(session, telegram_id=ANN + 1)
    with pytest.raises(NotAllowed):
        await roles.set_admin(db, by=ANN, owners=[OWNER], telegram_id=ANN + 1, admin_=True)
    with pytest.raises(InvalidInput):
        await roles.set_admin(db, by=OWNER, owners=[OWNER], telegram_id=OWNER, admin_=False)
    assert await _actions(db) == []
