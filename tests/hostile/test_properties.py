"""Whatever a customer types or forges, the shop answers calmly and its data stays whole.

Each property runs the real shop against the Bot API emulator and, after every step, checks
that nothing was logged as an error, no apology was sent, Telegram refused nothing the shop
sent, and the database invariants hold (stock never negative and never lost, order totals equal
their lines, no order without lines, one cart per customer).
"""

from __future__ import annotations

import itertools
from dataclasses import fields

import pytest
from email_validator import validate_email
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.users import SimulatedUser
from bot.keyboards.catalog import VIA_NONE, AddToCart
from bot.keyboards.reviews import WriteReview
from bot.models import (
    REVIEW_MAX_LENGTH,
    Address,
    Cart,
    CartItem,
    Order,
    OrderStatus,
    Product,
    Review,
    Size,
    User,
)
from bot.services import cart as carts
from bot.services import dialog
from bot.services import user as users
from bot.services.user import ADDRESS_FIELDS
from tests.factories import make_category, make_order, make_product
from tests.fakes.orders import PlacedOrder, place_order
from tests.hostile.conftest import SINGLE_STEP, ErrorLog
from tests.hostile.support import (
    LAYOUTS,
    Watch,
    accounted_units,
    callback_data,
    check_invariants,
    hostile_text,
    new_customer,
    settle,
    texts_seen_by,
    words,
)


@pytest.fixture
async def catalogue(db: Database) -> None:
    """A small catalogue, with HTML in names."""
    async with db.transaction() as session:
        shoes = await make_category(session, "Shoes & <Boots>")
        await make_product(
            session, name="Classic Sneakers", sizes={"40": 10_000, "41": 50}, category=shoes
        )
        await make_product(session, name="Tom & Jerry <b>Tee</b>", price=1999, sizes={"M": 50})
        await make_product(session, name="Wool Hat", price=1500, currency="USD", sizes={"One": 1})
        await make_product(session, name="Gone Boots", sizes={"42": 0})


@pytest.fixture
async def units(db: Database, catalogue: None) -> dict[int, int]:
    """The units of each size, held by orders or in stock, before the test."""
    return await accounted_units(db)


@SINGLE_STEP
@given(text=hostile_text)
async def test_any_text_gets_a_calm_answer(
    shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    errors: ErrorLog,
    units: dict[int, int],
    text: str,
) -> None:
    eve = new_customer(emulator)
    watch = Watch(emulator, errors)

    await eve.send(text)
    await settle(eve)

    assert watch.trouble().none, watch.trouble()
    await check_invariants(db, units)


_names = st.one_of(words, st.text(min_size=1, max_size=300)).filter(bool)


@SINGLE_STEP
@example(first_name="An\x00n", last_name=None, username=None)  # NUL: PostgreSQL refused it
@given(first_name=_names, last_name=st.none() | _names, username=st.none() | _names)
async def test_any_name_on_a_telegram_profile_gets_a_calm_answer(
    shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    errors: ErrorLog,
    units: dict[int, int],
    first_name: str,
    last_name: str | None,
    username: str | None,
) -> None:
    """Names are shown back (the greeting, the profile): whatever they hold."""
    someone = emulator.user(next(_profile_ids), first_name, last_name=last_name, username=username)
    watch = Watch(emulator, errors)

    await someone.send("/start")
    await someone.send("/profile")
    await settle(someone)

    trouble = watch.trouble()
    assert trouble.none, trouble
    await check_invariants(db, units)


_profile_ids = itertools.count(800_000)


@SINGLE_STEP
@given(text=hostile_text)
async def test_any_text_typed_as_a_search_gets_a_calm_answer(
    shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    errors: ErrorLog,
    units: dict[int, int],
    text: str,
) -> None:
    eve = new_customer(emulator)
    await eve.send("/search")
    await eve.next_message()
    watch = Watch(emulator, errors)

    await eve.send(text)
    await settle(eve)

    trouble = watch.trouble()
    assert trouble.none, trouble
    await check_invariants(db, units)


@SINGLE_STEP
@example(data=["cc:²"])  # isdigit() but not int()
@given(data=st.lists(callback_data, min_size=1, max_size=5))
async def test_forged_buttons_are_answered_calmly(
    shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    errors: ErrorLog,
    units: dict[int, int],
    data: list[str],
) -> None:
    eve = new_customer(emulator)
    await eve.send("/start")
    menu = await eve.next_message()
    watch = Watch(emulator, errors)

    for forged in data:
        query = await eve.press_forged(menu, forged)
        await eve.callback_answer(query)
        trouble = watch.trouble()
        assert trouble.none, (forged, trouble)
        await check_invariants(db, units)


