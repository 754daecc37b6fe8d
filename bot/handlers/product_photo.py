"""A product's photo as the chat shows it: a file id or URL as stored, or a picture from the
shop's media directory whose upload is remembered on the product."""

from __future__ import annotations

from bot.handlers.context import ShopContext
from bot.handlers.render import Photo, StoredPicture
from bot.services.product_photo import parse
from bot.usecases import catalog


def product_photo(context: ShopContext, product_id: int, photo: str | None) -> Photo | None:
    if not photo:
        return None
    stored = parse(photo)
    if stored.media is None:
        return stored.file_id

    async def uploaded(file_id: str) -> None:
        await catalog.remember_photo_upload(
            context.db, product_id=product_id, photo=photo, file_id=file_id
        )

    return StoredPicture(context.settings.media_path / stored.media, stored.file_id, uploaded)
