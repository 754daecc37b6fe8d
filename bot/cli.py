"""The `shopbot` command (also `python -m bot`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import shlex
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from bot.config import Settings, get_settings
from bot.db import Database
from bot.db.lock import DatabaseBusy, holding
from bot.db.migrate import upgrade_async
from bot.logs import configure_logging, set_level
from bot.services.errors import ShopError
from bot.texts import backups as backup_texts
from bot.texts import console as console_texts
from bot.texts.console import console_language
from bot.texts.doctor import doctor_language
from bot.texts.errors import error_text
from bot.texts.i18n import N_, _, using_language

log = logging.getLogger("shopbot")

Command = Callable[[Settings, argparse.Namespace], Coroutine[Any, Any, None]]

# `shopbot backup` on PostgreSQL: nothing was written (the pg_dump command to run is printed),
# told apart from a failure (1) so that a scheduled backup does not pass for a made one.
PG_DUMP_INSTEAD = 3


async def _migrate(settings: Settings, arguments: argparse.Namespace) -> None:
    await upgrade_async(settings.database_url)
    print(f"Database is up to date ({_describe(settings.database_url)}).")


async def _seed_demo(settings: Settings, arguments: argparse.Namespace) -> None:
    from bot.devtools.demo_catalog import seed_demo

    await upgrade_async(settings.database_url)
    database = Database(settings.database_url)
    try:
        async with database.transaction() as session:
            created = await seed_demo(session, media_dir=settings.media_path)
    finally:
        await database.dispose()
    print(
        f"Demo catalogue: {created} products added." if created else "Demo catalogue already there."
    )


async def _run(settings: Settings, arguments: argparse.Namespace) -> None:
    """The real bot with a token; without one, the offline console so there is a shop to try."""
    if settings.telegram_bot_token is None:
        app_language = getattr(arguments, "language", None)
        with using_language(console_language(app_language, settings.default_language)):
            print(console_texts.NO_TOKEN, flush=True)
        await _console(settings, arguments)
        return
    await _serve(settings)


async def _serve(settings: Settings) -> None:
    from bot.runner import (
        ShopStopped,
        WebServerError,
        on_stop_signals,
        prepare_database,
        running_shop,
    )

    stop = asyncio.Event()
    database = Database(settings.database_url)
    try:
        with on_stop_signals(stop.set):
            stocked = await prepare_database(database, media_dir=settings.media_path)
            if stocked:
                log.info("The shop was empty: loaded %d demo products.", stocked)
            await _check_configuration(settings)
            if not stop.is_set():
                async with running_shop(settings, database, web=True, stop=stop) as application:
                    log.info("The bot is running (%s); Ctrl-C stops it.", _mode(settings))
                    log.info("Web server (webhooks, /healthz): %s", application.bot_data.web_url)
                    await stop.wait()
                    log.info("Stopping…")
    except WebServerError as error:
        log.error("%s. Set WEB_HOST and WEB_PORT (and METRICS_PORT) to free ones.", error)
        raise SystemExit(1) from None
    except ShopStopped:
        log.info("Stopped before Telegram could be reached.")
    finally:
        await database.dispose()
    log.info("Stopped.")


async def _check_configuration(settings: Settings) -> None:
    """`shopbot doctor`'s warnings and failures in the log, without holding the start up for
    more than a few seconds; the shop starts whatever they say."""
    from bot.doctor import START_CHECK_TIMEOUT_S, diagnose, log_findings

    log_findings(await diagnose(settings, timeout_s=START_CHECK_TIMEOUT_S, at_start=True))


def _mode(settings: Settings) -> str:
    from bot.web import TELEGRAM_WEBHOOK_PATH

    if settings.webhook_url is None:
        return "long polling"
    return f"Telegram webhook at {settings.webhook_url}{TELEGRAM_WEBHOOK_PATH}"


async def _console(settings: Settings, arguments: argparse.Namespace) -> None:
    from bot.devtools.console import DEFAULT_NAME, DEFAULT_USER_ID, run_console

    # The conversation is the output here: only problems are logged, not every poll.
    set_level(logging.WARNING, database_echo=settings.database_echo)
    user_id = getattr(arguments, "user_id", None)
    await run_console(
        settings,
        user_id=DEFAULT_USER_ID if user_id is None else user_id,
        name=getattr(arguments, "name", None) or DEFAULT_NAME,
        admin=getattr(arguments, "admin", False),
        language=getattr(arguments, "language", None),
    )


async def _stripe_sync(settings: Settings, arguments: argparse.Namespace) -> None:
    """Apply what Stripe could not deliver to the webhook in the last --days days."""
    from datetime import timedelta

    from bot.models import utcnow
    from bot.payments.stripe_gateway import StripeGateway
    from bot.services.errors import PaymentError
    from bot.usecases.stripe_sync import sync_stripe_events

    if settings.stripe_secret_key is None:
        print("STRIPE_SECRET_KEY is not set: there is no Stripe account to ask.")
        raise SystemExit(1)
    await upgrade_async(settings.database_url)
    database = Database(settings.database_url)
    gateway = StripeGateway(
        secret_key=settings.stripe_secret_key.get_secret_value(),
        api_base=settings.stripe_api_base,
    )
    try:
        since = utcnow() - timedelta(days=arguments.days)
        result = await sync_stripe_events(
            database, gateway, admin_chat_ids=settings.alert_chat_ids, since=since
        )
    except PaymentError:
        print("Stripe could not be reached; nothing was changed. Try again later.")
        raise SystemExit(1) from None
    finally:
        await gateway.close()
        await database.dispose()
    print(
        f"Stripe events not delivered in the last {arguments.days} day(s): {result.found}; "
        f"applied now: {result.applied}; waiting for their payment: {result.waiting}."
    )


async def _backup(settings: Settings, arguments: argparse.Namespace) -> None:
    from bot.usecases.backups import PgDump, take_backup

    with using_language(backup_texts.terminal_language(settings.default_language)):
        try:
            made = await take_backup(
                settings.database_url, backup_dir=settings.backup_path, target=arguments.path
            )
        except ShopError as error:
            _refuse(error)
        if isinstance(made, PgDump):
            print(backup_texts.pg_dump(shlex.join(made.command)))
            raise SystemExit(PG_DUMP_INSTEAD)
        print(backup_texts.backup_written(made.path, made.size))


async def _restore(settings: Settings, arguments: argparse.Namespace) -> None:
    """Takes the database's lock exclusively itself: refused while anything has it open."""
    from bot.usecases.backups import restore_backup

    with using_language(backup_texts.terminal_language(settings.default_language)):
        try:
            done = await restore_backup(settings.database_url, backup=arguments.path)
        except ShopError as error:
            _refuse(error)
        print(backup_texts.restored(arguments.path, done))


