"""The rules behind the admin commands: what the bot knows of its users and chats, broadcasts, the audit log.

Free of Telegram types: ``bot.admin`` checks the sender, parses and replies, and hands a broadcast a function
that sends one message; this module decides who gets it, what a refusal means and what is written down.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.storage import AuditInfo, Storage
from bot.subscribers import Subscribers

logger = logging.getLogger(__name__)

__all__ = ["MAX_AUDIT_ENTRIES", "Administration", "Sent"]

MAX_AUDIT_ENTRIES = 50  # one /audit reply; older entries stay in the database
# A digest run's claim is needed only while replicas may still fire that run: seconds apart, minutes when one
# is late. Kept far longer, then purged with the expired summaries.
DIGEST_RUNS_KEPT = timedelta(days=2)


class Sent(enum.Enum):
    """What became of one broadcast message."""

    DELIVERED = "delivered"
    BLOCKED = "blocked"  # the chat blocked the bot (or removed it): stop writing to it
    FAILED = "failed"  # anything else (a deleted chat, a network error): tried again next broadcast


class Administration:
    """Overrides, counts, known chats, broadcasts and the audit log, for admins and for housekeeping."""

    def __init__(self, storage: Storage, subscribers: Subscribers) -> None:
        self.storage = storage
        self.subscribers = subscribers  # a chat that blocked the bot is paused the same way a failed digest does it

    async def overrides(self) -> dict[str, Any]:
        """The settings admins changed from Telegram, by key (values as stored, JSON types)."""
        return await self.storage.overrides()

    async def counts(self) -> dict[str, int]:
        """How many users, chats and subscriptions the bot knows (for /stats)."""
        return await self.storage.counts()

    async def known_chats(self) -> list[int]:
        """Every chat the bot has seen: a broadcast's recipients."""
        return await self.storage.known_chats()

    async def broadcast(self, by: int, text: str, send: Callable[[int], Awaitable[Sent]]) -> int:
        """Send ``text`` to every known chat through ``send``; pauses chats that blocked the bot, audits, and
        returns how many chats got it."""
        delivered = 0
        for chat_id in await self.storage.known_chats():
            outcome = await send(chat_id)
            if outcome is Sent.DELIVERED:
                delivered += 1
            elif outcome is Sent.BLOCKED:
                await self.subscribers.pause(chat_id)
        await self.storage.audit(by, "broadcast", f"{delivered} chats: {text}")
        return delivered

    async def recent_actions(self, count: int) -> list[AuditInfo]:
        """The last ``count`` admin actions, newest first, at most MAX_AUDIT_ENTRIES."""
        return await self.storage.audit_log(min(count, MAX_AUDIT_ENTRIES))

    async def purge_expired(self) -> int | None:
        """Drop summaries past the cache lifetime, old digest-run claims and old handled-update marks; returns how
        many summaries, or None when the database could not now."""
        try:
            await self.storage.purge_digest_runs(before=datetime.now(UTC) - DIGEST_RUNS_KEPT)
            await self.storage.purge_updates(before=datetime.now(UTC) - DIGEST_RUNS_KEPT)
            return await self.storage.purge_expired()
        except SQLAlchemyError as error:  # a full disk, a busy database: next time, then
            logger.warning("could not purge the summary cache: %s", error)
            return None
