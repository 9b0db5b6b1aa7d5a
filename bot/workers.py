"""Model work off the event loop: a small thread pool behind a bounded queue.

One slow summary must never stall other chats, and a flood of links must be refused politely rather than
queued without end: past ``workers + queue_size`` pending jobs, ``run`` raises ``Busy`` at once.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

logger = logging.getLogger(__name__)

__all__ = ["Busy", "ModelWorkers"]

P = ParamSpec("P")
T = TypeVar("T")


class Busy(Exception):
    """Too many jobs are waiting; the caller should ask the user to try again shortly."""


class ModelWorkers:
    def __init__(self, workers: int, queue_size: int) -> None:
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="model")
        self.capacity = workers + queue_size
        self.pending = 0

    @property
    def full(self) -> bool:
        return self.pending >= self.capacity

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``function`` in the pool, or raise Busy when the queue is full."""
        if self.full:
            raise Busy
        self.pending += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self.executor, functools.partial(function, *args, **kwargs))
        finally:
            self.pending -= 1

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