# --------------------------------------------------------------------------- multi-step flows

# A good answer for each address question, so that examples get past the first one.
GOOD = {
    "recipient_name": "Ann Example",
    "phone": "+49 30 1234567",
    "street": "Main St 1",
    "city": "Berlin",
    "region": "-",
    "postal_code": "10115",
    "country": "DE",
    "text": "Fits well.",
    "email": "ann@example.com",
}
PLACE = "<press Place order>"
# None answers the current question well; anything else is sent as it is.
answers = st.lists(st.one_of(st.none(), hostile_text, hostile_text), min_size=1, max_size=7)


async def customer_id(db: Database, user: SimulatedUser) -> int:
    async with db.reading() as session:
        found = await session.scalar(select(User.id).where(User.telegram_id == user.telegram_id))
    assert found is not None
    return found


async def current_question(db: Database, user: SimulatedUser) -> str | None:
    async with db.reading() as session:
        step = await dialog.current_step(session, user_id=await customer_id(db, user))
    return step.step if step else None


async def answer_all(
    user: SimulatedUser,
    db: Database,
    watch: Watch,
    units: dict[int, int],
    given_answers: list[str | None],
) -> None:
    """Send each answer, and check after each that the shop and what it stored are sound."""
    for answer in given_answers:
        if answer == PLACE:
            latest = user.last_bot_message
            if latest is not None and texts.CHECKOUT_PLACE in latest.button_texts:
                await user.callback_answer(await user.press_button(latest, texts.CHECKOUT_PLACE))
        else:
            question = await current_question(db, user)
            await user.send(GOOD.get(question or "", "hello") if answer is None else answer)
        await settle(user)
        trouble = watch.trouble()
        assert trouble.none, (answer, trouble)
        await check_invariants(db, units)
        await check_stored(db, await customer_id(db, user))


async def check_stored(db: Database, user_id: int) -> None:
    """What the flows stored is what their validation lets through, and nothing else."""
    async with db.reading() as session:
        addresses = (await session.scalars(select(Address).where(Address.user_id == user_id))).all()
        orders = (await session.scalars(select(Order).where(Order.user_id == user_id))).all()
        email = await session.scalar(select(User.email).where(User.id == user_id))
        reviews = (
            await session.scalars(select(Review.text).where(Review.user_id == user_id))
        ).all()
    for address in addresses:
        for field in ADDRESS_FIELDS:
            value = getattr(address, field)
            assert users.validate_address_field(field, value) == value, (field, value)
    for order in orders:
        for field in ADDRESS_FIELDS:
            value = getattr(order, f"ship_{field}")
            assert users.validate_address_field(field, value) == value, (field, value)
    if email is not None:
        assert validate_email(email, check_deliverability=False).normalized == email
    for text in reviews:
        assert text == text.strip() and 1 <= len(text) <= REVIEW_MAX_LENGTH


@example(given_answers=[None] * 6 + ["Narnia " * 700])  # an unknown country, quoted back
@given(given_answers=answers)
async def test_the_profile_address_form_takes_only_sound_answers(
    shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    errors: ErrorLog,
    units: dict[int, int],
    given_answers: list[str | None],
) -> None:
    eve = new_customer(emulator)
    await eve.send("/profile")
    profile = await eve.next_message()
    await eve.callback_answer(await eve.press_button(profile, texts.PROFILE_ADD_ADDRESS))

    await answer_all(eve, db, Watch(emulator, errors), units, given_answers)


@example(given_answers=["x" * 5000])  # was quoted back whole: too long for Telegram
@given(given_answers=answers)
async def test_the_email_form_takes_only_sound_answers(
    shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    errors: ErrorLog,
    units: dict[int, int],
    given_answers: list[str | None],
) -> None:
    eve = new_customer(emulator)
    await eve.send("/profile")
    profile = await eve.next_message()
    await eve.callback_answer(await eve.press_button(profile, texts.PROFILE_SET_EMAIL))

    await answer_all(eve, db, Watch(emulator, errors), units, given_answers)


@given(
    given_answers=st.lists(
        st.one_of(st.none(), st.none(), st.just(PLACE), hostile_text), min_size=1, max_size=10
    )
)
async def test_checkout_address_entry_takes_only_sound_answers_and_places_whole_orders(
    shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    errors: ErrorLog,
    units: dict[int, int],
    given_answers: list[str | None],
) -> None:
    eve = new_customer(emulator)
    await eve.send("/start")
    menu = await eve.next_message()
    await eve.callback_answer(await eve.press_forged(menu, await sneakers_to_cart(db)))
    eve.skip_unread()  # the menu became the product card
    await eve.send("/cart")
    cart = await eve.next_message()
    await eve.callback_answer(await eve.press_button(cart, texts.CART_CHECKOUT))

    await answer_all(eve, db, Watch(emulator, errors), units, given_answers)


