"""Domain errors carry codes, every code has its words, and no English hides below the texts.

Both checks read the source (AST), so they see every raise site, not only those a test reaches.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.services.catalog_csv import CatalogFileInvalid, LineError
from bot.services.errors import InvalidInput, NotAllowed, ShopError
from bot.texts.errors import COMPOSED, ERRORS, PLURALS, error_text, line_problem

BOT = Path(__file__).resolve().parent.parent / "bot"
ERROR_CLASSES = frozenset(
    {
        "ShopError",
        "NotFound",
        "InvalidInput",
        "OutOfStock",
        "IllegalTransition",
        "NotAllowed",
        "PaymentError",
        "AddressFieldInvalid",
    }
)
CODE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


# ---------------------------------------------------------------- (a) codes and templates


@dataclass(frozen=True)
class Raise:
    where: str
    code: str | None  # None: not a literal
    params: frozenset[str]
    more_params: bool  # **mapping: the names are not all visible


def _code_argument(call: ast.Call) -> ast.expr | None:
    """The expression that names the code: the first argument of an error class, the second of
    a catalogue file's LineError (and of _Rows.problem)."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name in ERROR_CLASSES:
        return call.args[0] if call.args else None
    if name in ("LineError", "problem"):
        return call.args[1] if len(call.args) > 1 else None
    if name == "__init__" and isinstance(func, ast.Attribute) and _is_super(func.value):
        return call.args[0] if call.args else None
    return None


def _is_super(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and ast.unparse(node.func) == "super"


# Errors that name where a caught error happened (a file's column, a form's field).
PASSING_ON = {"LineError", "AddressFieldInvalid"}

# Keywords an error class takes for itself, not for its template.
OWN_KEYWORDS = {"AddressFieldInvalid": {"field"}}


def _params(call: ast.Call) -> tuple[frozenset[str], bool]:
    names = {keyword.arg for keyword in call.keywords if keyword.arg is not None}
    names -= OWN_KEYWORDS.get(ast.unparse(call.func), set())
    more = any(keyword.arg is None for keyword in call.keywords)
    if len(call.args) > 2 and isinstance(call.args[2], ast.Dict):  # LineError(line, code, {…})
        keys = call.args[2].keys
        names |= {
            key.value
            for key in keys
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
        }
    return frozenset(names), more


def _error_classes_here(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ClassDef)
        and any(ast.unparse(base) in ERROR_CLASSES for base in node.bases)
        for node in ast.walk(tree)
    )


