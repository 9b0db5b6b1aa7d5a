"""From a topic to a digest: candidates from every source, ranked, near-duplicates clustered, top stories summarised.

Ranking mixes keywords (the words of the topic in the headline and teaser), meaning (MiniLM similarity to
the topic) and recency. Stories that several outlets carry are merged into one, with the outlet count; when
their articles give different figures for the same country, the digest says so.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import numpy as np

from summarizer.facts import Fact
from summarizer.feeds import Item, Source, collect
from summarizer.pipeline import Pipeline, Result
from summarizer.sentences import split_sentences
from summarizer.words import STOPWORDS

logger = logging.getLogger(__name__)

__all__ = ["Digest", "Story", "TopicFinder", "disagreements", "keywords"]

_STOP = STOPWORDS | {"news", "latest", "about"}  # words of a query that say nothing about its topic
_WORD = re.compile(r"[\w'-]+")
RELEVANT = 0.35  # minimum relevance to be considered at all
SAME_STORY = 0.72  # headline similarity above which two items are one story
MEMBERS_COMPARED = 3  # articles fetched per story to compare figures
EMBEDDING_CACHE = 20_000


def keywords(topic: str) -> list[str]:
    return [_stem(word) for word in _WORD.findall(topic.lower()) if word not in _STOP]


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@dataclass
class Story:
    items: list[Item]  # the first is the most relevant: its headline and link lead
    relevance: float
    summary: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.items[0].title

    @property
    def url(self) -> str:
        return self.items[0].url

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(item.outlet for item in self.items))

    @property
    def urls(self) -> set[str]:
        return {item.url for item in self.items}


@dataclass
class Digest:
    topic: str
    stories: list[Story]
    failures: dict[str, str]
    candidates: int
    timings_s: dict[str, float]

    @property
    def urls(self) -> set[str]:
        """Every outlet's URL of every story: a story is sent once, whichever outlet carries it next time."""
        return set().union(*(story.urls for story in self.stories))


def disagreements(per_outlet: dict[str, list[Fact]]) -> list[str]:
    """ "Germany: 130 (rt.com) vs 150 (dw.com) soldiers" when outlets give different figures for one owner."""
    figures: dict[tuple[str, str], dict[str, set[float]]] = {}
    for outlet, facts in per_outlet.items():
        for fact in facts:
            if fact.quantity is None or fact.part_of is not None or fact.who is None or fact.role == "after":
                continue
            figures.setdefault((fact.who, fact.category), {}).setdefault(outlet, set()).add(float(fact.quantity))
    notes = []
    for (who, category), by_outlet in figures.items():
        values = {value for found in by_outlet.values() for value in found}
        if len(by_outlet) > 1 and len(values) > 1:
            listed = " vs ".join(
                f"{', '.join(f'{v:,.0f}' for v in sorted(found))} ({outlet})" for outlet, found in by_outlet.items()
            )
            notes.append(f"{who} ({category}): {listed}")
    return notes


class ArticleCache(Protocol):
    """Where articles read for digests are kept, so the same page is not fetched and cleaned again and again."""

    async def get(self, url: str) -> Result | None: ...

    async def put(self, url: str, result: Result) -> None: ...