@example(given_answers=["\x00"])  # PostgreSQL refused to store NUL
@given(given_answers=answers)
async def test_a_review_takes_only_sound_text(
    shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    errors: ErrorLog,
    units: dict[int, int],
    given_answers: list[str | None],
) -> None:
    eve = new_customer(emulator)
    await eve.send("/start")
    menu = await eve.next_message()
    product_id = await delivered_sneakers(db, await customer_id(db, eve))
    write = WriteReview(product_id, VIA_NONE, 0, 1)
    await eve.callback_answer(await eve.press_forged(menu, write.pack()))

    await answer_all(eve, db, Watch(emulator, errors), units, given_answers)


async def sneakers_to_cart(db: Database) -> str:
    """The data of the card's "Add to cart" button for one pair of sneakers in size 40."""
    async with db.reading() as session:
        product_id, size_id = (
            await session.execute(
                select(Product.id, Size.id)
                .join(Size, Size.product_id == Product.id)
                .where(Product.name == "Classic Sneakers", Size.name == "40")
            )
        ).one()
    return AddToCart(product_id, size_id, 1, VIA_NONE, 0, 1).pack()


async def delivered_sneakers(db: Database, user_id: int) -> int:
    """Give the customer a delivered pair (stock untouched: the factory skips checkout)."""
    async with db.transaction() as session:
        product = (
            await session.scalars(select(Product).where(Product.name == "Classic Sneakers"))
        ).one()
        size = (await session.scalars(select(Size).where(Size.product_id == product.id))).first()
        assert size is not None
        user = await session.get_one(User, user_id)
        await make_order(
            session, user=user, product=product, size=size, status=OrderStatus.DELIVERED
        )
        size.stock -= 1  # as its checkout did, so that no unit is unaccounted for
    return product.id


# --------------------------------------------------------------------------- wandering about

# An integer presses one of the latest screen's buttons, None answers a question well.
moves = st.lists(
    st.one_of(st.integers(0, 63), st.integers(0, 63), st.none(), hostile_text),
    min_size=1,
    max_size=12,
)


@given(moves=moves)
async def test_a_customer_pressing_any_button_and_typing_anything_never_breaks_the_shop(
    shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    errors: ErrorLog,
    units: dict[int, int],
    moves: list[int | str | None],
) -> None:
    eve = new_customer(emulator)
    await eve.send("/start")
    await eve.next_message()
    watch = Watch(emulator, errors)

    for move in moves:
        if isinstance(move, int):
            await press_one_of_the_buttons(eve, move)
        else:
            question = await current_question(db, eve)
            await eve.send(GOOD.get(question or "", "sneakers") if move is None else move)
        await settle(eve)
        trouble = watch.trouble()
        assert trouble.none, (move, trouble)
        await check_invariants(db, units)
        await check_stored(db, await customer_id(db, eve))


async def press_one_of_the_buttons(user: SimulatedUser, which: int) -> None:
    """Press a button of the newest message that has any, as the customer sees it now."""
    for message in reversed(user.bot_messages):
        data = [b.callback_data for row in message.buttons for b in row if b.callback_data]
        if data:
            await user.callback_answer(await user.press(message, data[which % len(data)]))
            return


# --------------------------------------------------------------------------- someone else's data


@pytest.fixture
async def victim(db: Database, catalogue: None) -> PlacedOrder:
    """Another customer with an order awaiting payment, a saved address and a cart line."""
    placed = await place_order(db)
    async with db.transaction() as session:
        hat = (
            await session.scalars(select(Size).join(Product).where(Product.name == "Wool Hat"))
        ).one()
        await carts.add_item(
            session, user_id=placed.user_id, product_id=hat.product_id, size_id=hat.id
        )
    return placed


async def belongings(db: Database, user_id: int) -> tuple[object, ...]:
    """Everything of a customer's that another customer must not be able to change."""
    async with db.reading() as session:
        orders = (
            await session.execute(select(Order.id, Order.status).where(Order.user_id == user_id))
        ).all()
        addresses = (
            await session.execute(
                select(Address.id, Address.street, Address.is_default).where(
                    Address.user_id == user_id
                )
            )
        ).all()
        cart = (
            await session.execute(
                select(CartItem.size_id, CartItem.quantity)
                .join(Cart)
                .where(Cart.user_id == user_id)
            )
        ).all()
        step = await dialog.current_step(session, user_id=user_id)
    return tuple(orders), tuple(addresses), tuple(cart), step


