"""Logs: one shape for every line (JSON lines with LOG_FORMAT=json), the update or Stripe event
each line was logged for, and never a customer's words, name, address or phone, nor a secret."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import socket
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import phonenumbers
import pytest
import structlog
from pydantic import ValidationError
from sqlalchemy import select

from bot.app import ShopApplication
from bot.config import Settings
from bot.db import Database
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.faults import Fault
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.logs import FLOORS, REDACTED, Redactor, configure_logging, set_level
from bot.models import Order
from bot.runner import running_shop
from bot.services import product as products
from tests.factories import make_product
from tests.fakes.stripe_shop import paid_event, post_event, stripe_settings

Configure = Callable[[Settings], io.StringIO]

TOKEN = "7364519208:AAHq7Zp3Xv9Lm2Nc4Rt8Wy6Ks1Db5Gf0Jh"
STRIPE_KEY = "sk_test_51QzOrchidLantern8842"
STRIPE_WEBHOOK_SECRET = "whsec_TzQuietHarbour8137"
TELEGRAM_WEBHOOK_SECRET = "tg-webhook-Velvet_Compass-5521"
PROVIDER_TOKEN = "284685063:TEST:ProviderSecretMango77"
SECRETS = (TOKEN, STRIPE_KEY, STRIPE_WEBHOOK_SECRET, TELEGRAM_WEBHOOK_SECRET, PROVIDER_TOKEN)
PG_URL = "postgresql+asyncpg://shop:Hunter2Pass@db.internal/shop"


@pytest.fixture
def configure() -> Iterator[Configure]:
    """Sets logging up as `shopbot` does, into a buffer; puts the test run's logging back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in FLOORS}

    def configure(settings: Settings) -> io.StringIO:
        buffer = io.StringIO()
        configure_logging(settings, stream=buffer)
        return buffer

    yield configure
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)
    structlog.reset_defaults()


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def all_secrets(**values: Any) -> Settings:
    return settings(
        telegram_bot_token=TOKEN,
        stripe_secret_key=STRIPE_KEY,
        stripe_webhook_secret=STRIPE_WEBHOOK_SECRET,
        telegram_webhook_secret=TELEGRAM_WEBHOOK_SECRET,
        telegram_provider_token=PROVIDER_TOKEN,
        **values,
    )


def json_lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    """Every line, each parsed on its own: one that is not a JSON object fails the test."""
    parsed = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert all(isinstance(line, dict) for line in parsed)
    return parsed


# The shape of a line


def test_a_line_is_readable_text_by_default(configure: Configure) -> None:
    buffer = configure(settings())

    with structlog.contextvars.bound_contextvars(update_id=5):
        logging.getLogger("bot.handlers.cart").info("cart of %d lines", 3)

    [line] = buffer.getvalue().splitlines()
    assert "[info" in line and "cart of 3 lines" in line and "[bot.handlers.cart]" in line
    assert "update_id=5" in line


def test_a_json_line_has_the_time_level_logger_message_and_context(configure: Configure) -> None:
    buffer = configure(settings(log_format="JSON"))

    with structlog.contextvars.bound_contextvars(update_id=5):
        logging.getLogger("bot.handlers.cart").warning("cart of %d lines", 3)
    try:
        raise RuntimeError("the database went away")
    except RuntimeError:
        logging.getLogger("bot.jobs").exception("round failed")

    first, second = json_lines(buffer)
    assert first["message"] == "cart of 3 lines"
    assert (first["level"], first["logger"], first["update_id"]) == (
        "warning",
        "bot.handlers.cart",
        5,
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z", first["timestamp"])
    assert "update_id" not in second  # the binding ended with its block
    assert "RuntimeError: the database went away" in second["exception"]


def test_log_settings_are_read_in_any_case_and_checked() -> None:
    assert (settings(log_format="Json").log_format, settings(log_level="debug").log_level) == (
        "json",
        "DEBUG",
    )
    with pytest.raises(ValidationError, match="log_format"):
        settings(log_format="xml")
    with pytest.raises(ValidationError, match="log_level"):
        settings(log_level="chatty")


# Levels


def test_libraries_that_log_payloads_stay_at_info_even_at_debug(configure: Configure) -> None:
    configure(settings(log_level="DEBUG"))

    assert logging.getLogger("bot.handlers").isEnabledFor(logging.DEBUG)
    for name in ("telegram.Bot", "telegram.ext.Application", "stripe", "aiosqlite"):
        assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
        assert logging.getLogger(name).isEnabledFor(logging.INFO), name
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)  # a line per long poll
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)


def test_database_echo_logs_statements_but_never_rows(configure: Configure) -> None:
    configure(settings(log_level="DEBUG", database_echo=True))

    engine = logging.getLogger("sqlalchemy.engine.Engine")
    assert engine.isEnabledFor(logging.INFO) and not engine.isEnabledFor(logging.DEBUG)


