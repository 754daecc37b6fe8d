"""Coming into the shop (/start) and leaving a flow (/cancel).

/start may carry a return link from a Stripe payment page (`paid_<id>`, `unpaid_<id>`): the
customer then sees that order instead of the greeting, if it is theirs. A shared link to a
product (`p_<id>`) or a category (`c_<id>`) opens it after the greeting, for a new customer too.
A promo link (`promo_<CODE>`) puts the code on the customer's cart, or says why it can't.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.models import LARGEST_ID
from bot.services import dialog
from bot.services import order as orders
from bot.services import promo as promos
from bot.services.errors import NotFound, ShopError
from bot.usecases.customers import Sender, shopper, shopper_id
from bot.usecases.orders import CustomerOrder, customer_order
from bot.usecases.payments import CANCELLED_START, PAID_START

_RETURN_LINK = re.compile(rf"({PAID_START}|{CANCELLED_START})([0-9]{{1,10}})")
# Start parameters of the links customers share (a-z, 0-9 and _ only, as Telegram allows).
PRODUCT_START = "p_"
CATEGORY_START = "c_"
_SHARED_LINK = re.compile(rf"({PRODUCT_START}|{CATEGORY_START})([0-9]{{1,10}})")
PROMO_START = "promo_"
_PROMO_LINK = re.compile(rf"{PROMO_START}([A-Za-z0-9_-]{{1,64}})")


@dataclass(frozen=True, slots=True)
class PromoApplied:
    """The code a promo link put on the cart, and what it gives on which conditions."""

    code: str
    percent_off: int | None
    amount_off: int | None
    currency: str
    min_total: int | None
    valid_until: date | None
    per_customer: int | None


@dataclass(frozen=True, slots=True)
class SharedLink:
    """What a shared link opens; whether it still exists is for the catalogue to say."""

    product_id: int | None = None
    category_id: int | None = None


@dataclass(frozen=True, slots=True)
class BackFromPayment:
    order: CustomerOrder
    paid: bool  # back through the page's after-paying link (the webhook may still be due)


@dataclass(frozen=True, slots=True)
class Welcome:
    first_name: str
    back_from_payment: BackFromPayment | None
    shared: SharedLink | None = None
    promo: PromoApplied | ShopError | None = None  # a promo link's code, or why it can't be used


async def start(db: Database, *, sender: Sender, start_parameter: str | None) -> Welcome:
    """Leaves any flow. A return link naming someone else's order, or none, is ignored."""
    link = _RETURN_LINK.fullmatch(start_parameter or "")
    async with db.transaction() as session:
        user = await shopper(session, sender)
        await dialog.clear_step(session, user_id=user.id)
        back = await _back_from_payment(session, user.id, link) if link else None
    promo_link = _PROMO_LINK.fullmatch(start_parameter or "")
    promo = await _apply_promo(db, user.id, promo_link[1]) if promo_link else None
    return Welcome(user.first_name, back, _shared(start_parameter), promo)


async def _apply_promo(db: Database, user_id: int, code: str) -> PromoApplied | ShopError:
    """In a transaction of its own: a code refused leaves the greeting as it was."""
    try:
        async with db.transaction() as session:
            applied = await promos.apply_to_cart(session, user_id=user_id, code=code)
    except ShopError as refused:
        return refused
    return PromoApplied(
        applied.code,
        applied.percent_off,
        applied.amount_off,
        applied.currency,
        applied.min_total,
        applied.valid_until,
        applied.per_customer,
    )


async def leave_flow(db: Database, *, sender: Sender) -> str | None:
    """The flow left, None when there was none; the cart is untouched."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        step = await dialog.current_step(session, user_id=user_id, lock=True)
        await dialog.clear_step(session, user_id=user_id)
        return step.flow if step else None


def _shared(start_parameter: str | None) -> SharedLink | None:
    link = _SHARED_LINK.fullmatch(start_parameter or "")
    if link is None or int(link[2]) > LARGEST_ID:
        return None
    if link[1] == PRODUCT_START:
        return SharedLink(product_id=int(link[2]))
    return SharedLink(category_id=int(link[2]))


async def _back_from_payment(
    session: AsyncSession, user_id: int, link: re.Match[str]
) -> BackFromPayment | None:
    order_id = int(link[2])
    if order_id > LARGEST_ID:
        return None
    try:
        order = await orders.get_order(session, order_id=order_id, user_id=user_id)
    except NotFound:
        return None
    return BackFromPayment(await customer_order(session, order), paid=link[1] == PAID_START)
