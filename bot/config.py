"""Settings read from the environment and an optional `.env` file."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, ClassVar, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from bot.languages import LANGUAGES, match_language

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///shop.db"

PaymentBackend = Literal["stripe", "telegram", "none"]
HttpTransport = Literal["aiohttp", "httpx"]
LogFormat = Literal["text", "json"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

# Telegram's own rule for setWebhook's secret_token.
_TELEGRAM_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")

# Stripe keeps a Checkout page open from 30 minutes to 24 hours after it creates the page. With
# Stripe the page closes when the order is released, so the hold stays within that range; the
# two extra minutes cover the moments between placing the order and Stripe creating the page.
STRIPE_SHORTEST_HOLD = timedelta(minutes=32)
STRIPE_LONGEST_HOLD = timedelta(hours=24)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    database_echo: bool = False
    # Readable lines for a terminal, or one JSON object a line for a log collector (bot.logs).
    log_format: LogFormat = "text"
    log_level: LogLevel = "INFO"
    # Pictures the shop keeps itself (the demo catalogue's); unset: a "media" folder beside the
    # SQLite file, or in the working directory with another database.
    media_dir: Path | None = None
    # Where `shopbot backup`, /backup and the daily backups put copies of the SQLite database;
    # unset: a "backups" folder beside the SQLite file (or in the working directory).
    backup_dir: Path | None = None
    # Daily copies of the SQLite database the running shop keeps in BACKUP_DIR (0: none).
    backup_keep: int = Field(default=0, ge=0)

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    # aiohttp handles about three times as many updates per second as PTB's httpx default.
    telegram_http_transport: HttpTransport = "aiohttp"
    # NoDecode: read as written ("1,2"), not as JSON, so the validator below can split it.
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # The admins' group chat (a negative id): customers' /support messages and order alerts go
    # there, and admins answer them by replying. Unset: each admin in their private chat.
    support_chat_id: int | None = Field(default=None, lt=0)

    default_currency: str = "EUR"
    # Customers whose Telegram app's language the shop doesn't speak get this one.
    default_language: str = "en"
    unpaid_order_timeout_minutes: int = Field(default=60, ge=1)
    # A cart left unchanged this long gets one reminder (0: none); at most 30 days, past which
    # a reminder would be about a cart its customer has forgotten.
    abandoned_cart_hours: int = Field(default=24, ge=0, le=720)

    payment_provider: PaymentBackend | None = None
    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    stripe_api_base: str = "https://api.stripe.com"
    telegram_provider_token: SecretStr | None = None
    # Digital goods are paid in Telegram Stars: a product made digital has its price converted
    # at this many Stars per 1.00 of its currency, rounded up (unset: set each Stars price).
    stars_per_unit: int | None = Field(default=None, ge=1, le=100_000)

    # Telegram lets a bot send about 30 messages a second in all. A broadcast keeps below that,
    # so customers' own replies still get through while it runs. Both count per instance.
    # 0 sends without pacing (a 429 from Telegram is still waited out and retried).
    telegram_messages_per_second: float = Field(default=30, ge=0)
    broadcast_messages_per_second: float = Field(default=25, gt=0)

    # Per chat: this many updates at once, then this many a second; past it they are dropped and
    # the chat is asked to slow down. 0 updates a second turns it off.
    flood_burst: int = Field(default=30, ge=1)
    flood_updates_per_second: float = Field(default=10, ge=0)
    # Updates taken in and not finished (being handled or waiting), at most; past it polling
    # waits before asking Telegram for more, and webhook updates are answered "retry later".
    max_queued_updates: int = Field(default=2000, ge=10)

    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)
    webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    bot_username: str | None = None
    max_webhook_body_bytes: int = Field(default=256 * 1024, ge=1024)
    # The Mini App storefront: where Telegram opens it (HTTPS), and how old a signed initData
    # may be before the page has to be opened again.
    webapp_url: str | None = None
    webapp_init_data_max_age_s: int = Field(default=24 * 3600, ge=60)

    # Prometheus metrics: GET /metrics on the web server, or on METRICS_PORT (on WEB_HOST) alone,
    # so the shop's public port need not expose them. Off: no route, nothing listening.
    metrics_enabled: bool = False
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    # The rules between settings below stop the shop at start-up. `shopbot doctor` reads the
    # settings without them (bot.doctor.settings), so it can name each broken rule with its fix.
    enforce_rules: ClassVar[bool] = True

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        # A comma-separated list reads more naturally in .env than JSON does.
        if isinstance(value, str):
            return [int(part) for part in value.replace(" ", "").split(",") if part]
        if isinstance(value, int):
            return [value]
        return value

    @property
    def alert_chat_ids(self) -> list[int]:
        """Where order alerts go: the admins' group alone, else the owners (and, through
        bot.services.admin.admin_chat_ids, every admin they promoted)."""
        return [self.support_chat_id] if self.support_chat_id is not None else self.admin_ids

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("default_currency")
    @classmethod
    def _upper_currency(cls, value: str) -> str:
        return value.upper()

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        language = match_language(value, tuple(LANGUAGES))
        if language is None:
            raise ValueError(f"unknown language {value!r}; known: {', '.join(LANGUAGES)}")
        return language

    @field_validator(
        "telegram_bot_token",
        "payment_provider",
        "stripe_secret_key",
        "stripe_webhook_secret",
        "telegram_provider_token",
        "webhook_url",
        "telegram_webhook_secret",
        "bot_username",
        "webapp_url",
        mode="before",
    )
    @classmethod
    def _empty_token_is_none(cls, value: object) -> object:
        return value or None

    @field_validator("metrics_port", "support_chat_id", "stars_per_unit", mode="before")
    @classmethod
    def _empty_port_is_none(cls, value: object) -> object:
        # `METRICS_PORT=` in .env means unset; 0 stays 0 (a free port, as for WEB_PORT).
        return None if value == "" else value

    @field_validator("stripe_api_base", "webhook_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for local testing)")
        return value.rstrip("/")

    @field_validator("webapp_url")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("must start with https://: Telegram opens Mini Apps over HTTPS only")
        return value

    @field_validator("bot_username")
    @classmethod
    def _strip_at(cls, value: str | None) -> str | None:
        return value.removeprefix("@") if value else None

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_secret_charset(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TELEGRAM_SECRET_RE.fullmatch(value.get_secret_value()):
            raise ValueError("use 1-256 characters from A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _payments_are_configured(self) -> Self:
        # Fail at start-up rather than at the first customer's checkout.
        if not self.enforce_rules:
            return self
        if self.payment_provider == "stripe" and self.stripe_secret_key is None:
            raise ValueError("PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY")
        if self.payment_provider == "telegram" and self.telegram_provider_token is None:
            raise ValueError("PAYMENT_PROVIDER=telegram needs TELEGRAM_PROVIDER_TOKEN")
        if 0 < self.telegram_messages_per_second < self.broadcast_messages_per_second:
            raise ValueError(
                "BROADCAST_MESSAGES_PER_SECOND can't exceed TELEGRAM_MESSAGES_PER_SECOND"
            )
        if self.webhook_url and self.telegram_webhook_secret is None:
            raise ValueError(
                "WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET, or anyone could post updates"
            )
        if self.metrics_enabled and self.metrics_port and self.metrics_port == self.web_port:
            raise ValueError("METRICS_PORT must differ from WEB_PORT (or be unset to share it)")
        return self

    @property
    def storefront_url(self) -> str | None:
        """Where Telegram opens the storefront: WEBAPP_URL, else WEBHOOK_URL's /app/; None
        without an HTTPS address, and then the Mini App is not offered."""
        if self.webapp_url is not None:
            return self.webapp_url
        if self.webhook_url is not None and self.webhook_url.startswith("https://"):
            return f"{self.webhook_url}/app/"
        return None

    @property
    def media_path(self) -> Path:
        if self.media_dir is not None:
            return self.media_dir
        return self._beside_the_database("media")

    @property
    def backup_path(self) -> Path:
        if self.backup_dir is not None:
            return self.backup_dir
        return self._beside_the_database("backups")

    def _beside_the_database(self, folder: str) -> Path:
        """A folder beside the SQLite file, or in the working directory with PostgreSQL."""
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(str(url.database)).parent / folder
        return Path(folder)

    @property
    def effective_payment_provider(self) -> PaymentBackend:
        """PAYMENT_PROVIDER when set, otherwise whichever provider has credentials."""
        if self.payment_provider is not None:
            return self.payment_provider
        if self.stripe_secret_key is not None:
            return "stripe"
        if self.telegram_provider_token is not None:
            return "telegram"
        return "none"

    @property
    def unpaid_order_hold(self) -> timedelta:
        """How long an unpaid order keeps its stock: its payment deadline is placement + this.
        With Stripe the payment page closes at that same moment, so it is kept within the
        lifetimes Stripe allows a page."""
        hold = timedelta(minutes=self.unpaid_order_timeout_minutes)
        if self.effective_payment_provider == "stripe":
            return min(max(hold, STRIPE_SHORTEST_HOLD), STRIPE_LONGEST_HOLD)
        return hold


@lru_cache
def get_settings() -> Settings:
    return Settings()
