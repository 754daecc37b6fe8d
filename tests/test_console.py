"""The offline console: the real shop behind an in-process emulator, driven line by line."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from bot.config import Settings
from bot.db import Database
from bot.devtools.console import DEFAULT_USER_ID, ShopConsole, open_console
from bot.devtools.demo_catalog import demo_products
from bot.services import user as users
from tests.catalogues import write_catalog
from tests.conftest import TEST_DATABASE_URL, _admin_execute, _is_postgres

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHOPBOT = Path(sys.executable).parent / "shopbot"
MENU_ROW = "[#1] 🛍 Catalogue  [#2] 🔎 Search"


@contextlib.asynccontextmanager
async def fresh_database(directory: Path) -> AsyncIterator[URL]:
    """A database with no schema at all: the console and `shopbot run` migrate it themselves."""
    if not _is_postgres():
        yield make_url(f"sqlite+aiosqlite:///{directory / 'fresh.db'}")
        return
    admin_url = make_url(TEST_DATABASE_URL)
    name = f"shopbot_fresh_{uuid.uuid4().hex[:12]}"
    await _admin_execute(admin_url, f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.set(database=name)
    finally:
        await _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def media_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo's pictures go here, not into the working directory (PostgreSQL has no file
    for them to sit beside)."""
    directory = tmp_path / "media"
    monkeypatch.setenv("MEDIA_DIR", str(directory))
    return directory


@pytest.fixture
async def fresh_database_url(tmp_path: Path) -> AsyncIterator[URL]:
    async with fresh_database(tmp_path) as url:
        yield url


def _settings(url: URL) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url.render_as_string(hide_password=False),
        telegram_bot_token=None,
    )


@pytest.fixture
async def console(fresh_database_url: URL) -> AsyncIterator[ShopConsole]:
    async with open_console(_settings(fresh_database_url)) as (shop_console, _):
        yield shop_console


async def _is_admin(url: URL, telegram_id: int) -> bool:
    database = Database(url)
    try:
        async with database.reading() as session:
            return (await users.get_by_telegram_id(session, telegram_id)).is_admin
    finally:
        await database.dispose()


async def test_an_empty_shop_is_stocked_and_greets_with_numbered_buttons(
    fresh_database_url: URL,
) -> None:
    async with open_console(_settings(fresh_database_url)) as (console, stocked):
        greeting = await console.handle("/start")
    async with open_console(_settings(fresh_database_url)) as (_, stocked_again):
        pass

    assert stocked == len(demo_products())
    assert stocked_again == 0
    assert greeting is not None
    assert greeting.startswith("🤖 Hello, Guest! 👋")
    assert "<b>" not in greeting
    assert MENU_ROW in greeting
    assert "[#5] ♥ Wishlist  [#6] 👤 Profile\n  [#7] ❓ Help" in greeting


async def test_numbers_press_buttons_to_browse_down_to_a_product_card(
    console: ShopConsole,
) -> None:
    await console.handle("/start")

    categories = await console.handle("#1")
    products = await console.handle("#1")
    card = await console.handle("#1")

    assert categories is not None and categories.startswith("🤖 (updated)")
    assert "[#1] " in categories
    assert products is not None and "€" in products
    assert card is not None and "€" in card and "Add to cart" in card
    assert "(with photo" in card  # the demo product's drawn picture


async def test_typed_words_search_the_catalogue(console: ShopConsole) -> None:
    await console.handle("/start")

    found = await console.handle("hoodie")

    assert found is not None and "Hoodie" in found
    assert "[#1] " in found


async def test_a_number_without_a_button_gets_a_helpful_line_and_sends_nothing(
    console: ShopConsole,
) -> None:
    nothing_yet = await console.handle("#3")
    await console.handle("/start")
    sent_before = len(console.user.messages)

    too_big = await console.handle("#9")

    assert nothing_yet == "There are no buttons to press yet. Send /start to open the menu."
    assert too_big == "There is no button #9 here: pick #1 to #7."
    assert len(console.user.messages) == sent_before


