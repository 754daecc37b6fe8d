"""The shop in a terminal: no token, no network.

The real Application long-polls a Bot API emulator on loopback, in this process; the person at
the keyboard is one simulated Telegram user. Each typed line waits until the shop has finished
with it, so answers print in order and piped input (`printf '/start\\n:quit\\n' | …`) works.
Payments go to a Stripe fake, also in this process, and `:pay`/`:fail` post Stripe's events to
the shop's own webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator

from telegram import Update
from telegram.ext import TypeHandler

from bot.app import ShopApplication
from bot.config import Settings
from bot.db import Database
from bot.devtools.console_payments import ConsolePayments, console_stripe_settings
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.terminal import Console, attachment_lines, keyboard_lines
from bot.emulator.users import SimulatedUser
from bot.emulator.waiting import Signal
from bot.handlers.context import ShopContext
from bot.runner import on_stop_signals, prepare_database, running_shop
from bot.services import user as users
from bot.texts import console as console_texts
from bot.texts.i18n import using_language
from bot.web import STRIPE_WEBHOOK_PATH

DEFAULT_USER_ID = 1001
DEFAULT_NAME = "Guest"
QUIT = frozenset({":quit", ":q", ":exit"})
PAYMENT_COMMANDS = frozenset({":pay", ":fail"})
# After every other handler group: when it runs, the shop is done with the update.
_DONE_GROUP = 1_000_000
SETTLE_TIMEOUT_S = 30.0


def show(message: Message) -> str:
    """A bot message as plain text (the emulator keeps formatting as entities) with numbers."""
    header = console_texts.EDITED if message.edited else console_texts.BOT
    body = [*attachment_lines(message), *keyboard_lines(message, numbered=True)]
    return "\n".join([f"{header} {message.content}", *body])


class ShopConsole:
    """Typed lines in, text to print out; `closed` once the person asked to leave."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        user: SimulatedUser,
        application: ShopApplication,
        payments: ConsolePayments | None = None,
    ) -> None:
        self.emulator = emulator
        self.user = user
        self.chat = Console(emulator, user)
        self.payments = payments
        self.closed = False
        self._jobs = application.bot_data.jobs
        if payments is not None:
            self.chat.describe_link = self._describe_link
        self._done = 0  # the highest update id the shop has finished handling
        self._changed = Signal()
        application.add_handler(TypeHandler(Update, self._finished), group=_DONE_GROUP)

    async def _finished(self, update: Update, context: ShopContext) -> None:
        self._done = max(self._done, update.update_id)
        self._changed.notify()

    async def handle(self, line: str) -> str | None:
        command = line.strip()
        if command in QUIT:
            self.closed = True
            return None
        if command == ":help":
            return "\n".join(
                (console_texts.HELP, console_texts.DEVELOPER_HELP, console_texts.PAYMENTS_HELP)
            )
        if command in PAYMENT_COMMANDS and self.payments is not None:
            return await self._payment(command)
        self.chat.last_query = None
        reply = await self.chat.handle(line)
        finished = await self._settle()
        lines = [
            *await self.unread(),
            self._answer(),
            reply,
            None if finished else console_texts.SLOW,
        ]
        return "\n".join(part for part in lines if part) or None

    async def _payment(self, command: str) -> str:
        """Stripe's event, then a delivery round at once: the customer's notice prints here."""
        assert self.payments is not None
        outcome = await (self.payments.pay() if command == ":pay" else self.payments.fail())
        if self._jobs is not None:
            await self._jobs.deliver_now()
        return "\n".join([outcome, *await self.unread()])

    def _describe_link(self, url: str) -> str | None:
        paying = self.payments is not None and self.payments.is_checkout_page(url)
        return console_texts.CHECKOUT_LINK if paying else None

    async def next_output(self, timeout: float | None = None) -> str:  # noqa: ASYNC109
        """The next thing the shop does on its own (a notification, say), as text."""
        return show(await self.user.next_message(timeout=timeout))

    async def unread(self) -> list[str]:
        """What the shop sent or edited since the last look, without waiting for more."""
        shown = []
        while True:
            try:
                shown.append(show(await self.user.next_message(timeout=0)))
            except TimeoutError:
                return shown

    async def _settle(self) -> bool:
        """Wait until the shop has handled the updates this line caused."""
        pending = self.emulator.pending_updates
        if not pending:
            return True
        target = int(pending[-1]["update_id"])
        probe: Callable[[], bool | None] = lambda: True if self._done >= target else None  # noqa: E731
        try:
            await self._changed.wait_for(probe, SETTLE_TIMEOUT_S)
        except TimeoutError:
            return False
        return True

    def _answer(self) -> str | None:
        query = self.chat.last_query
        if query is None or query.answer is None or not query.answer.text:
            return None
        return console_texts.toast(query.answer.text, query.answer.show_alert)