def test_the_console_logs_only_problems(configure: Configure) -> None:
    configure(settings())

    set_level(logging.WARNING)

    for name in ("bot.runner", "telegram.ext.Application", "stripe", "aiohttp.access"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
        assert logging.getLogger(name).isEnabledFor(logging.WARNING), name


# Secrets


def test_the_redactor_masks_the_token_in_a_third_party_message() -> None:
    redact = Redactor([TOKEN])
    # python-telegram-bot's own words at DEBUG, and an error's text in a traceback.
    line = {
        "event": f"Set Bot API URL: https://api.telegram.org/bot{TOKEN}",
        "exception": f"httpx.ConnectError: https://api.telegram.org/bot{quote(TOKEN, safe='')}/",
        "params": {"url": [f"https://api.telegram.org/file/bot{TOKEN}/photos/1.jpg"]},
        "update_id": 5,
    }

    masked = redact(None, "debug", line)

    assert masked == {
        "event": f"Set Bot API URL: https://api.telegram.org/bot{REDACTED}",
        "exception": f"httpx.ConnectError: https://api.telegram.org/bot{REDACTED}/",
        "params": {"url": [f"https://api.telegram.org/file/bot{REDACTED}/photos/1.jpg"]},
        "update_id": 5,
    }


def test_every_configured_secret_is_masked_in_any_line(configure: Configure) -> None:
    buffer = configure(all_secrets(log_format="json", database_url=PG_URL))
    unconfigured = "987654321:AAE" + "x" * 33  # another bot's token: masked by its shape

    logging.getLogger("telegram.ext.ExtBot").warning("calling %s", f"/bot{TOKEN}/getMe")
    logging.getLogger("aiohttp.access").info("POST /bot%s/sendMessage", quote(TOKEN, safe=""))
    logging.getLogger("bot.web").warning("header %s", STRIPE_WEBHOOK_SECRET)
    logging.getLogger("bot.web").warning("secret %s", TELEGRAM_WEBHOOK_SECRET)
    logging.getLogger("bot.payments").info("provider %s", PROVIDER_TOKEN)
    logging.getLogger("bot.web").error("cannot connect to %s", PG_URL)
    logging.getLogger("httpx").warning("GET https://example.org/bot%s/getMe", unconfigured)
    try:
        raise RuntimeError(f"Invalid API Key provided: {STRIPE_KEY}")
    except RuntimeError:
        logging.getLogger("stripe").exception("Stripe refused")
    structlog.get_logger("bot.native").info("bound", authorization=f"Bearer {STRIPE_KEY}")

    logged = buffer.getvalue()
    assert len(json_lines(buffer)) == 9
    assert all(REDACTED in line for line in logged.splitlines())
    for secret in (*SECRETS, "Hunter2Pass", unconfigured):
        assert secret not in logged
        assert quote(secret, safe="") not in logged


# Lines logged while an update is handled


async def wait_for_line(buffer: io.StringIO, text: str, count: int = 1) -> None:
    for _ in range(200):
        if buffer.getvalue().count(text) >= count:
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"no line with {text!r} was logged")


