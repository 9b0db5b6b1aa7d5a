"""Model jobs through a real redis-server: a worker (in this process, with the test's models) and a bot's client."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
import pytest

from bot.model_queue import QueuedModels, serve
from bot.workers import Busy, JobTimeout
from summarizer.pipeline import PastedText, Pipeline
from summarizer.settings import Settings, load_settings


def queue_settings(redis_url: str, **queue: Any) -> Settings:
    return load_settings(None, queue={"url": redis_url, "heartbeat_s": 0.2, **queue}, bot={"job_timeout_s": 1.0})


@contextlib.asynccontextmanager
async def worker(settings: Settings, extractive: Any, encoder: Any) -> AsyncIterator[None]:
    ready = asyncio.Event()
    pipeline = Pipeline(settings, backend=extractive, encoder=encoder)
    serving = asyncio.create_task(serve(settings, pipeline=pipeline, ready=ready))
    await asyncio.wait_for(ready.wait(), 10)
    try:
        yield
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving


@contextlib.asynccontextmanager
async def client(settings: Settings) -> AsyncIterator[QueuedModels]:
    models = QueuedModels(settings.queue, settings.bot.job_timeout_s)
    await models.open()
    try:
        yield models
    finally:
        await models.close()


async def test_a_bot_gets_from_a_worker_what_its_own_models_would_give(
    redis_url: str, extractive: Any, encoder: Any, seed_text: str
) -> None:
    settings = queue_settings(redis_url)
    local = Pipeline(settings, backend=extractive, encoder=encoder)
    expected = await local.summarize(PastedText(seed_text), sentences=3)
    async with worker(settings, extractive, encoder), client(settings) as models:
        remote = Pipeline(settings, remote=models)
        await remote.start()  # loads nothing: the bot has no model
        assert remote.backend_name == "remote workers" and remote._encoder is None
        got = await remote.summarize(PastedText(seed_text), sentences=3)
        assert got.summary == expected.summary
        assert [fact.to_dict() for fact in got.facts] == [fact.to_dict() for fact in expected.facts]
        assert got.article.paragraphs == expected.article.paragraphs  # kept from the bot's own cleaning
        (compared,) = await remote.add_facts([await remote.read(PastedText(seed_text))])
        assert compared.has_facts and not compared.summary
        vectors = await remote.embed(["Troops leave Iraq", "Cat show"])
        assert vectors.shape == (2, 384)
        assert np.allclose(vectors, encoder.encode(["Troops leave Iraq", "Cat show"]), atol=1e-5)


async def test_with_no_worker_a_full_queue_is_busy_at_once_and_an_untaken_job_times_out(redis_url: str) -> None:
    settings = queue_settings(redis_url, max_waiting=1)
    async with client(settings) as models:
        first = asyncio.create_task(models.embed(["nobody takes this"]))
        for _ in range(200):  # bounded: the job reaches the stream within a few milliseconds
            if await models.depth() >= 1:
                break
            await asyncio.sleep(0.01)
        with pytest.raises(Busy):
            await models.embed(["one too many"])
        with pytest.raises(JobTimeout):
            await first


async def test_a_worker_takes_jobs_queued_before_it_started(redis_url: str, extractive: Any, encoder: Any) -> None:
    settings = queue_settings(redis_url).model_copy(update={})
    settings.bot.job_timeout_s = 30.0  # the worker starts while the job waits
    async with client(settings) as models:
        waiting = asyncio.create_task(models.embed(["queued early"]))
        await asyncio.sleep(0.3)
        async with worker(settings, extractive, encoder):
            vectors = await asyncio.wait_for(waiting, 20)
    assert vectors.shape == (1, 384)


class SlowBackend:
    """The real extractive backend, taking half a second longer, and saying when it has begun."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.begun = threading.Event()

    def summarize_many(self, texts: list[str], count: int, titles: Any = None) -> Any:
        self.begun.set()
        time.sleep(0.5)
        return self.inner.summarize_many(texts, count, titles=titles)


async def test_a_stopping_worker_finishes_the_job_in_hand_and_takes_no_more(
    redis_url: str, extractive: Any, encoder: Any, seed_text: str
) -> None:
    settings = queue_settings(redis_url)
    settings.bot.job_timeout_s = 30.0
    backend = SlowBackend(extractive)
    stop, ready = asyncio.Event(), asyncio.Event()
    pipeline = Pipeline(settings, backend=backend, encoder=encoder)
    serving = asyncio.create_task(serve(settings, pipeline=pipeline, ready=ready, stop=stop))
    await asyncio.wait_for(ready.wait(), 10)
    async with client(settings) as models:
        remote = Pipeline(settings, remote=models)
        job = asyncio.create_task(remote.summarize(PastedText(seed_text), sentences=2))
        assert await asyncio.to_thread(backend.begun.wait, 10)
        stop.set()
        assert len((await asyncio.wait_for(job, 20)).summary) == 2  # finished, though asked to stop meanwhile
        await asyncio.wait_for(serving, 10)  # then it stops by itself
        assert await models.depth() == 0


async def test_a_job_its_bot_gave_up_on_is_skipped_by_a_worker_that_comes_later(
    redis_url: str, extractive: Any, encoder: Any
) -> None:
    settings = queue_settings(redis_url)  # a one-second limit: the bot stops waiting two seconds after sending
    embedded: list[list[str]] = []

    class CountingEncoder:
        dimension = 384

        def encode(self, texts: list[str]) -> Any:
            embedded.append(texts)
            return encoder.encode(texts)

    async with client(settings) as models:
        with pytest.raises(JobTimeout):
            await models.embed(["nobody was there"])
        await asyncio.sleep(1.2)  # past its deadline
        pipeline = Pipeline(settings, backend=extractive, encoder=CountingEncoder())  # type: ignore[arg-type]
        ready = asyncio.Event()
        serving = asyncio.create_task(serve(settings, pipeline=pipeline, ready=ready))
        try:
            await asyncio.wait_for(ready.wait(), 10)
            assert (await models.embed(["someone is here"])).shape == (1, 384)
        finally:
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await serving
    assert embedded == [["someone is here"]]  # the stale job never reached the model
