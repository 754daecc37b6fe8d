"""One logging set-up for the process: our `logging.getLogger(__name__)` calls and every
library's go through one handler on the root logger, rendered by structlog, so every line has
the same shape: readable in a terminal (LOG_FORMAT=text), or one JSON object a line
(LOG_FORMAT=json) with `timestamp`, `level`, `logger` and `message`, plus what the context
bound: `update_id` while an update is handled (bot.botapi.concurrency), `stripe_event_id` and
`stripe_event_type` while a Stripe event is applied (bot.web.stripe_webhook, stripe sync).

No personal data and no secret belongs in a log line. Our own calls log ids, kinds and
counts, never what a person wrote. Libraries are another matter: below INFO,
python-telegram-bot logs every Bot API call's parameters (message texts, names, addresses) and
every update it receives, and the URL of each call, which carries the bot token; httpx logs
those URLs at INFO; stripe-python logs request and response bodies (a customer's details) and
aiosqlite and SQLAlchemy statements with their values. So those loggers never go below the
levels in FLOORS, whatever LOG_LEVEL says, and, as a safety net for what slips through
anyway (an exception's text, a library's warning), every string of every line is searched for
the configured secrets (and for anything shaped like a bot token or a Stripe key) and they are
masked. Tracebacks are plain text: structlog's richer renderers show local variables, which
hold exactly what must not be logged.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO
from urllib.parse import quote

import structlog
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from structlog.typing import EventDict, Processor, WrappedLogger

from bot.config import Settings

REDACTED = "[redacted]"

# The lowest level each of these libraries logs at, whatever LOG_LEVEL says (see above).
FLOORS: Mapping[str, int] = {
    "httpx": logging.WARNING,  # a line per request (one per long poll); its URL has the token
    "httpcore": logging.INFO,  # DEBUG: every connection step and header
    "hpack": logging.INFO,  # DEBUG: HTTP/2 headers as they are encoded
    "telegram": logging.INFO,  # DEBUG: Bot API parameters, updates, URLs with the token
    "stripe": logging.INFO,  # DEBUG: request and response bodies
    "aiosqlite": logging.INFO,  # DEBUG: every statement with its values
    "sqlalchemy.engine": logging.WARNING,  # INFO: statements (DATABASE_ECHO); DEBUG: rows
    "matplotlib": logging.INFO,  # DEBUG: font lookups, for every chart
    "PIL": logging.INFO,  # DEBUG: every chunk of every picture
}

# Secrets recognised by their shape, configured here or not (another bot's token in a URL).
_SHAPES = (
    r"\d{5,}:[A-Za-z0-9_-]{30,}",  # a Telegram bot token
    r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}",  # a Stripe secret or restricted key
    r"\bwhsec_[A-Za-z0-9+/=]{8,}",  # a Stripe webhook signing secret
)


class Redactor:
    """A structlog processor: masks the given secrets, and anything shaped like one, in every
    string of a line (its message, an exception's text, bound values)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        literal = {
            form for secret in secrets if secret for form in (secret, quote(secret, safe=""))
        }
        longest_first = sorted(literal, key=len, reverse=True)
        self._pattern = re.compile("|".join([*map(re.escape, longest_first), *_SHAPES]))

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
        return {key: self.mask(value) for key, value in event_dict.items()}

    def mask(self, value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, str):
            return self._pattern.sub(REDACTED, value)
        if isinstance(value, Mapping):
            return {key: self.mask(item) for key, item in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.mask(item) for item in value]
        return self.mask(repr(value))  # as the renderers would show it, masked first


def secrets_of(settings: Settings) -> Iterator[str]:
    """Every secret setting (bot token, Stripe keys, webhook secrets, provider token, and any
    added later as a SecretStr), and the database password."""
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            yield value.get_secret_value()
    password = make_url(settings.database_url).password
    if password:
        yield str(password)


def configure_logging(settings: Settings, *, stream: TextIO | None = None) -> None:
    """Replace the root logger's handlers with one writing to `stream` (stderr) in
    LOG_FORMAT, at LOG_LEVEL."""
    out = stream or sys.stderr
    json_lines = settings.log_format == "json"
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso" if json_lines else "%Y-%m-%d %H:%M:%S"),
        structlog.processors.StackInfoRenderer(),
    ]
    rendering: list[Processor] = [
        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
        structlog.processors.format_exc_info,  # to text, so that it is masked too
        Redactor(secrets_of(settings)),
    ]
    if json_lines:
        rendering += [
            structlog.processors.EventRenamer("message"),
            _leading_fields,
            structlog.processors.JSONRenderer(),
        ]
    else:
        rendering.append(
            structlog.dev.ConsoleRenderer(
                colors=out.isatty(), exception_formatter=structlog.dev.plain_traceback
            )
        )
    handler = logging.StreamHandler(out)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=rendering)
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    # structlog's own loggers, should anything use them, end up in the same handler.
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
    )
    set_level(settings.log_level, database_echo=settings.database_echo)


def _leading_fields(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """The time, level, logger and message first, then the context and any traceback."""
    first = {key: event_dict.pop(key) for key in _FIRST if key in event_dict}
    return {**first, **event_dict}


_FIRST = ("timestamp", "level", "logger", "message")


def set_level(level: int | str, *, database_echo: bool = False) -> None:
    """The root logger's level; the libraries in FLOORS stay at theirs or above. With
    DATABASE_ECHO SQLAlchemy's statements are logged (their values never are: bot.db)."""
    number = level if isinstance(level, int) else logging.getLevelNamesMapping()[level]
    logging.getLogger().setLevel(number)
    for name, floor in FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, number))
    if database_echo:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
