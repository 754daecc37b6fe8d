"""`/editproduct <id> photos` (started by the catalogue commands), the photos that follow it
and the Done button."""

from __future__ import annotations

from telegram import Update

from bot.handlers.context import ShopContext, sender_of
from bot.handlers.render import send
from bot.handlers.router import on_admin_button, on_photo_step
from bot.keyboards.admin_catalog import GalleryDone, gallery_done_keyboard
from bot.services.dialog import Step
from bot.services.errors import ShopError
from bot.texts import admin as admin_texts
from bot.texts import esc
from bot.texts.errors import error_text
from bot.usecases import gallery
from bot.usecases.gallery import FLOW


async def start(update: Update, context: ShopContext, product: int | str) -> None:
    """Asks for the photos; a photo (an album's first) sent with the command is the first."""
    started = await gallery.start(context.db, sender=sender_of(update), product=product)
    asked = admin_texts.gallery_send(
        started.product_id, started.name, started.photos, started.limit
    )
    await send(update, asked, gallery_done_keyboard())
    message = update.effective_message
    if message is not None and message.photo:
        await gallery.take_photo(
            context.db,
            sender=sender_of(update),
            file_id=message.photo[-1].file_id,
            album=message.media_group_id,
        )


@on_photo_step(FLOW)
async def photo(update: Update, context: ShopContext, step: Step, file_id: str) -> None:
    """Answered once per album (or per photo sent alone), so an album isn't answered ten times."""
    message = update.effective_message
    album = message.media_group_id if message is not None else None
    taken = await gallery.take_photo(
        context.db, sender=sender_of(update), file_id=file_id, album=album
    )
    if taken is not None and taken.answer:
        await send(update, admin_texts.GALLERY_PHOTO_TAKEN, gallery_done_keyboard())


@on_admin_button(GalleryDone)
async def done(update: Update, context: ShopContext, data: GalleryDone) -> str | None:
    try:
        result = await gallery.done(context.db, sender=sender_of(update))
    except ShopError as refusal:  # kept in the chat: the admin starts again from it
        await send(update, esc(error_text(refusal)))
        return None
    if result is None:
        return admin_texts.GALLERY_NOT_COLLECTING
    await send(update, admin_texts.gallery_set(result.product_id, result.name, result.photos))
    return None
