"""The container files (Dockerfile, compose.yaml, .dockerignore) agree with the code.

CI has no Docker daemon, so no image is built here: the files are read and checked against what
they name (settings, the `shopbot` command, the web app's routes, the Makefile's steps), and the
steps that run without Docker (compiling the catalogues, the health check) are run.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import urllib.parse
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from babel.messages.mofile import read_mo
from sqlalchemy.engine import make_url

from bot import languages
from bot.cli import build_parser
from bot.config import Settings
from bot.db import Database
from bot.texts import i18n
from bot.web import HEALTH_PATH, create_web_app, server_url, start_web_server, stop_web_server

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
DEFAULT_WEB_PORT = Settings.model_fields["web_port"].default
# Set in the image for the shell, not for the shop: the venv's commands come first on PATH.
NOT_SETTINGS = {"PATH"}


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


@dataclass(frozen=True)
class Stage:
    base: str
    name: str
    instructions: tuple[Instruction, ...]

    def arguments(self, keyword: str) -> list[str]:
        return [i.arguments for i in self.instructions if i.keyword == keyword]

    def env(self) -> dict[str, str]:
        pairs = (word.split("=", 1) for a in self.arguments("ENV") for word in shlex.split(a))
        return {name: value for name, value in pairs}

    def commands(self) -> list[list[str]]:
        """Each command of each RUN, as words."""
        return [
            shlex.split(command) for run in self.arguments("RUN") for command in run.split("&&")
        ]

    def workdir(self) -> PurePosixPath:
        return PurePosixPath(self.arguments("WORKDIR")[-1])


def _instructions(text: str) -> list[Instruction]:
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    split = (line.partition(" ") for line in logical)
    return [Instruction(keyword.upper(), rest.strip()) for keyword, _, rest in split]


def _stages() -> list[Stage]:
    stages: list[Stage] = []
    for instruction in _instructions((ROOT / "Dockerfile").read_text()):
        if instruction.keyword == "FROM":
            base, *alias = instruction.arguments.split()
            name = alias[1] if len(alias) == 2 and alias[0].upper() == "AS" else ""
            stages.append(Stage(base, name, ()))
        else:
            assert stages, f"{instruction.keyword} before the first FROM"
            last = stages[-1]
            stages[-1] = Stage(last.base, last.name, (*last.instructions, instruction))
    return stages


def _builder() -> Stage:
    return _stages()[0]


def _runtime() -> Stage:
    return _stages()[-1]


def _venv() -> str:
    """Where the builder makes the venv it installs the shop into."""
    (venv,) = [c[-1] for c in _builder().commands() if c[:3] == ["python", "-m", "venv"]]
    return venv


def _copied_from_builder(stage: Stage) -> list[str]:
    """Each COPY of the stage that takes from the builder (and not from the build context)."""
    return [a for a in stage.arguments("COPY") if f"--from={_builder().name}" in a.split()]


def _exec_form(arguments: str) -> list[str]:
    words = json.loads(arguments)
    assert isinstance(words, list), f"not exec form: {arguments}"
    return [str(word) for word in words]


def _health_check() -> list[str]:
    (arguments,) = _runtime().arguments("HEALTHCHECK")
    _, keyword, command = arguments.partition("CMD ")
    assert keyword, f"HEALTHCHECK without CMD: {arguments}"
    return _exec_form(command)


def _command(words: list[list[str]], *leading: str) -> list[str]:
    """The one command whose program ends with leading[0] and whose next words are the rest."""
    (found,) = [
        w
        for w in words
        if w[0].rsplit("/", 1)[-1] == leading[0] and w[1 : len(leading)] == [*leading[1:]]
    ]
    return found


def _settings_by_env_name() -> dict[str, str]:
    """Each variable pydantic-settings reads for Settings, and the field it fills."""
    config = Settings.model_config
    prefix = config.get("env_prefix", "")
    found = {}
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        name = alias if isinstance(alias, str) else f"{prefix}{field_name}"
        found[name if config.get("case_sensitive") else name.upper()] = field_name
    return found


def _as_settings(environment: dict[str, str]) -> Settings:
    """Settings from these variables alone, refusing any that is not a setting."""
    fields = _settings_by_env_name()
    values: dict[str, str] = {}
    for name, value in environment.items():
        key = name if Settings.model_config.get("case_sensitive") else name.upper()
        assert key in fields, f"{name} is not a setting of bot.config.Settings"
        values[fields[key]] = value
    return Settings.model_validate(values)


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def _service(name: str) -> dict[str, Any]:
    service = _compose()["services"][name]
    assert isinstance(service, dict)
    return service


_DEFAULTED = re.compile(r"\$\{(\w+):-([^}]*)\}")


def _interpolated(value: object) -> str:
    """What compose makes of a value when no variable is set: each `${NAME:-default}`."""
    text = _DEFAULTED.sub(lambda match: match.group(2), str(value))
    assert "$" not in text, f"a variable without a default: {value}"
    return text


def _bot_environment() -> dict[str, str]:
    environment = _service("bot")["environment"]
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {name: _interpolated(value) for name, value in environment.items()}


def _makefile_recipe(program: str, *words: str) -> list[str]:
    """The words after `$(BIN)/program` on the Makefile's line running it with `words`."""
    makefile = (ROOT / "Makefile").read_text()
    lines = re.findall(rf"^\t\$\(BIN\)/{program} (.+)$", makefile, flags=re.MULTILINE)
    (line,) = [line for line in lines if set(words) <= set(line.split())]
    return shlex.split(line)


