"""The demo shop's drawn pictures on product cards: uploaded once, then sent by file id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import texts
from bot.db import Database
from bot.devtools.demo_catalog import seed_demo
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.params import UploadedFile
from bot.emulator.users import SimulatedUser
from bot.models import Product
from bot.runner import running_shop
from tests.conftest import shop_settings

ANN = 42
SKU = "SNK-01-BLA"
NAME = "Northwind Court Classic Sneakers – Black"


@pytest.fixture
async def media(emulator: BotApiEmulator, db: Database, tmp_path: Path) -> AsyncIterator[Path]:
    """The demo shop, seeded with its pictures in tmp_path/media, running on the emulator."""
    media_dir = tmp_path / "media"
    async with db.transaction() as session:
        await seed_demo(session, media_dir=media_dir)
    settings = shop_settings(emulator, db, media_dir=media_dir)
    async with running_shop(settings, db, token=emulator.token):
        yield media_dir


async def _press(ann: SimulatedUser, message: Message, starting: str) -> Message:
    label = next(text for text in message.button_texts if text.startswith(starting))
    await ann.callback_answer(await ann.press_button(message, label))
    return await ann.next_message()


async def _open_card(ann: SimulatedUser) -> Message:
    await ann.send("/catalog")
    products = await _press(ann, await ann.next_message(), "Sneakers")
    return await _press(ann, products, NAME)


async def _photo_field(db: Database) -> str | None:
    async with db.reading() as session:
        product = await session.scalar(select(Product).where(Product.sku == SKU))
        return None if product is None else product.photo


async def _set_photo_field(db: Database, photo: str) -> None:
    async with db.transaction() as session:
        product = await session.scalar(select(Product).where(Product.sku == SKU))
        assert product is not None
        product.photo = photo


def _uploads(emulator: BotApiEmulator) -> list[UploadedFile]:
    sent = [call.params.get("photo") for call in emulator.calls_to("sendPhoto") if call.ok]
    return [photo for photo in sent if isinstance(photo, UploadedFile)]


async def test_a_demo_card_uploads_its_picture_once_then_sends_the_file_id(
    media: Path, emulator: BotApiEmulator, db: Database
) -> None:
    ann = emulator.user(ANN, "Ann")

    card = await _open_card(ann)
    assert card.photo is not None and NAME in card.content
    file_id = card.photo[-1]["file_id"]
    picture = (media / "demo" / f"{SKU}.png").read_bytes()
    assert emulator.file_content(file_id) == picture
    assert (card.photo[-1]["width"], card.photo[-1]["height"]) == (480, 480)
    assert await _photo_field(db) == f"media:demo/{SKU}.png#{file_id}"

    sized = await _press(ann, card, texts.MORE)  # edited in place with the same picture
    listing = await _press(ann, sized, texts.BACK)
    again = await _press(ann, listing, NAME)

    assert sized.message_id == card.message_id and sized.photo == card.photo
    assert again.photo is not None and again.photo[-1]["file_id"] == file_id
    assert emulator.calls_to("sendPhoto")[-1].params["photo"] == file_id
    assert len(_uploads(emulator)) == 1


async def test_a_file_id_this_bot_does_not_know_is_replaced_by_a_new_upload(
    media: Path, emulator: BotApiEmulator, db: Database
) -> None:
    """As after switching from the console to a real token, or a new console run."""
    await _set_photo_field(db, f"media:demo/{SKU}.png#AgACAgIAAxkBAAI-from-another-bot")

    card = await _open_card(emulator.user(ANN, "Ann"))

    assert card.photo is not None
    assert [call.ok for call in emulator.calls_to("sendPhoto")] == [False, True]
    assert await _photo_field(db) == f"media:demo/{SKU}.png#{card.photo[-1]['file_id']}"


async def test_a_missing_picture_leaves_the_card_as_text(
    media: Path, emulator: BotApiEmulator, db: Database
) -> None:
    (media / "demo" / f"{SKU}.png").unlink()

    card = await _open_card(emulator.user(ANN, "Ann"))

    assert card.photo is None and NAME in card.content
    assert await _photo_field(db) == f"media:demo/{SKU}.png"


async def test_a_picture_path_outside_the_media_directory_is_never_uploaded(
    media: Path, emulator: BotApiEmulator, db: Database
) -> None:
    (media.parent / "secret.png").write_bytes((media / "demo" / f"{SKU}.png").read_bytes())
    await _set_photo_field(db, "media:../secret.png")

    card = await _open_card(emulator.user(ANN, "Ann"))

    assert card.photo is None and NAME in card.content
    assert _uploads(emulator) == []
