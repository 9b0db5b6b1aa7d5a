"""Model work off the event loop: a small thread pool behind a bounded queue.

One slow summary must never stall other chats, and a flood of links must be refused politely rather than
queued without end: past ``workers + queue_size`` pending jobs, ``run`` raises ``Busy`` at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

logger = logging.getLogger(__name__)

__all__ = ["Busy", "JobTimeout", "ModelWorkers", "WorkerLost"]

P = ParamSpec("P")
T = TypeVar("T")


class Busy(Exception):
    """Too many jobs are waiting; the caller should ask the user to try again shortly."""

    kind = "busy"  # the failure's label in the metrics


class JobTimeout(Exception):
    """A job ran past the time limit; its caller stops waiting (the thread finishes on its own)."""

    kind = "timeout"


class WorkerLost(Exception):
    """The worker process running the job died before finishing it (``queue.url`` set); it is not run again."""

    kind = "worker_lost"


class ModelWorkers:
    def __init__(self, workers: int, queue_size: int, job_timeout_s: float | None = None) -> None:
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="model")
        self.capacity = workers + queue_size
        self.job_timeout_s = job_timeout_s
        self.pending = 0

    @property
    def full(self) -> bool:
        return self.pending >= self.capacity

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``function`` in the pool; Busy when the queue is full, JobTimeout past ``job_timeout_s``.

        A job counts as pending until its thread is done with it, not until its caller gives up: a timed-out
        job still occupies a worker, and the queue must not pretend otherwise. The time limit starts when a
        worker takes the job: waiting in the queue is bounded by the queue's size, not by the limit.
        """
        if self.full:
            raise Busy
        loop = asyncio.get_running_loop()
        started = asyncio.Event()

        def job() -> T:
            loop.call_soon_threadsafe(started.set)  # the time limit counts from here, not from the queue
            return function(*args, **kwargs)

        self.pending += 1
        future = self.executor.submit(job)
        future.add_done_callback(lambda _future: loop.call_soon_threadsafe(self._release))
        result = asyncio.wrap_future(future)
        waiting: asyncio.Future[Any] = asyncio.ensure_future(started.wait())
        try:
            await asyncio.wait([result, waiting], return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiting.cancel()
        try:
            return await asyncio.wait_for(result, self.job_timeout_s)
        except TimeoutError:
            logger.warning("a %s job ran past %.0f s", getattr(function, "__name__", "model"), self.job_timeout_s)
            raise JobTimeout from None

    def _release(self) -> None:
        self.pending -= 1

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
