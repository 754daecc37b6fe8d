"""Promo codes: creating and ending them (admins), applying one to a cart, and the use an order
takes of it.

The limits hold under concurrency. A use is taken by one conditional UPDATE in the transaction
that places the order, so the database, not a read-then-write, decides who gets the last one;
the per-customer limit is counted while the caller holds the customer's cart lock, which every
checkout of that customer takes first. A cancelled order gives its use back exactly once: the
UPDATE that marks its redemption released only matches while it is not.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import PROMO_CODE_MAX, Cart, PromoCode, PromoRedemption, utcnow
from bot.services import admin
from bot.services.cart import get_or_create_cart
from bot.services.errors import InvalidInput, NotAllowed, NotFound, ShopError
from bot.services.pricing import percent_of

# Letters, digits, _ and -: what a t.me start parameter carries (promo_<CODE>).
_CODE_RE = re.compile(rf"[A-Z0-9][A-Z0-9_-]{{2,{PROMO_CODE_MAX - 1}}}")
_PREFIX_RE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,15}")
# No 0/O or 1/I: a code is read from paper and typed.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_RANDOM_PART = 8
MAX_BATCH = 500
ENTITY = "promo_code"


@dataclass(frozen=True, slots=True)
class PromoTerms:
    """Exactly one of percent_off and amount_off; amounts in minor units of the shop currency."""

    percent_off: int | None = None
    amount_off: int | None = None
    valid_until: date | None = None
    max_uses: int | None = None
    per_customer: int | None = None
    min_total: int | None = None


@dataclass(frozen=True, slots=True)
class CartPromo:
    """The code on a cart and what it takes off `subtotal`; `refusal` says why it takes
    nothing (discount 0) while it stays on the cart."""

    code: PromoCode
    discount: int
    refusal: ShopError | None


def normalize_code(text: str) -> str:
    """Codes are case-insensitive: they are kept, and compared, in upper case."""
    code = text.strip().upper()
    if not _CODE_RE.fullmatch(code):
        raise InvalidInput("promo.bad_code", limit=PROMO_CODE_MAX)
    return code


def discount_of(code: PromoCode, subtotal: int) -> int:
    """Never more than the subtotal, so the total never goes below zero."""
    if code.percent_off is not None:
        return min(percent_of(subtotal, code.percent_off), subtotal)
    return min(code.amount_off or 0, subtotal)


async def add_code(
    session: AsyncSession, *, admin_id: int, code: str, terms: PromoTerms, currency: str
) -> PromoCode:
    code = normalize_code(code)
    if await _find(session, code) is not None:
        raise InvalidInput("promo.code_taken", promo=code)
    promo = _new(code, terms, currency, admin_id)
    session.add(promo)
    await session.flush()
    await admin.record(
        session,
        admin_telegram_id=admin_id,
        action="add_promo",
        entity=ENTITY,
        entity_id=promo.id,
        details=f"{code}: {describe(promo)}",
    )
    return promo


async def make_codes(
    session: AsyncSession,
    *,
    admin_id: int,
    count: int,
    prefix: str,
    terms: PromoTerms,
    currency: str,
) -> list[PromoCode]:
    """`count` new codes PREFIX-XXXXXXXX, each good for one use."""
    prefix = prefix.strip().upper()
    if not _PREFIX_RE.fullmatch(prefix):
        raise InvalidInput("promo.bad_prefix")
    if not 1 <= count <= MAX_BATCH:
        raise InvalidInput("promo.batch_size", limit=MAX_BATCH)
    wanted: set[str] = set()
    while len(wanted) < count:
        candidates = {_random_code(prefix) for _ in range(count - len(wanted))}
        taken = await session.scalars(select(PromoCode.code).where(PromoCode.code.in_(candidates)))
        wanted |= candidates - set(taken)
    one_use = replace(terms, max_uses=1)
    promos = [_new(code, one_use, currency, admin_id) for code in sorted(wanted)]
    session.add_all(promos)
    await session.flush()
    await admin.record(
        session,
        admin_telegram_id=admin_id,
        action="make_promo_codes",
        entity=ENTITY,
        details=f"{count} codes {prefix}-…: {describe(promos[0])}",
    )
    return promos


async def list_codes(session: AsyncSession, *, limit: int = 30) -> tuple[Sequence[PromoCode], int]:
    """The newest codes, and how many there are in all."""
    total = await session.scalar(select(func.count()).select_from(PromoCode)) or 0
    rows = await session.scalars(
        select(PromoCode).order_by(PromoCode.created_at.desc(), PromoCode.id.desc()).limit(limit)
    )
    return rows.all(), total


async def end_code(session: AsyncSession, *, admin_id: int, code: str) -> tuple[PromoCode, bool]:
    """The code, and whether this ended it (False: it had ended already)."""
    promo = await _find(session, normalize_code(code), lock=True)
    if promo is None:
        raise NotFound("promo.unknown", promo=code.strip().upper())
    if promo.ended_at is not None:
        return promo, False
    promo.ended_at = utcnow()
    await session.flush()
    await admin.record(
        session,
        admin_telegram_id=admin_id,
        action="end_promo",
        entity=ENTITY,
        entity_id=promo.id,
        details=promo.code,
    )
    return promo, True


async def apply_to_cart(session: AsyncSession, *, user_id: int, code: str) -> PromoCode:
    """Put a code on the customer's cart (replacing any other), refused if it can't be used at
    all now; whether the cart reaches its minimum is for the summary and the order to say."""
    promo = await _find(session, normalize_code(code))
    if promo is None:
        raise NotFound("promo.unknown", promo=code.strip().upper())
    cart = await get_or_create_cart(session, user_id=user_id)
    refusal = _refusal(promo, subtotal=None, currency=None, today=utcnow().date())
    refusal = refusal or await _customer_refusal(session, promo, user_id)
    if refusal is not None:
        raise refusal
    cart.promo_code_id = promo.id
    await session.flush()
    return promo


async def remove_from_cart(session: AsyncSession, *, user_id: int) -> None:
    cart = await get_or_create_cart(session, user_id=user_id)
    cart.promo_code_id = None
    await session.flush()


async def cart_promo(
    session: AsyncSession, *, user_id: int, subtotal: int, currency: str
) -> CartPromo | None:
    """The code on the customer's cart and what it would take off now; reads only."""
    promo = await session.scalar(
        select(PromoCode)
        .join(Cart, Cart.promo_code_id == PromoCode.id)
        .where(Cart.user_id == user_id)
    )
    if promo is None:
        return None
    today = utcnow().date()
    refusal = _refusal(promo, subtotal=subtotal, currency=currency, today=today)
    refusal = refusal or await _customer_refusal(session, promo, user_id)
    return CartPromo(promo, 0 if refusal else discount_of(promo, subtotal), refusal)


