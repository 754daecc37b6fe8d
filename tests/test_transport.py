"""The aiohttp transport, driven by the real python-telegram-bot against the Bot API emulator."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import socket
import struct
import warnings
import zlib
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest, HTTPXRequest

from bot.botapi.transport import AiohttpRequest
from bot.emulator import BotApiEmulator, Fault, SimulatedUser
from bot.emulator.params import UploadedFile

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def _png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


async def _greet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets with non-ASCII text and a keyboard, both sent as form fields."""
    assert update.effective_message and update.effective_user
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Add to cart", callback_data="a:1")]])
    name = update.effective_user.first_name
    await update.effective_message.reply_text(f"Grüße, {name} 👟", reply_markup=keyboard)


async def _echo_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Downloads the document through the bot's file URL and says what it read."""
    message = update.effective_message
    assert message and message.document
    file = await context.bot.get_file(message.document.file_id)
    content = bytes(await file.download_as_bytearray())
    await message.reply_text(f"{message.document.file_name}: {content.decode()}")


def _application(emulator: BotApiEmulator, polling: BaseRequest | None = None) -> AnyApplication:
    return (
        Application.builder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .request(AiohttpRequest())
        .get_updates_request(polling or AiohttpRequest(connection_pool_size=1))
        .build()
    )


@contextlib.asynccontextmanager
async def _polling(application: AnyApplication, poll_seconds: float) -> AsyncIterator[None]:
    application.add_handler(CommandHandler("start", _greet))
    application.add_handler(MessageHandler(filters.Document.ALL, _echo_document))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0, timeout=timedelta(seconds=poll_seconds)
        )
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()


def _bot(emulator: BotApiEmulator, request: BaseRequest | None = None, base_url: str = "") -> Bot:
    return Bot(
        emulator.token,
        base_url=base_url or emulator.base_url,
        base_file_url=emulator.base_file_url,
        request=request or AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with _bot(emulator) as running:
        yield running


@pytest.fixture
def ann(emulator: BotApiEmulator) -> SimulatedUser:
    return emulator.user(42, "Ann")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _uploaded(emulator: BotApiEmulator, method: str, field: str) -> UploadedFile:
    upload = emulator.calls_to(method)[-1].params[field]
    assert isinstance(upload, UploadedFile)
    return upload


class _FailureRecordingRequest(AiohttpRequest):
    """Remembers every error the transport raised, which PTB's polling loop would swallow."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.failures: list[Exception] = []

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            return await super().do_request(*args, **kwargs)
        except Exception as exc:
            self.failures.append(exc)
            raise


@contextlib.asynccontextmanager
async def _server_that_never_reads() -> AsyncIterator[int]:
    """Accepts connections and leaves the request unread, so an upload stalls."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    listener.bind(("127.0.0.1", 0))
    server = await asyncio.start_server(hold, sock=listener)
    try:
        yield int(listener.getsockname()[1])
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


@contextlib.contextmanager
def _resource_reports() -> Iterator[list[str]]:
    """Collects ResourceWarnings and aiohttp's reports of sessions left open."""
    reports: list[str] = []
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: reports.append(str(context["message"])))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            yield reports
            gc.collect()
        reports.extend(str(w.message) for w in caught if w.category is ResourceWarning)
    finally:
        loop.set_exception_handler(previous)


# A whole Application on aiohttp


async def test_an_application_on_aiohttp_answers_a_user_it_long_polls(
    emulator: BotApiEmulator, ann: SimulatedUser
) -> None:
    async with _polling(_application(emulator), poll_seconds=2):
        await emulator.wait_until_polling()
        await ann.send("/start")
        reply = await ann.next_message()
        polls = emulator.calls_to("getUpdates")

    assert reply.text == "Grüße, Ann 👟"
    assert reply.button("Add to cart").callback_data == "a:1"
    assert polls[-1].params["timeout"] == 2


async def test_a_poll_outlasting_the_default_read_timeout_is_not_cut_short(
    emulator: BotApiEmulator, ann: SimulatedUser
) -> None:
    polling = _FailureRecordingRequest(connection_pool_size=1, read_timeout=0.3)
    async with _polling(_application(emulator, polling), poll_seconds=1):
        await emulator.wait_until_polling()
        await asyncio.sleep(1.5)  # one empty poll of 1 s ended, the next one is parked
        await ann.send("/start")
        await ann.next_message()
        polls = emulator.calls_to("getUpdates")

    assert polling.failures == []
    assert len(polls) >= 2
    assert all(call.ok and call.params["timeout"] == 1 for call in polls)


async def test_an_application_on_aiohttp_downloads_a_document_the_user_sent(
    emulator: BotApiEmulator, ann: SimulatedUser
) -> None:
    async with _polling(_application(emulator), poll_seconds=2):
        await ann.send_document(b"sku;qty\nA1;2", file_name="stock.csv")
        reply = await ann.next_message()

    assert reply.text == "stock.csv: sku;qty\nA1;2"
    assert len(emulator.calls_to("getFile")) == 1


