from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.keyboards.admin_reviews import AdminReviewsPage
from bot.models import AdminAction, Product, Rating, Review
from tests.conftest import OWNER_ID
from tests.factories import make_product, make_user

ANN = 42
WRITTEN = datetime(2026, 3, 1, 12, tzinfo=UTC)


async def _reviews(db: Database, count: int) -> list[int]:
    """`count` customers each reviewed the sneakers, a day apart; the first one gave 2 stars."""
    async with db.transaction() as session:
        sneakers = await make_product(session, name="Classic Sneakers")
        ids = []
        for n in range(count):
            author = await make_user(
                session, telegram_id=ANN + n, first_name="Ann" if n == 0 else f"Buyer{n}"
            )
            moment = WRITTEN + timedelta(days=n)
            review = Review(
                user_id=author.id,
                product_id=sneakers.id,
                text=f"Review {n}",
                created_at=moment,
                updated_at=moment,
            )
            session.add(review)
            if n == 0:
                session.add(Rating(user_id=author.id, product_id=sneakers.id, value=2))
            await session.flush()
            ids.append(review.id)
    return ids


async def _owner_sends(emulator: BotApiEmulator, text: str) -> Message:
    owner = emulator.user(OWNER_ID, "Owner")
    await owner.send(text)
    return await owner.next_message()


async def _press(user: SimulatedUser, message: Message, label: str) -> Message:
    await user.callback_answer(await user.press_button(message, label))
    return await user.next_message()


async def test_reviews_lists_the_latest_with_everything_a_moderator_needs(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    [first] = await _reviews(db, 1)
    listing = (await _owner_sends(emulator, "/reviews")).text or ""
    async with db.reading() as session:
        product_id = await session.scalar(select(Product.id))
    assert listing.splitlines()[2:5] == [
        f"#{first} · Classic Sneakers (product #{product_id}) · ★★☆☆☆",
        f"Ann ({ANN}) · 1 Mar 2026",
        "Review 0",
    ]


async def test_reviews_are_paged_newest_first_with_arrows(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _reviews(db, 7)
    owner = emulator.user(OWNER_ID, "Owner")
    first = await _owner_sends(emulator, "/reviews")
    assert "Latest reviews (7)" in first.content
    assert [f"Review {n}" in first.content for n in range(7)] == [False] * 2 + [True] * 5
    assert first.content.index("Review 6") < first.content.index("Review 2")
    assert first.button_texts == ["1 / 2", "▶"]
    second = await _press(owner, first, "▶")
    assert second.message_id == first.message_id  # the same message, edited
    assert "Review 1" in second.content and "Review 0" in second.content
    assert "Review 2" not in second.content
    assert second.button_texts == ["◀", "2 / 2"]
    back = await _press(owner, second, "◀")
    assert "Review 6" in back.content


async def test_delreview_removes_a_review_quietly_and_shows_the_products_summary(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    ann_review, _ = await _reviews(db, 2)
    reply = await _owner_sends(emulator, f"/delreview {ann_review}")
    assert reply.text == (
        f"🗑 Review #{ann_review} of Classic Sneakers by Ann removed; its author was not told.\n"
        "Classic Sneakers now: ★ 2.0 (1 rating) · 1 review"
    )
    listing = await _owner_sends(emulator, "/reviews")
    assert "Review 0" not in listing.content and "Review 1" in listing.content
    async with db.reading() as session:
        logged = (await session.scalars(select(AdminAction))).one()
    assert (logged.admin_telegram_id, logged.action, logged.entity_id) == (
        OWNER_ID,
        "delete_review",
        ann_review,
    )
    await emulator.wait_until_fetched()
    assert emulator.user(ANN, "Ann").bot_messages == []


async def test_bad_review_ids_get_the_usage_line_and_unknown_ones_not_found(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _reviews(db, 1)
    for wrong in ("/delreview", "/delreview abc", "/delreview 0", "/delreview 1 2"):
        assert (await _owner_sends(emulator, wrong)).text == "Usage: /delreview <review id>"
    assert (await _owner_sends(emulator, "/reviews 2")).text == "Usage: /reviews"
    assert (await _owner_sends(emulator, "/delreview 999")).text == "Review #999 not found."
    async with db.reading() as session:
        assert len((await session.scalars(select(Review))).all()) == 1


async def test_an_empty_shop_has_no_reviews_to_list(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    assert (await _owner_sends(emulator, "/reviews")).text == "💬 Nobody has written a review yet."


async def test_customers_can_neither_list_nor_delete_reviews(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    [review_id] = await _reviews(db, 1)
    ann = emulator.user(ANN, "Ann")
    for command in ("/reviews", f"/delreview {review_id}"):
        await ann.send(command)
        assert (await ann.next_message()).text == texts.UNKNOWN_COMMAND
    await ann.send("/start")
    menu = await ann.next_message()
    # A forged paging button reads like an expired menu and shows no review.
    query = await ann.press_forged(menu, AdminReviewsPage(1).pack())
    assert (await ann.callback_answer(query)).text == texts.EXPIRED_BUTTON
    assert all("Review 0" not in message.content for message in ann.bot_messages)
    async with db.reading() as session:
        assert (await session.scalars(select(Review.id))).all() == [review_id]
