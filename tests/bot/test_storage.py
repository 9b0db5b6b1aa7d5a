"""The database layer on a real SQLite file: migrations, the summary cache, subscriptions and sent history."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from bot.storage import MIGRATIONS, Storage, StorageError, cache_key


def url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def test_a_version_1_database_is_upgraded_in_place_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    key = cache_key("https://example.com/a")
    with engine.begin() as connection:  # what the first release wrote: the summary cache only, at version 1
        _version, _description, migrate = MIGRATIONS[0]
        migrate(connection)
        connection.exec_driver_sql("CREATE TABLE schema_version (version INTEGER PRIMARY KEY)")
        connection.exec_driver_sql("INSERT INTO schema_version VALUES (1)")
        connection.exec_driver_sql(
            "INSERT INTO summary_cache VALUES (?, ?, ?, ?)",
            (key, "https://example.com/a", '{"source": "s", "text": "t"}', datetime.now(UTC).isoformat(" ")),
        )
    engine.dispose()

    storage = Storage(url(path), timedelta(hours=1))
    await storage.open()
    assert storage.schema_version == len(MIGRATIONS) == 3
    assert (await storage.cached(key)) is not None
    added = await storage.add_subscription(1, "Iraq", 8, 0, 24, False)
    assert [s.id for s in await storage.subscriptions(1)] == [added.id]
    await storage.close()
    tables = {row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"summary_cache", "url_alias", "subscription", "sent_story", "chat_settings", "schema_version"} <= tables
    versions = [row[0] for row in sqlite3.connect(path).execute("SELECT version FROM schema_version ORDER BY 1")]
    assert versions == [1, 2, 3]


async def test_sent_history_and_pausing(tmp_path: Path) -> None:
    storage = Storage(url(tmp_path / "s.db"), timedelta(hours=1))
    await storage.open()
    first = await storage.add_subscription(10, "Sahel", 8, 0, 24, False)
    other = await storage.add_subscription(11, "Sahel", 8, 0, 24, False)
    await storage.mark_sent(first.id, {"https://a.example/1", "https://b.example/1"})
    await storage.mark_sent(first.id, {"https://a.example/1"})  # idempotent
    assert await storage.sent_urls(first.id) == {"https://a.example/1", "https://b.example/1"}
    assert await storage.sent_urls(other.id) == set()
    assert await storage.pause_chat(10) == [first.id]
    assert [s.id for s in await storage.subscriptions(active=True)] == [other.id]
    assert await storage.resume_chat(10) == [first.id]
    assert await storage.remove_subscriptions(11, "SAHEL") and await storage.subscriptions(11) == []
    assert await storage.remove_subscriptions(11, str(first.id)) == []  # another chat's id is not yours
    await storage.close()


async def test_cache_expires(tmp_path: Path) -> None:
    storage = Storage(url(tmp_path / "c.db"), timedelta(seconds=0))
    await storage.open()
    key = await storage.store({"url": "https://example.com/x", "text": "t", "source": "s"}, "https://example.com/x")
    assert await storage.cached(key) is None
    assert await storage.purge_expired() == 1
    await storage.close()


async def test_many_concurrent_writers_never_see_database_is_locked(tmp_path: Path) -> None:
    """Several engines on one file (as several processes would have), reading while others write."""
    stores = [Storage(url(tmp_path / "busy.db"), timedelta(hours=1)) for _ in range(4)]
    for storage in stores:
        await storage.open()
    try:
        work = []
        for n in range(300):
            storage = stores[n % 4]
            link = f"https://example.com/{n}"
            work += [storage.store({"url": link, "text": "x" * 50_000}, link), storage.cached_for_link(link),
                     storage.audit(1, "set", f"key{n}")]  # fmt: skip
        outcomes = await asyncio.gather(*work, return_exceptions=True)
        assert [repr(o) for o in outcomes if isinstance(o, BaseException)] == []
        assert len(await stores[0].audit_log(1000)) == 300
    finally:
        for storage in stores:
            await storage.close()


async def test_a_corrupt_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not an SQLite database " * 200)
    storage = Storage(url(path), timedelta(hours=1))
    with pytest.raises(StorageError) as failed:
        await storage.open()
    assert str(failed.value) == f"the database at {url(path)} cannot be used: file is not a database"


async def test_two_writers_of_one_new_key_both_succeed(tmp_path: Path) -> None:
    stores = [Storage(url(tmp_path / "race.db"), timedelta(hours=1)) for _ in range(2)]
    for storage in stores:
        await storage.open()
    try:
        for n in range(20):
            link = f"https://example.com/same-{n}"
            keys = await asyncio.gather(*(s.store({"url": link, "text": "x"}, link) for s in stores))
            assert keys[0] == keys[1]
    finally:
        for storage in stores:
            await storage.close()
