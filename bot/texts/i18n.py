"""Which language a text is rendered in, and the gettext catalogues behind it.

English is the source: texts are written in English and marked for translation, with `_()`
where a text is rendered and `N_()` where one is only defined (a table of labels, say). Each
other language has a catalogue in bot/locales/<language>/LC_MESSAGES/messages.po (`make
messages` extracts, updates and compiles them). The language is a context variable: set once
per update, or per notice while it is sent, so a text renders in its reader's language wherever
it is built.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from bot import languages
from bot.languages import SOURCE, match_language

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"

_language = languages.READER


def N_(message: str) -> str:
    """Marks a text for translation where it is defined; `_()` translates it where it is used."""
    return message


def _(message: str) -> str:
    return _translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for `count` (Russian has three, and the catalogue knows which is which)."""
    return _translations(_language.get()).ngettext(singular, plural, count)


def current_language() -> str:
    return _language.get()


def set_language(language: str) -> None:
    """For the rest of this task: python-telegram-bot handles each update in a task of its own,
    so one update's language never leaks into another's."""
    _language.set(language)


@contextmanager
def using_language(language: str) -> Iterator[None]:
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


def negotiate(
    *,
    chosen: str | None,
    telegram: str | None,
    default: str,
    shipped: Sequence[str] | None = None,
) -> str:
    """The reader's language: their own choice, else their Telegram app's (`pt` → `pt_BR`,
    `es-419` → `es`, `de-AT` → `de`), else the shop's default, else English."""
    for code in (chosen, telegram, default):
        language = match_language(code, languages.SHIPPED if shipped is None else shipped)
        if language is not None:
            return language
    return SOURCE


@cache
def _translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue, or the .po compiled in memory when it is newer (a fresh clone
    or an edit not compiled yet): no step to forget before the shop speaks a language."""
    if language == SOURCE:
        return gettext.NullTranslations()
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=DOMAIN)
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    in_memory = io.BytesIO()
    write_mo(in_memory, catalog)
    in_memory.seek(0)
    return Translations(in_memory, domain=DOMAIN)


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a text with plural forms where it is defined; ngettext() picks the form."""
    return singular, plural


def number(value: int) -> str:
    """A count written the reader's way: 1,234 in English, 1.234 in German."""
    return format_decimal(value, locale=_language.get())


def percent(value: int) -> str:
    """A whole percentage written the reader's way: 10% in English, 10 % in German."""
    return format_percent(value / 100, locale=_language.get())


def translated_constant(namespace: Mapping[str, object], name: str) -> str:
    """For a texts module's `__getattr__`: `texts.BACK` reads `_BACK = N_("« Back")` and
    translates it for the current reader each time it is used. (Import the module, never the
    constant: `from bot.texts import BACK` would keep the English of import time.)"""
    source = namespace.get(f"_{name}") if name.isupper() else None
    if not isinstance(source, str):
        raise AttributeError(f"no text {name!r}")
    return _(source)


# The shop's English has always put the day first ("4 Dec"), as British English does.
_DATE_LOCALES = {"en": "en_GB"}


def _date_locale() -> Locale:
    language = _language.get()
    return Locale.parse(_DATE_LOCALES.get(language, language))


def short_date(moment: date) -> str:
    """A day this year, the reader's way: 4 Dec, 4. Dez., 4 дек."""
    return format_skeleton("MMMd", moment, locale=_date_locale())


def long_date(moment: date) -> str:
    """A day with its year: 4 Dec 2026, 4. Dez. 2026, 4 дек. 2026 г."""
    return format_skeleton("yMMMd", moment, locale=_date_locale())


def date_and_time(moment: datetime) -> str:
    """A moment in UTC, the reader's way: 4 Dec 2026, 14:05 UTC."""
    locale = _date_locale()
    time = format_skeleton("Hm", moment, locale=locale)
    glue = str(locale.datetime_formats["medium"])
    return glue.replace("{1}", long_date(moment)).replace("{0}", time) + " UTC"


def country_name(code: str) -> str:
    """A country by its ISO code, named in the reader's language (CLDR): DE is Germany,
    Deutschland, Alemania; an unknown code is shown as it is."""
    return str(_date_locale().territories.get(code.upper(), code))
