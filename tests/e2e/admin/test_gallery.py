"""A product's photo gallery: an admin sends an album after /editproduct <id> photos, and a
customer flips through it on the card without losing the size and quantity they chose."""

from __future__ import annotations

from sqlalchemy import select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.models import AdminAction, Product
from bot.texts import admin as admin_texts
from tests.conftest import OWNER_ID
from tests.factories import make_category, make_product

ANN = 42
COVER, SIDE, BACK = (b"\xff\xd8\xff\xe0 " + name for name in (b"cover", b"side", b"back"))


async def _stocked(db: Database, photos: tuple[str, ...] = ()) -> int:
    async with db.transaction() as session:
        shoes = await make_category(session, "Sneakers")
        product = await make_product(
            session, name="Court Classic", category=shoes, sizes={"41": 3, "42": 5}, photos=photos
        )
        return product.id


async def _press(user: SimulatedUser, message: Message, label: str) -> Message:
    answer = await user.callback_answer(await user.press_button(message, label))
    assert not answer.show_alert, answer.text
    return await user.next_message()


async def _open_card(ann: SimulatedUser) -> Message:
    await ann.send("/catalog")
    products = await _press(ann, await ann.next_message(), "Sneakers (1)")
    return await _press(ann, products, "Court Classic · €49.99")


async def _gallery(db: Database, product_id: int) -> list[str]:
    async with db.reading() as session:
        product = await session.get(Product, product_id)
        assert product is not None
        return [photo.value for photo in product.photos]


def _shown(card: Message) -> str:
    assert card.photo is not None
    return str(card.photo[-1]["file_id"])


async def test_an_album_becomes_the_gallery_and_the_card_flips_through_it_in_place(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id = await _stocked(db, photos=("old-cover",))
    owner = emulator.user(OWNER_ID, "Owner")
    await owner.send(f"/editproduct {product_id} photos")
    asked = await owner.next_message()
    assert "Court Classic" in asked.content and "1 photo now" in asked.content
    album = await owner.send_album([COVER, SIDE, BACK])
    taken = await owner.next_message()  # one answer for the whole album
    assert taken.content == admin_texts.GALLERY_PHOTO_TAKEN
    done = await _press(owner, taken, admin_texts.GALLERY_DONE)
    assert done.content == f"✅ Court Classic (#{product_id}) now has 3 photos."
    sent = [str(message.photo[-1]["file_id"]) for message in album if message.photo]
    assert await _gallery(db, product_id) == sent
    async with db.reading() as session:
        details = await session.scalar(select(AdminAction.details).order_by(AdminAction.id.desc()))
    assert details == "photos: 1 -> 3"

    ann = emulator.user(ANN, "Ann")
    card = await _open_card(ann)
    assert _shown(card) == sent[0]
    assert "1/3" in card.button_texts
    sized = await _press(ann, card, "42")
    more = await _press(ann, sized, texts.MORE)
    assert "Selected: 42 × 2" in more.content
    flipped = await _press(ann, more, texts.NEXT)
    assert flipped.message_id == card.message_id
    assert _shown(flipped) == sent[1] and "2/3" in flipped.button_texts
    assert "Selected: 42 × 2" in flipped.content and "Qty: 2" in flipped.button_texts
    back = await _press(ann, await _press(ann, flipped, texts.NEXT), texts.NEXT)  # wraps
    assert _shown(back) == sent[0] and "1/3" in back.button_texts
    last = await _press(ann, back, texts.PREVIOUS)  # and the other way round
    assert _shown(last) == sent[2] and "3/3" in last.button_texts
    added = await _press(ann, last, texts.ADD_TO_CART)
    assert _shown(added) == sent[2] and "Selected: 42 × 2" in added.content
    assert not emulator.calls_to("sendMediaGroup")
    assert len([call for call in emulator.calls_to("sendPhoto") if call.ok]) == 1


async def test_eleven_photos_are_refused_and_the_gallery_stays_as_it_was(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id = await _stocked(db, photos=("cover-a", "cover-b"))
    owner = emulator.user(OWNER_ID, "Owner")
    await owner.send(f"/editproduct {product_id} photos")
    await owner.next_message()
    pictures = [b"\xff\xd8\xff\xe0 %d" % number for number in range(11)]
    await owner.send_album(pictures[:10])
    await owner.next_message()
    await owner.send_photo(pictures[10])
    taken = await owner.next_message()
    refused = await _press(owner, taken, admin_texts.GALLERY_DONE)
    assert "at most 10 photos, and 11 were sent" in refused.content
    assert await _gallery(db, product_id) == ["cover-a", "cover-b"]
    answer = await owner.callback_answer(await owner.press_button(taken, admin_texts.GALLERY_DONE))
    assert answer.text == admin_texts.GALLERY_NOT_COLLECTING  # the collecting ended


async def test_a_product_with_one_photo_has_no_arrows(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _stocked(db, photos=("https://shop.example/court.jpg",))
    card = await _open_card(emulator.user(ANN, "Ann"))
    assert card.photo is not None
    assert texts.NEXT not in card.button_texts and texts.PREVIOUS not in card.button_texts


async def test_an_album_captioned_with_the_command_is_the_whole_gallery(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    product_id = await _stocked(db)
    owner = emulator.user(OWNER_ID, "Owner")
    album = await owner.send_album([COVER, SIDE], caption=f"/editproduct {product_id} photos")
    asked = await owner.next_message()
    assert "0 photos now" in asked.content
    done = await _press(owner, asked, admin_texts.GALLERY_DONE)
    assert done.content == f"✅ Court Classic (#{product_id}) now has 2 photos."
    assert await _gallery(db, product_id) == [str(m.photo[-1]["file_id"]) for m in album if m.photo]