async def test_a_direct_long_poll_waits_longer_than_the_read_timeout(
    emulator: BotApiEmulator,
) -> None:
    polling = AiohttpRequest(connection_pool_size=1, read_timeout=0.2)
    bot = Bot(emulator.token, base_url=emulator.base_url, get_updates_request=polling)
    loop = asyncio.get_running_loop()
    async with bot:
        started = loop.time()
        updates = await bot.get_updates(timeout=1)
        waited = loop.time() - started

    assert updates == ()
    assert waited >= 0.9


# Uploads


async def test_uploaded_files_arrive_with_their_names_types_and_fields(
    bot: Bot, emulator: BotApiEmulator, ann: SimulatedUser
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Buy", callback_data="b:1")]])

    await bot.send_document(ann.chat_id, b"sku;qty\nA1;2", filename="price list.csv")
    await bot.send_photo(
        ann.chat_id, _png(2, 3), filename="shoe.png", caption="Neu 👟", reply_markup=keyboard
    )

    document = _uploaded(emulator, "sendDocument", "document")
    photo = _uploaded(emulator, "sendPhoto", "photo")
    assert (document.filename, document.content_type) == ("price list.csv", "text/csv")
    assert document.content == b"sku;qty\nA1;2"
    assert (photo.filename, photo.content_type, photo.content) == (
        "shoe.png",
        "image/png",
        _png(2, 3),
    )
    sent_photo = ann.bot_messages[-1]
    assert sent_photo.caption == "Neu 👟"
    assert sent_photo.button("Buy").callback_data == "b:1"
    assert sent_photo.photo is not None and sent_photo.photo[0]["width"] == 2


@pytest.mark.parametrize(
    "file_name", ["Счёт-май.pdf", 'say "hi".txt', "back\\slash.txt", "tab\there.txt"]
)
async def test_unusual_file_names_arrive_exactly_as_with_httpx(
    bot: Bot, emulator: BotApiEmulator, ann: SimulatedUser, file_name: str
) -> None:
    await bot.send_document(ann.chat_id, b"x", filename=file_name)
    by_aiohttp = _uploaded(emulator, "sendDocument", "document").filename
    async with _bot(emulator, HTTPXRequest()) as httpx_bot:
        await httpx_bot.send_document(ann.chat_id, b"x", filename=file_name)
    by_httpx = _uploaded(emulator, "sendDocument", "document").filename

    assert by_aiohttp == by_httpx
    assert "\t" not in by_aiohttp


async def test_a_file_handle_left_unread_by_ptb_is_streamed(
    bot: Bot, emulator: BotApiEmulator, ann: SimulatedUser, tmp_path: Path
) -> None:
    path = tmp_path / "catalogue.bin"
    path.write_bytes(bytes(range(256)) * 4096)

    with path.open("rb") as handle:
        await bot.send_document(ann.chat_id, InputFile(handle, read_file_handle=False))

    document = _uploaded(emulator, "sendDocument", "document")
    assert document.filename == "catalogue.bin"
    assert document.content == path.read_bytes()


async def test_a_large_upload_arrives_whole_without_blocking_warnings(
    bot: Bot, emulator: BotApiEmulator, ann: SimulatedUser
) -> None:
    content = bytes(range(256)) * 12 * 1024  # 3 MiB

    with _resource_reports() as reports:
        await bot.send_document(ann.chat_id, content, filename="catalogue.pdf")

    assert _uploaded(emulator, "sendDocument", "document").content == content
    assert reports == []


# Errors, mapped as python-telegram-bot maps them


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [
        (Fault.bad_request("chat not found"), BadRequest, "Chat not found"),
        (Fault.blocked_by_user(), Forbidden, "bot was blocked by the user"),
        (Fault.server_error(), NetworkError, "Internal Server Error"),
        (Fault.server_error(502, "Bad Gateway"), NetworkError, "Bad Gateway"),
    ],
)
async def test_error_answers_become_ptb_exceptions_and_the_next_call_works(
    bot: Bot,
    emulator: BotApiEmulator,
    ann: SimulatedUser,
    fault: Fault,
    error: type[TelegramError],
    message: str,
) -> None:
    emulator.inject("sendMessage", fault)

    with pytest.raises(error, match=message) as raised:
        await bot.send_message(ann.chat_id, "hello")
    await bot.send_message(ann.chat_id, "hello")

    assert type(raised.value) is error
    assert [call.status for call in emulator.calls_to("sendMessage")] == [fault.status, 200]
    assert [m.text for m in ann.bot_messages] == ["hello"]


async def test_flood_control_becomes_retry_after_with_its_delay(
    bot: Bot, emulator: BotApiEmulator, ann: SimulatedUser
) -> None:
    emulator.inject("sendMessage", Fault.retry_after_seconds(3))

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(ann.chat_id, "hello")

    assert raised.value.retry_after == timedelta(seconds=3)
    assert ann.bot_messages == []


