"""Review buttons: a product's reviews, the star picker, and the entry point from orders."""

from __future__ import annotations

import dataclasses

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.keyboards.callbacks import Callback, register
from bot.keyboards.catalog import VIA_ORDERS, Origin, open_card
from bot.keyboards.menu import button, pager
from bot.services.pagination import Page
from bot.services.review import ReviewView

STARS = range(1, 6)


@register("rp")
@dataclasses.dataclass(frozen=True, slots=True)
class ReviewProduct(Callback):
    """Rate or review a bought product, from an order: back leads to the orders."""

    product_id: int


@register("rl")
@dataclasses.dataclass(frozen=True, slots=True)
class ReviewList(Callback):
    product_id: int
    page: int
    via: str
    ref: int
    at: int


@register("rr")
@dataclasses.dataclass(frozen=True, slots=True)
class RateProduct(Callback):
    product_id: int
    via: str
    ref: int
    at: int


@register("rs")
@dataclasses.dataclass(frozen=True, slots=True)
class GiveRating(Callback):
    product_id: int
    stars: int
    via: str
    ref: int
    at: int


@register("rw")
@dataclasses.dataclass(frozen=True, slots=True)
class WriteReview(Callback):
    product_id: int
    via: str
    ref: int
    at: int


@register("rx")
@dataclasses.dataclass(frozen=True, slots=True)
class CancelReview(Callback):
    product_id: int
    via: str
    ref: int
    at: int


ReviewAction = ReviewList | RateProduct | GiveRating | WriteReview | CancelReview


def origin_of(data: ReviewAction) -> Origin:
    return Origin(data.via, data.ref, data.at)


def from_orders() -> Origin:
    return Origin(VIA_ORDERS)


def review_list(product_id: int, origin: Origin, page: int = 1) -> ReviewList:
    return ReviewList(product_id, page, origin.via, origin.ref, origin.at)


def reviews_keyboard(
    page: Page[ReviewView], product_id: int, origin: Origin, *, has_own_review: bool
) -> InlineKeyboardMarkup:
    where = (origin.via, origin.ref, origin.at)
    write = texts.EDIT_MY_REVIEW if has_own_review else texts.WRITE_REVIEW
    rows = [
        pager(page, lambda number: review_list(product_id, origin, number)),
        [
            button(texts.RATE, RateProduct(product_id, *where)),
            button(write, WriteReview(product_id, *where)),
        ],
        [button(texts.BACK, open_card(product_id, origin))],
    ]
    return InlineKeyboardMarkup([row for row in rows if row])


def stars_keyboard(product_id: int, origin: Origin, current: int | None) -> InlineKeyboardMarkup:
    where = (origin.via, origin.ref, origin.at)
    stars = [
        button(
            texts.star_button(value, chosen=value == current), GiveRating(product_id, value, *where)
        )
        for value in STARS
    ]
    return InlineKeyboardMarkup([stars, [button(texts.BACK, review_list(product_id, origin))]])


def review_prompt_keyboard(product_id: int, origin: Origin) -> InlineKeyboardMarkup:
    cancel = CancelReview(product_id, origin.via, origin.ref, origin.at)
    return InlineKeyboardMarkup([[button(texts.CANCEL_REVIEW, cancel)]])
