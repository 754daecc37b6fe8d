"""The Mini App storefront's page: every word it shows comes from `page_texts()` in the
reader's language, and it keeps to the Content-Security-Policy it is served with."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.languages import SHIPPED
from bot.texts.i18n import using_language
from bot.texts.storefront import page_texts

STATIC = Path(__file__).resolve().parent.parent / "bot" / "web" / "storefront" / "static"
TEXT_KEY = re.compile(r"""\bt\(\s*"([a-z0-9_]+)\"""")


def scripts() -> dict[str, str]:
    return {str(path.relative_to(STATIC)): path.read_text() for path in STATIC.rglob("*.js")}


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_the_page_reads_every_text_there_is_and_no_other() -> None:
    read = {key for source in scripts().values() for key in TEXT_KEY.findall(source)}
    assert read == set(page_texts())


def test_every_language_has_every_text_with_the_english_placeholders() -> None:
    english = page_texts()
    for language in SHIPPED:
        with using_language(language):
            translated = page_texts()
        assert translated.keys() == english.keys()
        for key, text in translated.items():
            assert placeholders(text) == placeholders(english[key]), (language, key)


def test_texts_are_translated_for_the_reader() -> None:
    with using_language("de"):
        german = page_texts()
    assert german["add_to_cart"] == "In den Warenkorb"
    assert german["in_stock"].format(count=3) == "Auf Lager: 3"
    assert page_texts()["add_to_cart"] == "Add to cart"


def test_the_page_runs_under_its_content_security_policy() -> None:
    """No inline script or style, no HTML built from strings, nothing from other hosts but
    Telegram's script."""
    html = (STATIC / "index.html").read_text()
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script src="https://telegram.org/js/telegram-web-app.js">',
        '<script type="module" src="static/app.js">',
    ]
    assert "<style" not in html and "style=" not in html
    assert re.findall(r"https?://[^\s\"']+", html) == [
        "https://telegram.org/js/telegram-web-app.js"
    ]
    for name, source in scripts().items():
        for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", '"style"'):
            assert risky not in source, (name, risky)
