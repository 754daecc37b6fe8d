"""Stocking the shop from the chat: categories, /addproduct, edits, stock and visibility."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.keyboards.admin_catalog import CancelProduct, PickCategory, SaveProduct, SkipStep
from bot.models import AdminAction, Category, OutboxMessage, Product, Size
from bot.runner import running_shop
from bot.services import cart as carts
from bot.services import user as users
from bot.services.user import AddressInput
from bot.texts import admin as admin_texts
from bot.texts.errors import ERRORS
from tests.conftest import OWNER_ID, shop_settings
from tests.factories import make_category, make_product, make_user
from tests.notices import text_of

ANN = 42
PHOTO = b"\xff\xd8\xff\xe0 a jpeg, as far as the emulator cares"
HOME = AddressInput("Ann Example", "+49 30 1234567", "Main St 1", "Berlin", "", "10115", "DE")


def _owner(emulator: BotApiEmulator) -> SimulatedUser:
    return emulator.user(OWNER_ID, "Owner")


async def _say(user: SimulatedUser, text: str) -> Message:
    await user.send(text)
    return await user.next_message()


async def _press(user: SimulatedUser, message: Message, label: str) -> Message:
    answer = await user.callback_answer(await user.press_button(message, label))
    assert not answer.show_alert, answer.text
    return await user.next_message()


async def _count(db: Database, model: type[Any]) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def _log(db: Database) -> list[tuple[int, str, str, int | None, str]]:
    async with db.reading() as session:
        rows = await session.scalars(select(AdminAction).order_by(AdminAction.id))
        return [(r.admin_telegram_id, r.action, r.entity, r.entity_id, r.details) for r in rows]


async def _product(db: Database, product_id: int) -> Product:
    async with db.reading() as session:
        statement = select(Product).options(selectinload(Product.sizes))
        return (await session.scalars(statement.where(Product.id == product_id))).one()


async def _stocked(db: Database, **sizes: int) -> tuple[int, int]:
    """A Sneakers category with Court Classic (4999 EUR) in these sizes: (product, category)."""
    async with db.transaction() as session:
        category = await make_category(session, "Sneakers")
        product = await make_product(
            session, name="Court Classic", category=category, sizes=sizes or {"M": 3}
        )
        return product.id, category.id


async def _search(user: SimulatedUser, query: str) -> str:
    """What a customer reads back for a search: the text and the product buttons."""
    found = await _say(user, query)
    return "\n".join([found.content, *found.button_texts])


# --- /addcategory -------------------------------------------------------------------------


async def test_addcategory_adds_a_category_once_and_logs_it(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    owner = _owner(emulator)
    added = await _say(owner, "/addcategory   Summer  Hats ")
    assert "Category Summer Hats added (#1)" in added.content
    duplicate = await _say(owner, "/addcategory summer hats")
    assert duplicate.content == "There is already a category called “summer hats”."
    assert (await _say(owner, "/addcategory")).content == "Usage: /addcategory <name>"
    long = await _say(owner, "/addcategory " + "x" * 65)
    assert long.content == "A category name can be at most 64 characters long."
    assert await _count(db, Category) == 1
    assert await _log(db) == [(OWNER_ID, "add_category", "category", 1, "Summer Hats")]


# --- who may --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "/addcategory Hats",
        "/addproduct",
        "/editproduct 1 price 1.00",
        "/setstock 1 M 0",
        "/hide 1",
        "/show 1",
    ],
)
async def test_a_customer_gets_the_unknown_command_reply_and_nothing_changes(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database, command: str
) -> None:
    product_id, _ = await _stocked(db, M=3)
    ann = emulator.user(ANN, "Ann")
    assert (await _say(ann, command)).content == texts.UNKNOWN_COMMAND
    product = await _product(db, product_id)
    assert (product.price, product.is_active, product.sizes[0].stock) == (4999, True, 3)
    assert await _count(db, Category) == 1
    assert await _log(db) == []


async def test_a_customer_captioning_a_photo_with_an_admin_command_gets_the_unknown_reply(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id, _ = await _stocked(db)
    ann = emulator.user(ANN, "Ann")
    await ann.send_photo(PHOTO, caption=f"/editproduct {product_id} photo")
    assert (await ann.next_message()).content == texts.UNKNOWN_COMMAND
    assert (await _product(db, product_id)).photo is None


# --- /addproduct ----------------------------------------------------------------------------


async def test_addproduct_asks_each_step_again_until_the_answer_is_right_then_saves(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        await make_category(session, "Caps")
        await make_category(session, "Hats")
    owner = _owner(emulator)
    question = await _say(owner, "/addproduct")
    assert "step 1 of 6" in question.content
    assert question.button_texts == ["Caps", "Hats", admin_texts.CANCEL]

    wrong = await _say(owner, "Shoes")
    assert wrong.content.startswith("⚠️ There is no category “Shoes”.")
    assert "step 1 of 6" in wrong.content
    name = await _press(owner, wrong, "Hats")
    assert name.message_id == wrong.message_id  # the question is edited in place
    assert "step 2 of 6" in name.content

    assert "can be at most 128" in (await _say(owner, "x" * 129)).content
    price = await _say(owner, "  Wool   Fedora ")
    assert "step 3 of 6" in price.content
    assert "What does it cost (in EUR)?" in price.content
    for bad, why in [
        ("cheap", "“cheap” is not a price. Write it like 49.99."),
        ("49.999", "“49.999” has more decimals than EUR allows."),
        ("-5", "“-5” is not a price. Write it like 49.99."),
        ("100000.01", "A price can be at most €100,000.00."),
    ]:
        reask = await _say(owner, bad)
        assert reask.content.startswith(f"⚠️ {why}"), reask.content
        assert "step 3 of 6" in reask.content

    description = await _say(owner, "49,90")
    assert "step 4 of 6" in description.content
    assert description.button_texts == [admin_texts.SKIP, admin_texts.CANCEL]
    photo = await _say(owner, "Felt fedora.\nHand made.")
    assert "step 5 of 6" in photo.content
    not_a_photo = await _say(owner, "here it is")
    assert not_a_photo.content.startswith(f"⚠️ {ERRORS['draft.send_photo']}")
    sent = await owner.send_photo(PHOTO)
    sizes = await owner.next_message()
    assert "step 6 of 6" in sizes.content
    for bad, why in [
        ("S five", "“S five” is not a size with its stock. Write it like M 3."),
        ("S 5, s 2", "The size “s” is listed twice."),
        ("M 1000001", "Stock is a whole number from 0 to 1,000,000."),
    ]:
        reask = await _say(owner, bad)
        assert reask.content.startswith(f"⚠️ {why}"), reask.content
    summary = await _say(owner, "S 5, M 3\nL: 0")
    assert summary.photo is not None  # shown with the photo the admin sent
    assert "Category: Hats\nName: Wool Fedora\nPrice: €49.90" in summary.content
    assert "Sizes and stock: S 5, M 3, L 0" in summary.content
    assert summary.button_texts == [admin_texts.SAVE, admin_texts.CANCEL]
    assert await _count(db, Product) == 0

    # A double tap: the second press finds the product saved and the conversation over.
    presses = [await owner.press_button(summary, admin_texts.SAVE) for _ in range(2)]
    answers = [await owner.callback_answer(press) for press in presses]
    assert [(a.text, a.show_alert) for a in answers] == [
        (None, False),
        (texts.EXPIRED_BUTTON, True),
    ]
    saved = await owner.next_message()
    assert "Added Wool Fedora (#1, SKU HAT-0001) to Hats" in saved.content
    product = await _product(db, 1)
    assert (product.name, product.price, product.currency, product.sku) == (
        "Wool Fedora",
        4990,
        "EUR",
        "HAT-0001",
    )
    assert product.description == "Felt fedora.\nHand made."
    assert sent.photo is not None
    assert product.photo == sent.photo[-1]["file_id"]
    assert [(s.name, s.stock) for s in product.sizes] == [("S", 5), ("M", 3), ("L", 0)]
    ((admin, action, entity, entity_id, details),) = await _log(db)
    assert (admin, action, entity, entity_id) == (OWNER_ID, "add_product", "product", 1)
    assert "sku=HAT-0001" in details
    assert await _count(db, Product) == 1
    ann = emulator.user(ANN, "Ann")
    assert "Wool Fedora" in await _search(ann, "fedora")


async def test_skipped_steps_and_a_stock_alone_make_a_one_size_product_with_a_typed_sku(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        await make_category(session, "Caps")
        await make_product(session, name="Taken", category=None)  # SKU-<n>
        taken = (await session.scalars(select(Product.sku))).one()
    owner = _owner(emulator)
    await _say(owner, "/addproduct")
    await _say(owner, "caps")  # typed, in another case
    await _say(owner, "Trucker Cap")
    description = await _say(owner, "19")
    photo = await _press(owner, description, admin_texts.SKIP)
    assert "step 5 of 6" in photo.content
    sizes = await _press(owner, photo, admin_texts.SKIP)
    assert "step 6 of 6" in sizes.content
    summary = await _say(owner, "12")
    assert "Description: none\nPhoto: none\nSizes and stock: One size 12" in summary.content
    assert "SKU: made up when you save" in summary.content
    refused = await _say(owner, taken)
    assert refused.content.startswith(f"⚠️ Another product already has the SKU “{taken}”.")
    summary = await _say(owner, "CAP-TRK-1")
    assert "SKU: CAP-TRK-1" in summary.content
    saved = await _press(owner, summary, admin_texts.SAVE)
    assert "SKU CAP-TRK-1" in saved.content
    product = await _product(db, 2)
    assert (product.price, product.description, product.photo) == (1900, "", None)
    assert [(s.name, s.stock) for s in product.sizes] == [("One size", 12)]


async def test_cancel_in_the_middle_of_addproduct_adds_nothing(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _stocked(db)
    owner = _owner(emulator)
    question = await _say(owner, "/addproduct")
    await _press(owner, question, "Sneakers")
    await _say(owner, "Runner")
    assert (await _say(owner, "/cancel")).content == texts.cancelled("addproduct")
    after = await _say(owner, "59.99")  # no longer a price: a search
    assert "step" not in after.content

    question = await _say(owner, "/addproduct")
    await _press(owner, question, "Sneakers")
    price = await _say(owner, "Runner")
    cancelled = await _press(owner, price, admin_texts.CANCEL)
    assert cancelled.content == admin_texts.ADD_CANCELLED
    assert await _count(db, Product) == 1
    assert await _log(db) == []


async def test_addproduct_carries_on_after_a_restart(
    emulator: BotApiEmulator, db: Database
) -> None:
    await _stocked(db)
    settings = shop_settings(emulator, db, admin_ids=[OWNER_ID])
    owner = _owner(emulator)
    async with running_shop(settings, db, token=emulator.token):
        question = await _say(owner, "/addproduct")
        await _press(owner, question, "Sneakers")
        await _say(owner, "Trail Runner")
        description = await _say(owner, "89")

    async with running_shop(settings, db, token=emulator.token):
        photo = await _press(owner, description, admin_texts.SKIP)  # a button from before
        assert "step 5 of 6" in photo.content
        await _press(owner, photo, admin_texts.SKIP)
        summary = await _say(owner, "42 1, 43 2")

    async with running_shop(settings, db, token=emulator.token):
        saved = await _press(owner, summary, admin_texts.SAVE)
    assert "Added Trail Runner (#2, SKU SNE-0001)" in saved.content
    product = await _product(db, 2)
    assert (product.price, [(s.name, s.stock) for s in product.sizes]) == (
        8900,
        [("42", 1), ("43", 2)],
    )


async def test_addproduct_with_no_categories_says_to_add_one_first(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    owner = _owner(emulator)
    assert (await _say(owner, "/addproduct")).content == ERRORS["category.none_yet"]
    assert (await _say(owner, "/addproduct now")).content == "Usage: /addproduct"


async def test_an_admin_demoted_during_addproduct_is_let_out_of_it(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _stocked(db)
    owner, ann = _owner(emulator), emulator.user(ANN, "Ann")
    await _say(ann, "/start")
    await _say(owner, f"/promote {ANN}")
    question = await _say(ann, "/addproduct")
    await _press(ann, question, "Sneakers")
    price = await _say(ann, "Runner")
    await _say(owner, f"/demote {ANN}")
    assert (await _say(ann, "10")).content == texts.cancelled("addproduct")
    refused = await ann.callback_answer(await ann.press_button(price, admin_texts.CANCEL))
    assert (refused.text, refused.show_alert) == (texts.EXPIRED_BUTTON, True)
    assert "step" not in (await _say(ann, "Runner")).content  # a search again
    assert await _count(db, Product) == 1


async def test_a_button_from_another_step_has_expired(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _stocked(db)
    owner = _owner(emulator)

    async def refused(message: Message, data: str) -> None:
        answer = await owner.callback_answer(await owner.press_forged(message, data))
        assert (answer.text, answer.show_alert) == (texts.EXPIRED_BUTTON, True)

    question = await _say(owner, "/addproduct")
    await _press(owner, question, "Sneakers")
    await refused(question, PickCategory(1).pack())  # the name is being asked now
    await _say(owner, "Runner")
    description = await _say(owner, "10")
    await _say(owner, "Light and fast.")
    await refused(description, SkipStep("description").pack())  # the photo is asked now
    await refused(description, SaveProduct().pack())
    assert (await _say(owner, "/cancel")).content == texts.cancelled("addproduct")
    await refused(description, CancelProduct().pack())
    assert await _count(db, Product) == 1


# --- /editproduct ---------------------------------------------------------------------------


async def test_editproduct_changes_one_field_and_customers_see_it(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id, _ = await _stocked(db)
    async with db.transaction() as session:
        caps = await make_category(session, "Caps")
    owner, ann = _owner(emulator), emulator.user(ANN, "Ann")
    assert "Court Classic" in await _search(ann, "court")

    renamed = await _say(owner, f"/editproduct {product_id} name Runway   Racer")
    assert renamed.content == f"✅ Runway Racer (#{product_id}) — name: Runway Racer"
    assert "Runway Racer" in await _search(ann, "runway")
    assert "Court Classic" not in await _search(ann, "court")

    priced = await _say(owner, f"/editproduct {product_id} price 39.5")
    assert priced.content.endswith("price: €39.50")
    await _say(owner, f"/editproduct {product_id} description Light.\nFast.")
    moved = await _say(owner, f"/editproduct {product_id} category caps")
    assert moved.content.endswith("category: Caps")
    product = await _product(db, product_id)
    assert (product.price, product.description, product.category_id) == (
        3950,
        "Light.\nFast.",
        caps.id,
    )
    await _say(owner, f"/editproduct {product_id} category 1")  # by id
    cleared = await _say(owner, f"/editproduct {product_id} description -")
    assert cleared.content.endswith("description: none")
    product = await _product(db, product_id)
    assert (product.category_id, product.description) == (1, "")
    assert [details for *_, details in await _log(db)] == [
        "name: Court Classic -> Runway Racer",
        "price: €49.99 -> €39.50",
        "description:  -> Light.\nFast.",
        "category: Sneakers -> Caps",
        "category: Caps -> Sneakers",
        "description: Light.\nFast. -> ",
    ]


@pytest.mark.parametrize(
    ("arguments", "reply"),
    [
        (
            "",
            "Usage: /editproduct <product id or SKU> "
            "<name|description|price|category|photo|photos> <value>",
        ),
        ("1", "Usage"),
        ("1 colour red", "Usage"),
        ("one price 5", "No product has the id or SKU “one”."),
        ("1 price", "Usage"),
        ("999 price 5", "Product #999 was not found."),
        ("1 price 5.555", "“5.555” has more decimals than EUR allows."),
        ("1 category Shoes", "There is no category “Shoes”. /addcategory adds one."),
        ("1 category 99", "There is no category “99”. /addcategory adds one."),
        ("1 photo", ERRORS["product.photo_missing"]),
        ("1 name " + "x" * 129, "A product name can be at most 128 characters long."),
    ],
)
async def test_editproduct_with_bad_arguments_changes_nothing(
    admin_shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    arguments: str,
    reply: str,
) -> None:
    await _stocked(db)
    answer = await _say(_owner(emulator), f"/editproduct {arguments}".strip())
    assert answer.content.startswith(reply)
    product = await _product(db, 1)
    assert (product.name, product.price, product.category_id) == ("Court Classic", 4999, 1)
    assert await _log(db) == []


async def test_editproduct_takes_a_photo_replied_to_or_sent_with_the_command(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id, _ = await _stocked(db)
    owner = _owner(emulator)
    first = await owner.send_photo(PHOTO)
    hint = await owner.next_message()
    await owner.send(f"/editproduct {product_id} photo", reply_to=first)
    assert (await owner.next_message()).content.endswith("photo updated")
    assert first.photo is not None
    assert "reply to it with /editproduct <id or SKU> photo" in hint.content
    assert (await _product(db, product_id)).photo == first.photo[-1]["file_id"]

    second = await owner.send_photo(PHOTO, caption=f"/editproduct {product_id} photo")
    assert (await owner.next_message()).content.endswith("photo updated")
    assert second.photo is not None
    assert (await _product(db, product_id)).photo == second.photo[-1]["file_id"]
    assert [action for _, action, *_ in await _log(db)] == ["edit_product", "edit_product"]


# --- /setstock ------------------------------------------------------------------------------


async def test_setstock_sets_a_size_and_adds_a_missing_one(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id, _ = await _stocked(db, M=3)
    owner = _owner(emulator)
    changed = await _say(owner, f"/setstock {product_id} m 7")
    assert changed.content == f"✅ Court Classic (#{product_id}), size M: stock 3 → 7."
    added = await _say(owner, f"/setstock {product_id} Extra Large 2")
    assert (
        added.content == f"✅ Court Classic (#{product_id}): new size Extra Large with 2 in stock."
    )
    sizes = (await _product(db, product_id)).sizes
    assert [(s.name, s.stock) for s in sizes] == [("M", 7), ("Extra Large", 2)]
    assert [details for *_, details in await _log(db)] == [
        "size M: 3 -> 7",
        "size Extra Large: new -> 2",
    ]


@pytest.mark.parametrize(
    ("arguments", "reply"),
    [
        ("", "Usage: /setstock <product id or SKU> <size> <quantity>"),
        ("1 M", "Usage"),
        ("1 M -1", "Usage"),
        ("1 M lots", "Usage"),
        ("x M 3", "No product has the id or SKU “x”."),
        ("999 M 3", "Product #999 was not found."),
        ("1 M 1000001", "Stock is a whole number from 0 to 1,000,000."),
    ],
)
async def test_setstock_with_bad_arguments_changes_nothing(
    admin_shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    arguments: str,
    reply: str,
) -> None:
    await _stocked(db, M=3)
    answer = await _say(_owner(emulator), f"/setstock {arguments}".strip())
    assert answer.content.startswith(reply)
    assert [(s.name, s.stock) for s in (await _product(db, 1)).sizes] == [("M", 3)]
    assert await _log(db) == []


# --- /hide and /show ------------------------------------------------------------------------


async def test_a_hidden_product_leaves_search_and_listings_until_shown(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id, _ = await _stocked(db)
    owner, ann = _owner(emulator), emulator.user(ANN, "Ann")
    assert "Court Classic" in await _search(ann, "court classic")
    assert "Sneakers" in "".join((await _say(ann, "/catalog")).button_texts)

    hidden = await _say(owner, f"/hide {product_id}")
    assert "is hidden" in hidden.content
    assert "Court Classic" not in await _search(ann, "court classic")
    assert "Sneakers" not in (await _say(ann, "/catalog")).button_texts
    again = await _say(owner, f"/hide {product_id}")
    assert again.content == f"Court Classic (#{product_id}) is already hidden."

    shown = await _say(owner, f"/show {product_id}")
    assert "on sale again" in shown.content
    assert "Court Classic" in await _search(ann, "court classic")
    assert [action for _, action, *_ in await _log(db)] == ["hide_product", "show_product"]


@pytest.mark.parametrize("command", ["/hide", "/show"])
async def test_hide_and_show_with_bad_arguments(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database, command: str
) -> None:
    await _stocked(db)
    owner = _owner(emulator)
    assert (await _say(owner, command)).content == f"Usage: {command} <product id or SKU>"
    assert (await _say(owner, f"{command} 1 2")).content == f"Usage: {command} <product id or SKU>"
    assert (await _say(owner, f"{command} 0")).content == f"Usage: {command} <product id or SKU>"
    assert (await _say(owner, f"{command} 55")).content == "Product #55 was not found."
    assert (await _product(db, 1)).is_active


async def test_admin_lists_the_catalogue_commands(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    listing = (await _say(_owner(emulator), "/admin")).content
    usages = ("/addcategory <name>", "/addproduct —", "/editproduct", "/setstock", "/hide", "/show")
    assert [listing.index(usage) for usage in usages] == sorted(
        listing.index(usage) for usage in usages
    )
    assert listing.index("Catalogue") < listing.index("Admins")


# --- selling out ----------------------------------------------------------------------------


async def _buy(emulator: BotApiEmulator, db: Database, size_id: int, quantity: int) -> None:
    """Ann checks out `quantity` of the size through the chat."""
    async with db.transaction() as session:
        ann = await users.find_by_telegram_id(session, ANN) or await make_user(
            session, telegram_id=ANN
        )
        if not await users.list_addresses(session, user_id=ann.id):
            await users.add_address(session, user_id=ann.id, address=HOME)
        product_id = await session.scalar(select(Size.product_id).where(Size.id == size_id))
        assert product_id is not None
        await carts.add_item(
            session, user_id=ann.id, product_id=product_id, size_id=size_id, quantity=quantity
        )
    user = emulator.user(ANN, "Ann")
    cart = await _say(user, "/cart")
    choice = await _press(user, cart, texts.CART_CHECKOUT)
    summary = await _press(user, choice, choice.button_texts[0])
    placed = await _press(user, summary, texts.CHECKOUT_PLACE)
    assert "placed" in placed.content


async def _alerts(db: Database) -> list[tuple[int, str]]:
    async with db.reading() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.key.contains(":sold_out:"))
            .order_by(OutboxMessage.id)
        )
        return [(row.chat_id, text_of(row)) for row in rows]


async def test_admins_are_alerted_once_when_an_order_sells_a_size_out(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    owner = _owner(emulator)  # has a chat with the bot, so alerts can reach them
    product_id, _ = await _stocked(db, M=2, L=5)
    async with db.reading() as session:
        m, l_ = (await session.scalars(select(Size.id).order_by(Size.position))).all()
    await _buy(emulator, db, l_, 1)  # L 5 -> 4: nothing to say
    assert await _alerts(db) == []

    await _buy(emulator, db, m, 2)  # M 2 -> 0
    ((chat_id, text),) = await _alerts(db)
    assert chat_id == OWNER_ID
    assert f"Court Classic (#{product_id}), size <b>M</b>, after order #2" in text
    jobs = admin_shop.bot_data.jobs
    assert jobs is not None
    await jobs.deliver_now()
    alert = await owner.next_message()
    assert alert.content.startswith("📦 Sold out: Court Classic")
    assert f"/setstock {product_id} M <quantity>" in alert.content

    await _say(owner, f"/setstock {product_id} M 1")
    await _buy(emulator, db, m, 1)  # sold out again: a new occurrence
    await _say(owner, f"/setstock {product_id} L 0")  # an admin, not a sale: no alert
    assert len(await _alerts(db)) == 2


async def test_products_are_named_by_id_or_by_sku_in_any_case(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id, _ = await _stocked(db, M=3)
    sku = (await _product(db, product_id)).sku
    owner = _owner(emulator)

    stocked = await _say(owner, f"/setstock {sku.lower()} M 5")
    hidden = await _say(owner, f"/hide {sku}")
    priced = await _say(owner, f"/editproduct #{product_id} price 39.99")
    unknown = await _say(owner, "/show NO-SUCH-SKU")

    assert stocked.content == f"✅ Court Classic (#{product_id}), size M: stock 3 → 5."
    assert f"#{product_id}" in hidden.content
    assert "€39.99" in priced.content
    assert unknown.content == "No product has the id or SKU “NO-SUCH-SKU”."
    product = await _product(db, product_id)
    assert (product.sizes[0].stock, product.is_active, product.price) == (5, False, 3999)


async def test_a_sku_made_of_digits_is_found_when_no_product_has_that_id(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id, _ = await _stocked(db, M=3)
    async with db.transaction() as session:
        product = await session.get_one(Product, product_id)
        product.sku = "40012"

    hidden = await _say(_owner(emulator), "/hide 40012")

    assert f"#{product_id}" in hidden.content
    assert not (await _product(db, product_id)).is_active


async def test_admins_see_the_id_and_sku_on_a_product_card_and_customers_do_not(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id, _ = await _stocked(db)
    sku = (await _product(db, product_id)).sku
    owner, ann = _owner(emulator), emulator.user(ANN, "Ann")

    cards = []
    for user in (owner, ann):
        found = await _say(user, "court classic")
        cards.append(await _press(user, found, found.button_texts[0]))

    assert f"🔧 #{product_id} · SKU {sku}" in cards[0].content
    assert "🔧" not in cards[1].content and sku not in cards[1].content
