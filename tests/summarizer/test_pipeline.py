"""The one route of an article: what every caller (bot, command line, digests) gets from ``Pipeline``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import summarizer.pipeline as pipeline_module
from summarizer.backends import RankedSentence
from summarizer.errors import WORDING, ErrorKind, PipelineError
from summarizer.pipeline import PastedText, Pipeline, Result, encoder_runtime
from summarizer.settings import Settings, load_settings
from tests.conftest import SEED_ARTICLE


class CountingBackend:
    """The real extractive backend, counting how its batch entry is called."""

    name = "extractive"

    def __init__(self, extractive: Any) -> None:
        self.inner = extractive
        self.batches: list[int] = []

    def summarize(self, text: str, count: int, *, title: str | None = None) -> list[RankedSentence]:
        raise AssertionError("the pipeline goes through summarize_many")

    def summarize_many(
        self, texts: list[str], count: int, *, titles: list[str | None] | None = None
    ) -> list[list[RankedSentence]]:
        self.batches.append(len(texts))
        return self.inner.summarize_many(texts, count, titles=titles)


@pytest.fixture
def counted_facts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every article the real key-facts extractor reads, by its first words."""
    calls: list[str] = []
    real = pipeline_module.extract_facts

    def counting(text: str, language: str | None = "en") -> Any:
        calls.append(text[:40])
        return real(text, language)

    monkeypatch.setattr(pipeline_module, "extract_facts", counting)
    return calls


async def test_a_file_goes_the_whole_route(settings: Settings, extractive: Any, encoder: Any) -> None:
    pipeline = Pipeline(settings, backend=extractive, encoder=encoder)
    result = await pipeline.summarize(str(SEED_ARTICLE), sentences=2, local_files=True)
    assert len(result.summary) == 2 and result.backend == "extractive"
    assert {fact.quantity for fact in result.facts} >= {130, 27, 70, 140}
    assert set(result.timings_ms) >= {"fetch", "clean", "summarize", "facts", "total"}


async def test_a_longer_summary_keeps_the_facts_read_once(
    settings: Settings, extractive: Any, encoder: Any, counted_facts: list[str]
) -> None:
    pipeline = Pipeline(settings, backend=extractive, encoder=encoder)
    first = await pipeline.summarize(str(SEED_ARTICLE), sentences=2, local_files=True)
    cached = Result.from_dict(first.to_dict())  # what the bot's cache gives back to the More button
    longer = await pipeline.summarize(cached, sentences=5)
    assert len(longer.summary) == 5
    assert longer.facts == first.facts
    assert len(counted_facts) == 1


async def test_pasted_text_is_cleaned_as_text(
    settings: Settings, extractive: Any, encoder: Any, seed_text: str
) -> None:
    result = await Pipeline(settings, backend=extractive, encoder=encoder).summarize(PastedText(seed_text))
    assert result.source == "text" and result.article.url is None
    assert result.summary and result.facts


async def test_a_batch_is_one_model_job_and_facts_alone_need_no_summary(
    settings: Settings, extractive: Any, encoder: Any, seed_text: str, counted_facts: list[str]
) -> None:
    backend = CountingBackend(extractive)
    jobs: list[str] = []

    async def run_model(function: Any, *args: Any, **kwargs: Any) -> Any:
        jobs.append(function.__name__)
        return await asyncio.to_thread(function, *args, **kwargs)

    pipeline = Pipeline(settings, backend=backend, encoder=encoder, run_model=run_model)
    read = [await pipeline.read(PastedText(seed_text)) for _ in range(3)]
    assert not any(result.has_facts for result in read)
    assert "facts" not in read[0].to_dict()  # an article only read stores no facts it never looked for
    summarized = await pipeline.summarize_many(read[:2], sentences=1)
    assert backend.batches == [2] and all(len(result.summary) == 1 for result in summarized)
    (compared,) = await pipeline.add_facts(read[2:])
    assert compared.facts and not compared.summary
    assert jobs == ["_summarize_batch", "_facts_batch"]
    assert len(counted_facts) == 3


@pytest.mark.parametrize(
    ("runtime", "backend", "one_shot", "expected"),
    [
        ("auto", "extractive", True, "numpy"),  # `newsbot summarize`: no torch import
        ("auto", "extractive", False, "torch"),  # the bot and workers: faster batches
        ("auto", "abstractive", True, "torch"),  # imports torch anyway
        ("numpy", "extractive", False, "numpy"),  # what the user chose holds
        ("torch", "textrank", True, "torch"),
    ],
)
def test_the_encoder_runtime_follows_the_setting_and_auto_the_process(
    runtime: str, backend: str, one_shot: bool, expected: str
) -> None:
    config = load_settings(None, summarizer={"encoder_runtime": runtime, "backend": backend}).summarizer
    assert encoder_runtime(config, one_shot=one_shot) == expected


async def test_a_one_shot_pipeline_embeds_with_numpy(settings: Settings, seed_text: str) -> None:
    pipeline = Pipeline(settings, one_shot=True)
    result = await pipeline.summarize(PastedText(seed_text), sentences=2)
    assert pipeline.encoder.runtime == "numpy" and len(result.summary) == 2


