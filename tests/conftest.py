"""Shared fixtures: the seed article, local servers, settings, and the real (small) embedding model."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from summarizer.settings import Settings, load_settings
from tests.helpers.servers import PageServer

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed"  # raw-scrape.txt and expected.json; the page itself ships with the package:
SEED_ARTICLE = Path(__file__).resolve().parents[1] / "summarizer" / "data" / "sample_article.html"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's own config, token or data folder."""
    import os

    for name in list(os.environ):
        if name.startswith("NEWSBOT_") or name == "TELEGRAM_BOT_TOKEN":
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def seed_html() -> str:
    return SEED_ARTICLE.read_text("utf-8")


@pytest.fixture
def seed_text() -> str:
    return (SEED / "raw-scrape.txt").read_text("utf-8")


@pytest.fixture(scope="session")
def expected() -> dict[str, Any]:
    return json.loads((SEED / "expected.json").read_text("utf-8"))


@pytest.fixture
def settings() -> Settings:
    """Defaults, with private hosts allowed so that the loopback test servers can be reached."""
    return load_settings(None, fetch={"allow_private_hosts": True, "timeout_s": 5.0})


@pytest.fixture
async def server() -> AsyncIterator[PageServer]:
    page_server = await PageServer().start()
    yield page_server
    await page_server.stop()


@pytest.fixture(scope="session")
def encoder():  # type: ignore[no-untyped-def]
    """The bundled all-MiniLM-L6-v2 encoder, loaded once for the whole run."""
    from summarizer.embeddings import SentenceEncoder

    return SentenceEncoder()


@pytest.fixture(scope="session")
def extractive(encoder):  # type: ignore[no-untyped-def]
    from summarizer.backends.extractive import ExtractiveBackend

    return ExtractiveBackend(encoder=encoder)


def _required_in_ci(reason: str) -> None:
    """A server the tests need is missing: skip, saying why, except under CI, where it must be there."""
    import os

    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; CI must test it: .ci/run installs it from Debian's package")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_server():  # type: ignore[no-untyped-def]
    """One Redis server for the whole run (see ``redis_url`` for a database of one's own)."""
    from tests.helpers.redis import RedisServer, find_redis

    binary = find_redis()
    if binary is None:
        _required_in_ci("Redis is not installed (no redis-server on PATH)")
    server = RedisServer(binary).start()
    yield server
    server.stop()


_redis_databases = iter(range(1, 64))


@pytest.fixture
def redis_url(redis_server) -> str:  # type: ignore[no-untyped-def]
    """A logical Redis database no other test of this run uses."""
    return str(redis_server.url(next(_redis_databases)))