def every_layout_pointing_at(object_id: int) -> list[str]:
    """Each button layout of the shop with `object_id` in every number field: whatever a field
    means (order, address, product, size, page), it points at that id."""
    forged = []
    for cls in LAYOUTS:
        values = [str(object_id) if f.type in (int, "int") else "n" for f in fields(cls)]
        forged.append(":".join([cls.prefix, *values]))
    return forged


async def test_forged_buttons_never_reach_another_customers_orders_addresses_or_cart(
    shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    errors: ErrorLog,
    victim: PlacedOrder,
    units: dict[int, int],
) -> None:
    before = await belongings(db, victim.user_id)
    eve = new_customer(emulator)
    await eve.send("/start")
    menu = await eve.next_message()
    watch = Watch(emulator, errors)

    # The victim's order, address, sizes and products all have ids of 1 to 4.
    for object_id in range(1, 5):
        for forged in every_layout_pointing_at(object_id):
            await eve.callback_answer(await eve.press_forged(menu, forged))
            trouble = watch.trouble()
            assert trouble.none, (forged, trouble)
            menu = eve.last_bot_message or menu

    assert await belongings(db, victim.user_id) == before
    seen = "\n".join(texts_seen_by(eve))
    assert "Ann Example" not in seen and "1234567" not in seen  # the victim's name and phone
    await check_invariants(db, units)


# --------------------------------------------------------------------------- edits and other chats


async def dialog_of(db: Database, user: SimulatedUser) -> tuple[object, ...]:
    async with db.reading() as session:
        step = await dialog.current_step(session, user_id=await customer_id(db, user))
        addresses = (
            await session.scalars(
                select(Address.id).where(Address.user_id == await customer_id(db, user))
            )
        ).all()
    return step, tuple(addresses)


@example(edits=[(0, "Infinity")])  # was saved as the city
@given(edits=st.lists(st.tuples(st.integers(0, 5), hostile_text), min_size=1, max_size=4))
async def test_editing_earlier_answers_changes_nothing_and_gets_no_reply(
    shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    errors: ErrorLog,
    units: dict[int, int],
    edits: list[tuple[int, str]],
) -> None:
    """Telegram tells the bot about edits too; an edited answer must not be taken for the
    answer to whatever question the form is on now."""
    eve = new_customer(emulator)
    await eve.send("/profile")
    profile = await eve.next_message()
    await eve.callback_answer(await eve.press_button(profile, texts.PROFILE_ADD_ADDRESS))
    answered = []
    for field in ADDRESS_FIELDS[:3]:
        answered.append(await eve.send(GOOD[field]))
        await settle(eve)
    before, seen = await dialog_of(db, eve), len(eve.bot_messages)
    watch = Watch(emulator, errors)

    for which, text in edits:
        await eve.edit(answered[which % len(answered)], text)
        await settle(eve)

    trouble = watch.trouble()
    assert trouble.none, trouble
    assert await dialog_of(db, eve) == before
    assert len(eve.bot_messages) == seen  # the menu the settling presses edit aside
    await check_invariants(db, units)


GROUP = {"id": -1001234, "type": "supergroup", "title": "Shoppers"}
CHANNEL = {"id": -1009876, "type": "channel", "title": "Deals"}


def _post(chat: dict[str, object], text: str, **sender: object) -> dict[str, object]:
    return {"message_id": 1, "date": 0, "chat": chat, "text": text, **sender} | (
        {"entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}
        if text.startswith("/")
        else {}
    )


@pytest.mark.parametrize("text", ["/profile", "/orders", "/cart", "/start", "hoodie", "/nope"])
async def test_the_shop_keeps_out_of_groups_and_channels(
    shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    errors: ErrorLog,
    victim: PlacedOrder,
    units: dict[int, int],
    text: str,
) -> None:
    """A customer's orders, addresses and phone are theirs: the shop answers in private chats
    only, so nothing of theirs is ever posted where others read along."""
    member = {"id": victim.telegram_id, "is_bot": False, "first_name": "Ann"}
    emulator.push_update("message", _post(GROUP, text, **{"from": member}))
    emulator.push_update("message", _post(GROUP, text, sender_chat=CHANNEL))  # anonymous
    emulator.push_update("channel_post", _post(CHANNEL, text))
    eve = new_customer(emulator)
    watch = Watch(emulator, errors)
    await eve.send("/help")
    await eve.next_message()

    trouble = watch.trouble()
    assert trouble.none, trouble
    outside = [c for c in emulator.calls if str(c.params.get("chat_id", "")).startswith("-")]
    assert outside == []
    await check_invariants(db, units)
