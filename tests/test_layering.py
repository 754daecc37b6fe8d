"""Services and models know nothing of Telegram, so bot, webhooks and admins share them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
TELEGRAM_FREE = sorted(
    path for folder in ("services", "models") for path in (BOT / folder).rglob("*.py")
)


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_there_are_service_and_model_modules_to_check() -> None:
    assert len(TELEGRAM_FREE) >= 8


@pytest.mark.parametrize("path", TELEGRAM_FREE, ids=lambda p: str(p.relative_to(BOT)))
def test_services_and_models_do_not_import_telegram(path: Path) -> None:
    forbidden = ("telegram", "bot.handlers", "bot.keyboards")
    found = {
        m for m in _imported_modules(path) for f in forbidden if m == f or m.startswith(f + ".")
    }
    assert found == set()
