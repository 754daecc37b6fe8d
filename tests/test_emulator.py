"""The Bot API emulator, driven by the real python-telegram-bot and by raw HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import struct
import zlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    LabeledPrice,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PreCheckoutQueryHandler,
    filters,
)

from bot.emulator import BotApiEmulator, Fault, NoSuchButton, SimulatedUser
from bot.emulator.terminal import Console, render

TOKEN = "123456:TEST-TOKEN"


def _png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


def _menu() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Add to cart", callback_data="add:1")],
            [InlineKeyboardButton("Website", url="https://example.com")],
        ]
    )


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets with a menu."""
    assert update.effective_message and update.effective_user
    name = update.effective_user.first_name
    await update.effective_message.reply_text(f"Welcome, {name}", reply_markup=_menu())


async def _add(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers the button press and edits the menu."""
    query = update.callback_query
    assert query is not None
    await query.answer("Added")
    await query.edit_message_text("1 item in your cart")


async def _document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Downloads the document and echoes what it read."""
    message = update.effective_message
    assert message and message.document
    file = await context.bot.get_file(message.document.file_id)
    content = bytes(await file.download_as_bytearray())
    await message.reply_text(f"{message.caption}: {content.decode()}")


async def _photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Uploads a picture, then sends it again by file_id."""
    assert update.effective_message
    sent = await update.effective_message.reply_photo(_png(2, 3), caption="New")
    await update.effective_message.reply_photo(sent.photo[-1].file_id, caption="Again")


async def _quoted(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Says what the command replies to."""
    message = update.effective_message
    assert message
    quoted = message.reply_to_message
    if quoted is None:
        await message.reply_text("no reply")
    else:
        kind = "photo" if quoted.photo else "text"
        await message.reply_text(f"{kind} {quoted.message_id}: {quoted.caption or quoted.text}")


async def _buy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends an invoice for two socks."""
    assert update.effective_chat
    await context.bot.send_invoice(
        chat_id=update.effective_chat.id,
        title="Socks",
        description="Two pairs of socks",
        payload="order-7",
        provider_token="TEST",
        currency="EUR",
        prices=[LabeledPrice("Socks", 400), LabeledPrice("Shipping", 100)],
    )


async def _pre_checkout(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Accepts the order it issued."""
    query = update.pre_checkout_query
    assert query is not None
    if query.invoice_payload == "order-7":
        await query.answer(ok=True)
    else:
        await query.answer(ok=False, error_message="Unknown order")


async def _paid(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Thanks the customer."""
    message = update.effective_message
    assert message and message.successful_payment
    payment = message.successful_payment
    await message.reply_text(f"Paid {payment.total_amount} {payment.currency}")


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator(token=TOKEN)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
def ann(emu: BotApiEmulator) -> SimulatedUser:
    return emu.user(42, "Ann", username="ann")


@pytest.fixture
async def app(emu: BotApiEmulator) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    application = (
        Application.builder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(CommandHandler("photo", _photo))
    application.add_handler(CommandHandler("buy", _buy))
    application.add_handler(CommandHandler("quoted", _quoted))
    application.add_handler(CallbackQueryHandler(_add, pattern="^add:"))
    application.add_handler(MessageHandler(filters.Document.ALL, _document))
    application.add_handler(PreCheckoutQueryHandler(_pre_checkout))
    application.add_handler(MessageHandler(filters.SUCCESSFUL_PAYMENT, _paid))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=2))
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _call(
    http: aiohttp.ClientSession, endpoint: str, /, *, form: bool = False, **params: Any
) -> tuple[int, dict[str, Any]]:
    """One raw Bot API call, as JSON or as a urlencoded form."""
    if form:
        response = await http.post(endpoint, data={k: str(v) for k, v in params.items()})
    else:
        response = await http.post(endpoint, json=params)
    async with response:
        return response.status, await response.json()


# With the real python-telegram-bot


async def test_a_command_is_answered_with_an_inline_keyboard(
    app: Any, emu: BotApiEmulator, ann: SimulatedUser
) -> None:
    await ann.send("/start")

    reply = await ann.next_message()

    assert reply.text == "Welcome, Ann"
    assert reply.from_bot
    assert reply.button_texts == ["Add to cart", "Website"]
    assert reply.button("Add to cart").callback_data == "add:1"
    sent = emu.calls_to("sendMessage")
    assert [call.params["chat_id"] for call in sent] == [42]
    assert emu.calls[0].method == "getMe"


async def test_pressing_a_button_answers_the_query_and_edits_the_message(
    app: Any, ann: SimulatedUser
) -> None:
    await ann.send("/start")
    menu = await ann.next_message()

    query = await ann.press_button(menu, "Add to cart")

    answer = await ann.callback_answer(query)
    edited = await ann.next_message()
    assert answer.text == "Added"
    assert not answer.show_alert
    assert edited.message_id == menu.message_id
    assert edited.text == "1 item in your cart"
    assert edited.buttons == ()
    assert [version.text for version in edited.history] == ["Welcome, Ann"]
    assert [m.content for m in ann.messages] == ["/start", "1 item in your cart"]


async def test_pressing_a_button_the_message_lacks_fails_without_queueing_an_update(
    app: Any, emu: BotApiEmulator, ann: SimulatedUser
) -> None:
    await ann.send("/start")
    menu = await ann.next_message()
    await emu.wait_until_fetched()

    with pytest.raises(NoSuchButton, match="'Add to cart'"):
        await ann.press_button(menu, "Checkout")
    with pytest.raises(NoSuchButton, match="sends no callback"):
        await ann.press_button(menu, "Website")
    assert emu.pending_updates == []


async def test_the_bot_downloads_a_document_the_user_sent(app: Any, ann: SimulatedUser) -> None:
    await ann.send_document(b"sku;qty\nA1;2", file_name="stock.csv", caption="/import")

    reply = await ann.next_message()

    assert reply.text == "/import: sku;qty\nA1;2"


async def test_an_uploaded_photo_gets_a_file_id_the_bot_can_send_again(
    app: Any, emu: BotApiEmulator, ann: SimulatedUser
) -> None:
    await ann.send("/photo")

    first = await ann.next_message()
    again = await ann.next_message()

    assert first.photo is not None and again.photo is not None
    assert (first.photo[0]["width"], first.photo[0]["height"]) == (2, 3)
    assert again.photo[0]["file_id"] == first.photo[0]["file_id"]
    assert [first.caption, again.caption] == ["New", "Again"]
    assert emu.calls_to("sendPhoto")[0].params["caption"] == "New"


async def test_a_reply_carries_the_message_it_replies_to(app: Any, ann: SimulatedUser) -> None:
    photo = await ann.send_photo(_png(2, 3), caption="Hat")
    await ann.send("/quoted", reply_to=photo)
    assert (await ann.next_message()).text == f"photo {photo.message_id}: Hat"
    await ann.send("/quoted")
    answer = await ann.next_message()
    await ann.send_photo(_png(2, 3), caption="/quoted", reply_to=answer)  # no command: ignored
    await ann.send("/quoted", reply_to=answer.message_id)
    assert (await ann.next_message()).text == f"text {answer.message_id}: no reply"


async def test_paying_an_invoice_answers_pre_checkout_and_confirms_the_payment(
    app: Any, ann: SimulatedUser
) -> None:
    await ann.send("/buy")
    invoice = await ann.next_message()

    answer = await ann.pay(invoice)

    thanks = await ann.next_message()
    assert invoice.invoice is not None
    assert invoice.invoice["total_amount"] == 500
    assert answer.ok
    assert thanks.text == "Paid 500 EUR"


async def test_commands_set_by_the_bot_are_recorded(app: Any, emu: BotApiEmulator) -> None:
    await app.bot.set_my_commands([("start", "Open the shop"), ("cart", "Your cart")])

    assert emu.commands() == ["start", "cart"]
    assert [c.command for c in await app.bot.get_my_commands()] == ["start", "cart"]


async def test_an_injected_429_reaches_ptb_as_retry_after(
    app: Any, emu: BotApiEmulator, ann: SimulatedUser
) -> None:
    emu.inject("sendMessage", Fault.retry_after_seconds(7))

    with pytest.raises(RetryAfter) as raised:
        await app.bot.send_message(chat_id=ann.chat_id, text="hello")
    assert raised.value.retry_after == timedelta(seconds=7)
    await app.bot.send_message(chat_id=ann.chat_id, text="hello")

    assert [call.status for call in emu.calls_to("sendMessage")] == [429, 200]
    assert [m.text for m in ann.bot_messages] == ["hello"]


async def test_editing_to_the_same_content_raises_bad_request_in_ptb(
    app: Any, ann: SimulatedUser
) -> None:
    sent = await app.bot.send_message(chat_id=ann.chat_id, text="Cart", reply_markup=_menu())

    with pytest.raises(BadRequest, match="Message is not modified"):
        await sent.edit_text("Cart", reply_markup=_menu())
    assert ann.bot_messages[0].history == ()


async def test_a_timeout_explains_which_call_failed(
    app: Any, emu: BotApiEmulator, ann: SimulatedUser
) -> None:
    emu.inject("sendMessage", Fault.server_error())
    await ann.send("/start")

    with pytest.raises(TimeoutError, match="sendMessage -> 500 Internal Server Error"):
        await ann.next_message(timeout=0.3)


async def test_wait_for_returns_each_matching_call_once(
    app: Any, emu: BotApiEmulator, ann: SimulatedUser
) -> None:
    await ann.send("/photo")

    first = await emu.wait_for(lambda call: call.method == "sendPhoto")
    second = await emu.wait_for(lambda call: call.method == "sendPhoto")

    assert [first.params["caption"], second.params["caption"]] == ["New", "Again"]


async def test_chat_actions_and_reply_keyboards_are_recorded(app: Any, ann: SimulatedUser) -> None:
    await app.bot.send_chat_action(chat_id=ann.chat_id, action="typing")
    await app.bot.send_message(
        chat_id=ann.chat_id, text="Pick", reply_markup=ReplyKeyboardMarkup([["Catalog", "Cart"]])
    )
    keyboard = ann.reply_keyboard
    await app.bot.send_message(chat_id=ann.chat_id, text="Ok", reply_markup=ReplyKeyboardRemove())

    assert ann.chat_actions == ["typing"]
    assert keyboard == (("Catalog", "Cart"),)
    assert ann.reply_keyboard is None
    assert ann.bot_messages[0].reply_markup is None


async def test_the_console_chats_and_presses_buttons_by_label(
    app: Any, emu: BotApiEmulator, ann: SimulatedUser
) -> None:
    console = Console(emu, ann)

    await console.handle("/start")
    menu = render(await ann.next_message())
    await console.handle(":press Add to cart")
    edited = render(await ann.next_message())
    missing = await console.handle(":press Checkout")

    assert menu.splitlines() == ["[bot #2] Welcome, Ann", "  [Add to cart]", "  [Website]"]
    assert edited == "[edited #2] 1 item in your cart"
    assert missing == "! no message has a button “Checkout”"


# Raw HTTP


async def test_a_wrong_token_is_unauthorized(
    emu: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    status, body = await _call(http, f"{emu.base_url}999:WRONG/getMe")

    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_an_unknown_method_is_not_found(
    emu: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    status, body = await _call(http, f"{emu.api_url}/sendTelepathy")

    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_method_names_are_case_insensitive_and_get_works(
    emu: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{emu.api_url}/getme") as response:
        body = await response.json()

    assert body["ok"] is True
    assert body["result"]["id"] == 123456
    assert body["result"]["is_bot"] is True


@pytest.mark.parametrize("form", [False, True])
async def test_send_message_without_text_is_a_bad_request(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession, form: bool
) -> None:
    status, body = await _call(http, f"{emu.api_url}/sendMessage", form=form, chat_id=42)

    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message text is empty",
    }
    assert ann.messages == []


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"text": "hi"}, "Bad Request: chat_id is empty"),
        ({"chat_id": 7, "text": "hi"}, "Bad Request: chat not found"),
        ({"chat_id": 42, "text": "x" * 4097}, "Bad Request: message is too long"),
        (
            {"chat_id": 42, "text": "Socks <3", "parse_mode": "HTML"},
            'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 6',
        ),
        (
            {
                "chat_id": 42,
                "text": "Pick",
                "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "x" * 65}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
    ],
)
async def test_invalid_messages_are_refused_and_not_stored(
    emu: BotApiEmulator,
    ann: SimulatedUser,
    http: aiohttp.ClientSession,
    params: dict[str, Any],
    description: str,
) -> None:
    status, body = await _call(http, f"{emu.api_url}/sendMessage", **params)

    assert (status, body["description"]) == (400, description)
    assert ann.messages == []
    assert emu.calls[-1].description == description


async def test_html_is_stored_as_text_with_entities(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    text = "  <b>Cart</b>: 2 &amp; more  "
    status, body = await _call(
        http, f"{emu.api_url}/sendMessage", chat_id=42, text=text, parse_mode="HTML"
    )

    assert status == 200
    assert body["result"]["text"] == "Cart: 2 & more"
    assert body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    assert (await ann.next_message()).text == "Cart: 2 & more"


async def test_editing_to_identical_content_is_not_modified(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    _, sent = await _call(http, f"{emu.api_url}/sendMessage", chat_id=42, text="Cart")
    message_id = sent["result"]["message_id"]

    status, body = await _call(
        http, f"{emu.api_url}/editMessageText", chat_id=42, message_id=message_id, text="Cart"
    )

    assert status == 400
    assert body["description"].startswith("Bad Request: message is not modified: ")
    assert ann.bot_messages[0].history == ()


async def test_message_ids_increase_per_chat_across_both_sides(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    bob = emu.user(43, "Bob")
    first = await ann.send("hello")
    _, reply = await _call(http, f"{emu.api_url}/sendMessage", chat_id=42, text="hi Ann")
    _, to_bob = await _call(http, f"{emu.api_url}/sendMessage", chat_id=43, text="hi Bob")

    assert first.message_id == 1
    assert reply["result"]["message_id"] == 2
    assert to_bob["result"]["message_id"] == 1
    assert reply["result"]["chat"] == {
        "id": 42,
        "type": "private",
        "first_name": "Ann",
        "username": "ann",
    }
    assert [m.text for m in bob.messages] == ["hi Bob"]


async def test_a_callback_query_can_be_answered_only_once(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    await _call(http, f"{emu.api_url}/sendMessage", chat_id=42, text="Menu", reply_markup=markup)
    query = await ann.press(await ann.next_message(), "go")
    url = f"{emu.api_url}/answerCallbackQuery"

    first, _ = await _call(http, url, callback_query_id=query.id, text="Done")
    status, body = await _call(http, url, callback_query_id=query.id)

    assert first == 200
    assert status == 400
    assert body["description"] == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
    assert [a.text for a in ann.callback_answers] == ["Done"]


async def test_long_polling_returns_as_soon_as_an_update_is_queued(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    url = f"{emu.api_url}/getUpdates"
    poll = asyncio.create_task(_call(http, url, timeout=30))
    await emu.wait_until_polling()
    await ann.send("/cart")

    async with asyncio.timeout(2):
        status, body = await poll
    update_id = body["result"][0]["update_id"]
    _, confirmed = await _call(http, url, offset=update_id + 1, timeout=0)

    assert status == 200
    assert body["result"][0]["message"]["entities"] == [
        {"type": "bot_command", "offset": 0, "length": 5}
    ]
    assert confirmed["result"] == []
    assert emu.pending_updates == []


async def test_a_user_editing_their_message_sends_an_edited_message_update(
    emu: BotApiEmulator, ann: SimulatedUser
) -> None:
    sent = await ann.send("hodie")
    edited = await ann.edit(sent, "/search hoodie")

    update = emu.pending_updates[-1]["edited_message"]
    assert (update["message_id"], update["text"]) == (sent.message_id, "/search hoodie")
    assert update["entities"] == [{"type": "bot_command", "offset": 0, "length": 7}]
    assert "edit_date" in update and edited.edited
    assert [kind for u in emu.pending_updates for kind in u if kind != "update_id"] == [
        "message",
        "edited_message",
    ]


async def test_updates_no_user_makes_can_be_queued_as_they_are(emu: BotApiEmulator) -> None:
    post = {"message_id": 1, "date": 0, "chat": {"id": -100, "type": "channel"}, "text": "hi"}

    queued = emu.push_update("channel_post", post)

    assert emu.pending_updates == [queued]
    assert queued["channel_post"] == post


async def test_get_updates_conflicts_while_a_webhook_is_set(
    emu: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    set_status, _ = await _call(
        http, f"{emu.api_url}/setWebhook", url="https://shop.example/hook", secret_token="s3cret"
    )

    status, body = await _call(http, f"{emu.api_url}/getUpdates")

    assert set_status == 200
    assert status == 409
    assert body["description"].startswith("Conflict: can't use getUpdates method while webhook")
    assert emu.webhook.url == "https://shop.example/hook"
    assert emu.webhook.secret_token == "s3cret"


async def test_queued_updates_are_posted_to_a_loopback_webhook(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    received: asyncio.Queue[tuple[str | None, dict[str, Any]]] = asyncio.Queue()

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        await received.put((secret, await request.json()))
        return web.Response()

    hook_app = web.Application()
    hook_app.router.add_post("/hook", hook)
    runner = web.AppRunner(hook_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        await _call(
            http,
            f"{emu.api_url}/setWebhook",
            url=f"http://127.0.0.1:{port}/hook",
            secret_token="s3cret",
        )
        await ann.send("hello")
        async with asyncio.timeout(2):
            secret, update = await received.get()
        await emu.wait_until_fetched()
    finally:
        await runner.cleanup()

    assert secret == "s3cret"
    assert update["message"]["text"] == "hello"
    assert emu.pending_updates == []


async def test_a_document_uploaded_as_multipart_can_be_fetched_and_downloaded(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", "42")
    form.add_field("caption", "Your receipt")
    form.add_field("document", b"%PDF-1.4", filename="receipt.pdf")
    async with http.post(f"{emu.api_url}/sendDocument", data=form) as response:
        sent = await response.json()
    file_id = sent["result"]["document"]["file_id"]

    _, file = await _call(http, f"{emu.api_url}/getFile", file_id=file_id)
    async with http.get(f"{emu.base_file_url}{emu.token}/{file['result']['file_path']}") as got:
        content = await got.read()

    assert sent["result"]["document"]["file_name"] == "receipt.pdf"
    assert sent["result"]["caption"] == "Your receipt"
    assert content == b"%PDF-1.4"
    assert ann.bot_messages[0].document is not None


async def test_files_over_twenty_megabytes_cannot_be_downloaded_by_bots(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    small = await ann.send_document(b"x" * 100, file_name="small.csv")
    large = await ann.send_document(b"x" * (20 * 1024 * 1024 + 1), file_name="large.csv")
    assert small.document is not None and large.document is not None

    small_status, _ = await _call(http, f"{emu.api_url}/getFile", file_id=small.document["file_id"])
    status, body = await _call(http, f"{emu.api_url}/getFile", file_id=large.document["file_id"])

    assert small_status == 200
    assert (status, body["description"]) == (400, "Bad Request: file is too big")
    assert large.document["file_size"] == 20 * 1024 * 1024 + 1


async def test_tests_can_read_the_files_the_bot_sent(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", "42")
    form.add_field("document", b"sku,name", filename="catalogue.csv")
    async with http.post(f"{emu.api_url}/sendDocument", data=form) as response:
        sent = await response.json()

    assert emu.file_content(sent["result"]["document"]["file_id"]) == b"sku,name"


async def test_unknown_files_are_refused(emu: BotApiEmulator, http: aiohttp.ClientSession) -> None:
    status, body = await _call(http, f"{emu.api_url}/getFile", file_id="nope")
    async with http.get(f"{emu.base_file_url}{emu.token}/documents/nope.csv") as response:
        download_status = response.status

    assert (status, body["description"]) == (
        400,
        "Bad Request: wrong file identifier/HTTP URL specified",
    )
    assert download_status == 404


async def test_an_injected_delay_holds_only_the_next_call(
    emu: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    emu.inject("getMe", Fault.slow(0.3))
    loop = asyncio.get_running_loop()

    started = loop.time()
    await _call(http, f"{emu.api_url}/getMe")
    slow = loop.time() - started
    started = loop.time()
    await _call(http, f"{emu.api_url}/getMe")
    fast = loop.time() - started

    assert slow >= 0.3
    assert fast < 0.3


async def test_a_deleted_message_leaves_the_chat(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    _, sent = await _call(http, f"{emu.api_url}/sendMessage", chat_id=42, text="Temporary")
    url = f"{emu.api_url}/deleteMessage"
    message_id = sent["result"]["message_id"]

    first, _ = await _call(http, url, chat_id=42, message_id=message_id)
    status, body = await _call(http, url, chat_id=42, message_id=message_id)

    assert first == 200
    assert (status, body["description"]) == (400, "Bad Request: message to delete not found")
    assert ann.messages == []


async def test_captions_and_keyboards_of_media_messages_can_be_edited(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    markup = {"inline_keyboard": [[{"text": "Buy", "callback_data": "buy:1"}]]}
    _, sent = await _call(
        http,
        f"{emu.api_url}/sendPhoto",
        chat_id=42,
        photo="https://shop.example/socks.jpg",
        caption="Socks",
        reply_markup=markup,
    )
    target = {"chat_id": 42, "message_id": sent["result"]["message_id"]}

    caption, _ = await _call(
        http,
        f"{emu.api_url}/editMessageCaption",
        **target,
        caption="Socks, 5 EUR",
        reply_markup=markup,
    )
    same, unchanged = await _call(
        http, f"{emu.api_url}/editMessageReplyMarkup", **target, reply_markup=markup
    )
    text, no_text = await _call(http, f"{emu.api_url}/editMessageText", **target, text="Hi")

    assert (caption, same, text) == (200, 400, 400)
    assert unchanged["description"].startswith("Bad Request: message is not modified")
    assert no_text["description"] == "Bad Request: there is no text in the message to edit"
    photo = ann.bot_messages[0]
    assert photo.caption == "Socks, 5 EUR"
    assert photo.button("Buy").callback_data == "buy:1"
    assert [version.caption for version in photo.history] == ["Socks"]


async def test_the_media_of_a_message_can_be_replaced_and_a_text_can_become_a_photo(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    markup = {"inline_keyboard": [[{"text": "Buy", "callback_data": "buy:1"}]]}
    _, photo = await _call(
        http, f"{emu.api_url}/sendPhoto", chat_id=42, photo="https://shop.example/a.jpg"
    )
    _, text = await _call(http, f"{emu.api_url}/sendMessage", chat_id=42, text="Socks")
    url = f"{emu.api_url}/editMessageMedia"
    new = {"type": "photo", "media": "https://shop.example/b.jpg", "caption": "B"}
    new_media: dict[str, Any] = {"media": new, "reply_markup": markup}

    edited, _ = await _call(
        http, url, chat_id=42, message_id=photo["result"]["message_id"], **new_media
    )
    again, unchanged = await _call(
        http, url, chat_id=42, message_id=photo["result"]["message_id"], **new_media
    )
    became, _ = await _call(
        http,
        url,
        chat_id=42,
        message_id=text["result"]["message_id"],
        media={**new, "caption": "S"},
    )
    bad, refused = await _call(
        http, url, chat_id=42, message_id=photo["result"]["message_id"], media={"type": "sticker"}
    )

    assert (edited, again, became, bad) == (200, 400, 200, 400)
    assert unchanged["description"].startswith("Bad Request: message is not modified")
    assert refused["description"] == "Bad Request: can't parse input media JSON object"
    first, second = ann.bot_messages
    assert (first.caption, first.button("Buy").callback_data) == ("B", "buy:1")
    assert first.photo != first.history[0].photo
    assert (second.text, second.caption, second.photo is not None) == (None, "S", True)


async def test_ptb_can_upload_a_new_photo_into_a_sent_message(
    app: Any, emu: BotApiEmulator, ann: SimulatedUser
) -> None:
    sent = await app.bot.send_photo(42, _png(2, 3), caption="Old")
    await app.bot.edit_message_media(
        InputMediaPhoto(_png(4, 5), caption="<i>New</i>", parse_mode="HTML"),
        chat_id=42,
        message_id=sent.message_id,
    )

    photo = ann.bot_messages[0]
    assert photo.caption == "New"
    assert photo.entities == [{"type": "italic", "offset": 0, "length": 3}]
    assert photo.photo is not None
    assert (photo.photo[-1]["width"], photo.photo[-1]["height"]) == (4, 5)


async def test_a_declined_pre_checkout_needs_an_error_message(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    await _call(
        http,
        f"{emu.api_url}/sendInvoice",
        chat_id=42,
        title="Socks",
        description="Warm socks",
        payload="order-1",
        currency="XTR",
        prices=[{"label": "Socks", "amount": 50}],
    )
    query = await ann.pre_checkout(await ann.next_message())
    url = f"{emu.api_url}/answerPreCheckoutQuery"

    bare, _ = await _call(http, url, pre_checkout_query_id=query.id, ok=False)
    explained, _ = await _call(
        http, url, pre_checkout_query_id=query.id, ok=False, error_message="Sold out"
    )

    answer = await ann.pre_checkout_answer(query)
    assert (bare, explained) == (400, 200)
    assert (answer.ok, answer.error_message) == (False, "Sold out")
    assert (query.total_amount, query.invoice_payload) == (50, "order-1")


async def test_an_album_is_one_update_per_photo_sharing_a_media_group_id(
    emu: BotApiEmulator, ann: SimulatedUser
) -> None:
    sent = await ann.send_album([b"one", b"two", b"three"], caption="Spring")

    messages = [update["message"] for update in emu.pending_updates]
    assert [message["message_id"] for message in messages] == [m.message_id for m in sent]
    assert len({message["media_group_id"] for message in messages}) == 1
    assert [message.get("caption") for message in messages] == ["Spring", None, None]
    assert all(isinstance(message["media_group_id"], str) for message in messages)


@pytest.mark.parametrize("count", [1, 11])
async def test_an_album_holds_two_to_ten_photos(ann: SimulatedUser, count: int) -> None:
    with pytest.raises(ValueError, match="2 to 10"):
        await ann.send_album([b"photo %d" % number for number in range(count)])


_SOCKS: dict[str, Any] = {
    "chat_id": 42,
    "title": "Socks",
    "description": "Warm socks",
    "payload": "order-1",
}


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"provider_token": "tok"}, "PAYMENT_PROVIDER_INVALID"),
        (
            {"prices": [{"label": "Socks", "amount": 50}, {"label": "Tip", "amount": 5}]},
            "INVOICE_PRICES_INVALID",
        ),
        ({"max_tip_amount": 10}, "INVOICE_TIPS_UNSUPPORTED"),
    ],
)
@pytest.mark.parametrize("method", ["sendInvoice", "createInvoiceLink"])
async def test_an_invoice_in_stars_has_no_provider_one_price_and_no_tips(
    emu: BotApiEmulator,
    ann: SimulatedUser,
    http: aiohttp.ClientSession,
    method: str,
    extra: dict[str, Any],
    reason: str,
) -> None:
    params: dict[str, Any] = {
        **_SOCKS,
        "currency": "XTR",
        "prices": [{"label": "Socks", "amount": 50}],
    }
    accepted, _ = await _call(http, f"{emu.api_url}/{method}", **params, provider_token="")

    refused, body = await _call(http, f"{emu.api_url}/{method}", **{**params, **extra})

    assert (accepted, refused) == (200, 400)
    assert body["description"] == f"Bad Request: {reason}"


async def test_a_star_payment_is_refunded_once_to_its_payer_and_listed(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    prices = [{"label": "Socks", "amount": 50}]
    await _call(http, f"{emu.api_url}/sendInvoice", **_SOCKS, currency="XTR", prices=prices)
    await ann.successful_payment(await ann.next_message(), telegram_payment_charge_id="ch-1")
    url = f"{emu.api_url}/refundStarPayment"

    stranger, _ = await _call(http, url, user_id=7, telegram_payment_charge_id="ch-1")
    unknown, _ = await _call(http, url, user_id=42, telegram_payment_charge_id="ch-2")
    refunded, _ = await _call(http, url, user_id=42, telegram_payment_charge_id="ch-1")
    again, body = await _call(http, url, user_id=42, telegram_payment_charge_id="ch-1")
    _, listed = await _call(http, f"{emu.api_url}/getStarTransactions", limit=10)

    assert (stranger, unknown, refunded, again) == (400, 400, 200, 400)
    assert body["description"] == "Bad Request: CHARGE_ALREADY_REFUNDED"
    assert emu.star_refunded("ch-1")
    paid, given_back = listed["result"]["transactions"]
    assert (paid["id"], paid["amount"], paid["source"]["user"]["id"]) == ("ch-1", 50, 42)
    assert paid["source"]["invoice_payload"] == "order-1"
    assert (given_back["amount"], given_back["receiver"]["user"]["id"]) == (50, 42)


async def test_ptb_refunds_stars_and_reads_the_transactions(
    app: Any, emu: BotApiEmulator, ann: SimulatedUser
) -> None:
    await app.bot.send_invoice(42, "Socks", "Warm socks", "order-1", "XTR", [LabeledPrice("S", 9)])
    await ann.successful_payment(await ann.next_message(), telegram_payment_charge_id="ch-9")

    assert await app.bot.refund_star_payment(42, "ch-9")
    transactions = (await app.bot.get_star_transactions(limit=5)).transactions
    assert [(t.id, t.amount) for t in transactions] == [("ch-9", 9), ("ch-9", 9)]
    assert transactions[0].source is not None and transactions[1].receiver is not None


async def test_an_invoice_link_opened_in_a_mini_app_is_paid_into_the_chat_with_the_bot(
    emu: BotApiEmulator, ann: SimulatedUser, http: aiohttp.ClientSession
) -> None:
    params = {key: value for key, value in _SOCKS.items() if key != "chat_id"}
    prices = [{"label": "Socks", "amount": 50}]
    _, created = await _call(
        http, f"{emu.api_url}/createInvoiceLink", **params, currency="XTR", prices=prices
    )
    link = created["result"]

    query = await ann.pre_checkout(link)
    paid = await ann.successful_payment(link, telegram_payment_charge_id="ch-3")

    assert (query.currency, query.total_amount, query.invoice_payload) == ("XTR", 50, "order-1")
    payment = paid.json["successful_payment"]
    assert (payment["total_amount"], payment["invoice_payload"]) == (50, "order-1")
    assert paid.chat_id == 42
    with pytest.raises(LookupError):
        await ann.pre_checkout("https://t.me/$invoice-unknown")
