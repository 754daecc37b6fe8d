"""The admins' promo codes: /addpromo, /makecodes, /promos and /endpromo. Each change commits
together with its audit-log entry (the service writes it), or not at all."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from bot.db import Database
from bot.models import PromoCode
from bot.money import decimal_amount
from bot.services import promo as promos
from bot.services.promo import PromoTerms


@dataclass(frozen=True, slots=True)
class CodesMade:
    codes: tuple[PromoCode, ...]
    csv: bytes  # one row a code: code,discount,until,minimum


@dataclass(frozen=True, slots=True)
class CodeList:
    codes: Sequence[PromoCode]  # the newest
    total: int


async def add_promo(
    db: Database, *, admin_telegram_id: int, code: str, terms: PromoTerms, currency: str
) -> PromoCode:
    async with db.transaction() as session:
        return await promos.add_code(
            session, admin_id=admin_telegram_id, code=code, terms=terms, currency=currency
        )


async def make_codes(
    db: Database,
    *,
    admin_telegram_id: int,
    count: int,
    prefix: str,
    terms: PromoTerms,
    currency: str,
) -> CodesMade:
    async with db.transaction() as session:
        made = await promos.make_codes(
            session,
            admin_id=admin_telegram_id,
            count=count,
            prefix=prefix,
            terms=terms,
            currency=currency,
        )
    return CodesMade(tuple(made), _csv(made))


async def list_promos(db: Database) -> CodeList:
    async with db.reading() as session:
        codes, total = await promos.list_codes(session)
        return CodeList(codes, total)


async def end_promo(db: Database, *, admin_telegram_id: int, code: str) -> tuple[PromoCode, bool]:
    """The code, and whether this ended it (False: it had ended already)."""
    async with db.transaction() as session:
        return await promos.end_code(session, admin_id=admin_telegram_id, code=code)


def _csv(codes: Sequence[PromoCode]) -> bytes:
    """A spreadsheet to hand the codes out from; amounts as numbers, like /export writes them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "discount", "until", "minimum"])
    for code in codes:
        discount = (
            f"{code.percent_off}%"
            if code.percent_off is not None
            else decimal_amount(code.amount_off or 0, code.currency)
        )
        minimum = decimal_amount(code.min_total, code.currency) if code.min_total else ""
        until = code.valid_until.isoformat() if code.valid_until else ""
        writer.writerow([code.code, discount, until, minimum])
    return out.getvalue().encode()
