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


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    """A real SQLite database in the test's folder, migrated on open, for the services that sit on storage."""
    opened = Storage(f"sqlite+aiosqlite:///{tmp_path / 'services.db'}", timedelta(hours=1))
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeBotAPI]:
    api = await FakeBotAPI().start()
    yield api
    await api.stop()


def bot_settings(api: FakeBotAPI, tmp_path: Path, **sections: dict[str, Any]) -> Settings:
    base: dict[str, dict[str, Any]] = {
        "telegram": {
            "token": TOKEN,
            "base_url": api.base_url,
            "base_file_url": api.base_url.replace("/bot", "/file/bot"),
        },
        "fetch": {"allow_private_hosts": True, "timeout_s": 10.0},
        "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"},
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
async def make_bot(telegram: FakeBotAPI, tmp_path: Path, extractive: Any) -> AsyncIterator[AppFactory]:
    """Build and start bots (``make_bot(fetch={...})``); all are stopped at the end of the test."""
    running: list[Application] = []  # type: ignore[type-arg]

    async def factory(**sections: dict[str, Any]) -> Application:  # type: ignore[type-arg]
        application = build_application(bot_settings(telegram, tmp_path, **sections), backend=extractive)
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
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return await server.create_database()