async def take_use(
    session: AsyncSession, *, code_id: int, user_id: int, subtotal: int, currency: str
) -> CartPromo:
    """Take one use of the code for an order about to be placed, or raise why not. The
    caller holds the customer's cart lock and places the order in this transaction (then
    calls record_use)."""
    promo = await session.get_one(PromoCode, code_id, populate_existing=True)
    refusal = _refusal(promo, subtotal=subtotal, currency=currency, today=utcnow().date())
    refusal = refusal or await _customer_refusal(session, promo, user_id)
    if refusal is not None:
        raise refusal
    taken = await session.scalar(
        update(PromoCode)
        .where(
            PromoCode.id == code_id,
            PromoCode.ended_at.is_(None),
            (PromoCode.max_uses.is_(None)) | (PromoCode.uses < PromoCode.max_uses),
        )
        .values(uses=PromoCode.uses + 1)
        .returning(PromoCode.uses),
        execution_options={"synchronize_session": False},
    )
    if taken is None:
        raise NotAllowed("promo.used_up", promo=promo.code)
    return CartPromo(promo, discount_of(promo, subtotal), None)


async def record_use(session: AsyncSession, *, code_id: int, user_id: int, order_id: int) -> None:
    """The placed order's use, and the cart's code, spent."""
    session.add(PromoRedemption(promo_code_id=code_id, user_id=user_id, order_id=order_id))
    await session.execute(
        update(Cart).where(Cart.user_id == user_id).values(promo_code_id=None),
        execution_options={"synchronize_session": False},
    )
    await session.flush()


