"""What the hostile-input tests share: nasty text, forged button data, and the shop's invariants.

A step is "settled" when the bot has answered a button pressed after it: updates are handled
one at a time, in order, so by then the step before has been handled completely.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

from hypothesis import strategies as st
from sqlalchemy import func, select

from bot import texts
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.users import SimulatedUser
from bot.keyboards.callbacks import _REGISTRY, MAX_CALLBACK_BYTES, Callback
from bot.keyboards.menu import Noop
from bot.models import MAX_LINE_QUANTITY, Cart, CartItem, Order, OrderItem, OrderStatus, Size
from bot.models.dialog import DialogState
from tests.hostile.conftest import ErrorLog

# --------------------------------------------------------------------------- hostile text

EMOJI = [
    "😀",
    "👍🏽",
    "👨‍👩‍👧‍👦",  # one family: seven code points joined by ZWJ
    "🏳️‍🌈",
    "🇩🇪",
    "❤️",
    "🧑🏿‍🚀",
    "\U0001f9d1\u200d\U0001f4bb",
]
SQL = [
    "'; DROP TABLE users; --",
    "' OR '1'='1",
    '" OR ""="',
    "1; DELETE FROM orders WHERE 1=1",
    "%",
    "_",
    "%%' --",
    "\\",
    "Robert'); DROP TABLE students;--",
    "SELECT * FROM carts",
    "1 UNION SELECT NULL, NULL--",
]
MARKUP = [
    "<b>bold</b>",
    "</b>",
    "<a href='javascript:alert(1)'>x</a>",
    "&amp;",
    "&lt;",
    "&",
    "<",
    "<<>>",
    "<tg-spoiler>",
    "<pre><code class='x'>",
    "*bold* _it_ `code` [link](http://x)",
]
ODD = [
    "\u200b",  # zero-width space
    "\u200f\u202e",  # right-to-left marks
    "\ufeff",
    "Z̴̡̪͂a̶͎̾l̸̲͊g̷̦͝o̴̧͘",
    "ﷺ",
    "𝕳𝖊𝖑𝖑𝖔",
    "٣٤٥",  # Arabic-Indic digits
    "²³",
    "\t\n\r",
    "\x00",
    "\x07\x1b[31m",
    "—",
    "   ",
    ".",
    "-",
    "/",
    "/start",
    "/cancel",
]
COMMANDS = ["start", "help", "cancel", "search", "catalog", "cart", "orders", "profile", "payments"]
# Telegram delivers at most 4096 characters a message; we go beyond, as a forged client could.
HUGE = 10_000

pieces = st.one_of(
    st.text(max_size=40),
    st.sampled_from(EMOJI + SQL + MARKUP + ODD),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
)
words = st.lists(pieces, min_size=1, max_size=6).map(" ".join)
huge = st.builds(
    lambda text, size: (text or "x") * (size // max(len(text), 1) + 1),
    words,
    st.integers(4000, HUGE),
)
commands = st.builds(lambda name, rest: f"/{name} {rest}", st.sampled_from(COMMANDS), words)
hostile_text = st.one_of(words, words, words, commands, huge).filter(lambda text: text != "")


# --------------------------------------------------------------------------- forged buttons

LAYOUTS = sorted(
    (cls for cls in _REGISTRY.values() if cls.__module__.startswith("bot.")),
    key=lambda cls: cls.prefix,
)
_numbers = st.one_of(
    st.integers(0, 12).map(str),
    st.sampled_from(
        ["-1", "007", "²", "١٢", "2147483647", "2147483648", "9" * 11, "1e3", " 1", ""]
    ),
)
_labels = st.one_of(
    st.sampled_from(["c", "s", "o", "n", "", "main", "cart", "orders", "x"]), st.text(max_size=6)
)


def _fields_of(cls: type[Callback]) -> st.SearchStrategy[list[str]]:
    """Mostly the right number of fields, each of its kind; sometimes any number of either."""
    kinds = [_numbers if f.type in (int, "int") else _labels for f in dataclasses.fields(cls)]
    right = st.tuples(*kinds).map(list)
    return st.one_of(right, right, right, st.lists(st.one_of(_numbers, _labels), max_size=8))


_layouts = st.sampled_from(LAYOUTS).flatmap(
    lambda cls: _fields_of(cls).map(lambda values: ":".join([cls.prefix, *values]))
)
# Callback data a modified client could send: mostly one of our layouts with made-up values,
# sometimes anything at all; at most 64 bytes, as Telegram allows.
callback_data = (
    st.one_of(_layouts, _layouts, _layouts, st.text(min_size=1))
    .map(lambda data: data.encode()[:MAX_CALLBACK_BYTES].decode(errors="ignore"))
    .filter(bool)
)


# --------------------------------------------------------------------------- customers

_telegram_ids = itertools.count(500_000)


def new_customer(emulator: BotApiEmulator, name: str = "Eve") -> SimulatedUser:
    """Each example gets somebody the shop has never seen, so examples don't meet."""
    return emulator.user(next(_telegram_ids), name)


