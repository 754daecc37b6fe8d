"""Gettext catalogues a test writes for itself, read instead of the shop's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bot import languages
from bot.texts import i18n


@pytest.fixture
def catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A locale folder of the test's own, read afresh; German and Russian ship with it."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(languages, "SHIPPED", ("en", "de", "ru"))
    i18n._translations.cache_clear()
    yield tmp_path
    i18n._translations.cache_clear()


def write_catalog(folder: Path, language: str, messages: dict[object, object]) -> None:
    catalog = Catalog(locale=language)
    for source, translation in messages.items():
        catalog.add(source, translation)  # type: ignore[arg-type]
    path = folder / language / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as out:
        write_po(out, catalog)