def _pip_target(words: list[str]) -> tuple[bool, str, str]:
    """(editable?, the project's path, its extras) of a `pip install` of the project."""
    editable = "-e" in words or "--editable" in words
    (target,) = [w for w in words[words.index("install") + 1 :] if not w.startswith("-")]
    path, _, extras = target.partition("[")
    return editable, path, extras.rstrip("]")


def _dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _matches(pattern: list[str], path: list[str]) -> bool:
    if not pattern:
        return not path
    head, *rest = pattern
    if head == "**":
        return any(_matches(rest, path[start:]) for start in range(len(path) + 1))
    return bool(path) and fnmatch.fnmatchcase(path[0], head) and _matches(rest, path[1:])


def _left_out_of_the_build(path: str) -> bool:
    """Docker's reading of .dockerignore: a pattern matching a folder leaves out all in it."""
    parts = path.split("/")
    left_out = False
    for pattern in _dockerignore():
        negated = pattern.startswith("!")
        words = pattern.removeprefix("!").strip("/").split("/")
        if any(_matches(words, parts[:depth]) for depth in range(1, len(parts) + 1)):
            left_out = not negated
    return left_out


def test_the_image_runs_shopbot_run_which_migrates_on_start() -> None:
    program, *arguments = _exec_form(_runtime().arguments("CMD")[-1])

    assert PYPROJECT["project"]["scripts"][program] == "bot.cli:main"
    assert build_parser().parse_args(arguments).command == "run"


def test_both_stages_start_from_a_slim_python_of_the_projects_version() -> None:
    version = PYPROJECT["project"]["requires-python"].removeprefix(">=")

    assert version == PYPROJECT["tool"]["mypy"]["python_version"]
    for stage in _stages():
        image, _, tag = stage.base.partition(":")
        assert image == "python"
        assert tag.startswith(f"{version}-slim"), stage.base


def test_every_variable_the_image_sets_is_a_valid_setting() -> None:
    environment = _runtime().env()

    settings = _as_settings({k: v for k, v in environment.items() if k not in NOT_SETTINGS})

    assert settings.web_host == "0.0.0.0"
    assert settings.web_port == DEFAULT_WEB_PORT
    assert make_url(settings.database_url).get_backend_name() == "sqlite"


def test_every_variable_compose_gives_the_bot_is_a_valid_setting() -> None:
    settings = _as_settings(_bot_environment())

    assert settings.web_host == "0.0.0.0"
    assert make_url(settings.database_url).drivername == "postgresql+asyncpg"


