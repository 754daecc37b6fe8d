"""Imports point only down the layers and run in no circle, and the inner layers know nothing
of Telegram, so every front door (chat, web, console) shares one set of use cases and services.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.import_graph import (
    circle_edges,
    circles,
    import_graph,
    module_files,
    read_imports,
    tier_of,
    upward_imports,
    within,
)

BOT = Path(__file__).resolve().parent.parent / "bot"

# Top to bottom: a module may import from its own tier or from the tiers below it.
TIERS: tuple[tuple[str, ...], ...] = (
    # composition: what builds and runs the shop, and the development tools around it
    ("bot", "bot.__main__", "bot.cli", "bot.runner", "bot.app", "bot.devtools", "bot.emulator"),
    # front doors and jobs, with the Telegram plumbing they run on
    ("bot.handlers", "bot.web", "bot.jobs", "bot.botapi"),
    ("bot.keyboards",),
    ("bot.texts",),
    ("bot.usecases",),
    ("bot.payments",),
    ("bot.services",),
    ("bot.models", "bot.db"),
    ("bot.money", "bot.config"),
)

# What the inner layers must never import, whatever their tier (prefixes of module names).
FORBIDDEN: Mapping[str, tuple[str, ...]] = {
    "bot.models": ("telegram", "bot.handlers", "bot.keyboards"),
    "bot.services": ("telegram", "bot.handlers", "bot.keyboards"),
    "bot.payments": ("telegram", "bot.handlers", "bot.keyboards"),
    "bot.usecases": ("telegram", "aiohttp", "bot.handlers", "bot.keyboards"),
}

# Models name each other in relationship type hints: SQLAlchemy's idiom, not a tangle.
CIRCLE_EXEMPT = "bot.models"

Violation = tuple[str, str, str]  # (kind, importer, imported)

# Violations that exist today and are being removed, as (kind, importer, imported). The tests
# fail on any violation not listed here and on any listed one that is gone: this only shrinks.
KNOWN_VIOLATIONS: frozenset[Violation] = frozenset(
    {
        # money refuses a bad price or currency with InvalidInput, which lives up in services
        ("upward", "bot.money", "bot.services.errors"),
        # Stripe events word the payment-failed notice when they queue it
        ("upward", "bot.payments.stripe_events", "bot.texts"),
        # Telegram Payments words its unmatched-payment notice and admin alert itself
        ("upward", "bot.payments.telegram_payments", "bot.texts"),
        # inventory words its refusals and sold-out alerts with the admin texts
        ("upward", "bot.services.inventory", "bot.texts.admin"),
        # notifications are rendered to English when written to the outbox
        ("upward", "bot.services.notifications", "bot.texts"),
        # removing a saved card words its own refusal
        ("upward", "bot.usecases.saved_cards", "bot.texts"),
        # starting a Stripe payment words its own refusals
        ("upward", "bot.usecases.stripe_checkout", "bot.texts"),
        # the ledger settles an order through order.advance and transition
        ("circle", "bot.services.ledger", "bot.services.order"),
        # order announces an expiry through notifications, imported inside a function
        ("circle", "bot.services.order", "bot.services.notifications"),
        # notifications word payment outcomes with the ledger's PaymentOutcome
        ("circle", "bot.services.notifications", "bot.services.ledger"),
        # the web app reads its shared keys and reply() from common
        ("circle", "bot.web.app", "bot.web.common"),
        # common's type hints name the app's TelegramUpdateHandler
        ("circle", "bot.web.common", "bot.web.app"),
        # the web app mounts the Stripe webhook route
        ("circle", "bot.web.app", "bot.web.stripe_webhook"),
        # the Stripe webhook route reads the app's keys from common
        ("circle", "bot.web.stripe_webhook", "bot.web.common"),
        # the web app mounts the Telegram webhook route
        ("circle", "bot.web.app", "bot.web.telegram_webhook"),
        # the Telegram webhook route reads the app's keys from common
        ("circle", "bot.web.telegram_webhook", "bot.web.common"),
    }
)


def violations(root: Path) -> dict[Violation, str]:
    """Every violation under the package directory `root`, with where its import is."""
    imports = read_imports(root)
    found: dict[Violation, str] = {}
    for edge in upward_imports(imports, TIERS):
        found.setdefault(("upward", edge.importer, edge.imported), edge.where(root))
    on_circles = circle_edges(_graph(root))
    for edge in imports:
        if (edge.importer, edge.imported) in on_circles:
            found.setdefault(("circle", edge.importer, edge.imported), edge.where(root))
    for edge in imports:
        banned = next((b for package, b in FORBIDDEN.items() if within(edge.importer, package)), ())
        if any(within(edge.imported, prefix) for prefix in banned):
            found.setdefault(("forbidden", edge.importer, edge.imported), edge.where(root))
    return found


def _graph(root: Path) -> dict[str, set[str]]:
    return import_graph(read_imports(root), modules=module_files(root), exempt=CIRCLE_EXEMPT)


@functools.cache
def _bot_violations() -> dict[Violation, str]:
    return violations(BOT)


def _new(kind: str, *, importer: str | None = None) -> list[str]:
    """The violations of a kind that KNOWN_VIOLATIONS does not list, as `file:line: …`."""
    return sorted(
        f"{where}: {found[1]} imports {found[2]}"
        for found, where in _bot_violations().items()
        if found[0] == kind and importer in (None, found[1]) and found not in KNOWN_VIOLATIONS
    )


def test_every_bot_module_belongs_to_a_tier() -> None:
    assert [module for module in module_files(BOT) if tier_of(module, TIERS) is None] == []


def test_imports_point_only_down_the_tiers() -> None:
    assert _new("upward") == []


def test_no_module_imports_itself_back_through_others() -> None:
    known = {
        (importer, imported) for kind, importer, imported in KNOWN_VIOLATIONS if kind == "circle"
    }
    new = [
        " -> ".join(circle)
        for circle in circles(_graph(BOT))
        if any(step not in known for step in itertools.pairwise(circle))
    ]
    assert new == []
    assert _new("circle") == []


INNER_MODULES = {
    name: path
    for name, path in module_files(BOT).items()
    if any(within(name, package) for package in FORBIDDEN)
}


def test_there_are_inner_modules_to_check() -> None:
    assert len(INNER_MODULES) >= 20


@pytest.mark.parametrize(
    "module", INNER_MODULES, ids=[str(path.relative_to(BOT)) for path in INNER_MODULES.values()]
)
def test_inner_layers_do_not_import_telegram_or_front_doors(module: str) -> None:
    assert _new("forbidden", importer=module) == []


def test_every_known_violation_still_exists() -> None:
    """A fixed violation leaves KNOWN_VIOLATIONS, so the list only ever shrinks to empty."""
    assert sorted(KNOWN_VIOLATIONS - set(_bot_violations())) == []


# ------------------------------------------------------------------- the checker itself


def _package(root: Path, files: Mapping[str, str]) -> Path:
    for name, source in {"__init__.py": "", **files}.items():
        (root / "bot" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "bot" / name).write_text(source)
    return root / "bot"


def test_the_checker_catches_an_upward_import(tmp_path: Path) -> None:
    bot = _package(
        tmp_path,
        {
            "services/__init__.py": "",
            "services/shop.py": "from bot.handlers import cart\n",
            "handlers/__init__.py": "",
            "handlers/cart.py": "from bot.services import shop\n",
        },
    )
    found = violations(bot)
    assert found[("upward", "bot.services.shop", "bot.handlers.cart")] == "bot/services/shop.py:1"
    assert ("forbidden", "bot.services.shop", "bot.handlers.cart") in found
    assert ("upward", "bot.handlers.cart", "bot.services.shop") not in found


def test_the_checker_catches_a_circle_dodged_inside_a_function(tmp_path: Path) -> None:
    bot = _package(
        tmp_path,
        {
            "services/__init__.py": "",
            "services/order.py": "def later() -> None:\n    from bot.services import ledger\n",
            "services/ledger.py": "from bot.services.order import later\n",
            "models/__init__.py": "from bot.models.user import User\n",
            "models/user.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from bot.models.order import Order\n",
            "models/order.py": "from bot.models.user import User\n",
        },
    )
    assert circles(_graph(bot)) == [
        ["bot.services.ledger", "bot.services.order", "bot.services.ledger"]
    ]
    assert {kind for kind, *_ in violations(bot)} == {"circle"}
