from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import (
    REVIEW_MAX_LENGTH,
    AdminAction,
    OrderStatus,
    Product,
    Rating,
    Review,
    Size,
    User,
)
from bot.services import review as reviews
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from tests.factories import make_order, make_product, make_user
from tests.refusals import refused

ADMIN = 7000


async def _telegram_id(db: Database, user_id: int) -> int:
    async with db.reading() as session:
        return (await session.get_one(User, user_id)).telegram_id


async def _product(db: Database, name: str = "Classic Sneakers") -> int:
    async with db.transaction() as session:
        return (await make_product(session, name=name)).id


async def _customer(
    db: Database,
    *,
    bought: int | None = None,
    status: OrderStatus = OrderStatus.PAID,
    first_name: str = "Ann",
) -> int:
    """A customer who, when `bought` is a product id, has an order of it in `status`."""
    async with db.transaction() as session:
        user = await make_user(session, first_name=first_name)
        if bought is not None:
            product = await session.get_one(Product, bought)
            size = (await session.scalars(select(Size).where(Size.product_id == bought))).one()
            await make_order(session, user=user, product=product, size=size, status=status)
        return user.id


async def _ratings(db: Database) -> list[tuple[int, int, int]]:
    async with db.transaction() as session:
        rows = await session.execute(
            select(Rating.user_id, Rating.product_id, Rating.value).order_by(Rating.id)
        )
        return [(u, p, v) for u, p, v in rows]


async def _reviews(db: Database) -> list[tuple[int, int, str]]:
    async with db.transaction() as session:
        rows = await session.execute(
            select(Review.user_id, Review.product_id, Review.text).order_by(Review.id)
        )
        return [(u, p, t) for u, p, t in rows]


async def _rate(db: Database, user_id: int, product_id: int, value: int) -> Rating:
    async with db.transaction() as session:
        return await reviews.rate(session, user_id=user_id, product_id=product_id, value=value)


async def _write(db: Database, user_id: int, product_id: int, text: str) -> Review:
    async with db.transaction() as session:
        return await reviews.write_review(
            session, user_id=user_id, product_id=product_id, text=text
        )


# --------------------------------------------------------------- verified buyers


@pytest.mark.parametrize("status", [OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED])
async def test_a_customer_who_paid_for_a_product_may_review_it(
    db: Database, status: OrderStatus
) -> None:
    product_id = await _product(db)
    user_id = await _customer(db, bought=product_id, status=status)
    async with db.transaction() as session:
        assert await reviews.can_review(session, user_id=user_id, product_id=product_id)


@pytest.mark.parametrize(
    "status", [OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED, OrderStatus.REFUNDED]
)
async def test_an_unpaid_cancelled_or_refunded_order_does_not_count(
    db: Database, status: OrderStatus
) -> None:
    product_id = await _product(db)
    user_id = await _customer(db, bought=product_id, status=status)
    async with db.transaction() as session:
        assert not await reviews.can_review(session, user_id=user_id, product_id=product_id)


async def test_buying_another_product_or_another_buyer_does_not_count(db: Database) -> None:
    product_id = await _product(db)
    other_product = await _product(db, name="Boots")
    await _customer(db, bought=product_id)  # someone else bought it
    user_id = await _customer(db, bought=other_product)
    async with db.transaction() as session:
        assert not await reviews.can_review(session, user_id=user_id, product_id=product_id)


async def test_someone_who_never_bought_it_cannot_rate_or_review(db: Database) -> None:
    product_id = await _product(db)
    user_id = await _customer(db)
    message = r"^Only customers who bought Classic Sneakers can review it\.$"
    with refused(NotAllowed, message):
        await _rate(db, user_id, product_id, 5)
    with refused(NotAllowed, message):
        await _write(db, user_id, product_id, "Great!")
    assert await _ratings(db) == []
    assert await _reviews(db) == []


async def test_an_unknown_product_cannot_be_rated(db: Database) -> None:
    user_id = await _customer(db)
    with pytest.raises(NotFound):
        await _rate(db, user_id, 999, 5)
    assert await _ratings(db) == []


