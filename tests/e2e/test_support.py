"""A line to the shop: a customer writes with /support, the admins answer by replying.

With SUPPORT_CHAT_ID the messages go to the admins' group (a supergroup in the emulator, where
the bot is in privacy mode, as on Telegram); without it, to each admin's private chat.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.groups import Supergroup
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.models import OrderStatus, Size
from bot.runner import running_shop
from bot.texts import support as support_texts
from tests.conftest import OWNER_ID, shop_settings
from tests.factories import make_order, make_product, make_user

ANN = 42
GROUP = -1001234567890
HINT = "\n\nReply to this message to answer the shop."
HELPER = 7001  # an admin the owner promoted
STRANGER = 9000  # in the group, but no admin


@pytest.fixture
def group(emulator: BotApiEmulator) -> Supergroup:
    group = emulator.supergroup(GROUP, "Shop admins", creator=OWNER_ID, creator_name="Owner")
    group.member(STRANGER, "Stranger")
    return group


@pytest.fixture
async def group_shop(
    emulator: BotApiEmulator, db: Database, group: Supergroup
) -> AsyncIterator[ShopApplication]:
    settings = shop_settings(emulator, db, admin_ids=[OWNER_ID], support_chat_id=GROUP)
    async with running_shop(settings, db, token=emulator.token) as app:
        yield app


async def say(user: SimulatedUser, text: str) -> Message:
    await user.send(text)
    return await user.next_message()


async def paid_order(db: Database) -> int:
    async with db.transaction() as session:
        user = await make_user(session, telegram_id=ANN, first_name="Ann", username="ann")
        product = await make_product(session, price=4999, sizes={"M": 3})
        size = (await session.scalars(select(Size).where(Size.product_id == product.id))).one()
        order = await make_order(
            session, user=user, product=product, size=size, status=OrderStatus.PAID
        )
        return order.id


async def test_a_message_reaches_the_admins_group_with_who_wrote_and_the_reply_comes_back(
    group_shop: ShopApplication, emulator: BotApiEmulator, db: Database, group: Supergroup
) -> None:
    order_id = await paid_order(db)
    ann, owner = emulator.user(ANN, "Ann", username="ann"), group.member(OWNER_ID, "Owner")

    prompt = await say(ann, "/support")
    sent = await say(ann, "Where is my parcel?")
    header, relayed = await group.next_message(), await group.next_message()
    await owner.send("It ships tomorrow <3", reply_to=relayed)
    answer = await ann.next_message()
    confirmation = await group.next_message()

    assert prompt.content == support_texts.PROMPT.replace("<b>", "").replace("</b>", "")
    assert sent.content == support_texts.SENT
    assert "Message from Ann (@ann), id 42" in header.content
    assert f"Latest orders: #{order_id} (paid, €49.99)" in header.content
    assert header.button_texts == [support_texts.CLOSE, support_texts.MUTE]
    assert relayed.content == "Where is my parcel?" and relayed.chat_id == GROUP
    assert answer.content == "💬 The shop replied:\nIt ships tomorrow <3" + HINT
    assert confirmation.content == "✅ Sent to Ann."


async def test_follow_ups_in_the_form_are_relayed_without_a_new_header_until_it_is_left(
    group_shop: ShopApplication, emulator: BotApiEmulator, group: Supergroup
) -> None:
    ann = emulator.user(ANN, "Ann")
    await say(ann, "/support")
    await say(ann, "Hello")
    await say(ann, "One more thing")
    await say(ann, "/cancel")
    found = await say(ann, "hoodie")  # out of the form: a search again

    group_said = [m.content for m in group.messages if m.from_bot]
    assert len(group_said) == 3 and group_said[1:] == ["Hello", "One more thing"]
    assert "hoodie" not in group_said
    assert found.content != support_texts.SENT


async def test_photos_pass_both_ways(
    group_shop: ShopApplication, emulator: BotApiEmulator, group: Supergroup
) -> None:
    ann, owner = emulator.user(ANN, "Ann"), group.member(OWNER_ID, "Owner")
    await say(ann, "/support")
    photo = await ann.send_photo(b"\xff\xd8 a torn seam", caption="It arrived like this")
    await ann.next_message()
    await group.next_message()
    relayed = await group.next_message()
    await owner.send_photo(
        b"\xff\xd8 the label", caption="Send it back with this", reply_to=relayed
    )
    answer = await ann.next_message()

    assert relayed.photo == photo.photo and relayed.caption == "It arrived like this"
    assert answer.photo is not None
    assert emulator.file_content(answer.photo[-1]["file_id"]) == b"\xff\xd8 the label"
    assert answer.caption == "💬 The shop replied:\nSend it back with this" + HINT


async def test_in_the_group_the_bot_hears_only_its_admins(
    group_shop: ShopApplication, emulator: BotApiEmulator, group: Supergroup
) -> None:
    ann, stranger = emulator.user(ANN, "Ann"), group.member(STRANGER, "Stranger")
    await say(ann, "/support")
    await say(ann, "Hello")
    await group.next_message()
    relayed = await group.next_message()

    await stranger.send("I'll answer instead", reply_to=relayed)
    await stranger.send("/close", reply_to=relayed)
    await emulator.wait_until_fetched()
    await say(ann, "Still there?")  # the conversation is open: no /close from a stranger

    assert [m.content for m in ann.bot_messages][-1] == support_texts.SENT
    assert not any("shop replied" in m.content for m in ann.bot_messages)
    assert len([m for m in group.messages if m.from_bot]) == 3  # header, two messages


async def test_closing_tells_the_customer_and_replies_to_it_are_refused(
    group_shop: ShopApplication, emulator: BotApiEmulator, group: Supergroup
) -> None:
    ann, owner = emulator.user(ANN, "Ann"), group.member(OWNER_ID, "Owner")
    await say(ann, "/support")
    await say(ann, "Thanks, all good")
    await group.next_message()
    relayed = await group.next_message()

    await owner.send("/close", reply_to=relayed)
    closed = await group.next_message()
    told = await ann.next_message()
    await owner.send("One more thing", reply_to=relayed)
    refused = await group.next_message()
    after = await say(ann, "hoodie")

    assert closed.content == "✔️ The conversation with Ann is closed; they were told."
    assert told.content.startswith("✔️ The shop closed your conversation.")
    assert refused.content == support_texts.ALREADY_CLOSED
    assert after.content != support_texts.SENT  # the form was left with the conversation


async def test_a_muted_customer_is_told_politely_and_nothing_is_relayed(
    group_shop: ShopApplication, emulator: BotApiEmulator, group: Supergroup
) -> None:
    ann, owner = emulator.user(ANN, "Ann"), group.member(OWNER_ID, "Owner")
    await say(ann, "/support")
    await say(ann, "spam")
    header = await group.next_message()
    await group.next_message()

    await owner.callback_answer(await owner.press_button(header, support_texts.MUTE))
    muted = await group.next_message()
    refused = await say(ann, "/support")
    await owner.send(f"/unmute {ANN}")
    unmuted = await group.next_message()
    again = await say(ann, "/support")

    assert muted.content == (
        f"🔇 Ann is muted: nothing they send reaches the shop. /unmute {ANN} undoes it."
    )
    assert refused.content == support_texts.MUTED
    assert len([m for m in group.messages if m.from_bot]) == 4  # header, spam, muted, unmuted
    assert unmuted.content == f"🔈 {ANN} can write to the shop again."
    assert again.content == support_texts.PROMPT.replace("<b>", "").replace("</b>", "")


async def test_without_a_group_each_admin_gets_it_and_answers_from_their_own_chat(
    emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        await make_user(session, telegram_id=HELPER, first_name="Helper", is_admin=True)
    settings = shop_settings(emulator, db, admin_ids=[OWNER_ID])
    async with running_shop(settings, db, token=emulator.token):
        ann, owner = emulator.user(ANN, "Ann"), emulator.user(OWNER_ID, "Owner")
        helper = emulator.user(HELPER, "Helper")
        await say(ann, "/support")
        await say(ann, "Do you ship to Norway?")
        await owner.next_message(), await helper.next_message()
        relayed = await helper.next_message()
        assert (await owner.next_message()).content == "Do you ship to Norway?"
        await helper.send("Yes, in 5 days", reply_to=relayed)
        answer = await ann.next_message()
        sent = await helper.next_message()
        await owner.send("hoodie")  # a plain message of an admin is still a search

    assert answer.content == "💬 The shop replied:\nYes, in 5 days" + HINT
    assert sent.content == "✅ Sent to Ann."


async def test_a_reply_after_a_restart_still_finds_its_customer(
    emulator: BotApiEmulator, db: Database, group: Supergroup
) -> None:
    settings = shop_settings(emulator, db, admin_ids=[OWNER_ID], support_chat_id=GROUP)
    ann, owner = emulator.user(ANN, "Ann"), group.member(OWNER_ID, "Owner")
    async with running_shop(settings, db, token=emulator.token):
        await say(ann, "/support")
        await say(ann, "Is it waterproof?")
        await group.next_message()
        relayed = await group.next_message()
    async with running_shop(settings, db, token=emulator.token):
        await owner.send("It is", reply_to=relayed)
        answer = await ann.next_message()

    assert answer.content == "💬 The shop replied:\nIt is" + HINT


async def test_order_alerts_go_to_the_admins_group_once(
    group_shop: ShopApplication, emulator: BotApiEmulator, db: Database, group: Supergroup
) -> None:
    order_id = await paid_order(db)
    ann, owner = emulator.user(ANN, "Ann"), emulator.user(OWNER_ID, "Owner")
    await ann.send("/orders")
    listing = await ann.next_message()
    await ann.callback_answer(await ann.press_button(listing, listing.buttons[0][0].text))
    details = await ann.next_message()
    assert support_texts.CONTACT_US in details.button_texts
    await ann.callback_answer(await ann.press_button(details, texts.ORDER_REQUEST_CANCEL))

    alert = await group.next_message()

    assert f"asks to cancel order #{order_id}" in alert.content
    assert owner.bot_messages == []


async def test_help_has_a_contact_button_that_opens_the_form(
    group_shop: ShopApplication, emulator: BotApiEmulator, group: Supergroup
) -> None:
    ann = emulator.user(ANN, "Ann")
    help_screen = await say(ann, "/help")
    await ann.callback_answer(await ann.press_button(help_screen, support_texts.CONTACT_US))
    prompt = await ann.next_message()
    await say(ann, "Hi from the help screen")

    assert prompt.message_id == help_screen.message_id  # the screen turned into the form
    assert [m.content for m in group.messages][-1] == "Hi from the help screen"


async def test_a_customer_who_left_the_form_answers_the_shop_by_replying_to_its_answer(
    group_shop: ShopApplication, emulator: BotApiEmulator, group: Supergroup
) -> None:
    ann, owner = emulator.user(ANN, "Ann"), group.member(OWNER_ID, "Owner")
    await say(ann, "/support")
    await say(ann, "Do you have it in red?")
    await say(ann, "/start")  # left the form
    await group.next_message()
    relayed = await group.next_message()
    await owner.send("Yes, size M only", reply_to=relayed)
    answer = await ann.next_message()
    await group.next_message()

    sent = await ann.send("Great, I'll take it", reply_to=answer)
    told = await ann.next_message()
    header, follow_up = await group.next_message(), await group.next_message()
    await owner.send("Reserved for you", reply_to=follow_up)
    second = await ann.next_message()

    assert told.content == support_texts.SENT
    assert "Message from Ann" in header.content  # a new /support session: a header again
    assert follow_up.content == sent.content
    assert second.content == "💬 The shop replied:\nReserved for you" + HINT