def raises_in(path: Path) -> Iterator[Raise]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    subclasses = _error_classes_here(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        argument = _code_argument(node)
        if argument is None:
            continue
        is_super = ast.unparse(node.func).startswith("super")
        if is_super and (not subclasses or path.name == "errors.py"):
            continue
        where = f"{path.relative_to(BOT.parent)}:{node.lineno}"
        code = argument.value if isinstance(argument, ast.Constant) else None
        if not isinstance(code, str) and ast.unparse(node.func) in PASSING_ON:
            continue  # a column's or a field's problem passes on the code of the error it caught
        names, more = _params(node)
        yield Raise(where, code if isinstance(code, str) else None, names, more)


def all_raises() -> list[Raise]:
    return [found for path in sorted(BOT.rglob("*.py")) for found in raises_in(path)]


def placeholders(template: str) -> set[str]:
    names = set()
    for _, field, _, conversion in string.Formatter().parse(template):
        if field is not None:
            names.add(field)
            if conversion == "m":
                names.add("currency")  # an amount is formatted in the error's currency
    return names


def test_every_error_names_a_literal_code() -> None:
    found = all_raises()
    assert len(found) > 150
    assert [r.where for r in found if r.code is None] == []
    assert [(r.where, r.code) for r in found if r.code and not CODE.match(r.code)] == []


def test_every_code_raised_has_a_template_and_every_template_is_raised() -> None:
    raised = {r.code for r in all_raises() if r.code is not None}
    assert sorted(raised - ERRORS.keys()) == []
    assert sorted(ERRORS.keys() - raised) == []
    assert PLURALS.keys() <= ERRORS.keys()
    assert COMPOSED.keys() <= ERRORS.keys()


def test_a_template_fills_in_exactly_the_parameters_its_raise_sites_pass() -> None:
    mismatches = []
    for found in all_raises():
        if found.code is None or found.code in COMPOSED:
            continue
        wanted = placeholders(ERRORS[found.code])
        if found.more_params and found.params <= wanted:
            continue
        if found.params != wanted:
            mismatches.append((found.where, found.code, sorted(found.params), sorted(wanted)))
    assert mismatches == []


def test_every_plural_form_uses_the_same_placeholders() -> None:
    for code, (counted, forms) in PLURALS.items():
        assert counted in placeholders(ERRORS[code]), code
        assert all(placeholders(form) == placeholders(ERRORS[code]) for form in forms), code


def test_an_error_renders_its_parameters_and_logs_its_code() -> None:
    error = NotAllowed("payment.cannot_pay", order_id=7, status="shipped")

    assert error_text(error) == "Order #7 is shipped; it cannot be paid."
    assert str(error) == "payment.cannot_pay (order_id=7, status=<7 characters>)"


def test_an_error_logs_a_persons_words_by_their_length_only() -> None:
    error = InvalidInput("address.unknown_country", country="Hauptstraße 5, +49 30 1234567")

    assert str(error) == "address.unknown_country (country=<29 characters>)"


def test_a_persons_words_are_quoted_and_shortened_by_the_text() -> None:
    text = error_text(InvalidInput("email.invalid", email="x" * 500))

    assert text.startswith("“xxx") and "…”" in text and len(text) < 200


def test_a_count_of_one_reads_in_the_singular() -> None:
    one = error_text(NotAllowed("payment.too_little_time", order_id=3, minutes=1))
    many = error_text(NotAllowed("payment.too_little_time", order_id=3, minutes=5))

    assert "released in 1 minute:" in one
    assert "released in 5 minutes:" in many


def test_a_catalogue_file_problem_names_its_line_and_column() -> None:
    problem = LineError(
        4, "product.price_too_high", {"limit": 10_000_000, "currency": "EUR"}, "price"
    )
    header = LineError(
        1,
        "catalog_file.bad_header",
        {"expected": "sku,name", "missing": ("name",), "unknown": ("x",), "repeated": ()},
    )

    assert line_problem(problem) == "Line 4: price: A price can be at most €100,000.00."
    assert line_problem(header) == (
        "Line 1: the first line must name the columns sku,name (missing name; unknown “x”)."
    )
    assert error_text(CatalogFileInvalid([problem])) == (
        "The file has 1 problem:\nLine 4: price: A price can be at most €100,000.00."
    )


# ---------------------------------------------------------------- (b) no English below texts

PROSE_FOLDERS = ("services", "models", "payments", "usecases")
PROGRAMMER_ERRORS = frozenset(
    {
        "ValueError",
        "TypeError",
        "RuntimeError",
        "AssertionError",
        "KeyError",
        "NotImplementedError",
        "LookupError",
    }
)
LOGGING = re.compile(r"^(log|logger|logging|_log)\.(debug|info|warning|error|exception|critical)$")
_WORDS = re.compile(r"[A-Za-z]{2,}[’']?[a-z]* [A-Za-z]{2,}")
_SENTENCE_END = re.compile(r"[A-Za-z]{2,}[.!?]$")
# SQL as SQLAlchemy text, and words that are data, not messages, matched as whole literals.
_NOT_PROSE = re.compile(
    r"^(\s*(SELECT|UPDATE|INSERT|DELETE|CREATE|DROP|ALTER|WITH|BEGIN|PRAGMA|SET)\b"
    r"|length\(.*\)|.* (BETWEEN|IN|IS|AND|OR) .*)"
)

# Notification texts still written by services; the outbox change (messages stored as a key and
# its parameters, rendered when they are sent) removes them. Each entry: file, then literal.
OUTBOX_ALLOWLIST: frozenset[tuple[str, str]] = frozenset()

# Words that are stored data, not messages: turning them into keys means migrating the rows
# that already hold them, which is a change of its own.
DATA_ALLOWLIST: frozenset[tuple[str, str]] = frozenset(
    {
        # the audit log's details, a record for the admins
        ("bot/services/broadcast.py", "a copy of message "),
        ("bot/services/fulfilment.py", " refund of "),
        ("bot/services/fulfilment.py", "stock returned"),
        # the name of the only size of a product sold without sizes, stored as its size
        ("bot/services/product_fields.py", "One size"),
        # country names people type, looked up (folded to lower case) to find the country code
        ("bot/services/user.py", "great britain"),
        ("bot/services/user.py", "northern ireland"),
        ("bot/services/user.py", "south korea"),
        ("bot/services/user.py", "north korea"),
        ("bot/services/user.py", "ivory coast"),
        ("bot/services/user.py", "cape verde"),
    }
)


def reads_as_prose(text: str) -> bool:
    """Two words of letters in a row, or a word ending a sentence, and not SQL."""
    if _NOT_PROSE.match(text):
        return False
    return bool(_WORDS.search(text) or _SENTENCE_END.search(text.strip()))


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _exempt_calls(tree: ast.Module) -> set[int]:
    """Every string inside a logging call or a programmer error's arguments."""
    exempt = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        if LOGGING.match(name) or name.rsplit(".", 1)[-1] in PROGRAMMER_ERRORS:
            exempt |= {id(inner) for inner in ast.walk(node)}
    return exempt


def prose_in(path: Path, where: str | None = None) -> Iterator[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _exempt_calls(tree)
    where = where or str(path.relative_to(BOT.parent))
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, ast.Constant):
            continue
        if isinstance(node.value, str) and reads_as_prose(node.value):
            yield where, node.value


def prose_below_texts() -> list[tuple[str, str]]:
    return [
        found
        for folder in PROSE_FOLDERS
        for path in sorted((BOT / folder).rglob("*.py"))
        for found in prose_in(path)
    ]


def test_no_english_sentence_is_written_in_services_models_payments_or_use_cases() -> None:
    found = [
        item
        for item in prose_below_texts()
        if item not in OUTBOX_ALLOWLIST and item not in DATA_ALLOWLIST
    ]
    assert found == []


def test_every_allowlisted_literal_is_still_there() -> None:
    present = set(prose_below_texts())
    assert sorted((OUTBOX_ALLOWLIST | DATA_ALLOWLIST) - present) == []


@pytest.mark.parametrize(
    "source",
    [
        'raise NotAllowed("Your cart is empty.")',
        'message = f"Order #{order_id} was not found."',
        'LABEL = "awaiting payment"',
    ],
)
def test_the_checker_flags_a_sentence(source: str, tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(source, encoding="utf-8")
    assert list(prose_in(sample, "sample.py")) != []


@pytest.mark.parametrize(
    "source",
    [
        '"""A docstring may say anything at all."""',
        'log.warning("card for order %s not saved: %s", order_id, error)',
        'raise ValueError(f"unknown field {field!r}")',
        'raise NotAllowed("payment.cannot_pay", order_id=order.id)',
        'STATEMENT = "SELECT id FROM orders WHERE status = :status"',
    ],
)
def test_the_checker_lets_codes_logs_docstrings_and_sql_pass(source: str, tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(source, encoding="utf-8")
    assert list(prose_in(sample, "sample.py")) == []


def test_shop_errors_are_the_only_classes_the_scan_treats_as_refusals() -> None:
    def every(cls: type[ShopError]) -> set[str]:
        return {cls.__name__}.union(*(every(sub) for sub in cls.__subclasses__()))

    # A catalogue file's problems carry their codes line by line (LineError), scanned apart.
    assert every(ShopError) - {"CatalogFileInvalid"} == ERROR_CLASSES