# ------------------------------------------------------------------------ ratings


async def test_a_buyer_rates_a_product(db: Database) -> None:
    product_id = await _product(db)
    user_id = await _customer(db, bought=product_id)
    rating = await _rate(db, user_id, product_id, 4)
    assert rating.value == 4
    assert await _ratings(db) == [(user_id, product_id, 4)]
    async with db.transaction() as session:
        assert await reviews.get_own_rating(session, user_id=user_id, product_id=product_id) == 4


async def test_rating_again_replaces_the_rating(db: Database) -> None:
    product_id = await _product(db)
    user_id = await _customer(db, bought=product_id)
    await _rate(db, user_id, product_id, 2)
    rating = await _rate(db, user_id, product_id, 5)
    assert rating.value == 5
    assert await _ratings(db) == [(user_id, product_id, 5)]


async def test_rating_again_in_the_same_transaction_returns_the_new_value(db: Database) -> None:
    product_id = await _product(db)
    user_id = await _customer(db, bought=product_id)
    async with db.transaction() as session:
        await reviews.rate(session, user_id=user_id, product_id=product_id, value=2)
        again = await reviews.rate(session, user_id=user_id, product_id=product_id, value=3)
        assert again.value == 3


@pytest.mark.parametrize("value", [0, 6, -1])
async def test_a_rating_outside_one_to_five_is_refused(db: Database, value: int) -> None:
    product_id = await _product(db)
    user_id = await _customer(db, bought=product_id)
    await _rate(db, user_id, product_id, 3)
    with refused(InvalidInput, "1 to 5"):
        await _rate(db, user_id, product_id, value)
    assert await _ratings(db) == [(user_id, product_id, 3)]


async def test_a_double_tap_on_a_star_stores_one_rating(db: Database) -> None:
    product_id = await _product(db)
    user_id = await _customer(db, bought=product_id)
    await asyncio.gather(*(_rate(db, user_id, product_id, 5) for _ in range(5)))
    assert await _ratings(db) == [(user_id, product_id, 5)]


async def test_without_a_rating_there_is_none(db: Database) -> None:
    product_id = await _product(db)
    user_id = await _customer(db, bought=product_id)
    async with db.transaction() as session:
        assert await reviews.get_own_rating(session, user_id=user_id, product_id=product_id) is None
        assert await reviews.get_own_review(session, user_id=user_id, product_id=product_id) is None


# ------------------------------------------------------------------------ reviews


async def test_a_buyer_writes_a_review_stored_trimmed(db: Database) -> None:
    product_id = await _product(db)
    user_id = await _customer(db, bought=product_id)
    review = await _write(db, user_id, product_id, "  Comfy and light.\n")
    assert review.text == "Comfy and light."
    async with db.transaction() as session:
        own = await reviews.get_own_review(session, user_id=user_id, product_id=product_id)
        assert own is not None
        assert own.text == "Comfy and light."


async def test_writing_again_edits_the_one_review(db: Database) -> None:
    product_id = await _product(db)
    user_id = await _customer(db, bought=product_id)
    first = await _write(db, user_id, product_id, "Good.")
    edited = await _write(db, user_id, product_id, "Good, but runs small.")
    assert edited.id == first.id
    assert edited.text == "Good, but runs small."
    assert await _reviews(db) == [(user_id, product_id, "Good, but runs small.")]


async def test_control_characters_are_dropped_from_a_review(db: Database) -> None:
    product_id = await _product(db)
    user_id = await _customer(db, bought=product_id)
    await _write(db, user_id, product_id, "Good\x00 shoes.\r\n\x1b[31mRuns\tsmall.\x07")
    assert await _reviews(db) == [(user_id, product_id, "Good shoes.\n[31mRuns\tsmall.")]