def _refuse(error: ShopError) -> NoReturn:
    print(f"{error_text(error)} {backup_texts.NOTHING_CHANGED}", file=sys.stderr)
    raise SystemExit(1) from None


async def _doctor(settings: Settings, arguments: argparse.Namespace) -> None:
    """Every check, one line each, in DEFAULT_LANGUAGE; exits 1 when one of them failed."""
    from bot.doctor import diagnose, failed, report

    findings = await diagnose(settings)
    with using_language(doctor_language(settings.default_language)):
        print(report(findings), flush=True)
    if failed(findings):
        raise SystemExit(1)


def _unreadable_settings(error: ValidationError) -> int:
    """The doctor's report when not even the values could be read: one failure each."""
    from bot.doctor import report
    from bot.doctor.settings import unreadable, written_language

    with using_language(doctor_language(written_language())):
        print(report(unreadable(error)), flush=True)
    return 1


def _settings(command: str) -> Settings:
    if command != "doctor":
        return get_settings()
    # The doctor reads settings that break the rules between them, to name each broken one.
    from bot.doctor.settings import unchecked_settings

    return unchecked_settings()


def _describe(url: str) -> str:
    # Never print credentials from a PostgreSQL URL.
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


COMMANDS: dict[str, tuple[Command, str]] = {
    "migrate": (_migrate, N_("apply database migrations")),
    "seed-demo": (_seed_demo, N_("load the demo catalogue (once; safe to repeat)")),
    "run": (
        _run,
        N_(
            "migrate, stock an empty shop with the demo catalogue and start the bot "
            "(the offline console when there is no TELEGRAM_BOT_TOKEN)"
        ),
    ),
    "console": (_console, N_("chat with the shop in this terminal: no token, no network")),
    "stripe-sync": (
        _stripe_sync,
        N_("apply Stripe events the webhook never received (payments, refunds, disputes)"),
    ),
    "backup": (_backup, backup_texts.BACKUP_SUMMARY),
    "restore": (_restore, backup_texts.RESTORE_SUMMARY),
    "doctor": (
        _doctor,
        N_(
            "check the configuration and that Telegram, Stripe and the database answer; "
            "exits 1 when a check fails"
        ),
    ),
}
# Every command but restore holds the database's lock shared while it runs (bot.db.lock).
EXCLUSIVE = frozenset({"restore"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shopbot", description="A Telegram shop bot.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_command, marked) in COMMANDS.items():
        with using_language(backup_texts.terminal_language()):
            help_text = _(marked)  # translated where the words are marked in bot.texts
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name == "console":
            _console_options(command)
        if name in ("backup", "restore"):
            _backup_arguments(command, name)
        if name == "stripe-sync":
            command.add_argument(
                "--days",
                type=int,
                default=3,
                choices=range(1, 31),
                metavar="N",
                help="how far back to look, 1 to 30 days (default 3)",
            )
    return parser


def _backup_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    with using_language(backup_texts.terminal_language()):
        if name == "backup":
            parser.add_argument(
                "path", nargs="?", type=Path, metavar="PATH", help=_(backup_texts.BACKUP_PATH)
            )
        else:
            parser.add_argument(
                "path", type=Path, metavar="PATH", help=_(backup_texts.RESTORE_PATH)
            )


def _console_options(parser: argparse.ArgumentParser) -> None:
    # Defaults live in bot.devtools.console, which is not imported unless the console runs.
    parser.add_argument("--admin", action="store_true", help="chat as a shop admin")
    parser.add_argument("--user-id", type=int, metavar="N", help="your Telegram user id")
    parser.add_argument("--name", help="your first name, as the shop greets you")
    parser.add_argument(
        "--language",
        metavar="CODE",
        help="your Telegram app's language, e.g. ru or pt-BR (default: DEFAULT_LANGUAGE)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    handler, _help = COMMANDS[arguments.command]
    try:
        settings = _settings(arguments.command)
    except ValidationError as error:
        if arguments.command != "doctor":
            raise
        return _unreadable_settings(error)
    configure_logging(settings)
    # The doctor only looks: it neither waits for a restore nor creates anything beside the file.
    free = arguments.command in EXCLUSIVE or arguments.command == "doctor"
    in_use = contextlib.nullcontext() if free else holding(settings.database_url)
    try:
        with in_use:
            asyncio.run(handler(settings, arguments))
    except DatabaseBusy:
        with using_language(backup_texts.terminal_language(settings.default_language)):
            print(backup_texts.RESTORING, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
