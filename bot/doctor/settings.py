"""The settings as written, for the doctor: the rules between them (bot.config) are left to
the checks, which name each broken one with its fix instead of refusing them all at once."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ValidationError
from pydantic_settings import BaseSettings

from bot.config import Settings
from bot.doctor.findings import Finding, failure


class UncheckedSettings(Settings):
    enforce_rules: ClassVar[bool] = False


def unchecked_settings() -> Settings:
    """Raises ValidationError only for a value that can't be read at all (a port that is no
    number, an unknown language…): `unreadable` reports those."""
    return UncheckedSettings()


def unreadable(error: ValidationError) -> list[Finding]:
    """One failure per setting that can't be read; pydantic's own words say why."""
    found = []
    for problem in error.errors():
        setting = str(problem["loc"][0]).upper() if problem["loc"] else ""
        found.append(failure("settings.unreadable", setting=setting, detail=problem["msg"]))
    return found


class _LanguageOnly(BaseSettings):
    model_config = Settings.model_config
    default_language: str = ""


def written_language() -> str:
    """DEFAULT_LANGUAGE as written, read where the settings are, for when the settings as a
    whole can't be read; empty when it can't be read either."""
    try:
        return _LanguageOnly().default_language
    except ValidationError:
        return ""
