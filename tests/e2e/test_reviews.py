from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.keyboards.reviews import ReviewProduct
from bot.models import OrderStatus, Product, Rating, Review, Size, User
from bot.services import dialog
from tests.factories import make_order, make_product, make_user

ANN = 42
NOT_A_BUYER = "Only customers who bought Classic Sneakers can rate or review it."


async def _sneakers(db: Database, *, bought: OrderStatus | None = None) -> Product:
    """The sneakers, and Ann as a customer who bought them in `bought` status, if given."""
    async with db.transaction() as session:
        product = await make_product(session, name="Classic Sneakers")
        ann = await make_user(session, telegram_id=ANN, first_name="Ann")
        if bought is not None:
            size = await session.scalar(select(Size).where(Size.product_id == product.id))
            assert size is not None
            await make_order(session, user=ann, product=product, size=size, status=bought)
    return product


async def _press(ann: SimulatedUser, message: Message, label: str) -> tuple[Message, str | None]:
    answer = await ann.callback_answer(await ann.press_button(message, label))
    return await ann.next_message(), answer.text


async def _open_reviews(ann: SimulatedUser) -> Message:
    await ann.send("/search sneakers")
    results = await ann.next_message()
    card, _ = await _press(ann, results, "Classic Sneakers · €49.99")
    reviews, _ = await _press(ann, card, texts.reviews_button(0))
    return reviews


async def _reviews(db: Database) -> list[str]:
    async with db.reading() as session:
        return list(await session.scalars(select(Review.text)))


async def _ann_in_flow(db: Database) -> str | None:
    async with db.reading() as session:
        user_id = await session.scalar(select(User.id).where(User.telegram_id == ANN))
        assert user_id is not None
        step = await dialog.current_step(session, user_id=user_id)
    return step.flow if step else None


async def test_someone_who_has_not_bought_it_is_told_why_they_cannot_rate_or_review(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _sneakers(db, bought=OrderStatus.CANCELLED)
    ann = emulator.user(ANN, "Ann")
    reviews = await _open_reviews(ann)
    assert "Reviews of Classic Sneakers" in reviews.content
    assert texts.NO_WRITTEN_REVIEWS in reviews.content
    for label in (texts.RATE, texts.WRITE_REVIEW):
        answer = await ann.callback_answer(await ann.press_button(reviews, label))
        assert (answer.text, answer.show_alert) == (NOT_A_BUYER, True)
    assert await _ann_in_flow(db) is None
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Rating)) == 0