async def test_an_answer_slower_than_the_read_timeout_times_out(
    bot: Bot, emulator: BotApiEmulator, ann: SimulatedUser
) -> None:
    emulator.inject("sendMessage", Fault.slow(1.0))
    loop = asyncio.get_running_loop()

    started = loop.time()
    with pytest.raises(TimedOut):
        await bot.send_message(ann.chat_id, "hello", read_timeout=0.2)

    assert loop.time() - started < 0.9


async def test_the_default_read_timeout_applies_when_a_call_sets_none(
    emulator: BotApiEmulator, ann: SimulatedUser
) -> None:
    async with _bot(emulator, AiohttpRequest(read_timeout=0.2)) as bot:
        emulator.inject("sendMessage", Fault.slow(1.0))
        with pytest.raises(TimedOut):
            await bot.send_message(ann.chat_id, "slow")
        fast = await bot.send_message(ann.chat_id, "fast")

    assert fast.text == "fast"


async def test_a_refused_connection_is_a_network_error(emulator: BotApiEmulator) -> None:
    bot = _bot(emulator, base_url=f"http://127.0.0.1:{_closed_port()}/bot")

    with pytest.raises(NetworkError, match="ClientConnectorError") as raised:
        async with bot:
            pass

    assert not isinstance(raised.value, TimedOut)


async def test_a_full_pool_times_out_without_sending(
    emulator: BotApiEmulator, ann: SimulatedUser
) -> None:
    emulator.inject("sendMessage", Fault.slow(0.5))
    request = AiohttpRequest(connection_pool_size=1, pool_timeout=0.1)

    async with _bot(emulator, request) as bot:
        slow = asyncio.create_task(bot.send_message(ann.chat_id, "slow"))
        await asyncio.sleep(0.05)  # the slow call holds the only connection
        with pytest.raises(TimedOut, match="Pool timeout"):
            await bot.send_message(ann.chat_id, "queued")
        await slow

    assert [m.text for m in ann.bot_messages] == ["slow"]
    assert len(emulator.calls_to("sendMessage")) == 1


async def test_an_upload_that_cannot_be_written_times_out(emulator: BotApiEmulator) -> None:
    request = AiohttpRequest(read_timeout=0.2, connect_timeout=0.2, media_write_timeout=0.2)
    await request.initialize()
    loop = asyncio.get_running_loop()
    try:
        async with _server_that_never_reads() as port:
            bot = _bot(emulator, request, base_url=f"http://127.0.0.1:{port}/bot")
            started = loop.time()
            with pytest.raises(TimedOut):
                async with asyncio.timeout(5):
                    await bot.send_document(1, b"x" * 32 * 1024 * 1024, filename="big.bin")
            elapsed = loop.time() - started
    finally:
        await request.shutdown()

    assert 0.5 <= elapsed < 2


# Lifecycle


async def test_shutting_down_an_application_leaves_nothing_open(
    emulator: BotApiEmulator, ann: SimulatedUser
) -> None:
    with _resource_reports() as reports:
        async with _polling(_application(emulator), poll_seconds=2):
            await ann.send("/start")
            await ann.next_message()

    assert reports == []


async def test_a_request_dropped_without_shutdown_would_be_reported() -> None:
    with _resource_reports() as reports:
        request = AiohttpRequest()
        await request.initialize()
        del request

    assert any("Unclosed client session" in report for report in reports)


async def test_a_shut_down_request_refuses_calls_until_initialized_again(
    emulator: BotApiEmulator, ann: SimulatedUser
) -> None:
    request = AiohttpRequest()
    bot = _bot(emulator, request)

    async with bot:
        await bot.send_message(ann.chat_id, "first")
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{emulator.api_url}/getMe")
    async with bot:
        await bot.send_message(ann.chat_id, "second")

    assert [m.text for m in ann.bot_messages] == ["first", "second"]


def test_a_request_serves_a_new_event_loop_after_shutdown() -> None:
    request = AiohttpRequest()

    async def greet(text: str) -> list[str | None]:
        async with BotApiEmulator() as emulator:
            ann = emulator.user(42, "Ann")
            async with _bot(emulator, request) as bot:
                await bot.send_message(ann.chat_id, text)
            return [m.text for m in ann.bot_messages]

    assert asyncio.run(greet("first")) == ["first"]
    assert asyncio.run(greet("second")) == ["second"]


def test_settings_match_what_ptb_reads() -> None:
    request = AiohttpRequest(read_timeout=7.5)

    assert request.read_timeout == 7.5
    assert request.http_version == "1.1"
    with pytest.raises(ValueError, match=r"HTTP/1\.1"):
        AiohttpRequest(http_version="2")
    with pytest.raises(ValueError, match="connection_pool_size"):
        AiohttpRequest(connection_pool_size=0)