async def settle(user: SimulatedUser) -> None:
    """Wait until every update this customer sent so far has been handled."""
    anchor = user.last_bot_message
    if anchor is None:
        await user.send("/help")
        anchor = await user.next_message()
    await user.callback_answer(await user.press_forged(anchor, Noop().pack()))


def texts_seen_by(user: SimulatedUser) -> list[str]:
    """Every text the bot sent or edited into this customer's chat, and every toast they got."""
    seen = [message.content for message in user.bot_messages]
    seen += [version.content for message in user.bot_messages for version in message.history]
    return seen + [answer.text or "" for answer in user.callback_answers]


@dataclass
class Trouble:
    """What went wrong underneath, seen from the log and from Telegram's side."""

    logged: list[str]
    apologies: int
    refused_calls: list[str]

    @property
    def none(self) -> bool:
        return not (self.logged or self.apologies or self.refused_calls)


# Refusals the shop expects and handles: an edit to identical content, and a press that
# Telegram no longer lets it answer.
_EXPECTED_REFUSALS = ("message is not modified", "query is too old")


class Watch:
    """Collects trouble since the last look."""

    def __init__(self, emulator: BotApiEmulator, errors: ErrorLog) -> None:
        self._emulator = emulator
        self._errors = errors
        self._seen = len(emulator.calls)

    def trouble(self) -> Trouble:
        calls = self._emulator.calls[self._seen :]
        self._seen += len(calls)
        apologies = sum(
            1 for call in calls if call.params.get("text") == texts.SOMETHING_WENT_WRONG
        )
        refused = [
            f"{call.method}: {call.description}"
            for call in calls
            if call.status != 200
            and call.method != "getUpdates"
            and not any(reason in (call.description or "") for reason in _EXPECTED_REFUSALS)
        ]
        return Trouble(self._errors.take(), apologies, refused)


# --------------------------------------------------------------------------- invariants


async def accounted_units(db: Database) -> dict[int, int]:
    """Per size: units in stock plus units held by orders that still count (not cancelled).
    No update a customer sends may change it; only a checkout moves units between the two."""
    async with db.reading() as session:
        stock = dict((await session.execute(select(Size.id, Size.stock))).all())
        held = dict(
            (
                await session.execute(
                    select(OrderItem.size_id, func.sum(OrderItem.quantity))
                    .join(Order, Order.id == OrderItem.order_id)
                    .where(Order.status != OrderStatus.CANCELLED)
                    .group_by(OrderItem.size_id)
                )
            ).all()
        )
    return {size_id: units + int(held.get(size_id) or 0) for size_id, units in stock.items()}


async def check_invariants(db: Database, units: dict[int, int]) -> None:
    """What must hold after any update, whatever it carried."""
    assert await accounted_units(db) == units, "units of stock appeared or vanished"
    async with db.reading() as session:
        negative = (await session.execute(select(Size.id).where(Size.stock < 0))).all()
        totals = (
            await session.execute(
                select(Order.id, Order.total, func.sum(OrderItem.unit_price * OrderItem.quantity))
                .outerjoin(OrderItem, OrderItem.order_id == Order.id)
                .group_by(Order.id, Order.total)
            )
        ).all()
        carts = (
            await session.execute(
                select(Cart.user_id).group_by(Cart.user_id).having(func.count() > 1)
            )
        ).all()
        dialogs = (
            await session.execute(
                select(DialogState.user_id).group_by(DialogState.user_id).having(func.count() > 1)
            )
        ).all()
        lines = (
            await session.execute(
                select(CartItem.id)
                .join(Size, Size.id == CartItem.size_id)
                .where(
                    (CartItem.quantity < 1)
                    | (CartItem.quantity > MAX_LINE_QUANTITY)
                    | (Size.product_id != CartItem.product_id)
                )
            )
        ).all()
    assert not negative, f"negative stock in sizes {negative}"
    assert all(lines_total is not None for _, _, lines_total in totals), (
        f"orders without lines: {totals}"
    )
    assert all(total == lines_total for _, total, lines_total in totals), f"order totals: {totals}"
    assert not carts, f"customers with more than one cart: {carts}"
    assert not dialogs, f"customers with more than one dialog: {dialogs}"
    assert not lines, f"impossible cart lines: {lines}"
