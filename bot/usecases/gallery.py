"""`/editproduct <id> photos`: an admin sends a product's new photos (an album, or one by one)
and presses Done; the new set replaces the old one.

The photos collected so far live in the admin's dialog state (flow "gallery"), so an album's
photos, which arrive as separate updates, may land on any bot instance. Nothing changes before
Done, and Done writes the gallery and its audit entry in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database
from bot.models import MAX_PRODUCT_PHOTOS
from bot.services import dialog, inventory
from bot.services import product_fields as fields
from bot.services.errors import InvalidInput
from bot.services.inventory import ProductRef
from bot.usecases.customers import Sender, shopper_id

FLOW = "gallery"
STEP = "collect"


@dataclass(frozen=True, slots=True)
class GalleryStarted:
    product_id: int
    name: str
    photos: int  # the product has now
    limit: int = MAX_PRODUCT_PHOTOS


@dataclass(frozen=True, slots=True)
class PhotoTaken:
    count: int  # collected so far
    answer: bool  # False for an album's later photos: the first one was answered


@dataclass(frozen=True, slots=True)
class GallerySet:
    product_id: int
    name: str
    photos: int


async def start(db: Database, *, sender: Sender, product: ProductRef) -> GalleryStarted:
    """Wait for the product's photos; a gallery half-sent before is forgotten."""
    async with db.transaction() as session:
        product_id = await inventory.find_product(session, product)
        found = await inventory.get_product(session, product_id)
        user_id = await shopper_id(session, sender)
        data = {"product_id": found.id, "photos": [], "albums": []}
        await dialog.set_step(session, user_id=user_id, flow=FLOW, step=STEP, data=data)
        return GalleryStarted(found.id, found.name, len(found.photos))


async def take_photo(
    db: Database, *, sender: Sender, file_id: str, album: str | None
) -> PhotoTaken | None:
    """Keep one more photo, in the order they came; None when no gallery is being collected.
    Photos past the limit are kept too, so that Done can say how many were sent."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        step = await dialog.current_step(session, user_id=user_id, lock=True)
        if step is None or (step.flow, step.step) != (FLOW, STEP):
            return None
        photos = [*step.data.get("photos", []), file_id]
        albums = list(step.data.get("albums", []))
        answer = album is None or album not in albums
        if album is not None and answer:
            albums.append(album)
        data = {**step.data, "photos": photos, "albums": albums}
        await dialog.set_step(session, user_id=user_id, flow=FLOW, step=STEP, data=data)
        return PhotoTaken(len(photos), answer)


async def done(db: Database, *, sender: Sender) -> GallerySet | None:
    """The photos sent become the product's gallery; None when none is being collected. More
    than the limit, or none at all, changes nothing (InvalidInput) and ends the collecting."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        step = await dialog.current_step(session, user_id=user_id, lock=True)
        if step is None or (step.flow, step.step) != (FLOW, STEP):
            return None
        await dialog.clear_step(session, user_id=user_id)
        photos = [str(photo) for photo in step.data.get("photos", [])]
    # Refused after the step was left: the admin starts again rather than guess what was kept.
    fields.photos(photos)
    if not photos:
        raise InvalidInput("product.no_photos_sent")
    async with db.transaction() as session:
        edit = await inventory.set_gallery(
            session,
            admin_id=sender.telegram_id,
            product_id=int(step.data["product_id"]),
            photos=photos,
        )
        return GallerySet(edit.product.id, edit.product.name, len(photos))
