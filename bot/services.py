"""The bot's resources and the work behind its handlers, free of Telegram types so it can be tested alone.

Opened once in the Application's ``post_init`` and closed in ``post_shutdown``: the fetcher's HTTP
session, the database, the model and its worker pool.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta

from bot.ratelimit import RateLimiter
from bot.storage import Storage, SubscriptionInfo
from bot.workers import Busy, ModelWorkers
from summarizer.backends import Backend
from summarizer.feeds import sources_from
from summarizer.fetch import Fetcher
from summarizer.pipeline import Pipeline, Result
from summarizer.settings import Settings
from summarizer.topics import Digest, TopicFinder

logger = logging.getLogger(__name__)

__all__ = ["Answer", "Services", "Stats"]

MORE_SENTENCES = 3  # "More" adds this many sentences to the configured length


@dataclass(frozen=True, slots=True)
class Answer:
    """A summarised link: its cache key (for the buttons) and whether it came from the cache."""

    key: str
    result: Result
    cached: bool


@dataclass
class Stats:
    started: float = field(default_factory=time.time)
    links: int = 0
    cache_hits: int = 0
    failures: int = 0
    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=1000))
    failing_sources: dict[str, str] = field(default_factory=dict)  # the last digest's, for logs and /stats


class Services:
    def __init__(self, settings: Settings, backend: Backend | None = None) -> None:
        self.settings = settings
        self.fetcher = Fetcher(settings.fetch)
        self.pipeline = Pipeline(settings, self.fetcher, backend)
        self.storage = Storage(settings.database.resolved_url(), timedelta(hours=settings.bot.cache_ttl_hours))
        self.workers = ModelWorkers(settings.bot.workers, settings.bot.queue_size)
        self.limiter = RateLimiter(settings.bot.rate_limit_per_minute)
        self.stats = Stats()
        self._topics: TopicFinder | None = None

    async def open(self) -> None:
        await self.fetcher.open()
        await self.storage.open()
        await self.workers.run(self.pipeline.load_backend)  # the model loads off the event loop, once
        logger.info("services ready (backend %s)", self.pipeline.backend.name)

    @property
    def topics(self) -> TopicFinder:
        """Built on first use; shares the extractive backend's encoder when there is one."""
        if self._topics is None:
            encoder = getattr(self.pipeline.backend, "encoder", None)
            if encoder is None:
                from summarizer.embeddings import SentenceEncoder

                encoder = SentenceEncoder()
            news = self.settings.news
            self._topics = TopicFinder(self.fetcher, sources_from(news.feeds, news.search_urls), encoder.encode,
                                       self.pipeline, news.source_timeout_s)  # fmt: skip
        return self._topics

    async def topic_digest(self, topic: str, exclude: set[str] | None = None) -> Digest:
        """The latest stories on a topic, clustered and summarised (CPU work in the model pool)."""
        if self.workers.pending >= self.workers.capacity:
            raise Busy
        digest = await self.topics.digest(topic, self.settings.news.stories, exclude, self.workers.executor)
        self.stats.failing_sources = digest.failures
        return digest

    async def subscription_digest(self, subscription: SubscriptionInfo) -> Digest:
        """Only stories this subscription has not been sent, by any of their outlets' URLs."""
        return await self.topic_digest(subscription.topic, await self.storage.sent_urls(subscription.id))

    async def mark_delivered(self, subscription: SubscriptionInfo, digest: Digest) -> None:
        await self.storage.mark_sent(subscription.id, set().union(*(story.urls for story in digest.stories)))

    async def close(self) -> None:
        await self.fetcher.close()
        await self.storage.close()
        self.workers.shutdown()

    async def summarize_link(self, link: str) -> Answer:
        """A link's summary and facts: from the cache if fresh, else fetched, cleaned and summarised."""
        started = time.perf_counter()
        self.stats.links += 1
        cached = await self.storage.cached_for_link(link)
        if cached is not None:
            self.stats.cache_hits += 1
            key, data = cached
            return Answer(key, Result.from_dict(data), cached=True)
        try:
            result = await self.pipeline.extract(link)  # cleaning must not queue behind model jobs
            result = await self.workers.run(self.pipeline.summarize_article, result)
        except Exception:
            self.stats.failures += 1
            raise
        key = await self.storage.store(result.to_dict(), link)
        self.stats.latencies_ms.append((time.perf_counter() - started) * 1000)
        return Answer(key, result, cached=False)

    async def summarize_text(self, text: str) -> Answer:
        """A pasted article; cached under a key of its text so its buttons work like a link's."""
        result = await self.workers.run(self.pipeline.run_text, text)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
        key = await self.storage.store(result.to_dict(), f"text:{digest}")
        return Answer(key, result, cached=False)

    async def longer(self, key: str) -> Result | None:
        """The cached article with a longer summary, or None when the entry has expired."""
        data = await self.storage.cached(key)
        if data is None:
            return None
        result = Result.from_dict(data)
        sentences = self.settings.summarizer.sentences + MORE_SENTENCES
        return await self.workers.run(self.pipeline.summarize_article, result, sentences)

    async def cached(self, key: str) -> Result | None:
        data = await self.storage.cached(key)
        return Result.from_dict(data) if data is not None else None
