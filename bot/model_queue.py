"""Model work on other processes: bots put jobs on a Redis stream, ``newsbot worker`` processes take and run them.

The engine is taskiq with taskiq-redis's stream broker (see the README for why not arq or Celery): jobs and results
travel as JSON (never pickle: whoever can write to Redis must not be able to run code in a bot), each worker takes
one job at a time per model thread, so a busy worker leaves the next job to an idle one, and results expire.

Delivery is at most once. A worker acknowledges a job as it takes it; if the worker dies mid-job (killed, out of
memory, a page that crashes the parser), the job is not run again elsewhere: a page that killed one worker would
kill the next. The bot notices within a few heartbeats that the worker holding its job is gone and tells the user
in one line; the remaining workers go on taking the queue's other jobs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from typing import Any

import numpy as np
from redis.asyncio import Redis
from taskiq import AsyncBroker, AsyncTaskiqTask, Context, TaskiqDepends
from taskiq.acks import AcknowledgeType
from taskiq.kicker import AsyncKicker
from taskiq.receiver import Receiver
from taskiq.serializers import JSONSerializer
from taskiq_redis import RedisAsyncResultBackend, RedisStreamBroker

from bot.workers import Busy, JobTimeout, WorkerLost
from summarizer.pipeline import Pipeline, Result
from summarizer.settings import QueueConfig, Settings

logger = logging.getLogger(__name__)

__all__ = ["JobFailed", "QueuedModels", "make_broker", "serve"]

SUMMARIZE, FACTS, EMBED = "newsbot.summarize", "newsbot.facts", "newsbot.embed"
STREAM_MAX = 10_000  # jobs kept in the stream (taken ones included), trimmed approximately as new ones arrive
RESULT_TTL_S = 600  # a result nobody collected (its bot gave up) is gone after this long
UNSTARTED_MS = 5000  # a job a stopping worker had read but not begun goes to another worker after this long
HEARTBEATS_TO_DEATH = 3  # a worker silent this many beats is dead
JOB_CONTEXT: Any = TaskiqDepends()  # a handler's parameter with this default receives the job's taskiq Context
POLL_FIRST_S, POLL_MAX_S = 0.002, 0.02  # how often a bot looks for its result: soon, then less often


class JobExpired(Exception):
    """A worker reached a job after its bot had stopped waiting for it."""


class JobFailed(Exception):
    """The worker ran the job and it raised (logged on the worker); the caller answers as for any failure."""

    kind = "other"


def _keys(config: QueueConfig) -> dict[str, str]:
    prefix = config.name
    return {
        "stream": f"{prefix}:jobs",
        "group": f"{prefix}:workers",
        "results": f"{prefix}:result",
        "job": f"{prefix}:job:",  # + task id → the worker running it
        "worker": f"{prefix}:worker:",  # + worker id → alive while this key is
    }


def make_broker(config: QueueConfig) -> AsyncBroker:
    """The broker both sides use; the task names are registered so that bots can send them and workers run them."""
    url = config.url.get_secret_value()
    keys = _keys(config)
    results: RedisAsyncResultBackend[Any] = RedisAsyncResultBackend(
        url, serializer=JSONSerializer(), result_ex_time=RESULT_TTL_S, prefix_str=keys["results"]
    )
    broker = RedisStreamBroker(
        url,
        queue_name=keys["stream"],
        consumer_group_name=keys["group"],
        consumer_id="0",  # a group made before any job arrived still sees the first one
        xread_count=1,  # take one job per free slot: no worker hoards jobs another could start now
        xread_block=1000,
        maxlen=STREAM_MAX,
        idle_timeout=UNSTARTED_MS,
    ).with_result_backend(results)
    return broker.with_serializer(JSONSerializer())


class QueuedModels:
    """The bot's side: the pipeline's ``RemoteModels``, each call one job on the queue, awaited with bounds.

    Bounds: past ``max_waiting`` jobs not yet taken, Busy at once; a job no worker takes within the time limit,
    or one that runs past it, JobTimeout; a job whose worker dies, WorkerLost.
    """

    def __init__(self, config: QueueConfig, job_timeout_s: float) -> None:
        self.config = config
        self.job_timeout_s = job_timeout_s
        self.keys = _keys(config)
        self.broker = make_broker(config)
        self.redis: Redis | None = None
        self.pending = 0  # this process's jobs not yet answered
        self.waiting = 0  # the queue's jobs no worker has taken, as last seen

    async def open(self) -> None:
        await self.broker.startup()
        self.redis = Redis.from_url(self.config.url.get_secret_value())

    async def close(self) -> None:
        await self.broker.shutdown()
        if self.redis is not None:
            await self.redis.aclose()

    async def summarize(self, results: list[Result], count: int) -> list[Result]:
        done = await self._call(SUMMARIZE, [result.to_dict() for result in results], count)
        return _merged(results, done)

    async def facts(self, results: list[Result]) -> list[Result]:
        done = await self._call(FACTS, [result.to_dict() for result in results])
        return _merged(results, done)

    async def embed(self, texts: list[str]) -> np.ndarray:
        vectors = await self._call(EMBED, texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    async def depth(self) -> int:
        """Jobs on the queue that no worker has taken yet (the consumer group's lag)."""
        assert self.redis is not None, "QueuedModels.open() first"
        try:
            groups = await self.redis.xinfo_groups(self.keys["stream"])
        except Exception:  # no stream yet: nothing ever queued
            return 0
        for group in groups:
            name = group.get("name")
            if (name.decode() if isinstance(name, bytes) else name) == self.keys["group"]:
                self.waiting = int(group.get("lag") or 0)
                return self.waiting
        return 0

    async def _call(self, task: str, *args: Any) -> Any:
        assert self.redis is not None, "QueuedModels.open() first"
        if await self.depth() >= self.config.max_waiting:
            raise Busy
        self.pending += 1
        try:
            # Past this moment the bot has stopped waiting, so a worker that only now reaches the job skips it:
            # under overload, workers must not spend their time on answers nobody will collect.
            deadline = time.time() + 2 * self.job_timeout_s
            sent = await AsyncKicker[Any, Any](task, self.broker, {"deadline": f"{deadline:.3f}"}).kiq(*args)
            return await self._await(sent)
        finally:
            self.pending -= 1

    async def _await(self, sent: AsyncTaskiqTask[Any]) -> Any:
        """Poll for the result; meanwhile watch who holds the job, and whether that worker still beats."""
        assert self.redis is not None
        task_id = sent.task_id
        queued = time.monotonic()
        started: float | None = None
        interval = POLL_FIRST_S
        next_check = queued + self.config.heartbeat_s
        while not await sent.is_ready():
            now = time.monotonic()
            if started is not None and now - started > self.job_timeout_s:
                raise JobTimeout
            if now >= next_check:
                next_check = now + self.config.heartbeat_s
                holder = await self.redis.get(self.keys["job"] + task_id)
                if holder is not None:
                    started = started or now
                    worker = holder.decode() if isinstance(holder, bytes) else str(holder)
                    if not await self.redis.exists(self.keys["worker"] + worker):
                        logger.warning("worker %s died holding job %s", worker, task_id)
                        raise WorkerLost
                elif started is None and now - queued > self.job_timeout_s:
                    raise JobTimeout  # no worker took it in time (none running, or all busy for that long)
            await asyncio.sleep(interval)
            interval = min(interval * 2, POLL_MAX_S)
        result = await sent.get_result()
        if result.is_err:
            raise JobFailed(str(result.error))
        return result.return_value


def _merged(sent: list[Result], returned: list[dict[str, Any]]) -> list[Result]:
    """The worker's results, keeping what never travels (the article's paragraphs as cleaned here)."""
    merged = []
    for mine, data in zip(sent, returned, strict=True):
        theirs = Result.from_dict(data)
        theirs.article = mine.article
        merged.append(theirs)
    return merged


class _Worker:
    """One ``newsbot worker`` process: the models, loaded once, and the job handlers that use them."""

    def __init__(self, pipeline: Pipeline, redis: Redis, config: QueueConfig, job_timeout_s: float) -> None:
        self.pipeline = pipeline
        self.redis = redis
        self.keys = _keys(config)
        self.config = config
        self.job_ttl_s = int(job_timeout_s * 2 + 60)
        self.id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"

    async def beat(self) -> None:
        """Say "alive" every heartbeat; the key outlives three missed beats, no more."""
        ttl_ms = int(self.config.heartbeat_s * HEARTBEATS_TO_DEATH * 1000)
        while True:
            try:
                await self.redis.set(self.keys["worker"] + self.id, "1", px=ttl_ms)
            except Exception as error:  # a Redis blip: beat again next time rather than fall silent for good
                logger.warning("worker %s could not beat: %r", self.id, error)
            await asyncio.sleep(self.config.heartbeat_s)

    @contextlib.asynccontextmanager
    async def holding(self, context: Context) -> Any:
        """Mark the job as this worker's while it runs, so that its bot can tell if this worker dies; a job its bot
        has given up on is not run at all."""
        deadline = float(context.message.labels.get("deadline") or "inf")
        if time.time() > deadline:
            logger.info("job %s skipped: its bot stopped waiting", context.message.task_id)
            raise JobExpired
        key = self.keys["job"] + context.message.task_id
        await self.redis.set(key, self.id, ex=self.job_ttl_s)
        try:
            yield
        finally:
            await self.redis.delete(key)

    async def summarize(self, results: list[dict[str, Any]], count: int, context: Context) -> list[dict[str, Any]]:
        async with self.holding(context):
            done = await self.pipeline.summarize_many([Result.from_dict(r) for r in results], sentences=count)
        return [result.to_dict() for result in done]

    async def facts(self, results: list[dict[str, Any]], context: Context) -> list[dict[str, Any]]:
        async with self.holding(context):
            done = await self.pipeline.add_facts([Result.from_dict(r) for r in results])
        return [result.to_dict() for result in done]

    async def embed(self, texts: list[str], context: Context) -> list[list[float]]:
        async with self.holding(context):
            vectors = await self.pipeline.embed(texts)
        return [[round(float(x), 6) for x in row] for row in vectors]


def _register(broker: AsyncBroker, worker: _Worker) -> None:
    """The job handlers, each given its taskiq context (the job's id) through taskiq's dependency injection."""

    async def summarize(
        results: list[dict[str, Any]], count: int, context: Context = JOB_CONTEXT
    ) -> list[dict[str, Any]]:
        return await worker.summarize(results, count, context)

    async def facts(results: list[dict[str, Any]], context: Context = JOB_CONTEXT) -> list[dict[str, Any]]:
        return await worker.facts(results, context)

    async def embed(texts: list[str], context: Context = JOB_CONTEXT) -> list[list[float]]:
        return await worker.embed(texts, context)

    broker.register_task(summarize, task_name=SUMMARIZE)
    broker.register_task(facts, task_name=FACTS)
    broker.register_task(embed, task_name=EMBED)


async def serve(
    settings: Settings,
    *,
    pipeline: Pipeline | None = None,
    ready: asyncio.Event | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run a worker: load the models, then take jobs, ``queue.worker_jobs`` at a time, until ``stop`` is set (then
    finish the jobs in hand, within the job time limit) or the task is cancelled (they are lost).

    ``pipeline`` is for tests that bring tiny models; ``ready`` is set once jobs are being taken.
    """
    config = settings.queue
    if not config.url.get_secret_value():
        raise ValueError("newsbot worker needs queue.url (NEWSBOT_QUEUE__URL=redis://host:6379/0)")
    redis = Redis.from_url(config.url.get_secret_value())
    await redis.ping()  # an unreachable queue is said at once, not after the models load
    if config.worker_threads:
        import torch

        torch.set_num_threads(config.worker_threads)
    pipeline = pipeline or Pipeline(settings)
    await pipeline.start()
    worker = _Worker(pipeline, redis, config, settings.bot.job_timeout_s)
    broker = make_broker(config)
    _register(broker, worker)
    broker.is_worker_process = True
    await broker.startup()
    beating = asyncio.create_task(worker.beat())
    logger.info("worker %s taking jobs from %s (%d at a time)", worker.id, _keys(config)["stream"], config.worker_jobs)
    receiver = Receiver(
        broker,
        run_startup=False,
        max_async_tasks=config.worker_jobs,
        max_prefetch=0,
        propagate_exceptions=False,
        ack_type=AcknowledgeType.WHEN_RECEIVED,
        wait_tasks_timeout=settings.bot.job_timeout_s,
    )
    try:
        if ready is not None:
            ready.set()
        await receiver.listen(stop or asyncio.Event())
    finally:
        beating.cancel()
        with contextlib.suppress(Exception):
            await redis.delete(worker.keys["worker"] + worker.id)
        await broker.shutdown()
        await redis.aclose()
