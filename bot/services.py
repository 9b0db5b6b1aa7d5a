"""The bot's resources and the work behind its handlers, free of Telegram types so it can be tested alone.

Opened once in the Application's ``post_init`` and closed in ``post_shutdown``: the fetcher's HTTP
session, the database, the model and its worker pool.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from bot.administration import Administration
from bot.model_queue import QueuedModels
from bot.ratelimit import RateLimiter, SharedRateLimiter
from bot.storage import Storage, cache_key
from bot.subscribers import Subscribers
from bot.workers import Busy, ModelWorkers
from summarizer.backends import Backend
from summarizer.charts import bar_chart, comparable
from summarizer.feeds import sources_from
from summarizer.fetch import Fetcher
from summarizer.pipeline import PastedText, Pipeline, Result
from summarizer.settings import ConfigError, Settings, apply_overrides, parse_value, validate_override
from summarizer.topics import Digest, TopicFinder
from summarizer.urls import canonical_url

logger = logging.getLogger(__name__)

__all__ = ["Answer", "Services", "Stats"]

P = ParamSpec("P")
T = TypeVar("T")

MORE_SENTENCES = 3  # "More" adds this many sentences to the configured length
# What a request counts against its user's rate limit: a link is one page and one summary; a topic fans out to
# every source and reads up to a few articles per story, so it counts as several.
LINK_COST, MORE_COST, FACTS_COST, TOPIC_COST = 1, 1, 1, 3  # Facts draws a chart

# Settings an admin's /set changes at once; every other key is stored and takes effect after a restart.
LIVE_KEYS = frozenset(
    {
        "summarizer.sentences",
        "bot.rate_limit_per_minute",
        "bot.max_links_per_message",
        "bot.access",
        "bot.cache_ttl_hours",
        "news.feeds",
        "news.search_urls",
        "news.stories",
        "news.source_timeout_s",
        "news.max_subscriptions_per_chat",
        "news.max_topic_chars",
    }
)


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
    failure_kinds: Counter[str] = field(default_factory=Counter)  # ErrorKind value (or "other") → failures
    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=1000))
    failing_sources: dict[str, str] = field(default_factory=dict)  # the last digest's, for logs and /stats


class _StoredArticles:
    """The summary cache as the topic finder's article cache: a digest's pages are read once, like links."""

    def __init__(self, storage: Storage, keep: Callable[[Result, str], Awaitable[str]]) -> None:
        self.storage = storage
        self.keep = keep  # Services._keep: a failed write is logged, never a reason for a digest to fail

    async def get(self, url: str) -> Result | None:
        found = await self.storage.cached_for_link(url)
        return Result.from_dict(found[1]) if found is not None else None

    async def put(self, url: str, result: Result) -> None:
        await self.keep(result, url)


class Services:
    def __init__(self, settings: Settings, backend: Backend | None = None) -> None:
        self.settings = settings
        self._base_settings = settings  # before any admin override: what /unset returns a key to
        self._backend = backend  # tests bring a tiny model; otherwise the pipeline loads the configured one
        self._make_start_parts()
        self.storage = Storage(settings.database.resolved_url(), timedelta(hours=settings.bot.cache_ttl_hours))
        # The limit is read at each /subscribe, so an admin's /set of it applies at once.
        self.subscribers = Subscribers(self.storage, limit=lambda: self.settings.news.max_subscriptions_per_chat)
        self.administration = Administration(self.storage, self.subscribers)
        self.limiter = RateLimiter(settings.bot.rate_limit_per_minute)
        self.stats = Stats()
        self._topics: TopicFinder | None = None
        self.access: dict[int, str] = {}  # user id → "allowed" / "blocked", mirrored from the database
        self._seen: set[tuple[int | None, int | None]] = set()
        self._reading: dict[str, asyncio.Future[Answer]] = {}  # links being read now, by canonical URL

    async def open(self) -> None:
        await self.storage.open()
        stored, _rejected = apply_overrides(self.settings, await self.storage.overrides())  # logged there
        self._apply(stored)  # admins' overrides win over files and environment, before anything else opens
        self._build_start_parts()
        self.access = await self.storage.access_rules()
        await self.fetcher.open()
        if self.remote is not None:
            await self.remote.open()
        await self.pipeline.start(warm=True)  # the models load off the event loop, once, with no job time limit
        logger.info("services ready (backend %s)", self.pipeline.backend_name)

    def _on_workers(self, function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Awaitable[T]:
        """The pipeline's model work goes to the pool of the moment (``_build_start_parts`` replaces it)."""
        return self.workers.run(function, *args, **kwargs)

    def _build_start_parts(self) -> None:
        """The parts whose settings apply only at start, built again from the effective settings (nothing in
        them has started yet: the fetcher's session opens, and the pool's threads start, after this)."""
        self.workers.shutdown()
        self._make_start_parts()
        self._topics = None  # it holds the pipeline it was built with

    def _make_start_parts(self) -> None:
        """With ``queue.url`` set, model work goes to ``newsbot worker`` processes and no model loads here."""
        self.fetcher = Fetcher(self.settings.fetch)
        bot, queue = self.settings.bot, self.settings.queue
        self.remote = QueuedModels(queue, bot.job_timeout_s) if queue.url.get_secret_value() else None
        # Local models: one job per worker thread at a time, each taking every article waiting (as many may wait as
        # the pool's queue holds). Workers elsewhere: every article is a job at once, bounded by the shared queue.
        parallel = queue.max_waiting if self.remote is not None else bot.workers
        self.pipeline = Pipeline(
            self.settings,
            fetcher=self.fetcher,
            backend=self._backend,
            run_model=self._on_workers,
            remote=self.remote,
            parallel=parallel,
            max_waiting=queue.max_waiting if self.remote is not None else bot.workers + bot.queue_size,
        )
        self.workers = ModelWorkers(bot.workers, bot.queue_size, bot.job_timeout_s)

    @property
    def model_jobs(self) -> int:
        """Model jobs this process has running or waiting (its pool's, or its own on the shared queue)."""
        return self.remote.pending if self.remote is not None else self.workers.pending

    def pending_setting(self, key: str, overrides: dict[str, Any]) -> Any | None:
        """The value a stored override will have after a restart, when it is not the live one; else None."""
        if key in LIVE_KEYS or key not in overrides:
            return None
        section, _, name = key.partition(".")
        live = getattr(getattr(self.settings, section), name)
        return None if overrides[key] == live else overrides[key]

    def _apply(self, settings: Settings) -> None:
        """Make a new settings object the live one. This is the one place a live key reaches the part it
        configures: a part is rebuilt from the new settings (the limiter, the topic finder), or, where it holds
        what must outlive a change (the database), given the new value. Everything else reads ``self.settings``
        at each request (the summary length is passed to the pipeline with every call)."""
        old, self.settings = self.settings, settings
        if settings.bot.rate_limit_per_minute != old.bot.rate_limit_per_minute:
            self.limiter = RateLimiter(settings.bot.rate_limit_per_minute)
        self.storage.cache_ttl = timedelta(hours=settings.bot.cache_ttl_hours)
        if settings.news != old.news:
            self._topics = None  # rebuilt with the new sources on next use

    async def change_setting(self, key: str, raw: str | None, by: int) -> str:
        """Validate, store and (where the key allows) apply an admin's /set or /unset; returns the reply."""
        overrides = await self.storage.overrides()
        if raw is None:
            if key not in overrides:
                raise ConfigError(f"{key} has no override to remove")
            section, _, name = key.partition(".")  # back to the file/env value, leaving every other key as it is
            updated = validate_override(self.settings, key, getattr(getattr(self._base_settings, section), name))
            await self.storage.unset_override(key)
        else:
            value = parse_value(raw)
            updated = validate_override(self.settings, key, value)
            await self.storage.set_override(key, value, by)
        await self.storage.audit(by, "unset" if raw is None else "set", f"{key} = {raw}" if raw is not None else key)
        if key in LIVE_KEYS:
            self._apply(updated)
            return "applied now"
        return "takes effect after restart"

    async def set_access(self, user_id: int, status: str, by: int) -> None:
        await self.storage.set_access(user_id, status)
        self.access[user_id] = status
        await self.storage.audit(by, "allow" if status == "allowed" else "block", str(user_id))

    async def remember(self, user_id: int | None, chat_id: int | None, chat_kind: str) -> None:
        """Users and chats are written once per process run, not on every update."""
        seen = (user_id, chat_id)
        if seen in self._seen:
            return
        self._seen.add(seen)
        try:
            await self.storage.remember(user_id, chat_id, chat_kind)
        except SQLAlchemyError as error:  # bookkeeping only: a full disk must not stop the bot from answering
            logger.warning("could not record user %s in chat %s: %s", user_id, chat_id, str(error).splitlines()[0])

    async def admit(self, user_id: int | None, cost: int = LINK_COST) -> bool:
        """Whether a request that costs fetches or model time may run now for this user (counted if so). With
        ``queue.url`` set the count is kept in Redis, so a user has one budget across all bot replicas."""
        if user_id is None:
            return True
        if self.shared_limiter is not None:
            return await self.shared_limiter.allow(user_id, cost)
        return self.limiter.allow(user_id, cost)

    @functools.cached_property
    def shared_limiter(self) -> SharedRateLimiter | None:
        """The Redis-kept limiter when ``queue.url`` is set (a start-only key, so it is made once, on first use);
        it reads the live ``bot.rate_limit_per_minute`` at each request."""
        queue = self.settings.queue
        if not queue.url.get_secret_value():
            return None
        return SharedRateLimiter(
            queue.url.get_secret_value(), prefix=queue.name, per_minute=lambda: self.settings.bot.rate_limit_per_minute
        )

    async def sync(self) -> None:
        """Take in what admins changed on other replicas: access rules, and stored overrides of live keys (a
        removed override returns its key to the file/environment value). Start-only keys wait for a restart, as
        they do on the replica where they were set."""
        self.access = await self.storage.access_rules()
        stored = await self.storage.overrides()

        def value(settings: Settings, key: str) -> Any:
            section, _, name = key.partition(".")
            return getattr(getattr(settings, section), name)

        wanted = {key: stored.get(key, value(self._base_settings, key)) for key in sorted(LIVE_KEYS)}
        changed = {key: wanted[key] for key in wanted if wanted[key] != value(self.settings, key)}
        if changed:
            updated, _rejected = apply_overrides(self.settings, changed)  # a value that no longer validates is logged
            if updated != self.settings:
                logger.info("settings changed on another replica: %s", ", ".join(sorted(changed)))
                self._apply(updated)

    async def first_handling(self, update_id: int) -> bool:
        """Whether this update is new to the bot, across restarts and replicas. A database that cannot say (a full
        disk) gets the update handled: an answer, even twice, beats silence."""
        try:
            return await self.storage.first_handling(update_id)
        except SQLAlchemyError as error:
            logger.warning("could not record update %s: %s", update_id, str(error).splitlines()[0])
            return True

    def may_use(self, user_id: int) -> bool:
        """Admins always; blocked users never; in allowlist mode only allowed users."""
        if user_id in self.settings.bot.admin_ids:
            return True
        status = self.access.get(user_id)
        if status == "blocked":
            return False
        return self.settings.bot.access == "open" or status == "allowed"

    @property
    def topics(self) -> TopicFinder:
        """Built on first use, and again after an admin changes the news sources."""
        if self._topics is None:
            news = self.settings.news
            articles = _StoredArticles(self.storage, self._keep)
            sources = sources_from(news.feeds, news.search_urls)
            self._topics = TopicFinder(self.pipeline, sources, news.source_timeout_s, articles)
        return self._topics

    async def topic_digest(self, topic: str, exclude: set[str] | None = None) -> Digest:
        """The latest stories on a topic, clustered and summarised (CPU work in the model pool)."""
        if self.remote is None and self.workers.full:  # the shared queue says "busy" itself, per job
            raise Busy
        digest = await self.topics.digest(topic, self.settings.news.stories, exclude)
        self.stats.failing_sources = digest.failures
        return digest

    async def close(self) -> None:
        await self.fetcher.close()
        await self.storage.close()
        if self.remote is not None:
            await self.remote.close()
        limiter = self.__dict__.pop("shared_limiter", None)  # made on first use, if ever
        if limiter is not None:
            await limiter.close()
        self.workers.shutdown()

    async def summarize_link(self, link: str, user_id: int | None = None) -> Answer:
        """A link's summary and facts: from the cache if fresh, else fetched, cleaned and summarised.

        The same link asked for by several users at once is read once: the others wait for that answer.
        """
        key = canonical_url(link) or link
        running = self._reading.get(key)
        if running is None:
            running = asyncio.ensure_future(self._summarize_link(link, user_id))
            self._reading[key] = running
            running.add_done_callback(lambda _done: self._reading.pop(key, None))
        return await asyncio.shield(running)

    async def _summarize_link(self, link: str, user_id: int | None) -> Answer:
        started = time.perf_counter()
        self.stats.links += 1
        cached = await self.storage.cached_for_link(link)
        if cached is not None:
            self.stats.cache_hits += 1
            key, data = cached
            result = Result.from_dict(data)
            if len(result.summary) != self.settings.summarizer.sentences:  # an admin changed the length since
                result = await self.pipeline.summarize(result, sentences=self.settings.summarizer.sentences)
            return Answer(key, result, cached=True)
        try:
            result = await self.pipeline.summarize(link, sentences=self.settings.summarizer.sentences, owner=user_id)
        except Exception as error:
            self.stats.failures += 1
            self.stats.failure_kinds[str(getattr(error, "kind", "other"))] += 1
            raise
        key = await self._keep(result, link)
        self.stats.latencies_ms.append((time.perf_counter() - started) * 1000)
        return Answer(key, result, cached=False)

    async def _keep(self, result: Result, link: str) -> str:
        """Cache a result; when the database cannot take it (a full disk), the user still gets the summary."""
        try:
            return await self.storage.store(result.to_dict(), link)
        except SQLAlchemyError as error:
            logger.warning("could not cache the summary of %s: %s", link, str(error).splitlines()[0])
            return cache_key(result.article.url or link)

    async def summarize_text(self, text: str) -> Answer:
        """A pasted article; cached under a key of its text so its buttons work like a link's."""
        result = await self.pipeline.summarize(PastedText(text), sentences=self.settings.summarizer.sentences)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
        key = await self._keep(result, f"text:{digest}")
        return Answer(key, result, cached=False)

    async def longer(self, key: str) -> Result | None:
        """The cached article with a longer summary, or None when the entry has expired."""
        data = await self.storage.cached(key)
        if data is None:
            return None
        result = Result.from_dict(data)
        sentences = self.settings.summarizer.sentences + MORE_SENTENCES
        return await self.pipeline.summarize(result, sentences=sentences)

    async def facts_chart(self, result: Result) -> tuple[str, bytes] | None:
        """A bar chart of the article's comparable figures, when it has three or more (drawn off the loop)."""
        found = comparable(result.facts)
        if found is None:
            return None
        title, bars = found
        return title, await asyncio.to_thread(bar_chart, title, bars)

    async def cached(self, key: str) -> Result | None:
        data = await self.storage.cached(key)
        return Result.from_dict(data) if data is not None else None