@pytest.mark.parametrize("text", ["", "   \n\t ", "\x00\x07", "x" * (REVIEW_MAX_LENGTH + 1)])
async def test_an_empty_or_overlong_review_is_refused(db: Database, text: str) -> None:
    product_id = await _product(db)
    user_id = await _customer(db, bought=product_id)
    await _write(db, user_id, product_id, "Good.")
    with refused(InvalidInput, "review"):
        await _write(db, user_id, product_id, text)
    assert await _reviews(db) == [(user_id, product_id, "Good.")]


async def test_a_review_of_exactly_the_maximum_length_is_accepted(db: Database) -> None:
    product_id = await _product(db)
    user_id = await _customer(db, bought=product_id)
    await _write(db, user_id, product_id, "é" * REVIEW_MAX_LENGTH)
    assert await _reviews(db) == [(user_id, product_id, "é" * REVIEW_MAX_LENGTH)]


# ---------------------------------------------------------------------- listing


async def test_reviews_are_listed_newest_first_with_author_and_rating(db: Database) -> None:
    product_id = await _product(db)
    other_product = await _product(db, name="Boots")
    ann = await _customer(db, bought=product_id, first_name="Ann")
    bob = await _customer(db, bought=product_id, first_name="Bob")
    await _customer(db, bought=other_product, first_name="Cy")
    await _rate(db, ann, product_id, 5)
    await _write(db, ann, product_id, "Love them.")
    await _write(db, bob, product_id, "Too narrow.")
    async with db.transaction() as session:
        page = await reviews.list_reviews(session, product_id=product_id)
    assert [(r.author_name, r.rating, r.text, r.edited) for r in page.items] == [
        ("Bob", None, "Too narrow.", False),
        ("Ann", 5, "Love them.", False),
    ]
    assert (page.total, page.pages) == (2, 1)


async def test_an_edited_review_says_so(db: Database) -> None:
    product_id = await _product(db)
    ann = await _customer(db, bought=product_id)
    await _write(db, ann, product_id, "Good.")
    await _write(db, ann, product_id, "Very good.")
    async with db.transaction() as session:
        [view] = (await reviews.list_reviews(session, product_id=product_id)).items
    assert (view.text, view.edited) == ("Very good.", True)


async def test_saving_the_same_text_again_is_not_an_edit(db: Database) -> None:
    product_id = await _product(db)
    ann = await _customer(db, bought=product_id)
    await _write(db, ann, product_id, "Good.")
    await _write(db, ann, product_id, " Good. ")
    async with db.transaction() as session:
        [view] = (await reviews.list_reviews(session, product_id=product_id)).items
    assert view.edited is False


async def test_reviews_are_paged(db: Database) -> None:
    product_id = await _product(db)
    for n in range(7):
        buyer = await _customer(db, bought=product_id, first_name=f"Buyer{n}")
        await _write(db, buyer, product_id, f"Review {n}")
    async with db.transaction() as session:
        second = await reviews.list_reviews(session, product_id=product_id, page=2, per_page=5)
    assert [r.text for r in second.items] == ["Review 1", "Review 0"]
    assert (second.total, second.pages, second.has_next, second.has_previous) == (7, 2, False, True)


@pytest.mark.parametrize(("page", "per_page"), [(0, 5), (1, 0), (1, 51)])
async def test_bad_paging_is_refused(db: Database, page: int, per_page: int) -> None:
    product_id = await _product(db)
    async with db.transaction() as session:
        with pytest.raises(InvalidInput):
            await reviews.list_reviews(session, product_id=product_id, page=page, per_page=per_page)
        with pytest.raises(InvalidInput):
            await reviews.latest_reviews(session, page=page, per_page=per_page)


# ----------------------------------------------------------------------- summary


async def test_an_unrated_product_has_no_average(db: Database) -> None:
    product_id = await _product(db)
    async with db.transaction() as session:
        summary = await reviews.rating_summary(session, product_id=product_id)
    assert summary == reviews.RatingSummary(average=None, count=0)