async def test_the_models_load_once_for_callers_arriving_together(
    settings: Settings, encoder: Any, extractive: Any, monkeypatch: pytest.MonkeyPatch, seed_text: str
) -> None:
    created: list[str] = []

    def create(config: Any, shared: Any = None) -> Any:
        created.append(config.backend)
        assert shared is encoder  # the backend gets the pipeline's one encoder
        return extractive

    monkeypatch.setattr(pipeline_module, "create_backend", create)
    pipeline = Pipeline(settings, encoder=encoder)
    results = await asyncio.gather(*(pipeline.summarize(PastedText(seed_text), sentences=1) for _ in range(4)))
    assert created == ["extractive"] and all(result.summary for result in results)
    assert pipeline.encoder is encoder


async def test_a_warm_start_runs_each_encoder_once_and_a_failing_warm_up_stops_nothing(
    settings: Settings, encoder: Any, extractive: Any
) -> None:
    encoded: list[int] = []

    class Counting:
        dimension = 384

        def encode(self, texts: list[str]) -> Any:
            encoded.append(len(texts))
            return encoder.encode(texts)

    counting = Counting()
    for _ in range(2):  # two pipelines sharing one encoder, as the bot's tests do
        await Pipeline(settings, backend=extractive, encoder=counting).start(warm=True)  # type: ignore[arg-type]
    assert len(encoded) == 1 and encoded[0] > 0

    class Broken:
        dimension = 384

        def encode(self, texts: list[str]) -> Any:
            raise RuntimeError("no kernels today")

    broken = Pipeline(settings, backend=extractive, encoder=Broken())  # type: ignore[arg-type]
    await broken.start(warm=True)  # logged; the first request pays the first-call costs instead
    assert broken.backend is extractive


async def test_a_source_that_fails_says_why_in_one_line_of_its_kind(settings: Settings, tmp_path: Path) -> None:
    pipeline = Pipeline(settings)
    with pytest.raises(PipelineError) as refused:
        await pipeline.summarize("file:///etc/passwd")
    assert refused.value.kind is ErrorKind.UNSUPPORTED_SCHEME
    assert refused.value.message == WORDING[ErrorKind.UNSUPPORTED_SCHEME]
    empty = tmp_path / "empty.txt"
    empty.write_text(" ")
    with pytest.raises(PipelineError) as unread:
        await pipeline.read(str(empty), local_files=True)
    assert unread.value.kind is ErrorKind.BAD_INPUT


def test_every_kind_of_failure_has_its_one_wording() -> None:
    assert set(WORDING) == set(ErrorKind)
    assert all(line.endswith(".") and "\n" not in line for line in WORDING.values())


async def test_articles_arriving_while_the_model_is_busy_are_summarised_in_one_job(
    settings: Settings, extractive: Any, encoder: Any, seed_text: str
) -> None:
    backend = CountingBackend(extractive)
    first_running, release = asyncio.Event(), asyncio.Event()

    async def run_model(function: Any, *args: Any, **kwargs: Any) -> Any:
        if not first_running.is_set():  # the first job holds the model until the others have arrived
            first_running.set()
            await release.wait()
        return await asyncio.to_thread(function, *args, **kwargs)

    pipeline = Pipeline(settings, backend=backend, encoder=encoder, run_model=run_model, max_waiting=5)
    alone = await Pipeline(settings, backend=extractive, encoder=encoder).summarize(PastedText(seed_text), sentences=2)
    texts = [PastedText(seed_text) for _ in range(6)]
    first = asyncio.create_task(pipeline.summarize(texts[0], sentences=2))
    await first_running.wait()
    others = [asyncio.create_task(pipeline.summarize(text, sentences=2)) for text in texts[1:]]
    await asyncio.sleep(0.1)  # all five have been read and wait for the model
    with pytest.raises(PipelineError) as refused:  # a sixth waiting would pass the bound
        await pipeline.summarize(texts[0], sentences=2)
    assert refused.value.kind is ErrorKind.BUSY
    release.set()
    results = await asyncio.gather(first, *others)
    assert backend.batches == [1, 5]  # the first alone, then everyone who waited, in one job
    assert all(result.summary == alone.summary for result in results)  # batching changes no summary


async def test_one_article_that_breaks_the_model_fails_only_its_own_reader(settings: Settings) -> None:
    from summarizer.clean import Article
    from summarizer.pipeline import _Batches

    ran: list[list[str]] = []

    async def run(results: list[Result], count: int) -> list[Result]:
        ran.append([result.source for result in results])
        await asyncio.sleep(0.01)
        if any(result.source == "poison" for result in results):
            raise ValueError("the model choked")
        return results

    batches = _Batches(run, parallel=1, bound=10)

    def result(name: str) -> Result:
        return Result(source=name, article=Article(text=name))

    asked = [asyncio.create_task(batches.submit(result(name), 2)) for name in ("first", "a", "poison", "b")]
    gone = asyncio.create_task(batches.submit(result("gone"), 2))
    await asyncio.sleep(0)
    gone.cancel()  # its reader stopped waiting before the model got to it
    outcome = await asyncio.gather(*asked, return_exceptions=True)
    assert [r.source if isinstance(r, Result) else type(r).__name__ for r in outcome] == [
        "first", "a", "ValueError", "b"
    ]  # fmt: skip
    assert ran == [["first", "a", "poison", "b"], ["first"], ["a"], ["poison"], ["b"]]  # together, then alone
    assert all("gone" not in job for job in ran)
