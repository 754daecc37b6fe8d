"""The admins' promo codes: /addpromo, /makecodes, /promos and /endpromo, each audited."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.models import AdminAction, PromoCode, Size
from bot.services import cart as carts
from bot.services import user as users
from bot.services.cart import cart_fingerprint
from bot.services.errors import NotAllowed
from bot.services.promo import discount_of
from bot.usecases import checkout
from bot.usecases.customers import Sender, shopper
from tests.conftest import OWNER_ID
from tests.factories import make_product
from tests.fakes.stripe_shop import HOME

USAGE_ADD = (
    "Usage: /addpromo <code> <10%|5.00> [until YYYY-MM-DD] [uses N] [per-customer N] [min 50.00]"
)
USAGE_MAKE = "Usage: /makecodes <how many> <prefix> <10%|5.00> [until …] [per-customer N] [min …]"


async def say(user: SimulatedUser, text: str) -> Message:
    await user.send(text)
    return await user.next_message()


async def codes(db: Database) -> dict[str, PromoCode]:
    async with db.reading() as session:
        return {promo.code: promo for promo in await session.scalars(select(PromoCode))}


async def audit(db: Database) -> list[tuple[str, str]]:
    async with db.reading() as session:
        rows = await session.scalars(select(AdminAction).order_by(AdminAction.id))
        return [(row.action, row.details) for row in rows]


@pytest.fixture
def owner(emulator: BotApiEmulator) -> SimulatedUser:
    return emulator.user(OWNER_ID, "Owner")


@pytest.mark.usefixtures("admin_shop")
async def test_addpromo_with_every_option_creates_the_code_and_audits_it(
    owner: SimulatedUser, db: Database
) -> None:
    reply = await say(
        owner, "/addpromo spring10 10% until 2099-05-31 uses 100 per-customer 1 min 50.00"
    )

    assert reply.content == (
        "✅ Promo code SPRING10: 10% off, on orders of €50.00 or more, until 31 May 2099; "
        "0 of 100 uses taken, 1 order per customer.\n"
        "Customers type it on the order summary, or open "
        "https://t.me/shop_test_bot?start=promo_SPRING10"
    )
    code = (await codes(db))["SPRING10"]
    assert (code.percent_off, code.amount_off, code.currency) == (10, None, "EUR")
    assert (code.valid_until, code.max_uses, code.per_customer, code.min_total) == (
        date(2099, 5, 31),
        100,
        1,
        5000,
    )
    assert await audit(db) == [
        ("add_promo", "SPRING10: 10% until 2099-05-31 uses 100 per-customer 1 min 5000")
    ]
    reply = await say(owner, "/addpromo FIVE 5.00")
    assert reply.content.startswith("✅ Promo code FIVE: €5.00 off; used 0 times.")
    assert (await codes(db))["FIVE"].amount_off == 500


@pytest.mark.usefixtures("admin_shop")
@pytest.mark.parametrize(
    "command",
    [
        "/addpromo",
        "/addpromo SPRING",
        "/addpromo SPRING ten%",
        "/addpromo SPRING 0%",
        "/addpromo SPRING 101%",
        "/addpromo SPRING 10% until",
        "/addpromo SPRING 10% until 31.12.2099",
        "/addpromo SPRING 10% uses 0",
        "/addpromo SPRING 10% forever 1",
        "/addpromo SPRING 10% uses 5 uses 6",
    ],
)
async def test_bad_arguments_get_the_usage_line_and_change_nothing(
    owner: SimulatedUser, db: Database, command: str
) -> None:
    assert (await say(owner, command)).content == USAGE_ADD
    assert await codes(db) == {}
    assert await audit(db) == []


@pytest.mark.usefixtures("admin_shop")
async def test_a_code_is_unique_whatever_its_case(owner: SimulatedUser, db: Database) -> None:
    await say(owner, "/addpromo SPRING 10%")

    reply = await say(owner, "/addpromo spring 20%")

    assert reply.content == "There is already a promo code SPRING. /promos lists them."
    assert (await codes(db))["SPRING"].percent_off == 10


@pytest.mark.usefixtures("admin_shop")
async def test_promos_lists_the_codes_with_their_uses_and_endpromo_stops_one(
    owner: SimulatedUser, db: Database
) -> None:
    await say(owner, "/addpromo SPRING 10% uses 3")
    await say(owner, "/addpromo WELCOME 5.00")
    async with db.transaction() as session:
        spring = (await session.scalars(select(PromoCode).where(PromoCode.code == "SPRING"))).one()
        spring.uses = 2

    listed = await say(owner, "/promos")

    assert listed.content == (
        "🏷 Promo codes, newest first:\n"
        "WELCOME — €5.00 off; used 0 times\n"
        "SPRING — 10% off; 2 of 3 uses taken"
    )
    ended = await say(owner, "/endpromo spring")
    assert ended.content == (
        "⏹ The promo code SPRING has ended, after 2 uses. "
        "Orders already placed keep their discount."
    )
    assert (await say(owner, "/endpromo SPRING")).content == (
        "The promo code SPRING had already ended."
    )
    assert "SPRING — 10% off; 2 of 3 uses taken, ended" in (await say(owner, "/promos")).content
    assert [action for action, _ in await audit(db)] == ["add_promo", "add_promo", "end_promo"]
    assert (await say(owner, "/endpromo NOPE")).content == (
        "There is no promo code “NOPE”. Please check how it is spelled."
    )


@pytest.mark.usefixtures("admin_shop")
async def test_makecodes_sends_a_csv_of_unique_codes_each_good_for_one_order(
    owner: SimulatedUser, emulator: BotApiEmulator, db: Database
) -> None:
    reply = await say(owner, "/makecodes 5 vip 15% min 20.00")

    assert reply.document is not None
    assert reply.content == "✅ 5 one-time promo codes: 15% off, on orders of €20.00 or more."
    rows = list(csv.reader(io.StringIO(emulator.file_content(reply.document["file_id"]).decode())))
    assert rows[0] == ["code", "discount", "until", "minimum"]
    made = [row[0] for row in rows[1:]]
    assert len(set(made)) == 5 and all(code.startswith("VIP-") for code in made)
    assert {tuple(row[1:]) for row in rows[1:]} == {("15%", "", "20.00")}
    stored = await codes(db)
    assert set(stored) == set(made)
    assert {(c.max_uses, c.percent_off, c.min_total) for c in stored.values()} == {(1, 15, 2000)}
    assert [action for action, _ in await audit(db)] == ["make_promo_codes"]

    # Each works once: a customer orders with one, and it is then used up.
    async with db.transaction() as session:
        await make_product(session, name="Hoodie", price=4999, sizes={"M": 5})
    ann = Sender(4242, "Ann")
    first = made[0]
    placed = await _order_with(db, ann, first)
    assert discount_of(stored[first], 4999) == 750 and placed == 4249
    with pytest.raises(NotAllowed) as refused:
        await _order_with(db, Sender(4343, "Ben"), first)
    assert refused.value.code == "promo.used_up"


@pytest.mark.usefixtures("admin_shop")
@pytest.mark.parametrize(
    "command",
    ["/makecodes", "/makecodes 0 VIP 10%", "/makecodes 3 VIP", "/makecodes 3 VIP 10% uses 5"],
)
async def test_makecodes_with_bad_arguments_gets_its_usage_line(
    owner: SimulatedUser, db: Database, command: str
) -> None:
    assert (await say(owner, command)).content == USAGE_MAKE
    assert await codes(db) == {}


@pytest.mark.usefixtures("admin_shop")
async def test_customers_cannot_make_promo_codes(emulator: BotApiEmulator, db: Database) -> None:
    ann = emulator.user(4242, "Ann")

    assert "I don't know that command" in (await say(ann, "/addpromo FREE 100%")).content
    assert await codes(db) == {}


async def _order_with(db: Database, sender: Sender, code: str) -> int:
    """The customer puts the hoodie in the cart, types `code` and orders; the order's total."""
    async with db.transaction() as session:
        customer = await shopper(session, sender)
        size = (await session.scalars(select(Size))).one()
        await carts.add_item(
            session, user_id=customer.id, product_id=size.product_id, size_id=size.id
        )
        address = await users.add_address(session, user_id=customer.id, address=HOME)
    await checkout.ask_promo_code(db, sender=sender, address_id=address.id)
    shown = await checkout.enter_promo_code(
        db,
        sender=sender,
        answers={"address_id": address.id, "save_card": False},
        text=code.lower(),
        cards_savable=False,
    )
    assert isinstance(shown, checkout.Summary)
    placed = await checkout.place_order(
        db,
        sender=sender,
        address_id=address.id,
        fingerprint=cart_fingerprint(shown.cart),
        cards_savable=False,
        admin_chat_ids=(),
        provider="none",
        promo_id=shown.promo_id,
    )
    assert isinstance(placed, checkout.OrderPlaced)
    return placed.total
