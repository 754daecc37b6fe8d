"""The languages the shop has catalogues for, and which of them customers get."""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar

from babel import Locale, UnknownLocaleError

SOURCE = "en"
# Every language the shop has a catalogue for, by its gettext name, with its own name for it.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "ru": "Русский",
    "es": "Español",
    "pt_BR": "Português (Brasil)",
    "de": "Deutsch",
}
# The languages customers get: one ships once its catalogue is complete and reviewed.
SHIPPED: tuple[str, ...] = ("en", "ru", "es", "pt_BR", "de")

# Whom the work at hand is for: set once per update, or per notice while it is sent. Texts are
# rendered in it, and the use cases read the catalogue in it (a product's translated name).
READER: ContextVar[str] = ContextVar("language", default=SOURCE)


def reader() -> str:
    """The language the current update or notice is answered in."""
    return READER.get()


def match_language(code: str | None, shipped: Sequence[str]) -> str | None:
    """The shipped language closest to a code such as "pt-br", "es_419" or "de"."""
    if not code:
        return None
    try:
        locale = Locale.parse(code.strip().replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    regional = f"{locale.language}_{locale.territory}" if locale.territory else None
    for candidate in (regional, locale.language):
        if candidate in shipped:
            return candidate
    return next((name for name in shipped if name.split("_")[0] == locale.language), None)