async def test_plain_numbers_are_sent_as_text_and_toasts_are_printed(
    console: ShopConsole,
) -> None:
    await console.handle("/profile")
    await console.handle("#1")  # ✉ Set email

    reask = await console.handle("1")  # typed into the form: an answer, not a button
    left = await console.handle("#1")  # ✖ Cancel

    assert reask is not None and "doesn't look like an email address" in reask
    assert left is not None and "💬 Stopped. Nothing was changed." in left
    assert "Your profile" in left


async def test_quit_closes_the_console(console: ShopConsole) -> None:
    assert await console.handle(":quit") is None
    assert console.closed


async def test_admin_makes_the_console_user_an_admin_for_that_session_only(
    fresh_database_url: URL,
) -> None:
    settings = _settings(fresh_database_url)
    async with open_console(settings, admin=True, user_id=555, name="Boss") as (console, _):
        greeting = await console.handle("/start")
        as_admin = await _is_admin(fresh_database_url, 555)
    async with open_console(settings, user_id=555, name="Boss"):
        as_customer = await _is_admin(fresh_database_url, 555)

    assert greeting is not None and "Hello, Boss!" in greeting
    assert as_admin and not as_customer
    assert 555 not in settings.admin_ids


async def test_an_admin_exports_the_catalogue_edits_it_and_imports_it_back(
    fresh_database_url: URL, tmp_path: Path
) -> None:
    path = tmp_path / "catalogue.csv"
    settings = _settings(fresh_database_url)
    async with open_console(settings, admin=True, user_id=555, name="Boss") as (console, _):
        exported = await console.handle("/export")
        saved = await console.handle(f":save {path}")
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        first = lines[1].split(",")[0]  # the first product: a lower price on all its rows
        lines = [
            line.replace(",79.99,", ",69.99,") if line.startswith(first) else line for line in lines
        ]
        path.write_text("\n".join(lines), encoding="utf-8")
        preview = await console.handle(f":doc {path} /import")
        imported = await console.handle(":press ✅ Apply")

    assert exported is not None and "📦 The catalogue: 56 products" in exported
    assert "(with document catalogue-" in exported
    assert saved is not None and saved.startswith("saved ")
    assert preview is not None and "Nothing is changed until you press Apply" in preview
    assert imported is not None
    assert "Updated: 0" not in imported and "Updated: 1\n" in imported


async def test_an_admin_adds_a_product_with_a_photo_step_by_step(
    fresh_database_url: URL, tmp_path: Path
) -> None:
    picture = tmp_path / "fedora.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0 a jpeg")
    settings = _settings(fresh_database_url)
    async with open_console(settings, admin=True, user_id=555, name="Boss") as (console, _):
        await console.handle("/addcategory Hats")
        await console.handle("/addproduct")
        for answer in ("Hats", "Wool Fedora", "49.99", "Felt, hand made."):
            await console.handle(answer)
        await console.handle(f":photo {picture}")
        summary = await console.handle("S 5, M 3")
        saved = await console.handle(":press ✅ Save")
        product_id = len(demo_products()) + 1  # the demo catalogue came first
        photo = await console.handle(f":photo {picture} /editproduct {product_id} photo")

    assert summary is not None and "Price: €49.99" in summary
    assert "(with photo" in summary
    assert saved is not None and "Added Wool Fedora" in saved
    assert photo is not None and "photo updated" in photo


async def test_an_admin_sends_a_products_gallery_as_an_album(
    fresh_database_url: URL, tmp_path: Path
) -> None:
    pictures = [tmp_path / f"{name}.jpg" for name in ("front", "back", "side")]
    for picture in pictures:
        picture.write_bytes(b"\xff\xd8\xff\xe0 " + picture.name.encode())
    settings = _settings(fresh_database_url)
    async with open_console(settings, admin=True, user_id=555, name="Boss") as (console, _):
        await console.handle("/editproduct 1 photos")
        taken = await console.handle(":album " + " ".join(map(str, pictures)))
        done = await console.handle(":press ✅ Done")

    assert taken is not None and "Send more photos, or press Done" in taken
    assert done is not None and "now has 3 photos" in done


