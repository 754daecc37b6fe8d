"""/editproduct <id> photos as use cases: photos are kept only while a gallery is collected,
and Done writes them whole or not at all."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import AdminAction, Product
from bot.services.errors import InvalidInput, NotFound
from bot.usecases import gallery
from bot.usecases.customers import Sender
from tests.factories import make_product

OWNER = Sender(7000, "Owner")


async def _product(db: Database, photos: tuple[str, ...] = ("cover",)) -> int:
    async with db.transaction() as session:
        return (await make_product(session, photos=photos)).id


async def _photos(db: Database, product_id: int) -> list[str]:
    async with db.reading() as session:
        product = await session.get(Product, product_id)
        assert product is not None
        return [photo.value for photo in product.photos]


async def test_photos_sent_outside_the_gallery_flow_are_not_kept(db: Database) -> None:
    assert await gallery.take_photo(db, sender=OWNER, file_id="a", album=None) is None
    assert await gallery.done(db, sender=OWNER) is None


async def test_an_album_is_answered_once_and_photos_alone_each_time(db: Database) -> None:
    product_id = await _product(db)
    await gallery.start(db, sender=OWNER, product=product_id)

    taken = [
        await gallery.take_photo(db, sender=OWNER, file_id=file_id, album=album)
        for file_id, album in (("a", "77"), ("b", "77"), ("c", None), ("d", None))
    ]
    result = await gallery.done(db, sender=OWNER)

    assert [(t.count, t.answer) for t in taken if t] == [
        (1, True),
        (2, False),
        (3, True),
        (4, True),
    ]
    assert result == gallery.GallerySet(product_id, "Classic Sneakers", 4)
    assert await _photos(db, product_id) == ["a", "b", "c", "d"]
    async with db.reading() as session:
        logged = await session.scalar(select(AdminAction.details))
    assert logged == "photos: 1 -> 4"


async def test_done_without_photos_changes_nothing_and_ends_the_collecting(db: Database) -> None:
    product_id = await _product(db)
    await gallery.start(db, sender=OWNER, product=product_id)

    with pytest.raises(InvalidInput) as refused:
        await gallery.done(db, sender=OWNER)

    assert refused.value.code == "product.no_photos_sent"
    assert await _photos(db, product_id) == ["cover"]
    assert await gallery.done(db, sender=OWNER) is None


async def test_a_product_that_does_not_exist_is_not_collected_for(db: Database) -> None:
    with pytest.raises(NotFound):
        await gallery.start(db, sender=OWNER, product=999)
