"""What a product's photo field holds: something Telegram can send (a file id or a URL), or a
picture in the shop's media directory, written "media:demo/TEE-01-BLA.png".

Once such a picture has been uploaded, Telegram's file id is kept after it
("media:demo/TEE-01-BLA.png#AgAC…") so later cards reuse the id instead of uploading again;
the picture stays named, so a bot that doesn't know the id (another token, a fresh emulator)
uploads it once more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

MEDIA_SCHEME = "media:"
_FILE_ID_MARK = "#"
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})


@dataclass(frozen=True, slots=True)
class ProductPhoto:
    media: str | None  # a path inside the media directory
    file_id: str | None  # what Telegram can send as it is: a file id or a URL


def parse(value: str) -> ProductPhoto:
    if not value.startswith(MEDIA_SCHEME):
        return ProductPhoto(None, value)
    media, _, file_id = value.removeprefix(MEDIA_SCHEME).partition(_FILE_ID_MARK)
    return ProductPhoto(media if safe_media_path(media) else None, file_id or None)


def media_reference(media: str) -> str:
    """The field's value for a picture in the media directory ("demo/TEE-01-BLA.png")."""
    if not safe_media_path(media):
        raise ValueError(f"not a picture inside the media directory: {media!r}")
    return f"{MEDIA_SCHEME}{media}"


def with_file_id(value: str, file_id: str) -> str:
    """The field after its picture was uploaded and Telegram named it `file_id`."""
    media = parse(value).media
    return f"{MEDIA_SCHEME}{media}{_FILE_ID_MARK}{file_id}" if media else file_id


def safe_media_path(media: str) -> bool:
    """A relative path to an image that can't climb out of the media directory (an admin's
    CSV must not make the bot upload the shop's own files)."""
    path = PurePosixPath(media)
    return (
        bool(media)
        and _FILE_ID_MARK not in media
        and "\\" not in media
        and not path.is_absolute()
        and ".." not in path.parts
        and path.suffix.lower() in IMAGE_SUFFIXES
    )
