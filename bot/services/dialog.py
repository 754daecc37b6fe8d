"""Per-customer step state for multi-step flows (checkout address, review text, …).

The state is a row per customer, read and written inside the update's transaction, so it
survives restarts and is shared by every bot instance on the same database. `data` also keeps
small per-customer memories that outlive a flow, such as the last search query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.dialog import DialogState


@dataclass(frozen=True, slots=True)
class Step:
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


async def _row(session: AsyncSession, user_id: int, *, lock: bool = False) -> DialogState | None:
    statement = select(DialogState).where(DialogState.user_id == user_id)
    if lock:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).one_or_none()


async def current_step(session: AsyncSession, *, user_id: int, lock: bool = False) -> Step | None:
    """With lock, a second press of the same button waits here and then sees the step moved."""
    row = await _row(session, user_id, lock=lock)
    if row is None or row.flow is None or row.step is None:
        return None
    return Step(flow=row.flow, step=row.step, data=dict(row.data.get("flow", {})))


async def set_step(
    session: AsyncSession, *, user_id: int, flow: str, step: str, data: dict[str, Any] | None = None
) -> Step:
    """Enter (or move within) a flow; `data` replaces what the flow collected so far."""
    row = await _row(session, user_id, lock=True)
    if row is None:
        row = DialogState(user_id=user_id, data={})
        session.add(row)
    row.flow, row.step = flow, step
    # Reassign, never mutate: JSON columns only notice a new value.
    row.data = {**row.data, "flow": dict(data or {})}
    await session.flush()
    return Step(flow=flow, step=step, data=dict(data or {}))


async def clear_step(session: AsyncSession, *, user_id: int) -> bool:
    """Leave any flow; returns whether there was one."""
    row = await _row(session, user_id, lock=True)
    if row is None or row.flow is None:
        return False
    row.flow = row.step = None
    row.data = {key: value for key, value in row.data.items() if key != "flow"}
    await session.flush()
    return True


async def remember(session: AsyncSession, *, user_id: int, key: str, value: Any) -> None:
    """Keep a small value (JSON) for this customer outside any flow."""
    if key == "flow":
        raise ValueError("'flow' is reserved for the step data")
    row = await _row(session, user_id, lock=True)
    if row is None:
        row = DialogState(user_id=user_id, data={})
        session.add(row)
    row.data = {**row.data, key: value}
    await session.flush()


async def remember_many(session: AsyncSession, *, key: str, values: dict[int, Any]) -> None:
    """remember() for many customers at once (their rows locked and read in one statement,
    written in one batch): for values kept back and written together."""
    if key == "flow":
        raise ValueError("'flow' is reserved for the step data")
    if not values:
        return
    rows = await session.scalars(
        select(DialogState)
        .where(DialogState.user_id.in_(sorted(values)))
        .order_by(DialogState.user_id)
        .with_for_update()
    )
    found = {row.user_id: row for row in rows}
    for user_id, value in values.items():
        row = found.get(user_id)
        if row is None:
            row = DialogState(user_id=user_id, data={})
            session.add(row)
        row.data = {**row.data, key: value}
    await session.flush()


async def recall(session: AsyncSession, *, user_id: int, key: str) -> Any:
    row = await _row(session, user_id)
    return None if row is None else row.data.get(key)
