"""The one typed configuration object: shipped defaults, then the user's TOML file, then the environment.

Loaded once at start-up and passed down; nothing reads ``os.environ`` for settings anywhere else. The few
variables other tools define (``TELEGRAM_BOT_TOKEN``, ``HF_HUB_OFFLINE``, ``XDG_DATA_HOME``) are read here too,
into typed fields, so that the rest of newsbot sees one object.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from summarizer.backend_names import BACKENDS

logger = logging.getLogger(__name__)

__all__ = [
    "ConfigError",
    "Settings",
    "apply_overrides",
    "default_config_path",
    "load_settings",
    "masked",
    "parse_value",
    "validate_override",
]

# Keys that only the operator's files and environment may change: the bot's identity, its database and folders,
# who its admins are, and the switches that lower its defences. An admin on Telegram can change everything else,
# within the bounds the models below set, and an override stored by an older release for one of these is ignored.
PROTECTED_KEYS = frozenset(
    {
        "telegram.token",
        "telegram.base_url",
        "telegram.base_file_url",
        "database.url",
        "database.data_dir",
        "bot.admin_ids",
        "bot.mode",
        "bot.listen",
        "bot.webhook_port",
        "bot.webhook_path",
        "bot.webhook_url",
        "bot.webhook_secret",
        "bot.metrics_port",
        "fetch.allow_private_hosts",
        "summarizer.cache_dir",
        "summarizer.offline",
        "queue.url",
        "queue.name",
    }
)
SECRET_KEYS = frozenset({"telegram.token", "bot.webhook_secret", "queue.url"})

CONFIG_ENV = "NEWSBOT_CONFIG"
TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
HUB_OFFLINE_ENV = "HF_HUB_OFFLINE"


class ConfigError(Exception):
    """A configuration problem, worded as the one line a user sees."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def _blank_is_unset(value: Any) -> Any:
    """An empty string in TOML or the environment means "not set" (TOML has no null)."""
    return None if value == "" else value


def _expanded(path: Path | None) -> Path | None:
    return path.expanduser() if path is not None else None


# A folder the operator may name: "" in the files means unset, and "~" is expanded.
Folder = Annotated[Path | None, BeforeValidator(_blank_is_unset), AfterValidator(_expanded)]


class TelegramConfig(_Section):
    token: SecretStr = SecretStr("")
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"


