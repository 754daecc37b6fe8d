"""Who is asking: the sender of an update or a web request, as the use cases know them."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.models import User
from bot.services import dialog
from bot.services import user as users
from bot.services.dialog import Step


@dataclass(frozen=True, slots=True)
class Sender:
    """A person as Telegram introduced them; the front door fills it from the update."""

    telegram_id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class _Known:
    database: str
    telegram_id: int
    user_id: int
    is_admin: bool  # promoted (owners are in the settings)


# Who the front door already looked up for the update being handled (bot.handlers.context
# remember_sender runs first). A context variable, so each update's task sees its own.
_known: ContextVar[_Known | None] = ContextVar("shopbot_known", default=None)


def _database_of(session: AsyncSession) -> str:
    return str(session.get_bind().engine.url)


def _recognise(session: AsyncSession, user: User | users.Arrival) -> None:
    _known.set(_Known(_database_of(session), user.telegram_id, user.id, user.is_admin))


# The flow the sender was in when the update arrived, read with them; taken by the first
# check of this update (leaving a form, routing a text), as later ones may follow a change.
_flow: ContextVar[tuple[str, int, str | None] | None] = ContextVar("shopbot_flow", default=None)


def forget_sender() -> None:
    """A new update: nothing is known of its sender yet."""
    _known.set(None)
    _flow.set(None)


def flow_on_arrival(db: Database, sender: Sender) -> tuple[bool, str | None]:
    """(known, flow): whether this update already read the sender's flow, and which it was
    (None: no form or step open). Answers once per update."""
    found = _flow.get()
    if found is None or found[1] != sender.telegram_id or found[0] != str(db.engine.url):
        return False, None
    _flow.set(None)
    return True, found[2]


def known_sender(db: Database, telegram_id: int) -> _Known | None:
    """What this update's lookup found about `telegram_id`, if it made one."""
    found = _known.get()
    if found is None or found.telegram_id != telegram_id:
        return None
    return found if found.database == str(db.engine.url) else None


async def shopper_id(session: AsyncSession, sender: Sender) -> int:
    """The sender's user id: without a statement when this update already looked them up."""
    found = _known.get()
    if (
        found is not None
        and found.telegram_id == sender.telegram_id
        and found.database == _database_of(session)
    ):
        return found.user_id
    return (await shopper(session, sender)).id


async def shopper(session: AsyncSession, sender: Sender) -> User:
    """The shop's record of the sender, registered on first sight."""
    known = await users.find_by_telegram_id(session, sender.telegram_id)
    if known is not None:
        return known
    return await users.register(
        session,
        telegram_id=sender.telegram_id,
        first_name=sender.first_name,
        username=sender.username,
        language_code=sender.language_code,
    )


async def remember(db: Database, sender: Sender) -> str | None:
    """Record a new customer or a changed profile, writing only when something changed;
    returns the language they chose in the shop, if they did."""
    forget_sender()
    async with db.reading() as session:
        known = await users.arrival(session, sender.telegram_id)
        if known is not None and users.profile_matches(
            known,
            first_name=sender.first_name,
            username=sender.username,
            language_code=sender.language_code,
        ):
            _recognise(session, known)
            _flow.set((_database_of(session), sender.telegram_id, known.flow))
            return known.language
    async with db.transaction() as session:
        user = await users.register(
            session,
            telegram_id=sender.telegram_id,
            first_name=sender.first_name,
            username=sender.username,
            language_code=sender.language_code,
        )
        _recognise(session, user)
        return user.language


async def known_language(db: Database, telegram_id: int) -> str | None:
    """The language a known customer chose in the shop, without registering anyone: for
    updates that come from strangers as often as from customers (inline queries)."""
    async with db.reading() as session:
        known = await users.find_by_telegram_id(session, telegram_id)
        return known.language if known is not None else None


async def current_step(db: Database, sender: Sender) -> Step | None:
    """The form or flow the sender is in, if any: it decides where their typed text goes."""
    known, flow = flow_on_arrival(db, sender)
    if known and flow is None:
        return None
    async with db.reading() as session:
        user_id = await shopper_id(session, sender)
        return await dialog.current_step(session, user_id=user_id)