def test_the_database_and_media_are_on_the_volume_compose_keeps() -> None:
    runtime = _runtime()
    (volume,) = [PurePosixPath(v) for a in runtime.arguments("VOLUME") for v in _exec_form(a)]
    image = _as_settings({k: v for k, v in runtime.env().items() if k not in NOT_SETTINGS})
    composed = _as_settings(_bot_environment())
    mounts = {PurePosixPath(mount.split(":")[1]) for mount in _service("bot")["volumes"]}

    assert PurePosixPath(str(make_url(image.database_url).database)).parent == volume
    assert PurePosixPath(image.media_path).is_relative_to(volume)
    assert PurePosixPath(composed.media_path).is_relative_to(volume)
    assert volume in mounts


def test_the_image_exposes_and_compose_publishes_the_default_web_port() -> None:
    (published,) = _service("bot")["ports"]
    container_port = str(published).split(":")[-1].removesuffix("/tcp")

    assert _runtime().arguments("EXPOSE") == [str(DEFAULT_WEB_PORT)]
    assert _runtime().env()["WEB_PORT"] == str(DEFAULT_WEB_PORT)
    assert container_port == _bot_environment()["WEB_PORT"] == str(DEFAULT_WEB_PORT)


async def test_the_health_check_asks_a_route_the_web_app_serves(tmp_path: Path) -> None:
    program, option, code = _health_check()
    (path,) = re.findall(r"'(/[^']*)'", code)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}")
    try:
        app = create_web_app(database=database, settings=settings)
        routes = {(r.method, r.resource.canonical) for r in app.router.routes() if r.resource}
    finally:
        await database.dispose()

    assert (program, option) == ("python", "-c")
    assert path == HEALTH_PATH
    assert ("GET", HEALTH_PATH) in routes


async def _health_check_exit_code(port: int) -> int:
    _, *arguments = _health_check()
    process = await asyncio.create_subprocess_exec(
        sys.executable, *arguments, env={"WEB_PORT": str(port)}, stderr=asyncio.subprocess.DEVNULL
    )
    return await asyncio.wait_for(process.wait(), 30)


async def test_the_health_check_passes_while_the_shop_serves_and_fails_once_it_stops(
    db: Database,
) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    runner = await start_web_server(create_web_app(database=db, settings=settings), "127.0.0.1", 0)
    port = urllib.parse.urlsplit(server_url(runner)).port
    assert port is not None
    try:
        serving = await _health_check_exit_code(port)
    finally:
        await stop_web_server(runner)
    stopped = await _health_check_exit_code(port)

    assert serving == 0
    assert stopped != 0


def test_the_image_installs_the_package_as_ci_does_without_the_dev_tools() -> None:
    docker = _command(_builder().commands(), "pip", "install")
    make = _makefile_recipe("pip", "install")

    assert docker[0] == f"{_venv()}/bin/pip"
    ci_editable, ci_path, ci_extras = _pip_target(make)
    assert ci_extras == "dev"
    assert _pip_target(docker) == (ci_editable, ci_path, "")


def test_the_runtime_runs_the_venv_the_builder_filled_and_the_tree_it_points_at() -> None:
    builder, runtime, venv = _builder(), _runtime(), _venv()
    copied = {shlex.split(a)[-1] for a in _copied_from_builder(runtime)}

    assert copied == {venv, str(builder.workdir())}
    assert runtime.workdir() == builder.workdir()
    assert runtime.env()["PATH"].split(":")[0] == f"{venv}/bin"


def test_the_runtime_stage_carries_no_build_or_test_tools() -> None:
    runtime = _runtime()
    dev_tools = {
        re.split(r"[<>=\[ ]", r)[0].lower()
        for r in PYPROJECT["project"]["optional-dependencies"]["dev"]
    }
    runtime_words = {word.lower() for command in runtime.commands() for word in command}

    assert _copied_from_builder(runtime) == runtime.arguments("COPY")
    assert not runtime_words & ({"pip", "apt-get", "apt", "gcc", "build-essential"} | dev_tools)
    assert "[dev]" not in (ROOT / "Dockerfile").read_text()


def test_the_image_compiles_the_catalogues_with_the_makefiles_command_after_copying_them() -> None:
    builder = _builder()
    docker = _command(builder.commands(), "pybabel", "-q", "compile")
    order = [i.keyword + " " + i.arguments for i in builder.instructions]
    copy_bot = next(n for n, line in enumerate(order) if re.match(r"COPY bot\b", line))
    compile_step = next(n for n, line in enumerate(order) if " compile " in line)

    assert docker[0] == f"{_venv()}/bin/pybabel"
    assert docker[1:] == _makefile_recipe("pybabel", "compile")
    # Written after the .po files arrive, so they are newer and i18n reads them as they are.
    assert copy_bot < compile_step


