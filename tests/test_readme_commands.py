"""The commands the README tells a newcomer to type work right after `make run`."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def _make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][\w-]*):", makefile, flags=re.MULTILINE))


def test_every_make_command_in_the_readme_is_a_makefile_target() -> None:
    readme = (ROOT / "README.md").read_text()

    mentioned = set(re.findall(r"`make ([a-z][\w-]*)", readme))

    assert {"run", "test", "console", "admin"} <= mentioned
    assert mentioned <= _make_targets()


def test_the_readme_never_assumes_shopbot_is_on_the_path_for_the_console() -> None:
    readme = (ROOT / "README.md").read_text()

    assert "`shopbot console --admin`" not in readme
    assert "`.venv/bin/shopbot …`" in readme


def test_env_example_names_only_real_settings_each_under_its_own_comment() -> None:
    lines = (ROOT / ".env.example").read_text().splitlines()
    fields = {name.upper() for name in Settings.model_fields}

    for number, line in enumerate(lines):
        if line and not line.startswith("#"):
            name = line.split("=", 1)[0]
            assert name in fields, f"line {number + 1}: {name} is not a setting"
            assert lines[number - 1] != "", f"line {number + 1}: {name} has no comment"
    # The one stray comment a newcomer found: it described no setting at all.
    assert not any("0 for no pacing" in line for line in lines)
