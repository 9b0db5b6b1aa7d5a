"""Per-user rate limit: a sliding window of the last minute's requests."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable

__all__ = ["RateLimiter"]

WINDOW_S = 60.0


class RateLimiter:
    """``per_minute`` may be changed while the bot runs (admins tune it)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._seen: defaultdict[int, deque[float]] = defaultdict(deque)

    def allow(self, user_id: int, cost: int = 1) -> bool:
        """Count ``cost`` requests for the user; False (counting nothing) when that would go over the limit."""
        cost = min(cost, self.per_minute)  # one request never costs more than the whole window
        now = self._clock()
        window = self._seen[user_id]
        while window and now - window[0] >= WINDOW_S:
            window.popleft()
        if len(window) + cost > self.per_minute:
            return False
        window.extend([now] * cost)
        return True

    def retry_after(self, user_id: int) -> float:
        """Seconds until the user's oldest counted request leaves the window."""
        window = self._seen.get(user_id)
        if not window:
            return 0.0
        return max(0.0, WINDOW_S - (self._clock() - window[0]))
