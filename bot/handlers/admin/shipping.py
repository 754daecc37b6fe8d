"""/addshipping, /shipping and /endshipping: delivery options, priced in the shop's currency."""

from __future__ import annotations

from telegram import Update

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.render import send
from bot.handlers.router import on_admin_command
from bot.money import parse_amount
from bot.services.errors import InvalidInput
from bot.services.shipping import ShippingTerms
from bot.texts import admin as admin_texts
from bot.usecases import shipping

_KEYWORDS = ("free", "countries")


@on_admin_command("addshipping")
async def add_shipping(update: Update, context: ShopContext) -> None:
    """`/addshipping DHL Express 4.90 free over 50 countries DE,AT`: the name may be several
    words; the price is the word before the first option."""
    args = Args("addshipping", context.args)
    words = args.values
    end = next((i for i, w in enumerate(words) if w.lower() in _KEYWORDS), len(words))
    if end < 2:
        raise args.wrong()
    currency = context.settings.default_currency
    free_over, countries = _options(args, words[end:], currency)
    terms = ShippingTerms(
        name=" ".join(words[: end - 1]),
        price=_amount(words[end - 1], currency),
        free_over=free_over,
        countries=countries,
    )
    added = await shipping.add_shipping(
        context.db, admin_telegram_id=_admin(update), terms=terms, currency=currency
    )
    await send(update, admin_texts.shipping_added(added))


@on_admin_command("shipping")
async def list_shipping(update: Update, context: ShopContext) -> None:
    Args("shipping", context.args).at_most(0)
    await send(update, admin_texts.shipping_list(await shipping.list_shipping(context.db)))


@on_admin_command("endshipping")
async def end_shipping(update: Update, context: ShopContext) -> None:
    reference = Args("endshipping", context.args).rest(0)
    ended, changed = await shipping.end_shipping(
        context.db, admin_telegram_id=_admin(update), reference=reference
    )
    await send(update, admin_texts.shipping_ended(ended, changed=changed))


def _options(args: Args, rest: list[str], currency: str) -> tuple[int | None, tuple[str, ...]]:
    """`free over 50.00` and `countries DE,AT` (or `DE, AT` or `DE AT`), each at most once."""
    free_over: int | None = None
    countries: tuple[str, ...] = ()
    position = 0
    while position < len(rest):
        keyword = rest[position].lower()
        if keyword == "free" and free_over is None:
            if position + 2 >= len(rest) or rest[position + 1].lower() != "over":
                raise args.wrong()
            amount = _amount(rest[position + 2], currency)
            if amount <= 0:
                raise InvalidInput("shipping.bad_price")
            free_over = amount
            position += 3
        elif keyword == "countries" and not countries:
            codes = []
            position += 1
            while position < len(rest) and rest[position].lower() not in _KEYWORDS:
                codes.append(rest[position])
                position += 1
            if not codes:
                raise args.wrong()
            countries = tuple(codes)
        else:
            raise args.wrong()
    return free_over, countries


def _amount(text: str, currency: str) -> int:
    amount = parse_amount(text, currency)
    if amount < 0:
        raise InvalidInput("shipping.bad_price")
    return amount


def _admin(update: Update) -> int:
    assert update.effective_user is not None, "admin commands come from a user"
    return update.effective_user.id