async def test_a_buyer_rates_and_sees_the_new_average_with_their_stars_marked(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _sneakers(db, bought=OrderStatus.DELIVERED)
    ann = emulator.user(ANN, "Ann")
    reviews = await _open_reviews(ann)
    assert "No reviews yet" in reviews.content
    stars, _ = await _press(ann, reviews, texts.RATE)
    assert stars.button_texts[:5] == ["1 ★", "2 ★", "3 ★", "4 ★", "5 ★"]
    reviews, toast = await _press(ann, stars, "4 ★")
    assert toast == texts.THANKS_FOR_RATING
    assert "★ 4.0 (1 rating)" in reviews.content
    stars, _ = await _press(ann, reviews, texts.RATE)
    assert "• 4 ★" in stars.button_texts
    async with db.reading() as session:
        assert list(await session.scalars(select(Rating.value))) == [4]


async def test_a_buyer_writes_a_review_and_then_edits_it(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _sneakers(db, bought=OrderStatus.PAID)
    ann = emulator.user(ANN, "Ann")
    reviews = await _open_reviews(ann)
    prompt, _ = await _press(ann, reviews, texts.WRITE_REVIEW)
    assert "Write your review of Classic Sneakers" in prompt.content
    assert await _ann_in_flow(db) == "review"
    await ann.send("Comfy <b>and</b> light")
    saved = await ann.next_message()
    assert saved.content.startswith(texts.REVIEW_SAVED)
    assert "Ann · " in saved.content and "Comfy <b>and</b> light" in saved.content
    assert "edited" not in saved.content
    prompt, _ = await _press(ann, saved, texts.EDIT_MY_REVIEW)
    assert "Your review now:\nComfy <b>and</b> light" in prompt.content
    await ann.send("Comfy, light, and they last.")
    edited = await ann.next_message()
    assert "Comfy, light, and they last." in edited.content
    assert "· edited" in edited.content
    assert await _reviews(db) == ["Comfy, light, and they last."]
    assert await _ann_in_flow(db) is None


async def test_a_too_long_review_is_asked_for_again_and_nothing_is_saved(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _sneakers(db, bought=OrderStatus.SHIPPED)
    ann = emulator.user(ANN, "Ann")
    prompt, _ = await _press(ann, await _open_reviews(ann), texts.WRITE_REVIEW)
    assert "(up to 2000 characters)" in prompt.content
    await ann.send("x" * 2001)
    again = await ann.next_message()
    assert "2001 characters long" in again.content
    assert "Please send your review again, or /cancel." in again.content
    assert await _reviews(db) == []
    assert await _ann_in_flow(db) == "review"
    await ann.send("/cancel")
    assert (await ann.next_message()).content == texts.cancelled("review")
    assert await _ann_in_flow(db) is None
    assert await _reviews(db) == []


async def test_the_cancel_button_leaves_the_review_without_saving(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _sneakers(db, bought=OrderStatus.PAID)
    ann = emulator.user(ANN, "Ann")
    prompt, _ = await _press(ann, await _open_reviews(ann), texts.WRITE_REVIEW)
    reviews, _ = await _press(ann, prompt, texts.CANCEL_REVIEW)
    assert "Reviews of Classic Sneakers" in reviews.content
    assert await _ann_in_flow(db) is None
    await ann.send("hat")  # plain text is a search again, not a review
    assert "Nothing found" in (await ann.next_message()).content
    assert await _reviews(db) == []


async def test_reviews_are_paged_newest_first(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product = await _sneakers(db)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    async with db.transaction() as session:
        for number in range(1, 8):
            author = await make_user(session, first_name=f"Buyer{number}")
            when = start + timedelta(days=number)
            session.add(
                Review(
                    user_id=author.id,
                    product_id=product.id,
                    text=f"Review {number}",
                    created_at=when,
                    updated_at=when,
                )
            )
    ann = emulator.user(ANN, "Ann")
    await ann.send("/search sneakers")
    card, _ = await _press(ann, await ann.next_message(), "Classic Sneakers · €49.99")
    first, _ = await _press(ann, card, texts.reviews_button(7))
    assert [f"Review {n}" in first.content for n in range(7, 0, -1)] == [True] * 5 + [False] * 2
    assert first.content.index("Review 7") < first.content.index("Review 3")
    assert "Buyer7 · 8 Jan 2026" in first.content
    assert texts.NOT_RATED_YET in first.content
    second, _ = await _press(ann, first, texts.NEXT)
    assert "Review 2" in second.content and "Review 1" in second.content
    assert "Review 3" not in second.content
    assert "2 / 2" in second.button_texts
    back, _ = await _press(ann, second, texts.BACK)
    assert "Classic Sneakers" in back.content and texts.ADD_TO_CART in back.button_texts


async def test_the_orders_entry_point_opens_rating_and_reviewing_for_a_buyer(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product = await _sneakers(db, bought=OrderStatus.DELIVERED)
    ann = emulator.user(ANN, "Ann")
    await ann.send("/start")
    menu = await ann.next_message()
    await ann.callback_answer(await ann.press_forged(menu, ReviewProduct(product.id).pack()))
    reviews = await ann.next_message()
    assert "Reviews of Classic Sneakers" in reviews.content
    stars, _ = await _press(ann, reviews, texts.RATE)
    reviews, toast = await _press(ann, stars, "5 ★")
    assert toast == texts.THANKS_FOR_RATING
    card, _ = await _press(ann, reviews, texts.BACK)
    assert card.button(texts.BACK).callback_data == "m:orders"