@pytest.mark.parametrize(
    ("values", "average"),
    [([5], 5.0), ([4, 5], 4.5), ([4, 4, 5, 4], 4.3), ([1, 2, 2], 1.7), ([3, 3, 4], 3.3)],
)
async def test_the_average_is_rounded_half_up_to_one_decimal(
    db: Database, values: list[int], average: float
) -> None:
    product_id = await _product(db)
    other_product = await _product(db, name="Boots")
    for value in values:
        buyer = await _customer(db, bought=product_id)
        await _rate(db, buyer, product_id, value)
    other_buyer = await _customer(db, bought=other_product)
    await _rate(db, other_buyer, other_product, 1)
    async with db.transaction() as session:
        summary = await reviews.rating_summary(session, product_id=product_id)
    assert summary == reviews.RatingSummary(average=average, count=len(values))


# -------------------------------------------------------------------- moderation


async def test_admins_see_the_latest_reviews_of_every_product(db: Database) -> None:
    sneakers = await _product(db)
    boots = await _product(db, name="Boots")
    ann = await _customer(db, bought=sneakers, first_name="Ann")
    bob = await _customer(db, bought=boots, first_name="Bob")
    await _write(db, ann, sneakers, "Comfy.")
    await _rate(db, bob, boots, 2)
    await _write(db, bob, boots, "Leaky.")
    async with db.transaction() as session:
        page = await reviews.latest_reviews(session, per_page=1)
        rest = await reviews.latest_reviews(session, page=2, per_page=1)
    [latest] = page.items
    assert (latest.product_name, latest.product_id, latest.author_name, latest.author_id) == (
        "Boots",
        boots,
        "Bob",
        bob,
    )
    assert (latest.text, latest.rating) == ("Leaky.", 2)
    assert latest.author_telegram_id == await _telegram_id(db, bob)
    assert [(r.product_name, r.text) for r in rest.items] == [("Classic Sneakers", "Comfy.")]
    assert page.total == 2


async def test_an_admin_deletes_a_review_and_sees_how_the_product_reads_now(
    db: Database,
) -> None:
    product_id = await _product(db)
    ann = await _customer(db, bought=product_id)
    bob = await _customer(db, bought=product_id, first_name="Bob")
    await _rate(db, ann, product_id, 1)
    await _rate(db, bob, product_id, 4)
    review_id = (await _write(db, ann, product_id, "Spam spam spam.")).id
    await _write(db, bob, product_id, "Fine.")
    async with db.transaction() as session:
        removed = await reviews.delete_review(session, review_id=review_id, by=ADMIN)
    assert removed == reviews.RemovedReview(
        review_id=review_id,
        product_id=product_id,
        product_name="Classic Sneakers",
        author_name="Ann",
        ratings=reviews.RatingSummary(average=2.5, count=2),
        reviews_left=1,
    )
    assert await _reviews(db) == [(bob, product_id, "Fine.")]
    # The stars are the buyer's verdict and stay; only the text was moderated.
    assert await _ratings(db) == [(ann, product_id, 1), (bob, product_id, 4)]


async def test_deleting_a_review_is_in_the_audit_log(db: Database) -> None:
    product_id = await _product(db)
    ann = await _customer(db, bought=product_id)
    review_id = (await _write(db, ann, product_id, "Spam spam spam.")).id
    async with db.transaction() as session:
        await reviews.delete_review(session, review_id=review_id, by=ADMIN)
    async with db.reading() as session:
        logged = (await session.scalars(select(AdminAction))).one()
    assert (logged.admin_telegram_id, logged.action, logged.entity, logged.entity_id) == (
        ADMIN,
        "delete_review",
        "review",
        review_id,
    )
    assert "Spam spam spam." in logged.details


async def test_deleting_a_missing_review_is_not_found(db: Database) -> None:
    product_id = await _product(db)
    ann = await _customer(db, bought=product_id)
    await _write(db, ann, product_id, "Fine.")
    async with db.transaction() as session:
        with refused(NotFound, "not found"):
            await reviews.delete_review(session, review_id=999, by=ADMIN)
    assert await _reviews(db) == [(ann, product_id, "Fine.")]
    async with db.reading() as session:
        assert (await session.scalars(select(AdminAction))).all() == []
