"""/addpromo, /makecodes, /promos and /endpromo: promo codes, in the shop's currency."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from telegram import InputFile, Update
from telegram.constants import ParseMode

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.render import send
from bot.handlers.router import on_admin_command
from bot.money import parse_amount
from bot.services.promo import PromoTerms
from bot.texts import admin as admin_texts
from bot.usecases import promos
from bot.usecases.start import PROMO_START

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OPTIONS = ("until", "uses", "per-customer", "min")


@on_admin_command("addpromo")
async def add_promo(update: Update, context: ShopContext) -> None:
    args = Args("addpromo", context.args)
    currency = context.settings.default_currency
    added = await promos.add_promo(
        context.db,
        admin_telegram_id=_admin(update),
        code=args.word(0),
        terms=_terms(args, 1, currency),
        currency=currency,
    )
    link = f"https://t.me/{context.bot.username}?start={PROMO_START}{added.code}"
    await send(update, admin_texts.promo_added(added, link))


@on_admin_command("makecodes")
async def make_codes(update: Update, context: ShopContext) -> None:
    args = Args("makecodes", context.args)
    count = args.integer(0, minimum=1)
    prefix = args.word(1)
    currency = context.settings.default_currency
    terms = _terms(args, 2, currency)
    if terms.max_uses not in (None, 1):  # each code is good for one order
        raise args.wrong()
    made = await promos.make_codes(
        context.db,
        admin_telegram_id=_admin(update),
        count=count,
        prefix=prefix,
        terms=terms,
        currency=currency,
    )
    if update.effective_chat is None:
        return
    name = admin_texts.codes_file_name(prefix, datetime.now(UTC).date())
    await update.effective_chat.send_document(
        InputFile(made.csv, filename=name),
        caption=admin_texts.codes_made(len(made.codes), made.codes[0]),
        parse_mode=ParseMode.HTML,
    )


@on_admin_command("promos")
async def list_promos(update: Update, context: ShopContext) -> None:
    Args("promos", context.args).at_most(0)
    listed = await promos.list_promos(context.db)
    await send(update, admin_texts.promo_list(listed.codes, listed.total))


@on_admin_command("endpromo")
async def end_promo(update: Update, context: ShopContext) -> None:
    code = Args("endpromo", context.args).at_most(1).word(0)
    ended, changed = await promos.end_promo(context.db, admin_telegram_id=_admin(update), code=code)
    await send(update, admin_texts.promo_ended(ended.code, ended.uses, changed=changed))


def _terms(args: Args, start: int, currency: str) -> PromoTerms:
    """`10%` or `5.00`, then any of: until YYYY-MM-DD, uses N, per-customer N, min 50.00."""
    discount = args.word(start)
    percent_off = amount_off = None
    if discount.endswith("%"):
        number = discount[:-1]
        if not (number.isascii() and number.isdigit() and 1 <= int(number) <= 100):
            raise args.wrong()
        percent_off = int(number)
    else:
        amount_off = parse_amount(discount, currency)
        if amount_off <= 0:
            raise args.wrong()
    options: dict[str, str] = {}
    rest = args.values[start + 1 :]
    if len(rest) % 2:
        raise args.wrong()
    for name, value in zip(rest[::2], rest[1::2], strict=True):
        if name.lower() not in _OPTIONS or name.lower() in options:
            raise args.wrong()
        options[name.lower()] = value
    return PromoTerms(
        percent_off=percent_off,
        amount_off=amount_off,
        valid_until=_date(args, options.get("until")),
        max_uses=_count(args, options.get("uses")),
        per_customer=_count(args, options.get("per-customer")),
        min_total=parse_amount(options["min"], currency) if "min" in options else None,
    )


def _date(args: Args, text: str | None) -> date | None:
    if text is None:
        return None
    if not _DATE.fullmatch(text):
        raise args.wrong()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise args.wrong() from None


def _count(args: Args, text: str | None) -> int | None:
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 1_000_000:
        raise args.wrong()
    return int(text)


def _admin(update: Update) -> int:
    assert update.effective_user is not None, "admin commands come from a user"
    return update.effective_user.id
