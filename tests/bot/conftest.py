"""A real PTB Application against the fake Bot API server, with pages from a local server."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.storage import Storage
from summarizer.settings import Settings, load_settings
from tests.helpers.fake_telegram import TOKEN, FakeBotAPI
from tests.helpers.postgres import PostgresServer, find_binaries

AppFactory = Callable[..., Awaitable[Application]]  # type: ignore[type-arg]


# Bot-level tests that run on PostgreSQL as well as SQLite: the ones that go through storage (the summary cache
# behind a reply and its buttons, subscriptions and their sent-history, admin overrides, access lists, the audit
# log, a restart keeping all of it). Every other bot test stays on SQLite, to keep the suite's time. A module named
# here with ALL has every test that uses the database parametrised; a name that no longer exists stops collection.
ALL = None
ON_BOTH_DATABASES: dict[str, set[str] | None] = {
    "test_conversation": {"test_the_same_link_is_answered_from_the_cache", "test_buttons"},
    "test_topics": {
        "test_subscribe_then_scheduled_digests_never_repeat_even_after_restart",
        "test_a_chat_that_blocked_the_bot_is_paused",
        "test_subscription_commands",
    },
    "test_admin": {
        "test_set_changes_the_next_summary_and_survives_a_restart",
        "test_block_and_allowlist",
        "test_sources_stats_and_broadcast",
    },
    "test_subscribers": ALL,
    "test_administration": ALL,
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the tests chosen in ON_BOTH_DATABASES once per database (``[sqlite]``, ``[postgresql]``)."""
    if "bot_database" not in metafunc.fixturenames:
        return
    module = metafunc.module.__name__.rpartition(".")[2]
    if module not in ON_BOTH_DATABASES:
        return
    chosen = ON_BOTH_DATABASES[module]
    if chosen is not None:
        gone = sorted(name for name in chosen if not hasattr(metafunc.module, name))
        if gone:
            raise pytest.UsageError(f"tests/bot/conftest.py ON_BOTH_DATABASES names tests {module} lacks: {gone}")
        if metafunc.function.__name__ not in chosen:
            return
    metafunc.parametrize("bot_database", ["sqlite", "postgresql"], indirect=True)


async def empty_database(request: pytest.FixtureRequest, kind: str, file: Path) -> str:
    """A new, empty database's URL: an SQLite file, or a fresh database on the session's PostgreSQL server."""
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{file}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return await server.create_database()


@pytest.fixture
async def bot_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database of a test's bots and of ``storage``: SQLite, or each kind for the tests in ON_BOTH_DATABASES."""
    return await empty_database(request, getattr(request, "param", "sqlite"), tmp_path / "bot.db")


@pytest.fixture
async def storage(bot_database: str) -> AsyncIterator[Storage]:
    """A real database (``bot_database``), migrated on open, for the services that sit on storage."""
    opened = Storage(bot_database, timedelta(hours=1))
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeBotAPI]:
    api = await FakeBotAPI().start()
    yield api
    await api.stop()


def bot_settings(
    api: FakeBotAPI, tmp_path: Path, *, database_url: str | None = None, **sections: dict[str, Any]
) -> Settings:
    """Settings for a bot on the fake Bot API; its database is an SQLite file in tmp_path unless one is given."""
    base: dict[str, dict[str, Any]] = {
        "telegram": {
            "token": TOKEN,
            "base_url": api.base_url,
            "base_file_url": api.base_url.replace("/bot", "/file/bot"),
        },
        "fetch": {"allow_private_hosts": True, "timeout_s": 10.0},
        "database": {"url": database_url or f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"},
        "bot": {"rate_limit_per_minute": 1000},
        "news": {"feeds": [], "search_urls": []},  # never the real defaults: tests set local ones
    }
    for section, values in sections.items():
        base[section] = base.get(section, {}) | values
    return load_settings(None, **base)


async def start(application: Application) -> None:  # type: ignore[type-arg]
    """The start sequence of Application.run_polling, on the test's own event loop."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=0.0, timeout=1, allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY]
    )
    await application.start()


async def stop(application: Application) -> None:  # type: ignore[type-arg]
    assert application.updater is not None
    if application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)


@pytest.fixture
async def make_bot(
    telegram: FakeBotAPI, tmp_path: Path, extractive: Any, bot_database: str
) -> AsyncIterator[AppFactory]:
    """Build and start bots (``make_bot(fetch={...})``), all on one database; all are stopped at the test's end."""
    running: list[Application] = []  # type: ignore[type-arg]

    async def factory(**sections: dict[str, Any]) -> Application:  # type: ignore[type-arg]
        settings = bot_settings(telegram, tmp_path, database_url=bot_database, **sections)
        application = build_application(settings, backend=extractive)
        await start(application)
        running.append(application)
        return application

    yield factory
    for application in running:
        await stop(application)


@pytest.fixture
async def bot(make_bot: AppFactory) -> Application:  # type: ignore[type-arg]
    return await make_bot()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole run; skips without one, but fails under CI, where it must be there."""
    binaries = find_binaries()
    if binaries is None:
        reason = "PostgreSQL is not installed (initdb and pg_ctl not on PATH nor in /usr/lib/postgresql/*/bin)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason}; CI must test PostgreSQL: .ci/run installs it from Debian's package")
        pytest.skip(reason)
    server = PostgresServer(binaries).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each supported kind: a file in the test's folder, or a fresh PostgreSQL database."""
    return await empty_database(request, request.param, tmp_path / "test.db")