async def test_each_line_logged_while_an_update_is_handled_carries_its_id(
    configure: Configure, shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    buffer = configure(settings(log_format="json", log_level="DEBUG"))
    emulator.inject("sendMessage", Fault.bad_request("something unexpected"), times=4)

    await emulator.user(42, "Ann").send("hello")
    await emulator.user(43, "Bob").send("hello")
    await wait_for_line(buffer, "could not tell the customer", count=2)
    logging.getLogger("tests").info("after the updates")

    lines = json_lines(buffer)
    failures = [line for line in lines if line["message"].startswith("failed to handle")]
    apologies = [line for line in lines if line["message"].startswith("could not tell")]
    named = [int(re.findall(r"update (\d+)", line["message"])[0]) for line in failures]
    assert [line["update_id"] for line in failures] == named and len(set(named)) == 2
    assert sorted(line["update_id"] for line in apologies) == sorted(named)
    assert "update_id" not in lines[-1]  # logged after, outside the updates


# A whole purchase at DEBUG, and what its lines never hold

ADMIN = 7
CUSTOMER = 4242
FIRST_NAME, LAST_NAME, USERNAME = "Zebulon", "Quillfeather", "zebulon_quillfeather"
SEARCH = "hoodie quokkafizz"
STREET = "Marzipanweg 77"
PHONE_TYPED = "030 6047-1993"
EMAIL = "zebulon.q@orchard-mail.example"


def phone_forms(typed: str, region: str) -> set[str]:
    """The number as typed and in every form it may be written or normalized to."""
    number = phonenumbers.parse(typed, region)
    formats = phonenumbers.PhoneNumberFormat
    written = {
        phonenumbers.format_number(number, form)
        for form in (formats.E164, formats.INTERNATIONAL, formats.NATIONAL, formats.RFC3966)
    }
    national = str(number.national_number)
    digits = {re.sub(r"\D", "", form) for form in written | {typed}}
    return {typed, *written, *digits, national, national[2:], "6047-1993", "6047 1993"}


def never_logged() -> set[str]:
    return {
        FIRST_NAME,
        LAST_NAME,
        USERNAME,
        SEARCH,
        SEARCH.split()[1],
        STREET,
        STREET.split()[0],
        EMAIL,
        *phone_forms(PHONE_TYPED, "DE"),
        *SECRETS[:4],
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def tap(user: SimulatedUser, message: Message, label: str) -> Message:
    await user.callback_answer(await user.press_button(message, label))
    return await user.next_message()


async def answer(user: SimulatedUser, text: str) -> Message:
    await user.send(text)
    return await user.next_message()


async def test_a_purchase_logged_at_debug_is_json_and_holds_no_personal_data_or_secret(
    configure: Configure, db: Database, stripe_api: FakeStripeApi
) -> None:
    async with db.transaction() as session:
        await make_product(session, name="Hoodie", price=4999, sizes={"M": 5})
        await products.bump_catalog_revision(session)
    async with BotApiEmulator(token=TOKEN) as emulator:
        port = free_port()
        shop = stripe_settings(
            emulator,
            db,
            stripe_api,
            admin_ids=[ADMIN],
            telegram_bot_token=TOKEN,
            stripe_secret_key=STRIPE_KEY,
            stripe_webhook_secret=STRIPE_WEBHOOK_SECRET,
            # Telegram pushes the updates, with its secret, as in production.
            web_port=port,
            webhook_url=f"http://127.0.0.1:{port}",
            telegram_webhook_secret=TELEGRAM_WEBHOOK_SECRET,
            log_format="json",
            log_level="DEBUG",
        )
        buffer = configure(shop)
        async with running_shop(shop, db, token=TOKEN, web=True, jobs=False) as app:
            event_id = await buy_a_hoodie(app, emulator, db, stripe_api)
        logging.getLogger().debug("the shop has stopped")

    lines = json_lines(buffer)
    assert any(line["level"] == "debug" for line in lines)
    assert any(isinstance(line.get("update_id"), int) for line in lines)
    assert any(
        line.get("stripe_event_id") == event_id
        and line.get("stripe_event_type") == "checkout.session.completed"
        and line["message"].endswith("paid")
        for line in lines
    )
    for raw, line in zip(buffer.getvalue().splitlines(), lines, strict=True):
        readable = json.dumps(line, ensure_ascii=False).casefold()
        for text in never_logged():
            assert text.casefold() not in raw.casefold(), (text, raw)
            assert text.casefold() not in readable, (text, raw)


async def buy_a_hoodie(
    app: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> str:
    """From /start to the "paid" notice, typing a new address; returns the Stripe event's id."""
    customer = emulator.user(CUSTOMER, FIRST_NAME, last_name=LAST_NAME, username=USERNAME)
    boss = emulator.user(ADMIN, "Boss")
    assert FIRST_NAME in (await answer(customer, "/start")).content
    found = await answer(customer, SEARCH)
    card = await tap(customer, found, "Hoodie · €49.99")
    card = await tap(customer, card, "➕ Add to cart")
    cart = await tap(customer, card, "🛒 Go to cart")
    question = await tap(customer, cart, "✅ Checkout")
    assert "step 1 of 7" in question.content
    for text in (f"{FIRST_NAME} {LAST_NAME}", PHONE_TYPED, STREET, "Berlin", "-", "10115"):
        await answer(customer, text)
    summary = await answer(customer, "Germany")
    assert STREET in summary.content and "+49 30 60471993" in summary.content
    placed = await tap(customer, summary, "✅ Place order")
    assert "placed" in placed.content
    offer = await customer.next_message()
    assert "💳 Pay €49.99" in offer.button_texts

    async with db.reading() as session:
        order_id = (await session.scalars(select(Order.id))).one()
    [session_id] = stripe_api.sessions
    event = paid_event(session_id=session_id, order_id=order_id, amount=4999, currency="EUR")
    event["data"]["object"]["customer_details"] = {  # as Stripe sends what the payer typed
        "name": f"{FIRST_NAME} {LAST_NAME}",
        "email": EMAIL,
        "phone": "+493060471993",
        "address": {"line1": STREET, "city": "Berlin", "postal_code": "10115", "country": "DE"},
    }
    assert await post_event(app, event, secret=STRIPE_WEBHOOK_SECRET) == 200
    assert app.bot_data.jobs is not None
    assert await app.bot_data.jobs.deliver_now() == 2
    assert f"order #{order_id}" in (await customer.next_message()).content
    assert FIRST_NAME in (await boss.next_message()).content  # the admin reads who paid
    return str(event["id"])
