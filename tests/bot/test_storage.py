"""The database layer on a real SQLite file and a real PostgreSQL server: cache, subscriptions, sent history."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.storage import Storage, StorageError


def url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def test_sent_history_and_pausing(database_url: str) -> None:
    storage = Storage(database_url, timedelta(hours=1))
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


async def test_cache_expires(database_url: str) -> None:
    storage = Storage(database_url, timedelta(seconds=0))
    await storage.open()
    key = await storage.store({"url": "https://example.com/x", "text": "t", "source": "s"}, "https://example.com/x")
    assert await storage.cached(key) is None
    assert await storage.purge_expired() == 1
    await storage.close()


async def test_many_concurrent_writers_never_see_database_is_locked(database_url: str) -> None:
    """Several engines on one database (as several processes would have), reading while others write."""
    stores = [Storage(database_url, timedelta(hours=1)) for _ in range(4)]
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


async def test_two_writers_of_one_new_key_both_succeed(database_url: str) -> None:
    stores = [Storage(database_url, timedelta(hours=1)) for _ in range(2)]
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


async def test_two_writers_of_one_new_user_both_succeed(database_url: str) -> None:
    """Two replicas seeing one new user and chat at once: one row each, and no error for either."""
    stores = [Storage(database_url, timedelta(hours=1)) for _ in range(2)]
    for storage in stores:
        await storage.open()
    try:
        for n in range(20):
            await asyncio.gather(*(s.remember(n, -n, "group") for s in stores))
        assert await stores[0].counts() == {"users": 20, "chats": 20, "subscriptions": 0}
        assert await stores[1].known_chats() == sorted(-n for n in range(20))
    finally:
        for storage in stores:
            await storage.close()


async def test_times_come_back_with_their_zone(database_url: str) -> None:
    storage = Storage(database_url, timedelta(hours=1))
    await storage.open()
    await storage.audit(7, "set", "bot.rate_limit_per_minute=5")
    (entry,) = await storage.audit_log(10)
    assert entry.at.tzinfo is not None and entry.at.utcoffset() == timedelta(0)
    await storage.close()
