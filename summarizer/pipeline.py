"""The one route of an article: fetch → clean → summarise → key facts, taken the same way by the bot, the command
line and digests.

Fetching is async and cleaning runs in a thread (trafilatura can take a while on a big page). Model work runs
wherever the caller's ``run_model`` puts it: the bot's bounded worker pool, or a plain thread for the command
line, so the event loop never waits on a model. The pipeline owns the models: one sentence encoder, shared by the
extractive summary, the abstractive guard and digest clustering, and the configured backend; both load once, off
the event loop, on ``start()``. A larger deployment hands the model work to other processes instead
(``remote``: the bot's job queue); the pipeline then loads no model at all.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, ParamSpec, Protocol, TypeVar

import numpy as np

from summarizer.backends import Backend, create_backend, in_article_order
from summarizer.clean import Article, from_html, from_text
from summarizer.embeddings import Runtime, SentenceEncoder
from summarizer.errors import ErrorKind, PipelineError
from summarizer.facts import Fact, extract_facts
from summarizer.fetch import Fetcher
from summarizer.inputs import Document, load_document
from summarizer.settings import Settings, SummarizerConfig

logger = logging.getLogger(__name__)

__all__ = ["ModelRunner", "PastedText", "Pipeline", "RemoteModels", "Result"]

P = ParamSpec("P")
T = TypeVar("T")


class ModelRunner(Protocol):
    """Where model work runs: ``await run(function, *args)`` (the bot's ``ModelWorkers.run``, ``asyncio.to_thread``)."""

    def __call__(self, function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Awaitable[T]: ...


class RemoteModels(Protocol):
    """The pipeline's three model jobs, run by another process (``newsbot worker``, behind a queue).

    Each takes and returns plain data, so that a job can cross a process boundary as JSON.
    """

    async def summarize(self, results: list[Result], count: int) -> list[Result]: ...

    async def facts(self, results: list[Result]) -> list[Result]: ...

    async def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class PastedText:
    """An article a user pasted rather than linked: nothing to fetch, cleaned as plain text."""

    text: str


@dataclass(slots=True)
class Result:
    """Everything a run yields for one source."""

    source: str
    article: Article
    summary: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    has_facts: bool = False  # facts are read once per article: a longer summary keeps them
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
            if self.has_facts:  # an article read but not yet summarised (a digest's) has none to store
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
            has_facts="facts" in data,
            backend=data.get("backend"),
            timings_ms=dict(data.get("timings_ms", {})),
        )


def clean_document(document: Document) -> Article:
    """Cleaning picks the HTML or plain-text path by what the document is."""
    if document.is_html:
        return from_html(document.text, document.url)
    return from_text(document.text, document.url)


def _add_facts(result: Result) -> float:
    """Read the article's key facts unless it has them; the milliseconds it took."""
    if result.has_facts:
        return 0.0
    started = time.perf_counter()
    result.facts = extract_facts(result.article.text, result.article.language)
    result.has_facts = True
    result.timings_ms["facts"] = (time.perf_counter() - started) * 1000
    return result.timings_ms["facts"]


_WARM_ENCODERS: weakref.WeakSet[SentenceEncoder] = weakref.WeakSet()  # run once already (tests share encoders)


@cache
def _warm_process() -> Article:
    """The bundled sample article, cleaned and its facts read: once per process."""
    html = resources.files("summarizer.data").joinpath("sample_article.html").read_text("utf-8")
    article = from_html(html)
    extract_facts(article.text, article.language)
    return article


def _paragraphs(article: Article) -> list[str]:
    return [line for line in article.text.splitlines() if line.strip()][:32]


MAX_BATCH = 16  # articles one model job takes: enough to fill the encoder's batches, few for the first to wait on


class _Batches:
    """Articles that arrive while the model is busy wait together, and the next model job takes them all (up to
    MAX_BATCH, those asking for the same length): on a CPU, one forward pass over many articles' sentences costs
    much less than one per article. At most ``parallel`` jobs run at once, as many as the model has workers."""

    def __init__(self, run: Callable[[list[Result], int], Awaitable[list[Result]]], parallel: int, bound: int) -> None:
        self.run = run
        self.parallel = parallel
        self.bound = bound
        self.waiting: list[tuple[Result, int, asyncio.Future[Result]]] = []
        self.running: set[asyncio.Task[None]] = set()

    async def submit(self, result: Result, count: int) -> Result:
        if len(self.waiting) >= self.bound:
            raise PipelineError(ErrorKind.BUSY)
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self.waiting.append((result, count, future))
        if len(self.running) < self.parallel:
            self.running.add(asyncio.ensure_future(self._drain()))
        return await future

    async def _drain(self) -> None:
        try:
            await self._drain_all()
        finally:  # at once, with no await between "nothing waits" and this: a new article then starts a drain
            task = asyncio.current_task()
            if task is not None:
                self.running.discard(task)

    async def _drain_all(self) -> None:
        while self.waiting:
            count = self.waiting[0][1]
            batch = [entry for entry in self.waiting if entry[1] == count][:MAX_BATCH]
            taken = {id(entry) for entry in batch}
            self.waiting = [entry for entry in self.waiting if id(entry) not in taken]
            batch = [entry for entry in batch if not entry[2].done()]  # its caller stopped waiting: no model time
            if batch:
                await self._run(batch, count)

    async def _run(self, batch: list[tuple[Result, int, asyncio.Future[Result]]], count: int) -> None:
        """One job for the batch. If it fails for a reason of the batch's own (an article that breaks the model,
        a worker that died on one page), each article is tried alone, so one bad page fails only its own reader;
        a full pool or a timeout is everyone's answer at once."""
        try:
            done = await self.run([result for result, _count, _future in batch], count)
        except Exception as error:
            if len(batch) > 1 and str(getattr(error, "kind", "")) not in _EVERYONES:
                for entry in batch:
                    await self._run([entry], count)
                return
            for _result, _count, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        except BaseException:  # cancelled (a shutdown): nobody is left waiting for ever
            for _result, _count, future in batch:
                future.cancel()
            raise
        for (_result, _count, future), summarized in zip(batch, done, strict=True):
            if not future.done():  # its caller may have stopped waiting
                future.set_result(summarized)


_EVERYONES = frozenset({"busy", "timeout"})  # failures that are the model's state, not one article's fault


def encoder_runtime(config: SummarizerConfig, *, one_shot: bool) -> Runtime:
    """The configured runtime; ``auto`` is numpy for a one-shot process (torch's import would cost more than its
    faster batches save) unless its backend imports torch anyway (abstractive), and torch for a bot or worker."""
    if config.encoder_runtime != "auto":
        return config.encoder_runtime
    return "numpy" if one_shot and config.backend != "abstractive" else "torch"


class Pipeline:
    """One per process: the fetcher, the models, and the route every caller takes."""

    def __init__(
        self,
        settings: Settings,
        *,
        fetcher: Fetcher | None = None,
        backend: Backend | None = None,
        encoder: SentenceEncoder | None = None,
        run_model: ModelRunner | None = None,
        remote: RemoteModels | None = None,
        parallel: int = 1,
        max_waiting: int = 1000,
        one_shot: bool = False,
    ) -> None:
        """``backend`` and ``encoder`` are for tests and benchmarks that bring their own models; with ``remote``,
        model work goes there and none is loaded here. ``parallel`` model jobs run at once (the workers there are);
        past ``max_waiting`` articles waiting for one, a summary is refused as busy. ``one_shot``: a process that
        summarises what it was given and exits (the command line), where torch's import would cost more than
        its faster forward pass saves."""
        self.settings = settings
        self.fetcher = fetcher
        self.run_model: ModelRunner = run_model or asyncio.to_thread
        self.remote = remote
        self._backend = backend
        self._encoder = encoder
        self._loading: asyncio.Future[None] | None = None
        self._batches = _Batches(self._summarize_now, parallel, max_waiting)
        self._runtime = encoder_runtime(settings.summarizer, one_shot=one_shot)

    async def start(self, *, warm: bool = False) -> None:
        """Load the models once, in a thread with no time limit; callers arriving meanwhile wait for that load.
        ``warm``: the bot also takes the first-call costs now, not its first user: trafilatura's first page cleans
        ~0.5 s slower than the next, the first facts build the country lexicon, the encoder's first forward pass sets
        up its kernels."""
        if self.remote is None:
            if self._loading is None:
                self._loading = asyncio.ensure_future(asyncio.to_thread(self._load))
            await asyncio.shield(self._loading)
        if warm:
            await asyncio.to_thread(self._warm_up)

    def _warm_up(self) -> None:
        """Optional work: if it fails, the first user pays the first-call costs, and nothing else changes."""
        try:
            article = _warm_process()
            if self.remote is None and self.encoder not in _WARM_ENCODERS:
                self.encoder.encode(_paragraphs(article))
                _WARM_ENCODERS.add(self.encoder)
        except Exception:
            logger.exception("warm-up failed; the first request will be slower")

    def _load(self) -> None:
        if self._encoder is None:
            self._encoder = SentenceEncoder(runtime=self._runtime)
        if self._backend is None:
            self._backend = create_backend(self.settings.summarizer, self._encoder)
        logger.info("pipeline ready (backend %s)", self._backend.name)

    @property
    def backend_name(self) -> str:
        """What summarises: the backend's name, or where the work goes."""
        return "remote workers" if self.remote is not None else self.backend.name

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            raise RuntimeError("Pipeline.backend used before start()")
        return self._backend

    @property
    def encoder(self) -> SentenceEncoder:
        if self._encoder is None:
            raise RuntimeError("Pipeline.encoder used before start()")
        return self._encoder

    async def read(
        self, source: str | PastedText, *, owner: Hashable | None = None, local_files: bool = False
    ) -> Result:
        """Fetch (or, with ``local_files``, read a file) and clean: no model involved (``newsbot extract``).

        ``owner`` is who asked: the fetcher gives each owner a few fetches at once.
        """
        started = time.perf_counter()
        if isinstance(source, PastedText):
            document = Document("text", source.text, is_html=False, url=None, load_ms=0.0)
        else:
            document = await load_document(source, self.fetcher, local_files=local_files, owner=owner)
        cleaning = time.perf_counter()
        article = await asyncio.to_thread(clean_document, document)
        return Result(
            source=document.source,
            article=article,
            timings_ms={
                "fetch": document.load_ms,
                "clean": (time.perf_counter() - cleaning) * 1000,
                "total": (time.perf_counter() - started) * 1000,
            },
        )

    async def summarize(
        self,
        source: str | PastedText | Result,
        *,
        sentences: int | None = None,
        owner: Hashable | None = None,
        local_files: bool = False,
    ) -> Result:
        """A source's summary and key facts. A ``Result`` already read (the cache) is summarised again at the
        new length; its facts are kept."""
        if not isinstance(source, Result):
            loading = asyncio.ensure_future(self.start())  # the models load while the page is fetched and cleaned
            try:
                source = await self.read(source, owner=owner, local_files=local_files)
            except BaseException:  # a page that fails says so at once, not after the models have loaded
                loading.add_done_callback(lambda done: done.cancelled() or done.exception())
                raise
            await loading
        return await self._batches.submit(source, sentences or self.settings.summarizer.sentences)

    async def summarize_many(self, results: list[Result], *, sentences: int) -> list[Result]:
        """Articles already read, summarised in one model job (a batching backend generates them together)."""
        return await self._summarize_now(results, sentences)

    async def _summarize_now(self, results: list[Result], count: int) -> list[Result]:
        if self.remote is not None:
            return await self.remote.summarize(results, count)
        await self.start()
        return await self.run_model(self._summarize_batch, results, count)

    async def add_facts(self, results: list[Result]) -> list[Result]:
        """Key facts alone, for articles read only to compare their figures (a digest's other outlets)."""
        if self.remote is not None:
            return await self.remote.facts(results)
        return await self.run_model(self._facts_batch, results)

    async def embed(self, texts: list[str]) -> np.ndarray:
        """Sentence embeddings (a digest's headlines), unit length, one row per text."""
        if self.remote is not None:
            return await self.remote.embed(texts)
        await self.start()
        return await self.run_model(self.encoder.encode, texts)

    def _summarize_batch(self, results: list[Result], count: int) -> list[Result]:
        started = time.perf_counter()
        articles = [result.article for result in results]
        ranked = self.backend.summarize_many(
            [article.text for article in articles], count, titles=[article.title for article in articles]
        )
        spent = (time.perf_counter() - started) * 1000 / max(len(results), 1)
        for result, picked in zip(results, ranked, strict=True):
            result.summary = in_article_order(picked)
            result.backend = self.backend.name
            result.timings_ms["summarize"] = spent
            facts_ms = _add_facts(result)
            result.timings_ms["total"] = result.timings_ms.get("total", 0.0) + spent + facts_ms
        return results

    def _facts_batch(self, results: list[Result]) -> list[Result]:
        for result in results:
            _add_facts(result)
        return results