def test_the_image_compile_step_writes_a_catalogue_the_shop_reads_for_every_language(
    tmp_path: Path,
) -> None:
    _, *arguments = _command(_builder().commands(), "pybabel", "-q", "compile")
    folder = Path(arguments[arguments.index("-d") + 1])
    shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.mo"))
    pybabel = Path(sys.executable).with_name("pybabel")

    subprocess.run([str(pybabel), *arguments], cwd=tmp_path, check=True, capture_output=True)

    assert ROOT / folder == i18n.LOCALE_DIR
    assert arguments[arguments.index("-D") + 1] == i18n.DOMAIN
    for language in set(languages.SHIPPED) - {languages.SOURCE}:
        catalogue = tmp_path / folder / language / "LC_MESSAGES" / i18n.DOMAIN
        mo, po = catalogue.with_suffix(".mo"), catalogue.with_suffix(".po")
        with mo.open("rb") as compiled:
            assert len(read_mo(compiled)) > 0, language
        assert mo.stat().st_mtime >= po.stat().st_mtime


def test_the_runtime_stage_runs_as_an_unprivileged_user_who_owns_the_volume() -> None:
    runtime = _runtime()
    user = runtime.arguments("USER")[-1].split(":")[0]
    volumes = {v for a in runtime.arguments("VOLUME") for v in _exec_form(a)}
    created = [c for c in runtime.commands() if c[0] == "useradd"]
    owned = {
        c[-1] for c in runtime.commands() if c[:2] == ["chown", "-R"] and c[2].split(":")[0] == user
    }

    assert user not in {"root", "0"}
    assert created and created[-1][-1] == user
    assert volumes <= owned


def test_compose_waits_for_a_healthy_postgresql_on_a_named_volume() -> None:
    database, bot = _service("db"), _service("bot")
    named_volumes = set(_compose()["volumes"])

    assert database["image"].split(":")[0] == "postgres"
    assert "pg_isready" in database["healthcheck"]["test"][1]
    assert {mount.split(":")[0] for mount in database["volumes"]} <= named_volumes
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"


def test_compose_points_the_bot_at_its_own_database() -> None:
    database = _service("db")["environment"]
    url = make_url(_bot_environment()["DATABASE_URL"])

    assert url.host == "db"
    assert url.username == _interpolated(database["POSTGRES_USER"])
    assert url.password == _interpolated(database["POSTGRES_PASSWORD"])
    assert url.database == _interpolated(database["POSTGRES_DB"])


def test_compose_builds_the_bot_from_this_dockerfile_and_reads_the_rest_from_env() -> None:
    bot = _service("bot")

    assert (ROOT / bot["build"] / "Dockerfile").is_file()
    assert bot["env_file"] == ".env"
    assert {mount.split(":")[0] for mount in bot["volumes"]} <= set(_compose()["volumes"])


def test_the_build_context_leaves_out_everything_git_ignores() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    dockerignore = set(_dockerignore())

    for pattern in filter(None, (line.strip() for line in ignored)):
        bare = pattern.strip("/")
        # A .gitignore pattern without an inner slash matches at any depth.
        expected = bare if "/" in bare else f"**/{bare}"
        assert expected in dockerignore, f"{pattern} (.gitignore) is not in .dockerignore"
    for local in (".env", "shop.db", "media/demo/1.png", "bot/locales/de/LC_MESSAGES/messages.mo"):
        assert _left_out_of_the_build(local), local


def test_every_tracked_file_the_image_copies_reaches_the_build() -> None:
    sources = [
        source
        for arguments in _builder().arguments("COPY")
        for source in shlex.split(arguments)[:-1]
    ]
    listed = subprocess.run(
        ["git", "ls-files", "--", *sources], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()

    for source in sources:
        assert any(f == source or f.startswith(f"{source}/") for f in listed), source
    assert not [path for path in listed if _left_out_of_the_build(path)]