class TopicFinder:
    """A topic's stories from the configured sources, read and summarised through the pipeline."""

    def __init__(
        self,
        pipeline: Pipeline,
        sources: list[Source],
        source_timeout_s: float = 10.0,
        cache: ArticleCache | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.sources = sources
        self.source_timeout_s = source_timeout_s
        self.cache = cache
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()  # feeds repeat items digest after digest

    async def _embed_cached(self, texts: list[str]) -> np.ndarray:
        """Embeddings, computing only the texts not seen lately (bounded LRU of EMBEDDING_CACHE entries)."""
        found = {t: self._vectors[t] for t in texts if t in self._vectors}  # before the await: another digest
        missing = [t for t in dict.fromkeys(texts) if t not in found]  # may evict entries while it runs
        if missing:
            found.update(zip(missing, await self.pipeline.embed(missing), strict=True))
        for text, vector in found.items():
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
        while len(self._vectors) > EMBEDDING_CACHE:
            self._vectors.popitem(last=False)
        return np.stack([found[t] for t in texts])

    async def digest(self, topic: str, limit: int = 5, exclude: set[str] | None = None, sentences: int = 2) -> Digest:
        """The top ``limit`` stories on ``topic``, skipping any story with a URL in ``exclude``."""
        if self.pipeline.fetcher is None:
            raise RuntimeError("a digest needs a pipeline with a fetcher")
        started = time.perf_counter()
        report = await collect(self.pipeline.fetcher, self.sources, topic, self.source_timeout_s)
        fetched = time.perf_counter()
        stories = await self.rank_and_cluster(topic, report.items)
        stories = [s for s in stories if not (exclude and s.urls & exclude)][:limit]
        clustered = time.perf_counter()
        articles = await asyncio.gather(*(self._read(story) for story in stories))
        await self._summarize_all(stories, articles, sentences)
        done = time.perf_counter()
        timings = {"fetch": fetched - started, "cluster": clustered - fetched, "summarize": done - clustered}
        return Digest(topic, stories, report.failures, len(report.items), timings)

    async def rank_and_cluster(self, topic: str, items: list[Item], now: datetime | None = None) -> list[Story]:
        """Relevant items, merged into stories, best first. The embeddings are model work (the pipeline's, maybe
        on a worker); the scoring after them runs in a thread, as a long feed makes it more than a moment."""
        unique = list({item.url: item for item in items}.values())
        if not unique:
            return []
        texts = [f"{item.title}. {item.summary[:300]}" for item in unique]
        vectors = await self._embed_cached([topic, *texts])
        return await asyncio.to_thread(_rank, topic, unique, texts, vectors, now or datetime.now(UTC))

    async def _read(self, story: Story) -> list[tuple[Item, Result]]:
        """The lead article and up to two more outlets' (to compare figures); unreadable ones are skipped."""
        members = [item for item in story.items if item.outlet][:MEMBERS_COMPARED]
        results = await asyncio.gather(*(self._article(item.url) for item in members))
        return [(item, result) for item, result in zip(members, results, strict=True) if result is not None]

    async def _summarize_all(
        self, stories: list[Story], articles: list[list[tuple[Item, Result]]], sentences: int
    ) -> None:
        """Every lead article in one model job (a batching backend generates them together); the other outlets'
        articles for their facts only."""
        readable = [(story, found) for story, found in zip(stories, articles, strict=True) if found]
        leads = await self.pipeline.summarize_many([found[0][1] for _story, found in readable], sentences=sentences)
        await self.pipeline.add_facts([result for _story, found in readable for _item, result in found[1:]])
        for (story, found), lead in zip(readable, leads, strict=True):
            story.summary = lead.summary
            story.facts = lead.facts
            facts = {item.outlet: result.facts for item, result in found}
            if len(facts) > 1:
                story.disagreements = disagreements(facts)
        for story, found in zip(stories, articles, strict=True):
            if not found and story.items[0].summary:  # no page could be read: the feed's own teaser, cut to length
                story.summary = [s.text for s in split_sentences([story.items[0].summary])][:sentences]

    async def _article(self, url: str) -> Result | None:
        if self.cache is not None and (cached := await self.cache.get(url)) is not None:
            return cached
        try:
            result = await self.pipeline.read(url)
        except Exception as exc:  # one unreadable page never breaks a digest
            logger.info("could not read %s for a digest: %r", url, exc)
            return None
        if self.cache is not None:
            await self.cache.put(url, result)
        return result


def _rank(topic: str, unique: list[Item], texts: list[str], vectors: np.ndarray, now: datetime) -> list[Story]:
    """Score each item by meaning, keywords and age; merge items whose headlines say the same into one story."""
    topic_vector, vectors = vectors[0], vectors[1:]
    terms = keywords(topic)
    scored = []
    for index, item in enumerate(unique):
        words = {_stem(w) for w in _WORD.findall(texts[index].lower())}
        keyword = sum(term in words for term in terms) / len(terms) if terms else 0.0
        hours = (now - item.published).total_seconds() / 3600 if item.published else 48.0
        recency = math.exp(-max(hours, 0.0) / 48.0)
        relevance = 0.5 * float(vectors[index] @ topic_vector) + 0.35 * keyword + 0.15 * recency
        if keyword > 0 or float(vectors[index] @ topic_vector) >= RELEVANT:
            scored.append((relevance, index))
    scored.sort(reverse=True)
    stories: list[Story] = []
    leaders: list[int] = []
    for relevance, index in scored:
        for story, leader in zip(stories, leaders, strict=True):
            if float(vectors[index] @ vectors[leader]) >= SAME_STORY:
                story.items.append(unique[index])
                break
        else:
            stories.append(Story([unique[index]], relevance))
            leaders.append(index)
    return stories
