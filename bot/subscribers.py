"""The rules of subscriptions: how many a chat may have, which run, in which zone, and what each was sent.

Free of Telegram types: the handlers in ``bot.subscriptions`` parse and reply, ``bot.schedule`` puts what this
returns on the JobQueue, and the database stays behind ``bot.storage``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.storage import Storage, SubscriptionInfo
from summarizer.topics import Digest

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_EVERY",
    "DEFAULT_HOUR",
    "MAX_ZONE_CHARS",
    "ChatSubscriptions",
    "SubscribeRequest",
    "Subscribed",
    "Subscribers",
    "TooMany",
    "UnknownZone",
]

DEFAULT_HOUR, DEFAULT_EVERY = 8, 24
MAX_ZONE_CHARS = 64


@dataclass(frozen=True, slots=True)
class SubscribeRequest:
    """What /subscribe asks for, once parsed."""

    topic: str
    hour: int = DEFAULT_HOUR
    minute: int = 0
    every_hours: int = DEFAULT_EVERY
    quiet: bool = False


@dataclass(frozen=True, slots=True)
class ChatSubscriptions:
    """One chat's subscriptions and the zone they run in: what the scheduler (re)schedules or a listing shows."""

    chat_id: int
    zone: str
    subscriptions: tuple[SubscriptionInfo, ...]


@dataclass(frozen=True, slots=True)
class Subscribed:
    """A subscription added, or (``again``) one the chat had on that topic, now on the schedule asked for;
    ``resumed`` is the chat's paused subscriptions that run again (None if there were none)."""

    added: SubscriptionInfo
    zone: str
    resumed: ChatSubscriptions | None
    again: bool = False


@dataclass(frozen=True, slots=True)
class TooMany:
    """The chat already has the most subscriptions allowed; nothing was added."""

    count: int


class UnknownZone(ValueError):
    """Not a time zone name this system knows; the chat's zone is left as it was."""


def _urls(digests: list[Digest]) -> set[str]:
    return set().union(*(digest.urls for digest in digests))


def _check_zone(zone: str) -> None:
    """Raise UnknownZone unless ``zone`` names a zone (an area such as "America" is a folder, not a zone)."""
    try:
        if len(zone) > MAX_ZONE_CHARS:
            raise ValueError(zone)
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError for odd names such as "../../etc/passwd"
        raise UnknownZone(zone) from None


class Subscribers:
    """Subscriptions per chat, their time zone, pausing and resuming, and the stories already sent to each."""

    def __init__(self, storage: Storage, limit: Callable[[], int]) -> None:
        self.storage = storage
        self.limit = limit  # read at each /subscribe: an admin's /set of news.max_subscriptions_per_chat applies now

    async def subscribe(self, chat_id: int, request: SubscribeRequest) -> Subscribed | TooMany:
        """Add a subscription unless the chat is at its limit; a chat that subscribes is resumed first. A topic
        the chat has already (case and spacing aside) keeps its one subscription, on the schedule now asked for:
        people send a command twice, and Telegram redelivers."""
        existing = await self.storage.subscription_on(chat_id, request.topic)
        if existing is None:
            count = len(await self.storage.subscriptions(chat_id))  # paused ones count too
            if count >= self.limit():
                return TooMany(count)
        resumed = await self.resume(chat_id)
        if existing is None:
            added = await self.storage.add_subscription(
                chat_id, request.topic, request.hour, request.minute, request.every_hours, request.quiet
            )
            if added is not None:
                return Subscribed(added=added, zone=await self.storage.timezone(chat_id), resumed=resumed)
            # the same /subscribe, handled at this moment by another replica: that one added it
            existing = await self.storage.subscription_on(chat_id, request.topic)
        changed = None
        if existing is not None:
            changed = await self.storage.change_schedule(
                existing.id,
                hour=request.hour,
                minute=request.minute,
                every_hours=request.every_hours,
                quiet=request.quiet,
            )
        if changed is None:
            raise RuntimeError(f"the subscription of chat {chat_id} to {request.topic!r} vanished while being changed")
        return Subscribed(added=changed, zone=await self.storage.timezone(chat_id), resumed=resumed, again=True)

    async def listing(self, chat_id: int) -> ChatSubscriptions:
        """All of a chat's subscriptions, paused ones included, with its zone."""
        found = await self.storage.subscriptions(chat_id)
        return ChatSubscriptions(chat_id, await self.storage.timezone(chat_id), tuple(found))

    async def active(self, chat_id: int) -> list[SubscriptionInfo]:
        return await self.storage.subscriptions(chat_id, active=True)

    async def unsubscribe(self, chat_id: int, id_or_topic: str) -> list[SubscriptionInfo]:
        """Remove by id or topic, only within this chat; returns what was removed (to unschedule)."""
        return await self.storage.remove_subscriptions(chat_id, id_or_topic)

    async def timezone(self, chat_id: int) -> str:
        return await self.storage.timezone(chat_id)

    async def set_timezone(self, chat_id: int, zone: str) -> ChatSubscriptions:
        """Store a valid zone (else UnknownZone); returns the active subscriptions to schedule in it."""
        _check_zone(zone)
        await self.storage.set_timezone(chat_id, zone)
        return await self._running(chat_id, zone)

    async def resume(self, chat_id: int) -> ChatSubscriptions | None:
        """A chat that writes again can be reached again: its paused subscriptions run again (None: none were)."""
        if not await self.storage.resume_chat(chat_id):
            return None
        return await self._running(chat_id, await self.storage.timezone(chat_id))

    async def pause(self, chat_id: int) -> list[int]:
        """A chat that blocked the bot: its subscriptions stop until it writes again; returns their ids."""
        return await self.storage.pause_chat(chat_id)

    async def running(self) -> list[ChatSubscriptions]:
        """Every active subscription, by chat with its zone: what is scheduled at start."""
        by_chat: dict[int, list[SubscriptionInfo]] = defaultdict(list)
        for subscription in await self.storage.subscriptions(active=True):
            by_chat[subscription.chat_id].append(subscription)
        return [
            ChatSubscriptions(chat_id, await self.storage.timezone(chat_id), tuple(found))
            for chat_id, found in by_chat.items()
        ]

    async def scheduled(self) -> list[tuple[SubscriptionInfo, str]]:
        """Every active subscription with its chat's zone, in one query: what every replica's JobQueue should hold."""
        return await self.storage.active_with_zones()

    async def claim(self, chat_id: int, slot: datetime) -> bool:
        """Whether this job delivers the chat's run due at ``slot`` (True for exactly one job, in one replica)."""
        return await self.storage.claim_digest(chat_id, slot)

    async def due(self, subscription_id: int) -> SubscriptionInfo | None:
        """The subscription a scheduled job should deliver now, or None when it was removed or paused."""
        subscription = await self.storage.subscription(subscription_id)
        return None if subscription is None or subscription.paused else subscription

    async def sent(self, chat_id: int) -> set[str]:
        """The story URLs the chat was sent, by any of its subscriptions: none goes to it again."""
        return await self.storage.sent_urls(chat_id)

    async def mark_delivered(self, chat_id: int, digests: list[Digest]) -> None:
        await self.storage.mark_sent(chat_id, _urls(digests))

    async def unmark_delivered(self, chat_id: int, digests: list[Digest]) -> None:
        """Take the marks back for a digest Telegram certainly refused."""
        await self.storage.unmark_sent(chat_id, _urls(digests))

    async def _running(self, chat_id: int, zone: str) -> ChatSubscriptions:
        return ChatSubscriptions(chat_id, zone, tuple(await self.storage.subscriptions(chat_id, active=True)))
