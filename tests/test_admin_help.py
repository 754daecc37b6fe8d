"""Every admin command's words live in bot.texts.admin, and nothing there is left over."""

from __future__ import annotations

import html
import re

import bot.app  # noqa: F401  (registers the commands)
from bot.handlers.router import admin_commands, usage_line
from bot.texts import admin as admin_texts
from bot.texts.i18n import using_language


def test_every_admin_command_has_its_usage_line_and_every_line_a_command() -> None:
    assert sorted(admin_commands()) == sorted(admin_texts.COMMANDS)


def test_every_section_is_placed_in_the_admin_listing() -> None:
    assert {h.section for h in admin_texts.COMMANDS.values()} == set(admin_texts.SECTIONS)


def test_a_wrong_use_is_answered_with_the_usage_line_from_the_texts() -> None:
    assert usage_line("setstock") == "/setstock <product id or SKU> <size> <quantity>"


def test_an_admin_reads_the_usage_line_s_words_in_their_language_and_types_the_keywords() -> None:
    with using_language("de"):
        line = usage_line("setstatus")

    assert line == "/setstatus <Bestellnummer> <shipped|delivered> [Sendungsnummer] [Versanddienst]"


def test_the_admin_listing_tells_how_to_replace_a_products_photos() -> None:
    listing = admin_texts.admin_help(admin_commands())

    assert "&lt;name|description|price|category|photo|photos&gt;" in listing
    assert "/editproduct &lt;id&gt; photos, then an album or photos one by one and Done" in listing


def test_the_admin_listing_fits_telegram_s_messages_in_every_language() -> None:
    for language in ("en", "ru", "es", "pt_BR", "de"):
        with using_language(language):
            messages = admin_texts.admin_help_messages(admin_commands())
            whole = admin_texts.admin_help(admin_commands())

        visible = [html.unescape(re.sub(r"<[^>]+>", "", m)) for m in messages]
        assert all(len(m.encode("utf-16-le")) // 2 <= 4096 for m in visible), language
        assert "\n\n".join(messages) == whole
        assert len(messages) == 1 or language != "en"
