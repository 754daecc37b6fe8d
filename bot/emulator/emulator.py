"""BotApiEmulator: a local Telegram Bot API server with simulated users, for tests and a console."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.emulator import groups
from bot.emulator.faults import Fault, FaultPlan
from bot.emulator.groups import Supergroup
from bot.emulator.server import build_app
from bot.emulator.state import ApiCall, Chat, EmulatorState, UserProfile, Webhook, recent_calls
from bot.emulator.users import DEFAULT_TIMEOUT, SimulatedUser
from bot.emulator.webhook import deliver_webhooks

CallPredicate = Callable[[ApiCall], bool]


class BotApiEmulator:
    """Serves the Bot API on loopback; point the bot's base_url/base_file_url at it."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        bot_name: str = "Shop Bot",
        bot_username: str = "shop_test_bot",
        deliver_webhooks: bool = True,
    ) -> None:
        if not token.split(":", 1)[0].isdigit() or ":" not in token:
            raise ValueError("a bot token looks like '<digits>:<secret>'")
        self._state = EmulatorState(token=token, bot_name=bot_name, bot_username=bot_username)
        self._faults = FaultPlan()
        self._users: dict[int, SimulatedUser] = {}
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port = 0
        self._deliver_webhooks = deliver_webhooks
        self._webhook_task: asyncio.Task[None] | None = None
        self._waited: set[int] = set()

    # Lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._runner = web.AppRunner(build_app(self._state, self._faults), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self._host = host
        self._port = int(self._runner.addresses[0][1])
        if self._deliver_webhooks:
            self._webhook_task = asyncio.create_task(deliver_webhooks(self._state))

    async def stop(self) -> None:
        """Ends pending long polls at once, then shuts the server down."""
        self._state.closing = True
        self._state.signal.notify()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # Where the bot connects

    @property
    def token(self) -> str:
        return self._state.token

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """For Application.builder().base_url(); the bot appends its token."""
        return f"http://{self._host}:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self._host}:{self._port}/file/bot"

    @property
    def api_url(self) -> str:
        """The bot's full method prefix, for raw HTTP: f'{emu.api_url}/getMe'."""
        return self.base_url + self.token

    # Simulated users

    def user(
        self,
        telegram_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> SimulatedUser:
        """The user with this id (created on first use) and their private chat with the bot."""
        if telegram_id not in self._users:
            profile = UserProfile(telegram_id, first_name, last_name, username, language_code)
            chat = self._state.chats.setdefault(telegram_id, Chat(profile))
            self._users[telegram_id] = SimulatedUser(self._state, chat)
        return self._users[telegram_id]

    def supergroup(
        self, chat_id: int, title: str = "Group", *, creator: int = 1, creator_name: str = "Owner"
    ) -> Supergroup:
        """A supergroup (id -100…) the bot was added to; bot.emulator.groups says what it sees."""
        _, group = groups.create(self._state, chat_id, title, UserProfile(creator, creator_name))
        group.member(creator, creator_name)
        return group

    # What the bot did

    @property
    def calls(self) -> list[ApiCall]:
        """Every API call so far, in order, including getUpdates and failed calls."""
        return list(self._state.calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self._state.calls if call.method.lower() == method.lower()]

    async def wait_for(
        self,
        predicate: CallPredicate,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> ApiCall:
        """The earliest matching call not yet returned by wait_for (past or future).

        Each call is returned once, so waiting twice for sendMessage gives two different calls.
        """
        try:
            call = await self._state.signal.wait_for(lambda: self._first_unseen(predicate), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"no matching API call within {timeout}s; {recent_calls(self._state)}"
            ) from None
        self._waited.add(call.index)
        return call

    def _first_unseen(self, predicate: CallPredicate) -> ApiCall | None:
        for call in self._state.calls:
            if call.index not in self._waited and predicate(call):
                return call
        return None

    def upload_photo(self, content: bytes) -> str:
        """A photo as if a user had sent it earlier: its file id, for a test to use."""
        return self._state.files.add(content, kind="photo").file_id

    def file_content(self, file_id: str) -> bytes:
        """The bytes of a file the bot uploaded or a user sent (empty for photos by URL)."""
        return self._state.files.get(file_id).content

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[str]:
        """Command names set with setMyCommands for that scope and language."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return [command["command"] for command in self._state.commands.get(key, [])]

    def command_menu(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[tuple[str, str]]:
        """The commands with their descriptions, as a Telegram app in that language shows them."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return [(c["command"], c["description"]) for c in self._state.commands.get(key, [])]

    def invoice_link(self, link: str) -> dict[str, Any]:
        """The invoice behind a link createInvoiceLink returned (payload, currency, total)."""
        return self._state.invoice_links[link]

    def star_refunded(self, charge_id: str) -> bool:
        """Whether refundStarPayment gave back the Stars of this charge."""
        return self._state.star_payments[charge_id].refunded

    def menu_button(self, chat_id: int | None = None) -> dict[str, Any]:
        """The menu button set for a chat, else the default one, as getChatMenuButton says."""
        return (
            self._state.menu_buttons.get(chat_id)
            or self._state.menu_buttons.get(None)
            or {"type": "default"}
        )

    @property
    def webhook(self) -> Webhook:
        return self._state.webhook

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued but not yet confirmed by the bot."""
        return list(self._state.updates.pending)

    async def wait_until_fetched(
        self,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> None:
        """Waits until the bot has confirmed every queued update (it may still be handling them)."""
        await self._state.signal.wait_for(
            lambda: True if not self._state.updates.pending else None, timeout
        )

    async def wait_until_polling(
        self,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> None:
        """Waits until a getUpdates long poll is parked, i.e. the bot is connected and idle."""
        await self._state.signal.wait_for(
            lambda: True if self._state.waiting_polls else None, timeout
        )

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update no simulated user makes (a group or channel post, a chat member
        change, …): `kind` is the Update field, such as "channel_post"; returns the update."""
        return self._state.push_update(kind, copy.deepcopy(payload))

    # Fault injection

    def inject(self, method: str, fault: Fault, *, times: int = 1) -> None:
        """The next `times` calls of `method` ('*' for any) suffer `fault` instead of running."""
        self._faults.add(method, fault, times)