async def test_piped_lines_run_the_console_in_a_subprocess(
    fresh_database_url: URL, tmp_path: Path
) -> None:
    output = await _piped_console(fresh_database_url, tmp_path, b"/start\n:quit\n")

    assert output.count("Hello, Guest!") == 2  # on opening, and for the typed /start
    assert MENU_ROW in output
    assert f"Telegram id {DEFAULT_USER_ID}" in output


async def _piped_console(url: URL, cwd: Path, lines: bytes, *arguments: str) -> str:
    """`shopbot console` in a subprocess fed `lines`; what it printed, once it exited cleanly."""
    process = await asyncio.create_subprocess_exec(
        str(SHOPBOT),
        "console",
        *arguments,
        cwd=cwd,
        env=_console_env(url),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(lines), 120)
    assert process.returncode == 0, err.decode()
    assert "Traceback" not in out.decode() + err.decode()
    return out.decode()


def _console_env(url: URL) -> dict[str, str]:
    """No token, no .env (cwd is a temp dir), and this checkout's code first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env["DATABASE_URL"] = url.render_as_string(hide_password=False)
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    return env


async def test_an_admin_saves_the_stats_chart_to_a_file(
    fresh_database_url: URL, tmp_path: Path
) -> None:
    async with open_console(_settings(fresh_database_url), admin=True) as (console, _):
        nothing = await console.handle(f":save {tmp_path / 'none.png'}")
        await console.handle("/stats 7")
        while not any(m.photo for m in console.user.bot_messages):
            await console.next_output(timeout=60)
        saved = await console.handle(f":save {tmp_path / 'chart.png'}")

    assert nothing == "! the bot has sent no photo or document"
    content = (tmp_path / "chart.png").read_bytes()
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    assert saved == f"saved {len(content):,} bytes to {tmp_path / 'chart.png'}"


async def test_numbers_typed_into_a_form_are_answers_never_button_presses(
    fresh_database_url: URL,
) -> None:
    settings = _settings(fresh_database_url)
    async with open_console(settings, admin=True, user_id=555, name="Boss") as (console, _):
        await console.handle("/addcategory Hats")
        await console.handle("/addproduct")
        await console.handle("Hats")
        await console.handle("Cap")
        price = await console.handle("25")  # a price, not button 25
        description = await console.handle("1")  # a description, not button 1 (Cancel)
        await console.handle("#1")  # Skip the photo
        summary = await console.handle("One 5")

    assert price is not None and "There is no button" not in price
    assert description is not None and "Stopped" not in description
    assert summary is not None and "€25.00" in summary and "Cap" in summary


async def test_the_console_customer_can_use_another_language(
    fresh_database_url: URL, catalogues: Path
) -> None:
    write_catalog(catalogues, "ru", {"🛒 Cart": "🛒 Корзина"})
    async with open_console(_settings(fresh_database_url), language="ru") as (console, _):
        greeting = await console.handle("/start")

    assert greeting is not None and "[#3] 🛒 Корзина" in greeting


async def test_the_console_says_its_own_lines_in_the_customer_s_language(
    fresh_database_url: URL, tmp_path: Path
) -> None:
    output = await _piped_console(fresh_database_url, tmp_path, b"#99\n:quit\n", "--language", "de")

    assert f"Offline-Shop-Konsole: Du bist Guest (Telegram-ID {DEFAULT_USER_ID}), Kunde." in output
    assert "Hier gibt es keinen Button #99: wähle #1 bis #7." in output
    assert "Tschüss! Der Shop ist geschlossen" in output
