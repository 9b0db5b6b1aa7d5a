"""News sources for topics and digests: RSS/Atom feeds and search endpoints, behind one small interface.

A source turns a topic into candidate items. Feeds list the latest stories (the topic filters them later);
search endpoints are URL templates with ``{query}`` that answer RSS/Atom, or GDELT's DOC API JSON. Every
request goes through the safe fetcher with its timeouts; a source that fails is reported, never fatal.
"""

from __future__ import annotations

import asyncio
import calendar
import json
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import quote_plus, urlsplit

import feedparser

from summarizer.errors import ErrorKind, PipelineError
from summarizer.fetch import FEED_TYPES, Fetcher
from summarizer.urls import canonical_url

logger = logging.getLogger(__name__)

__all__ = ["FeedSource", "Item", "SearchSource", "Source", "SourceReport", "collect", "sources_from"]


@dataclass(frozen=True, slots=True)
class Item:
    """One candidate story as a source lists it."""

    title: str
    url: str
    summary: str = ""
    published: datetime | None = None
    source: str = ""

    @property
    def outlet(self) -> str:
        host = urlsplit(self.url).hostname or ""
        return host.removeprefix("www.")


@dataclass
class SourceReport:
    """What one collection round got: items, and the sources that failed with why (for logs and /stats)."""

    items: list[Item] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


class Source(Protocol):
    @property
    def name(self) -> str: ...

    async def items(self, fetcher: Fetcher, topic: str) -> list[Item]: ...


def _when(entry: feedparser.FeedParserDict) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None


def _text(html: str) -> str:
    """Feed summaries are HTML fragments; the topic ranking wants words."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html or "")).strip()


def parse_feed(body: str, source: str) -> list[Item]:
    """Items of an RSS/Atom document; raises PipelineError when it is not one."""
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise PipelineError(ErrorKind.NOT_FEED, f"not a feed ({type(parsed.bozo_exception).__name__})")
    items = []
    for entry in parsed.entries:
        link = canonical_url(entry.get("link"))
        title = _text(entry.get("title", ""))
        if link and title:
            items.append(Item(title, link, _text(entry.get("summary", "")), _when(entry), source))
    return items


def parse_gdelt(body: str, source: str) -> list[Item]:
    """GDELT DOC API ``mode=artlist&format=json``."""
    try:
        articles = json.loads(body).get("articles", [])
    except (ValueError, AttributeError) as exc:
        raise PipelineError(ErrorKind.NOT_FEED, "not GDELT JSON") from exc
    items = []
    for article in articles:
        link = canonical_url(article.get("url"))
        seen = article.get("seendate", "")
        when = datetime.strptime(seen, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) if len(seen) == 16 else None
        if link and article.get("title"):
            items.append(Item(article["title"].strip(), link, "", when, source))
    return items


@dataclass(frozen=True)
class FeedSource:
    url: str

    @property
    def name(self) -> str:
        return self.url

    async def items(self, fetcher: Fetcher, topic: str) -> list[Item]:
        page = await fetcher.fetch(self.url, accept=FEED_TYPES)
        return await asyncio.to_thread(parse_feed, page.text, self.name)  # feedparser: ~100 ms for 60 items


@dataclass(frozen=True)
class SearchSource:
    template: str  # "https://example.org/search?q={query}&format=rss"

    @property
    def name(self) -> str:
        return self.template

    async def items(self, fetcher: Fetcher, topic: str) -> list[Item]:
        page = await fetcher.fetch(self.template.replace("{query}", quote_plus(topic)), accept=FEED_TYPES)
        if page.content_type == "application/json" or page.text.lstrip().startswith("{"):
            return await asyncio.to_thread(parse_gdelt, page.text, self.name)
        return await asyncio.to_thread(parse_feed, page.text, self.name)


def sources_from(feeds: list[str], search_urls: list[str]) -> list[Source]:
    """The configured sources (``news.feeds`` and ``news.search_urls``)."""
    return [*(FeedSource(url) for url in feeds), *(SearchSource(url) for url in search_urls)]


async def collect(fetcher: Fetcher, sources: list[Source], topic: str, timeout_s: float) -> SourceReport:
    """Every source at once, each bounded by ``timeout_s``; failures are collected, not raised."""
    started = time.perf_counter()

    async def one(source: Source) -> list[Item]:
        async with asyncio.timeout(timeout_s):
            return await source.items(fetcher, topic)

    outcomes = await asyncio.gather(*(one(s) for s in sources), return_exceptions=True)
    report = SourceReport()
    for source, outcome in zip(sources, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            reason = outcome.message if isinstance(outcome, PipelineError) else type(outcome).__name__
            if isinstance(outcome, TimeoutError):
                reason = f"no answer within {timeout_s:g}s"
            report.failures[source.name] = reason
            logger.warning("news source %s failed: %s", source.name, reason)
        else:
            report.items.extend(outcome)
    report.seconds = time.perf_counter() - started
    return report
