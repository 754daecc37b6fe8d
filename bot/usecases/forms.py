"""Leaving a form for something else: a command sent in the middle of one.

A form (an address, a review, a new product…) keeps its step in the database, and text goes to
it until it ends. A command means the person wants something else: the form is left at once
when nothing typed would be lost; otherwise they are asked first, and the command they sent
waits (in the database too) to run if they choose to leave.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.db import Database
from bot.services import dialog
from bot.services.dialog import Step
from bot.usecases import customers
from bot.usecases.customers import Sender, shopper_id

# Flows that are not forms to type into: a previewed import or broadcast waits for its buttons.
KEPT = frozenset({"import", "broadcast"})
WAITING = "waiting_update"


class Exit(enum.Enum):
    NO_FORM = "no_form"  # nothing to leave: go ahead
    LEFT = "left"  # left at once: nothing typed was lost
    ASK = "ask"  # answers would be lost: the command waits for the person's choice


@dataclass(frozen=True, slots=True)
class FormExit:
    exit: Exit
    flow: str | None = None


async def leave_for(
    db: Database, *, sender: Sender, waiting: Callable[[], dict[str, Any]]
) -> FormExit:
    """`waiting` gives what to run once the form is left (the update, as JSON), kept if asked:
    made only then.
    Most commands come with no form open: the update's first read found that, or a read finds
    it, without taking the write lock."""
    known, flow = customers.flow_on_arrival(db, sender)
    if known and (flow is None or flow in KEPT):
        return FormExit(Exit.NO_FORM)
    async with db.reading() as session:
        user_id = await shopper_id(session, sender)
        step = await dialog.current_step(session, user_id=user_id)
    if step is None or step.flow in KEPT:
        return FormExit(Exit.NO_FORM)
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        step = await dialog.current_step(session, user_id=user_id, lock=True)
        if step is None or step.flow in KEPT:
            return FormExit(Exit.NO_FORM)
        if _typed(step):
            await dialog.remember(session, user_id=user_id, key=WAITING, value=waiting())
            return FormExit(Exit.ASK, step.flow)
        await dialog.clear_step(session, user_id=user_id)
        return FormExit(Exit.LEFT, step.flow)


async def confirm_leave(db: Database, *, sender: Sender) -> dict[str, Any] | None:
    """Leave the form; returns what was waiting to run, None if nothing was (asked already)."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        waiting = await dialog.recall(session, user_id=user_id, key=WAITING)
        if not isinstance(waiting, dict):
            return None
        await dialog.remember(session, user_id=user_id, key=WAITING, value=None)
        await dialog.clear_step(session, user_id=user_id)
        return waiting


async def stay(db: Database, *, sender: Sender) -> Step | None:
    """Forget the waiting command; returns the form, to ask its question again."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await dialog.remember(session, user_id=user_id, key=WAITING, value=None)
        return await dialog.current_step(session, user_id=user_id)


def _typed(step: Step) -> bool:
    """Text or collected answers; ids and choices (numbers) alone are nothing typed."""
    return any(value and not isinstance(value, int | float) for value in step.data.values())
