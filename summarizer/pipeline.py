"""fetch → clean → summarise → key facts, for one source at a time, with the model loaded once.

``extract`` is async (network, then cleaning in an executor); ``summarize_article`` is synchronous CPU work
that async callers hand to a worker thread, so the event loop never waits on the model.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Hashable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from summarizer.backends import Backend, create_backend, in_article_order
from summarizer.clean import Article, from_html, from_text
from summarizer.facts import Fact, extract_facts
from summarizer.fetch import Fetcher
from summarizer.settings import Settings
from summarizer.sources import Document, load_document

logger = logging.getLogger(__name__)

__all__ = ["Pipeline", "Result"]


@dataclass(slots=True)
class Result:
    """Everything a run yields for one source."""

    source: str
    article: Article
    summary: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    backend: str | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self, *, with_summary: bool = True) -> dict[str, Any]:
        """The documented JSON shape (``newsbot summarize --json``)."""
        article = self.article
        data: dict[str, Any] = {
            "source": self.source,
            "url": article.url,
            "title": article.title,
            "site": article.site,
            "published": article.published,
            "language": article.language,
            "text": article.text,
        }
        if with_summary:
            data["summary"] = self.summary
            data["facts"] = [fact.to_dict() for fact in self.facts]
            data["backend"] = self.backend
        data["timings_ms"] = {key: round(value, 1) for key, value in self.timings_ms.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        """Rebuild a result stored with ``to_dict`` (the summary cache)."""
        article = Article(
            text=data["text"],
            title=data.get("title"),
            site=data.get("site"),
            published=data.get("published"),
            url=data.get("url"),
            language=data.get("language"),
            paragraphs=data["text"].splitlines(),
        )
        return cls(
            source=data["source"],
            article=article,
            summary=list(data.get("summary", [])),
            facts=[Fact(**fact) for fact in data.get("facts", [])],
            backend=data.get("backend"),
            timings_ms=dict(data.get("timings_ms", {})),
        )


def clean_document(document: Document) -> Article:
    """Cleaning picks the HTML or plain-text path by what the document is."""
    if document.is_html:
        return from_html(document.text, document.url)
    return from_text(document.text, document.url)


class Pipeline:
    """Holds the fetcher and the (lazily loaded) backend; one per process."""

    def __init__(self, settings: Settings, fetcher: Fetcher | None = None, backend: Backend | None = None) -> None:
        self.settings = settings
        self.fetcher = fetcher
        self._backend = backend

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            self._backend = create_backend(self.settings.summarizer)
        return self._backend

    def load_backend(self) -> Backend:
        """Load the model now (start-up), rather than on the first article."""
        return self.backend

    async def extract(
        self,
        source: str,
        executor: Executor | None = None,
        *,
        local_files: bool = False,
        owner: Hashable | None = None,
    ) -> Result:
        """Fetch (or, with ``local_files``, read), then clean (in ``executor``: trafilatura can be slow).

        ``owner`` is who asked: the fetcher gives each owner a few fetches at once.
        """
        started = time.perf_counter()
        document = await load_document(source, self.fetcher, local_files=local_files, owner=owner)
        cleaning = time.perf_counter()
        article = await asyncio.get_running_loop().run_in_executor(executor, clean_document, document)
        return Result(
            source=source,
            article=article,
            timings_ms={"fetch": document.load_ms, "clean": (time.perf_counter() - cleaning) * 1000,
                        "total": (time.perf_counter() - started) * 1000},
        )  # fmt: skip

    def summarize_article(self, result: Result, sentences: int | None = None) -> Result:
        """Add summary and facts to an extracted result (CPU work: call from a worker thread)."""
        count = sentences or self.settings.summarizer.sentences
        article = result.article
        started = time.perf_counter()
        ranked = self.backend.summarize(article.text, count, title=article.title)
        result.summary = in_article_order(ranked)
        result.backend = self.backend.name
        summarized = time.perf_counter()
        result.facts = extract_facts(article.text, article.language)
        done = time.perf_counter()
        result.timings_ms["summarize"] = (summarized - started) * 1000
        result.timings_ms["facts"] = (done - summarized) * 1000
        result.timings_ms["total"] = result.timings_ms.get("total", 0.0) + (done - started) * 1000
        return result

    def run_text(self, text: str, sentences: int | None = None) -> Result:
        """Summarise pasted article text (synchronous; call from a worker)."""
        started = time.perf_counter()
        article = from_text(text)
        result = Result(source="text", article=article, timings_ms={"fetch": 0.0})
        result.timings_ms["clean"] = result.timings_ms["total"] = (time.perf_counter() - started) * 1000
        return self.summarize_article(result, sentences)
