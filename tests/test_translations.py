"""Texts are marked for translation, the template holds every one of them, and a catalogue
changes what a reader sees, in their language and with their plural forms."""

from __future__ import annotations

import ast
import importlib
import re
import string
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from bot.languages import SHIPPED, SOURCE
from bot.models import OrderStatus
from bot.services.catalog_csv import CatalogFileInvalid, LineError
from bot.services.errors import InvalidInput
from bot.texts.errors import error_text
from bot.texts.i18n import (
    date_and_time,
    negotiate,
    short_date,
    translated_constant,
    using_language,
)
from bot.texts.statuses import status_label
from tests.catalogues import write_catalog

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "bot" / "locales" / "messages.pot"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_plural": (1, 2)}


def _key(message: str | tuple[str, ...] | list[str]) -> str | tuple[str, ...]:
    return message if isinstance(message, str) else tuple(message)


def marked_in_code() -> set[str | tuple[str, ...]]:
    found = extract_from_dir(str(ROOT / "bot"), method_map=[("**.py", "python")], keywords=KEYWORDS)
    return {_key(message) for _, _, message, _, _ in found}


def in_catalog(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def test_the_template_holds_every_text_marked_in_the_code() -> None:
    template = {_key(message.id) for message in in_catalog(TEMPLATE) if message.id}
    assert marked_in_code() == template, "run `make messages` to update the template"


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def catalogue_problems(path: Path, template: Catalog) -> list[tuple[str, object]]:
    """What keeps a language's catalogue from shipping: a text missing, untranslated or fuzzy,
    a placeholder the English hasn't, an obsolete entry."""
    catalog = in_catalog(path)
    problems: list[tuple[str, object]] = [("obsolete", key) for key in catalog.obsolete]
    for wanted in template:
        if not wanted.id:
            continue
        message = catalog.get(wanted.id)
        if message is None or message.fuzzy or not all(_forms(message.string)):
            problems.append(("untranslated or fuzzy", wanted.id))
            continue
        source = placeholders(" ".join(_forms(wanted.id)))
        if any(placeholders(form) - source for form in _forms(message.string)):
            problems.append(("placeholders differ", wanted.id))
    return problems


def test_every_shipped_language_translates_every_text_with_the_same_placeholders() -> None:
    template = in_catalog(TEMPLATE)
    for language in SHIPPED:
        if language != SOURCE:
            path = ROOT / "bot" / "locales" / language / "LC_MESSAGES" / "messages.po"
            assert catalogue_problems(path, template) == [], language


def test_a_catalogue_with_gaps_is_not_fit_to_ship(tmp_path: Path) -> None:
    template = Catalog()
    for text in ("paid", "shipped", "Order #{order_id}", "gone"):
        template.add(text)
    write_catalog(
        tmp_path,
        "de",
        {"paid": "bezahlt", "Order #{order_id}": "Bestellung #{order}", "gone": ""},
    )
    path = tmp_path / "de" / "LC_MESSAGES" / "messages.po"
    assert catalogue_problems(path, template) == [
        ("untranslated or fuzzy", "shipped"),
        ("placeholders differ", "Order #{order_id}"),
        ("untranslated or fuzzy", "gone"),
    ]


def _forms(text: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if text is None:
        return [""]
    return [text] if isinstance(text, str) else list(text)


def test_a_catalogue_translates_as_the_text_is_rendered(catalogues: Path) -> None:
    write_catalog(catalogues, "de", {"paid": "bezahlt"})

    with using_language("de"):
        german = status_label(OrderStatus.PAID)
        untranslated = status_label(OrderStatus.SHIPPED)
    assert (german, untranslated) == ("bezahlt", "shipped")
    assert status_label(OrderStatus.PAID) == "paid"  # outside, English as before


def test_russian_gets_its_three_plural_forms(catalogues: Path) -> None:
    forms = (
        "В файле {count!n} ошибка:",
        "В файле {count!n} ошибки:",
        "В файле {count!n} ошибок:",
    )
    source = ("The file has {count!n} problem:", "The file has {count!n} problems:")
    write_catalog(catalogues, "ru", {source: forms})
    problem = LineError(2, "money.bad_price", {"text": "x"}, "price")

    def heading(count: int) -> str:
        with using_language("ru"):
            error = CatalogFileInvalid([problem], count=count)
            return error_text(error).splitlines()[0]

    assert [heading(n) for n in (1, 3, 5, 21)] == [
        "В файле 1 ошибка:",
        "В файле 3 ошибки:",
        "В файле 5 ошибок:",
        "В файле 21 ошибка:",
    ]


@pytest.mark.parametrize(
    ("chosen", "telegram", "default", "expected"),
    [
        ("de", "ru", "en", "de"),  # their own choice first
        (None, "pt", "en", "pt_BR"),
        (None, "pt-br", "en", "pt_BR"),
        (None, "es-419", "en", "es"),
        (None, "de-AT", "en", "de"),
        (None, "zh-hans", "ru", "ru"),  # not offered: the shop's default
        (None, None, "xx", "en"),  # nothing usable: English
        ("klingon", "", "es", "es"),
    ],
)
def test_the_reader_s_language_is_their_choice_then_telegram_s_then_the_shop_s(
    chosen: str | None, telegram: str | None, default: str, expected: str
) -> None:
    shipped = ("en", "ru", "es", "pt_BR", "de")
    assert negotiate(chosen=chosen, telegram=telegram, default=default, shipped=shipped) == (
        expected
    )


def test_numbers_in_a_text_are_written_the_reader_s_way(catalogues: Path) -> None:
    too_long = InvalidInput("catalog_file.too_many_rows", limit=100_000)
    with using_language("de"):
        german = error_text(too_long)
    assert "100.000" in german
    assert "100,000" in error_text(too_long)


def test_a_text_constant_is_translated_each_time_it_is_read(catalogues: Path) -> None:
    write_catalog(catalogues, "de", {"« Back": "« Zurück"})
    namespace = {"_BACK": "« Back", "_LIMIT": 3}

    with using_language("de"):
        german = translated_constant(namespace, "BACK")
    assert (german, translated_constant(namespace, "BACK")) == ("« Zurück", "« Back")
    for missing in ("LIMIT", "back", "NOTHING"):
        with pytest.raises(AttributeError):
            translated_constant(namespace, missing)


def test_text_constants_are_never_imported_by_name() -> None:
    """`from bot.texts import BACK` would keep the English of import time."""
    frozen = []
    for path in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.texts"):
                module = importlib.import_module(node.module or "")
                names = [a.name for a in node.names if hasattr(module, f"_{a.name}")]
                frozen += [f"{path.relative_to(ROOT)}: {name}" for name in names]
    assert frozen == []


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "4 Dec 2026, 14:05 UTC"),
        ("de", "4. Dez. 2026, 14:05 UTC"),
        ("ru", "4 дек. 2026\u202fг., 14:05 UTC"),
        ("pt_BR", "4 de dez. de 2026 14:05 UTC"),
    ],
)
def test_dates_are_written_the_reader_s_way(language: str, written: str) -> None:
    with using_language(language):
        assert date_and_time(datetime(2026, 12, 4, 14, 5)) == written
        assert short_date(date(2026, 3, 14)) in {"14 Mar", "14. März", "14 мар.", "14 de mar."}