@contextlib.asynccontextmanager
async def open_console(
    settings: Settings,
    *,
    user_id: int = DEFAULT_USER_ID,
    name: str = DEFAULT_NAME,
    admin: bool = False,
    language: str | None = None,
) -> AsyncIterator[tuple[ShopConsole, int]]:
    """The shop running against an in-process emulator; yields the console and the number of
    demo products loaded into an empty shop. `language` is the customer's Telegram app's
    (DEFAULT_LANGUAGE when not given)."""
    database = Database(settings.database_url)
    try:
        stocked = await prepare_database(database, media_dir=settings.media_path)
        await _enrol(database, user_id, name, admin)
        async with BotApiEmulator() as emulator, FakeStripeApi() as stripe_api:
            local = settings.model_copy(
                update={
                    "telegram_api_base_url": emulator.base_url,
                    "telegram_file_base_url": emulator.base_file_url,
                    "admin_ids": [*settings.admin_ids, user_id] if admin else settings.admin_ids,
                    **console_stripe_settings(stripe_api.base_url),
                }
            )
            async with running_shop(local, database, token=emulator.token, web=True) as app:
                user = emulator.user(
                    user_id,
                    name,
                    username=name.lower().replace(" ", "_"),
                    language_code=language or settings.default_language,
                )
                webhook = f"{app.bot_data.web_url}{STRIPE_WEBHOOK_PATH}"
                payments = ConsolePayments(database, stripe_api, webhook, user_id)
                await payments.restore()
                stripe_api.on_refund = payments.confirm_refund
                yield ShopConsole(emulator, user, app, payments), stocked
    finally:
        await database.dispose()


async def _enrol(database: Database, user_id: int, name: str, admin: bool) -> None:
    """Register the console's customer up front so --admin can be set (and unset) for them."""
    async with database.transaction() as session:
        user = await users.register(session, telegram_id=user_id, first_name=name)
        user.is_admin = admin
        await session.flush()


async def run_console(
    settings: Settings,
    *,
    user_id: int = DEFAULT_USER_ID,
    name: str = DEFAULT_NAME,
    admin: bool = False,
    language: str | None = None,
) -> None:
    """The interactive loop; Ctrl-C, SIGTERM, Ctrl-D and :quit all close the shop in order."""
    with using_language(console_texts.console_language(language, settings.default_language)):
        session = asyncio.create_task(_session(settings, user_id, name, admin, language))
        with (
            on_stop_signals(session.cancel),
            _terminal_restored(),
            contextlib.suppress(asyncio.CancelledError),
        ):
            await session
        _say(console_texts.BYE)


async def _session(
    settings: Settings, user_id: int, name: str, admin: bool, language: str | None
) -> None:
    async with open_console(
        settings, user_id=user_id, name=name, admin=admin, language=language
    ) as opened:
        console, stocked = opened
        intro = console_texts.intro(name, user_id, admin, stocked)
        _say(f"{intro}\n{console_texts.PAYMENTS_INTRO}")
        _say(await console.handle("/start"))
        printer = asyncio.create_task(_print_what_the_shop_sends(console))
        try:
            while not console.closed:
                line = await _read_line()
                if line is None:
                    break
                _say(await console.handle(line))
        finally:
            printer.cancel()


async def _print_what_the_shop_sends(console: ShopConsole) -> None:
    """Messages nobody typed for (a notification) print as they come."""
    while True:
        _say(await console.next_output())


async def _read_line() -> str | None:
    """input() on a daemon thread: the event loop keeps running while the person types, and
    leaving never waits for a line that will not come. None at the end of input."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str | None] = loop.create_future()

    def deliver(line: str | None) -> None:
        if not future.done():
            future.set_result(line)

    def read() -> None:
        try:
            line: str | None = input()
        except EOFError:
            line = None
        with contextlib.suppress(RuntimeError):  # the loop is gone: we are exiting anyway
            loop.call_soon_threadsafe(deliver, line)

    threading.Thread(target=read, name="console-input", daemon=True).start()
    return await future


def _say(text: str | None) -> None:
    if text:
        print(f"{text}\n", flush=True)


@contextlib.contextmanager
def _terminal_restored() -> Iterator[None]:
    """Leaving mid-line (Ctrl-C) must not leave the terminal in line-editing mode."""
    if not sys.stdin.isatty():
        yield
        return
    import termios

    with contextlib.suppress(ImportError):
        import readline  # noqa: F401 - input() gets history and line editing
    saved = termios.tcgetattr(sys.stdin.fileno())
    try:
        yield
    finally:
        termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, saved)
