from __future__ import annotations

from bot.db import Database
from bot.services import dialog
from tests.factories import make_user


async def test_a_step_survives_into_a_new_transaction_and_a_new_engine(db: Database) -> None:
    async with db.transaction() as session:
        user = await make_user(session)
        await dialog.set_step(
            session, user_id=user.id, flow="checkout", step="city", data={"street": "Main St 1"}
        )
    other_instance = Database(db.url)
    try:
        async with other_instance.transaction() as session:
            step = await dialog.current_step(session, user_id=user.id)
    finally:
        await other_instance.dispose()
    assert step == dialog.Step(flow="checkout", step="city", data={"street": "Main St 1"})


async def test_leaving_a_flow_keeps_what_was_remembered_outside_it(db: Database) -> None:
    async with db.transaction() as session:
        user = await make_user(session)
        await dialog.remember(session, user_id=user.id, key="last_search", value="snekers")
        await dialog.set_step(session, user_id=user.id, flow="review", step="text")
        assert await dialog.clear_step(session, user_id=user.id) is True
    async with db.transaction() as session:
        assert await dialog.current_step(session, user_id=user.id) is None
        assert await dialog.recall(session, user_id=user.id, key="last_search") == "snekers"
        assert await dialog.clear_step(session, user_id=user.id) is False


async def test_values_kept_for_many_customers_at_once_leave_their_steps_alone(
    db: Database,
) -> None:
    async with db.transaction() as session:
        in_checkout, newcomer = await make_user(session), await make_user(session)
        await dialog.set_step(session, user_id=in_checkout.id, flow="checkout", step="city")
    async with db.transaction() as session:
        await dialog.remember_many(
            session, key="last_search", values={in_checkout.id: "boots", newcomer.id: "hat"}
        )
    async with db.reading() as session:
        assert await dialog.recall(session, user_id=in_checkout.id, key="last_search") == "boots"
        assert await dialog.recall(session, user_id=newcomer.id, key="last_search") == "hat"
        step = await dialog.current_step(session, user_id=in_checkout.id)
    assert step is not None and (step.flow, step.step) == ("checkout", "city")