# Words in the front doors that no person reads: log lines, matches against Telegram's error
# messages, a plotting option, and the two English references kept beside their plural forms.
NOT_FOR_PEOPLE = {
    ("bot/handlers/errors.py", "update  from user : "),
    ("bot/handlers/errors.py", "text of  characters"),
    ("bot/handlers/errors.py", "message without text"),
    ("bot/handlers/admin/catalog_io.py", "too big"),
    ("bot/handlers/render.py", "not modified"),
    ("bot/handlers/admin/stats_chart.py", "upper left"),
    ("bot/texts/errors.py", "The file has {count!n} problems:"),
    ("bot/texts/errors.py", "Order #{order_id} is released in {minutes} minutes: too soon for "),
}
WORDS = re.compile(r"[A-Za-z]{2,}[,.:;!?'’]?\s+[A-Za-z]{2,}")
MARKERS = {"_", "N_", "ngettext", "N_plural"}


def unmarked_words(path: Path) -> list[str]:
    """Literal words outside a translation call, a docstring, a log call, an assert or a raise."""
    tree = ast.parse(path.read_text())
    spared: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                spared.add(id(first.value))
        called = node.func if isinstance(node, ast.Call) else None
        name = getattr(called, "id", None) or getattr(called, "attr", None)
        owner = getattr(getattr(called, "value", None), "id", None)
        if name in MARKERS or owner == "log" or isinstance(node, ast.Assert | ast.Raise):
            spared.update(id(inner) for inner in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in spared:
            continue
        if isinstance(node, ast.JoinedStr):
            spared.update(id(part) for part in node.values)
            text = "".join(str(p.value) for p in node.values if isinstance(p, ast.Constant))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        where = str(path.relative_to(ROOT))
        spared_here = any(where == w and text.startswith(t) for w, t in NOT_FOR_PEOPLE)
        if WORDS.search(text) and not spared_here:
            found.append(f"{where}:{node.lineno}: {text[:60]!r}")
    return found


def test_every_text_a_person_reads_is_marked_for_translation() -> None:
    folders = ("bot/texts", "bot/handlers", "bot/keyboards", "bot/doctor")
    paths = [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]
    assert [found for path in paths for found in unmarked_words(path)] == []


def test_an_unmarked_sentence_is_caught(tmp_path: Path) -> None:
    sample = ROOT / "bot" / "texts" / "_sample_for_the_test.py"
    sample.write_text(
        'def hello(name: str) -> str:\n    """Says hello."""\n'
        '    return f"Hello {name}, welcome back"\n\nOK = _("Marked and fine")\n'
    )
    try:
        assert unmarked_words(sample) == [
            "bot/texts/_sample_for_the_test.py:3: 'Hello , welcome back'"
        ]
    finally:
        sample.unlink()


def test_no_text_is_read_when_a_module_is_imported() -> None:
    """A label read at import (a keyboard built once, a default argument) stays English."""
    frozen = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for node in ast.parse(path.read_text()).body:
            evaluated: list[ast.AST] = [node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                defaults = [d for d in node.args.kw_defaults if d is not None]
                evaluated = [*node.args.defaults, *defaults, *node.decorator_list]
            elif isinstance(node, ast.ClassDef):
                evaluated = [n for n in node.body if not isinstance(n, ast.FunctionDef)]
            for part in evaluated:
                for inner in ast.walk(part):
                    if (
                        isinstance(inner, ast.Attribute)
                        and isinstance(inner.value, ast.Name)
                        and inner.value.id in {"texts", "admin_texts"}
                        and inner.attr.isupper()
                    ):
                        frozen.append(f"{path.relative_to(ROOT)}:{inner.lineno}: {inner.attr}")
    assert frozen == []


def test_an_order_status_inside_an_error_is_in_the_reader_s_language() -> None:
    refused = InvalidInput("order.cannot_cancel_sent", order_id=3, status="shipped")
    with using_language("de"):
        german, shipped = error_text(refused), status_label(OrderStatus.SHIPPED)
    assert shipped != "shipped" and shipped in german and "shipped" not in german
    assert "has been shipped" in error_text(refused)
