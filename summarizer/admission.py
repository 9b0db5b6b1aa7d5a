"""Fair turns at the network: how many fetches run at once per user, per site and in all.

Without turns, one user's dozens of slow links (or a slowloris site) take every connection and everyone else
waits; and a fetch's timeout used to run while it merely waited for a connection, so a crowd at one slow site
was told the site was slow. Here each user and each site has a few turns; waiting for a turn is not fetch
time, the fetch timeout starts when the turn is given, and waiting itself is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable
from dataclasses import dataclass

__all__ = ["Admission", "NoTurn"]


class NoTurn(Exception):
    """Waited too long for a turn: the caller's earlier fetches, or the site's, are still running."""


@dataclass(slots=True)
class _Gate:
    semaphore: asyncio.Semaphore
    users: int = 0


class _Gates:
    """One semaphore per key, dropped again when nobody holds or waits for it (keys are users and hosts)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._gates: dict[Hashable, _Gate] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        gate = self._gates.setdefault(key, _Gate(asyncio.Semaphore(self.size)))
        gate.users += 1
        try:
            async with gate.semaphore:
                yield
        finally:
            gate.users -= 1
            if gate.users == 0:
                del self._gates[key]


class Admission:
    def __init__(self, *, per_owner: int = 3, per_host: int = 8, total: int = 48, wait_s: float = 60.0) -> None:
        self.total = total
        self.wait_s = wait_s
        self._owners = _Gates(per_owner)
        self._hosts = _Gates(per_host)
        self._all = asyncio.Semaphore(total)

    @contextlib.asynccontextmanager
    async def turn(self, owner: Hashable | None, host: str) -> AsyncIterator[None]:
        """Hold a turn for one fetch; NoTurn after ``wait_s`` without one. ``owner`` None: no per-user limit."""
        async with contextlib.AsyncExitStack() as held:
            try:
                async with asyncio.timeout(self.wait_s):
                    if owner is not None:
                        await held.enter_async_context(self._owners.hold(owner))
                    await held.enter_async_context(self._hosts.hold(host))
                    await held.enter_async_context(self._all)
            except TimeoutError:
                raise NoTurn from None
            yield
