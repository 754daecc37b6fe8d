"""A photo field naming a file on the server is never uploaded, however it got there."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.services import product as products
from tests.factories import make_product


@pytest.fixture
def secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A file in the shop's working directory, like a .env."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "server-secret").write_text("TOKEN=123")
    return "server-secret"


async def test_a_card_whose_photo_names_a_server_file_is_shown_as_text(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database, secret: str
) -> None:
    async with db.transaction() as session:
        product = await make_product(session, name="Sneakers")
        product.photo = secret  # set past the checks (an old row, a direct edit)
        await products.bump_catalog_revision(session)
    ann = emulator.user(42, "Ann")
    await ann.send("sneakers")
    found = await ann.next_message()
    await ann.press_button(found, found.button_texts[0])
    card = await ann.next_message()

    assert "Sneakers" in card.content and not card.photo
    assert emulator.calls_to("sendPhoto") == []