async def give_back(session: AsyncSession, *, order_id: int) -> bool:
    """A cancelled order's use goes back to its code, once however often this is called."""
    code_id = await session.scalar(
        update(PromoRedemption)
        .where(PromoRedemption.order_id == order_id, PromoRedemption.released_at.is_(None))
        .values(released_at=utcnow())
        .returning(PromoRedemption.promo_code_id),
        execution_options={"synchronize_session": False},
    )
    if code_id is None:
        return False
    await session.execute(
        update(PromoCode).where(PromoCode.id == code_id).values(uses=PromoCode.uses - 1),
        execution_options={"synchronize_session": False},
    )
    return True


def describe(promo: PromoCode) -> str:
    """For the audit log (not read by customers): the terms, raw."""
    what = f"{promo.percent_off}%" if promo.percent_off else f"{promo.amount_off} {promo.currency}"
    terms = {
        "until": promo.valid_until,
        "uses": promo.max_uses,
        "per-customer": promo.per_customer,
        "min": promo.min_total,
    }
    return " ".join([what, *(f"{name} {value}" for name, value in terms.items() if value)])


def _refusal(
    promo: PromoCode, *, subtotal: int | None, currency: str | None, today: date
) -> ShopError | None:
    """Why the code gives nothing now (None: it applies); without a subtotal, the minimum and
    the currency are left for later."""
    code = promo.code
    if promo.ended_at is not None:
        return NotAllowed("promo.ended", promo=code)
    if promo.valid_until is not None and today > promo.valid_until:
        return NotAllowed("promo.expired", promo=code, until=promo.valid_until.isoformat())
    if promo.max_uses is not None and promo.uses >= promo.max_uses:
        return NotAllowed("promo.used_up", promo=code)
    if currency is not None and currency != promo.currency:
        return NotAllowed("promo.other_currency", promo=code, currency=promo.currency)
    if subtotal is not None and promo.min_total is not None and subtotal < promo.min_total:
        return NotAllowed(
            "promo.below_minimum", promo=code, minimum=promo.min_total, currency=promo.currency
        )
    return None


async def _customer_refusal(
    session: AsyncSession, promo: PromoCode, user_id: int
) -> ShopError | None:
    if promo.per_customer is None:
        return None
    used = await session.scalar(
        select(func.count())
        .select_from(PromoRedemption)
        .where(
            PromoRedemption.promo_code_id == promo.id,
            PromoRedemption.user_id == user_id,
            PromoRedemption.released_at.is_(None),
        )
    )
    if (used or 0) >= promo.per_customer:
        return NotAllowed("promo.customer_limit", promo=promo.code)
    return None


async def _find(session: AsyncSession, code: str, *, lock: bool = False) -> PromoCode | None:
    query = select(PromoCode).where(PromoCode.code == code)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query.execution_options(populate_existing=True))


def _new(code: str, terms: PromoTerms, currency: str, admin_id: int) -> PromoCode:
    if (terms.percent_off is None) == (terms.amount_off is None):
        raise InvalidInput("promo.percent_or_amount")
    return PromoCode(code=code, currency=currency, created_by=admin_id, uses=0, **asdict(terms))


def _random_code(prefix: str) -> str:
    return f"{prefix}-" + "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_PART))
