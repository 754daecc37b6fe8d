"""Imports point only down the layers and run in no circle, and the inner layers know nothing
of Telegram, so every front door (chat, web, console) shares one set of use cases and services.
"""

from __future__ import annotations

import functools
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
    (
        "bot",
        "bot.__main__",
        "bot.cli",
        "bot.runner",
        "bot.app",
        "bot.doctor",
        "bot.devtools",
        "bot.emulator",
    ),
    # front doors and jobs, with the Telegram plumbing they run on
    ("bot.handlers", "bot.web", "bot.jobs", "bot.botapi"),
    ("bot.keyboards",),
    ("bot.texts",),
    ("bot.usecases",),
    ("bot.payments",),
    ("bot.services",),
    ("bot.models", "bot.db"),
    # the leaves: money values, settings, the logging set-up, the domain errors every layer
    # raises or catches, the metrics every layer may record into, and the parcel carriers' names
    (
        "bot.money",
        "bot.carriers",
        "bot.config",
        "bot.logs",
        "bot.languages",
        "bot.services.errors",
        "bot.metrics",
    ),
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


def _found(kind: str, *, importer: str | None = None) -> list[str]:
    """The violations of a kind, as `file:line: importer imports imported`."""
    return sorted(
        f"{where}: {found[1]} imports {found[2]}"
        for found, where in _bot_violations().items()
        if found[0] == kind and importer in (None, found[1])
    )


def test_every_bot_module_belongs_to_a_tier() -> None:
    assert [module for module in module_files(BOT) if tier_of(module, TIERS) is None] == []


def test_imports_point_only_down_the_tiers() -> None:
    assert _found("upward") == []


def test_no_module_imports_itself_back_through_others() -> None:
    assert [" -> ".join(circle) for circle in circles(_graph(BOT))] == []
    assert _found("circle") == []


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
    assert _found("forbidden", importer=module) == []


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