class BotConfig(_Section):
    admin_ids: list[int] = Field(default_factory=list)
    access: Literal["open", "allowlist"] = "open"
    max_links_per_message: int = Field(3, ge=1, le=10)
    rate_limit_per_minute: int = Field(12, ge=1, le=1000)
    cache_ttl_hours: float = Field(24, ge=0, le=24 * 90)
    workers: int = Field(1, ge=1, le=16)
    queue_size: int = Field(32, ge=1, le=1000)
    job_timeout_s: float = Field(60.0, ge=1, le=600)
    sync_s: float = Field(30.0, ge=5, le=3600)  # how often a replica takes in what others changed in the database
    # How updates arrive: long polling (one process, nothing listening), or Telegram's webhook calling
    # ``webhook_url``, which a reverse proxy forwards to ``listen``:``webhook_port`` ``webhook_path``.
    mode: Literal["polling", "webhook"] = "polling"
    listen: str = "127.0.0.1"
    webhook_port: int = Field(8080, ge=0, le=65535)  # 0: any free port (tests)
    webhook_path: str = Field("/telegram", pattern=r"^/[A-Za-z0-9_./-]*$")
    webhook_url: str = Field("", pattern=r"^(https?://\S+)?$")
    webhook_secret: SecretStr = Field(SecretStr(""), repr=False)
    metrics_port: int = Field(0, ge=0, le=65535)  # polling mode: /metrics and /healthz on this port; 0 is off

    @field_validator("webhook_secret")
    @classmethod
    def _secret_alphabet(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
            raise ValueError("must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's alphabet)")
        return value

    @model_validator(mode="after")
    def _webhook_complete(self) -> BotConfig:
        if self.mode == "webhook" and not self.webhook_url:
            raise ValueError("webhook mode needs bot.webhook_url, the public https:// URL Telegram calls")
        if self.mode == "webhook" and not self.webhook_secret.get_secret_value():
            raise ValueError("webhook mode needs bot.webhook_secret (16+ characters of A-Z, a-z, 0-9, _ and -)")
        if self.webhook_path in ("/healthz", "/metrics"):
            raise ValueError("bot.webhook_path must not be /healthz or /metrics")
        return self


class FetchConfig(_Section):
    allow_private_hosts: bool = False
    timeout_s: float = Field(15.0, gt=0, le=120)
    connect_timeout_s: float = Field(5.0, gt=0, le=60)
    max_bytes: int = Field(5_000_000, ge=1024, le=50_000_000)
    max_redirects: int = Field(5, ge=0, le=20)
    user_agent: str = "Mozilla/5.0 (compatible; newsbot/0.1)"


class DatabaseConfig(_Section):
    url: str = ""
    # Where files the bot writes live; load_settings() fills in $XDG_DATA_HOME/newsbot when the files leave it empty.
    data_dir: Folder = None

    def resolved_data_dir(self) -> Path:
        """The data folder; always set in settings from load_settings(), so only a hand-built section lacks it."""
        if self.data_dir is None:
            raise ConfigError("config: database.data_dir is not set (settings come from load_settings())")
        return self.data_dir

    def resolved_url(self) -> str:
        """The SQLAlchemy async URL, defaulting to an SQLite file in the data directory."""
        if self.url:
            return self.url
        return f"sqlite+aiosqlite:///{self.resolved_data_dir() / 'newsbot.db'}"


class SummarizerConfig(_Section):
    backend: str = "extractive"
    model: str = ""
    sentences: int = Field(3, ge=1, le=20)
    # the abstractive backend
    cache_dir: Folder = None  # None: the Hugging Face cache ($HF_HOME/hub)
    offline: bool = False  # `newsbot model pull` refuses to download; HF_HUB_OFFLINE=1 sets it too
    fallback: bool = True
    guard: bool = True
    device: Literal["auto", "cpu", "cuda"] = "auto"
    # auto: bf16 on a GPU with native bfloat16, else fp16; fp32 on the CPU (summarizer.backends.abstractive)
    precision: Literal["auto", "bf16", "fp16", "fp32"] = "auto"
    quantize: bool = False
    num_beams: int = Field(4, ge=1, le=16)
    max_new_tokens: int = Field(142, ge=8, le=1024)
    min_new_tokens: int = Field(30, ge=0, le=512)
    no_repeat_ngram_size: int = Field(3, ge=0, le=10)
    length_penalty: float = 2.0
    batch_size: int = Field(4, ge=1, le=64)
    # the sentence encoder (MiniLM): auto is numpy for one command, torch for the bot and workers
    encoder_runtime: Literal["auto", "torch", "numpy"] = "auto"

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value not in BACKENDS:
            raise ValueError(f"unknown backend {value!r}; choose one of {', '.join(sorted(BACKENDS))}")
        return value

    @model_validator(mode="after")
    def _quantize_needs_fp32(self) -> SummarizerConfig:
        if self.quantize and self.precision in ("bf16", "fp16"):
            raise ValueError(f"summarizer.quantize (int8 on the CPU) needs fp32 weights, not {self.precision}")
        return self


class NewsConfig(_Section):
    feeds: list[str] = Field(default_factory=list)
    search_urls: list[str] = Field(default_factory=list)
    stories: int = Field(5, ge=1, le=10)
    source_timeout_s: float = Field(10.0, gt=0, le=120)
    max_subscriptions_per_chat: int = Field(10, ge=1, le=100)
    max_topic_chars: int = Field(100, ge=10, le=300)

    @field_validator("search_urls")
    @classmethod
    def _has_query(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if "{query}" not in url:
                raise ValueError(f"search URL {url!r} has no {{query}} placeholder")
        return urls


class QueueConfig(_Section):
    """Model work on other processes: ``newsbot worker`` takes jobs from a Redis queue (taskiq's stream broker).

    Unset ``url`` keeps the in-process pool (``bot.workers``). Set, bots never load a model: they enqueue and wait.
    """

    url: SecretStr = Field(SecretStr(""), repr=False)  # redis://host:6379/0; may carry a password
    name: str = Field("newsbot", pattern=r"^[A-Za-z0-9_.:-]{1,64}$")  # the key prefix: several bots on one Redis
    # Jobs not yet taken by a worker before a user hears "busy"; well under the stream's kept length (10,000), so
    # that no waiting job is trimmed away.
    max_waiting: int = Field(64, ge=1, le=5_000)
    worker_jobs: int = Field(1, ge=1, le=64)  # jobs one `newsbot worker` runs at once (its model threads)
    worker_threads: int = Field(0, ge=0, le=256)  # CPU threads each worker's model may use; 0: torch's default
    heartbeat_s: float = Field(1.0, gt=0, le=60)  # a worker silent for 3 beats is taken for dead

    @field_validator("url")
    @classmethod
    def _redis_url(cls, value: SecretStr) -> SecretStr:
        url = value.get_secret_value()
        if url and not re.match(r"^rediss?://", url):
            raise ValueError("must be a redis:// or rediss:// URL")
        return value


def default_config_path() -> Path:
    """The shipped defaults: inside the wheel, or in the source checkout's ``config/``."""
    packaged = Path(__file__).with_name("default.toml")
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[1] / "config" / "default.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class _TomlLayers(PydanticBaseSettingsSource):
    """Defaults file, then the user's file, merged section by section."""

    def __init__(self, settings_cls: type[BaseSettings], user_file: Path | None) -> None:
        super().__init__(settings_cls)
        data = _read_toml(default_config_path())
        if user_file is not None:
            user = _read_toml(user_file)
            unknown = sorted(set(user) - set(settings_cls.model_fields))
            if unknown:
                raise ConfigError(f"unknown config section [{unknown[0]}] in {user_file}")
            data = _deep_merge(data, user)
        self._data = data

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return self._data


class _TokenFromEnv(PydanticBaseSettingsSource):
    """``TELEGRAM_BOT_TOKEN``, the name every Telegram bot guide uses."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        token = os.environ.get(TOKEN_ENV)
        return {"telegram": {"token": token}} if token else {}


class _HubOfflineFromEnv(PydanticBaseSettingsSource):
    """``HF_HUB_OFFLINE=1``, the Hugging Face switch, turns ``summarizer.offline`` on; it never turns it off."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        value = os.environ.get(HUB_OFFLINE_ENV, "").strip().lower()
        return {"summarizer": {"offline": True}} if value in ("1", "true", "yes", "on") else {}


class Settings(BaseSettings):
    """Every setting newsbot has, one pydantic model per section."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_", env_nested_delimiter="__", extra="ignore", validate_assignment=True
    )

    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    bot: BotConfig = Field(default_factory=BotConfig)
    fetch: FetchConfig = Field(default_factory=FetchConfig)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    summarizer: SummarizerConfig = Field(default_factory=SummarizerConfig)
    news: NewsConfig = Field(default_factory=NewsConfig)
    queue: QueueConfig = Field(default_factory=QueueConfig)

    # The user's TOML file; load_settings() sets it on a per-load subclass, so nothing global changes.
    user_file: ClassVar[Path | None] = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Highest priority first: explicit overrides, NEWSBOT_* variables, TELEGRAM_BOT_TOKEN and HF_HUB_OFFLINE,
        # the TOML layers.
        return (
            init_settings,
            env_settings,
            _TokenFromEnv(settings_cls),
            _HubOfflineFromEnv(settings_cls),
            _TomlLayers(settings_cls, cls.user_file),
        )


def _describe(error: Mapping[str, Any]) -> str:
    key = ".".join(str(part) for part in error["loc"])
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        return f"config: unknown key {key}"
    shown = error.get("input")
    if isinstance(shown, str | int | float | bool) and "token" not in key and "secret" not in key:
        return f"config: {key}: {message} (got {shown!r})"
    return f"config: {key}: {message}"


def _unknown_environment() -> str | None:
    """The first NEWSBOT_* variable that names no setting (pydantic-settings would ignore a typo silently)."""
    for name in sorted(os.environ):
        if not name.upper().startswith("NEWSBOT_") or name.upper() == CONFIG_ENV:
            continue
        section, _, key = name[len("NEWSBOT_") :].lower().partition("__")
        field = Settings.model_fields.get(section)
        model = field.annotation if field is not None else None
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return f"config: unknown environment variable {name}: there is no section [{section}]"
        if key and key.split("__")[0] not in model.model_fields:  # NEWSBOT_NEWS='{...}' sets a whole section
            return f"config: unknown environment variable {name}: [{section}] has no key {key!r}"
    return None


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Build the settings once; any problem becomes a ConfigError naming the key."""
    unknown = _unknown_environment()
    if unknown:
        raise ConfigError(unknown)
    path = config_file or os.environ.get(CONFIG_ENV) or None
    layered = type("Settings", (Settings,), {"user_file": Path(path).expanduser() if path else None})
    try:
        settings = layered(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(dict(exc.errors()[0]))) from None
    except ValueError as exc:  # pydantic-settings wraps undecodable env JSON in a plain ValueError
        raise ConfigError(f"config: {exc}".splitlines()[0]) from None
    if settings.database.data_dir is None:
        settings.database.data_dir = _data_home() / "newsbot"
    return settings


def _data_home() -> Path:
    """``$XDG_DATA_HOME``, or the default the XDG specification gives for it."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def parse_value(raw: str) -> Any:
    """A value typed in chat: JSON where it parses (numbers, true/false, lists), else the text itself."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw.strip()


def validate_override(settings: Settings, key: str, value: Any) -> Settings:
    """Settings with ``key`` set to ``value``, validated like the files are; ConfigError names what is wrong."""
    section, _, name = key.partition(".")
    if section not in Settings.model_fields or not name:
        raise ConfigError(f"unknown key {key!r}: keys look like summarizer.sentences (see /config)")
    current = getattr(settings, section)
    if name not in type(current).model_fields:
        raise ConfigError(f"unknown key {key!r}")
    if key in PROTECTED_KEYS:
        raise ConfigError(f"{key} can only be changed in the config file or the environment")
    data = current.model_dump()
    data[name] = value
    try:
        updated = type(current).model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise ConfigError(f"{key}: {error['msg']}") from None
    return settings.model_copy(update={section: updated})


def apply_overrides(settings: Settings, overrides: dict[str, Any]) -> tuple[Settings, dict[str, str]]:
    """Apply stored overrides one by one; any that no longer validates is skipped and reported."""
    rejected = {}
    for key, value in overrides.items():
        try:
            settings = validate_override(settings, key, value)
        except ConfigError as exc:
            rejected[key] = str(exc)
            logger.warning("ignoring stored override %s: %s", key, exc)
    return settings, rejected


def _mask_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not an SQLAlchemy URL: show nothing of it
        return "***"


def _without_credentials(url: str) -> str:
    """A URL with any user name and password in it replaced by ***."""
    return re.sub(r"(?<=://)[^/@\s]+@", "***@", url)


def masked(settings: Settings) -> dict[str, dict[str, Any]]:
    """Every setting, with the token, passwords and credentials in URLs hidden: safe to show to admins."""
    data = settings.model_dump(mode="json")
    data["telegram"]["token"] = "***" if settings.telegram.token.get_secret_value() else ""
    data["database"]["url"] = _mask_url(settings.database.resolved_url())
    for key in ("base_url", "base_file_url"):
        data["telegram"][key] = redact(_without_credentials(data["telegram"][key]), settings)
    for key in ("feeds", "search_urls"):
        data["news"][key] = [_without_credentials(url) for url in data["news"][key]]
    return data


def secrets_of(settings: Settings) -> list[str]:
    """The values no log line or reply may contain."""
    found = [settings.telegram.token.get_secret_value(), settings.bot.webhook_secret.get_secret_value()]
    password = _database_password(settings.database.resolved_url())
    return [secret for secret in [*found, password] if secret and len(secret) >= 4]


def _database_password(url: str) -> str | None:
    from sqlalchemy.engine import make_url

    try:
        password = make_url(url).password
    except Exception:  # not an SQLAlchemy URL: it has no password we could find
        return None
    return str(password) if password else None


def redact(text: str, settings: Settings) -> str:
    for secret in secrets_of(settings):
        text = text.replace(secret, "***")
    return text
