"""The admin rules on a real SQLite file, without Telegram: broadcasts and what they write down, counts, audit."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.administration import MAX_AUDIT_ENTRIES, Administration, Sent
from bot.storage import Storage
from bot.subscribers import SubscribeRequest, Subscribers

ADMIN = 1
DELIVERED, BLOCKED, FAILED = 100, 200, 300  # chats and what sending to each does


@pytest.fixture
def subscribers(storage: Storage) -> Subscribers:
    return Subscribers(storage, limit=lambda: 5)


@pytest.fixture
def administration(storage: Storage, subscribers: Subscribers) -> Administration:
    return Administration(storage, subscribers)


async def test_a_broadcast_reaches_every_known_chat_and_pauses_those_that_blocked_the_bot(
    storage: Storage, subscribers: Subscribers, administration: Administration
) -> None:
    for chat_id in (FAILED, BLOCKED, DELIVERED):
        await storage.remember(chat_id, chat_id, "private")
        await subscribers.subscribe(chat_id, SubscribeRequest("Sahel"))
    tried: list[int] = []

    async def send(chat_id: int) -> Sent:
        tried.append(chat_id)
        return {DELIVERED: Sent.DELIVERED, BLOCKED: Sent.BLOCKED}.get(chat_id, Sent.FAILED)

    assert await administration.broadcast(ADMIN, "Maintenance at noon", send) == 1
    assert tried == [DELIVERED, BLOCKED, FAILED]
    assert [s.chat_id for s in await storage.subscriptions(active=True)] == [FAILED, DELIVERED]  # only BLOCKED paused
    (entry,) = await administration.recent_actions(10)
    assert (entry.user_id, entry.action, entry.detail) == (ADMIN, "broadcast", "1 chats: Maintenance at noon")


async def test_a_broadcast_to_nobody_is_still_written_down(administration: Administration) -> None:
    async def send(chat_id: int) -> Sent:
        raise AssertionError(f"no chat is known, yet {chat_id} was sent to")

    assert await administration.broadcast(ADMIN, "hello", send) == 0
    assert [e.detail for e in await administration.recent_actions(10)] == ["0 chats: hello"]


async def test_counts_and_known_chats(
    storage: Storage, subscribers: Subscribers, administration: Administration
) -> None:
    assert await administration.counts() == {"users": 0, "chats": 0, "subscriptions": 0}
    await storage.remember(7, -50, "group")
    await storage.remember(8, -50, "group")
    await storage.remember(8, 8, "private")
    await subscribers.subscribe(-50, SubscribeRequest("Iraq"))
    assert await administration.counts() == {"users": 2, "chats": 2, "subscriptions": 1}
    assert await administration.known_chats() == [-50, 8]


async def test_the_audit_log_is_newest_first_and_capped(storage: Storage, administration: Administration) -> None:
    for number in range(MAX_AUDIT_ENTRIES + 10):
        await storage.audit(ADMIN, "set", f"change {number}")
    entries = await administration.recent_actions(1000)
    assert len(entries) == MAX_AUDIT_ENTRIES
    assert entries[0].detail == f"change {MAX_AUDIT_ENTRIES + 9}"
    assert [e.detail for e in await administration.recent_actions(2)] == [
        f"change {MAX_AUDIT_ENTRIES + 9}",
        f"change {MAX_AUDIT_ENTRIES + 8}",
    ]


async def test_overrides_are_listed_as_stored(storage: Storage, administration: Administration) -> None:
    await storage.set_override("summarizer.sentences", 2, ADMIN)
    await storage.set_override("news.feeds", ["https://a.example/rss"], ADMIN)
    assert await administration.overrides() == {"news.feeds": ["https://a.example/rss"], "summarizer.sentences": 2}


async def test_purging_the_cache_says_how_many_or_none_when_the_database_cannot(tmp_path: Path) -> None:
    storage = Storage(f"sqlite+aiosqlite:///{tmp_path / 'purge.db'}", timedelta(seconds=0))
    await storage.open()
    administration = Administration(storage, Subscribers(storage, limit=lambda: 5))
    await storage.store({"url": "https://example.com/x", "text": "t", "source": "s"}, "https://example.com/x")
    assert await administration.purge_expired() == 1
    assert await administration.purge_expired() == 0
    async with storage.sessions.begin() as session:  # a database that refuses the purge, as a full disk would
        await session.execute(text("DROP TABLE summary_cache"))
    assert await administration.purge_expired() is None  # logged; the housekeeping job tries again later
    await storage.close()
