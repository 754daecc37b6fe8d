"""The admins' delivery options: /addshipping, /shipping and /endshipping, each audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.models import AdminAction, ShippingOption
from tests.conftest import OWNER_ID

USAGE = "Usage: /addshipping <name> <4.90> [free over 50.00] [countries DE,AT]"


async def say(user: SimulatedUser, text: str) -> Message:
    await user.send(text)
    return await user.next_message()


async def options(db: Database) -> list[ShippingOption]:
    async with db.reading() as session:
        return list(await session.scalars(select(ShippingOption).order_by(ShippingOption.id)))


async def audit(db: Database) -> list[tuple[str, str]]:
    async with db.reading() as session:
        rows = await session.scalars(select(AdminAction).order_by(AdminAction.id))
        return [(row.action, row.details) for row in rows]


@pytest.fixture
def owner(emulator: BotApiEmulator) -> SimulatedUser:
    return emulator.user(OWNER_ID, "Owner")


@pytest.mark.usefixtures("admin_shop")
async def test_addshipping_keeps_the_price_threshold_and_normalised_countries_and_audits_it(
    owner: SimulatedUser, db: Database
) -> None:
    reply = await say(owner, "/addshipping DHL Express 4.90 free over 50 countries de, at")

    assert reply.content == (
        "✅ Delivery option #1 DHL Express: €4.90, free from €50.00, to AT, DE.\n"
        "Customers see it at checkout; /endshipping 1 stops it."
    )
    [option] = await options(db)
    assert (option.name, option.price, option.free_over, option.currency) == (
        "DHL Express",
        490,
        5000,
        "EUR",
    )
    assert option.countries == "AT,DE" and option.ended_at is None
    assert await audit(db) == [
        ("add_shipping", "DHL Express: 490 EUR free_over=5000 countries=AT,DE")
    ]

    reply = await say(owner, "/addshipping Pickup 0")
    assert reply.content.startswith("✅ Delivery option #2 Pickup: free, to every country.")
    assert (await options(db))[1].countries == ""


@pytest.mark.usefixtures("admin_shop")
@pytest.mark.parametrize(
    "command",
    [
        "/addshipping",
        "/addshipping DHL",
        "/addshipping 4.90",
        "/addshipping DHL 4.90 free",
        "/addshipping DHL 4.90 free 50",
        "/addshipping DHL 4.90 countries",
        "/addshipping DHL 4.90 free over 50 free over 60",
        "/addshipping DHL 4.90 countries DE countries AT",
    ],
)
async def test_bad_arguments_get_the_usage_line_and_change_nothing(
    owner: SimulatedUser, db: Database, command: str
) -> None:
    assert (await say(owner, command)).content == USAGE
    assert await options(db) == []
    assert await audit(db) == []


@pytest.mark.usefixtures("admin_shop")
@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/addshipping DHL four", "“four” is not a price. Write it like 49.99."),
        ("/addshipping DHL 4.999", "“4.999” has more decimals than EUR allows."),
        (
            "/addshipping DHL 4.90 free over 0",
            "A delivery price is 0 or more, and the amount it is free from is more than 0.",
        ),
        (
            "/addshipping DHL 4.90 countries DE,XX",
            "“XX” is not a country code. Use two letters, like DE or AT.",
        ),
        (
            "/addshipping DHL 4.90 countries Germany",
            "“Germany” is not a country code. Use two letters, like DE or AT.",
        ),
    ],
)
async def test_a_bad_price_or_country_is_refused_with_the_reason_and_changes_nothing(
    owner: SimulatedUser, db: Database, command: str, answer: str
) -> None:
    assert (await say(owner, command)).content == answer
    assert await options(db) == []
    assert await audit(db) == []


@pytest.mark.usefixtures("admin_shop")
async def test_a_name_already_offered_is_refused_whatever_its_case(
    owner: SimulatedUser, db: Database
) -> None:
    await say(owner, "/addshipping DHL 4.90")

    reply = await say(owner, "/addshipping dhl 3.90")

    assert reply.content == "There is already a delivery option “dhl”. /shipping lists them."
    assert [option.price for option in await options(db)] == [490]
    assert len(await audit(db)) == 1


@pytest.mark.usefixtures("admin_shop")
async def test_shipping_lists_the_options_and_endshipping_stops_one_by_name_or_id(
    owner: SimulatedUser, db: Database
) -> None:
    assert (await say(owner, "/shipping")).content == (
        "There are no delivery options: checkout charges no shipping. /addshipping adds one."
    )
    await say(owner, "/addshipping Express 12.00")
    await say(owner, "/addshipping DHL 4.90 free over 50 countries DE,AT")
    await say(owner, "/addshipping Royal Mail 3.00 countries GB")

    listed = await say(owner, "/shipping")
    assert listed.content == (
        "🚚 Delivery options, those offered first:\n"
        "#3 Royal Mail — €3.00, to GB\n"
        "#2 DHL — €4.90, free from €50.00, to AT, DE\n"
        "#1 Express — €12.00, to every country"
    )

    ended = await say(owner, "/endshipping royal mail")
    assert ended.content == (
        "✅ Delivery option #3 Royal Mail is no longer offered. Orders placed with it keep it."
    )
    assert (await say(owner, "/endshipping #3")).content == (
        "The delivery option Royal Mail had already ended."
    )
    assert (await say(owner, "/endshipping UPS")).content == (
        "There is no delivery option “UPS”. /shipping lists them."
    )
    listed = await say(owner, "/shipping")
    assert listed.content.endswith(
        "#1 Express — €12.00, to every country\n#3 Royal Mail — €3.00, to GB (ended)"
    )
    # The name is free again once the option ended.
    assert (await say(owner, "/addshipping Royal Mail 3.50 countries GB")).content.startswith(
        "✅ Delivery option #4 Royal Mail: €3.50"
    )
    assert [action for action, _ in await audit(db)] == [
        "add_shipping",
        "add_shipping",
        "add_shipping",
        "end_shipping",
        "add_shipping",
    ]


@pytest.mark.usefixtures("admin_shop")
async def test_the_admin_command_list_names_the_shipping_commands(owner: SimulatedUser) -> None:
    listed = (await say(owner, "/admin")).content

    assert "Shipping" in listed
    for command in ("/addshipping", "/shipping", "/endshipping"):
        assert command in listed
