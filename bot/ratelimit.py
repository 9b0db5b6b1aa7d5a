"""Per-user rate limit: a sliding window of the last minute's requests, in the process or, shared by several bot
replicas, in Redis."""

from __future__ import annotations

import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable

from redis.asyncio import Redis

__all__ = ["RateLimiter", "SharedRateLimiter"]

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


# KEYS[1]: the user's sorted set of counted requests (member: a unique token, score: when, in ms of Redis' clock).
# ARGV: the limit, the cost, the window in ms, a token unique to this call. Returns {1, 0} when counted, else
# {0, ms until the oldest counted request leaves the window}. One script, so two replicas cannot both take the
# last place; Redis' own clock, so replicas whose clocks differ still share one window.
_ALLOW = """
local key, limit, cost, window, token = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) + cost > limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return {0, math.max(0, tonumber(oldest[2]) + window - now)}
end
for i = 1, cost do
    redis.call('ZADD', key, now, token .. ':' .. i)
end
redis.call('PEXPIRE', key, window)
return {1, 0}
"""
# KEYS[1], ARGV[1] the window in ms: ms until the oldest counted request leaves the window (0 when none is).
_RETRY_AFTER = """
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if oldest[2] == nil then
    return 0
end
return math.max(0, tonumber(oldest[2]) + tonumber(ARGV[1]) - now)
"""


class SharedRateLimiter:
    """RateLimiter's rule, kept in Redis: every bot replica counts a user's requests against one budget.

    ``per_minute`` is read at each request, so an admin's /set of it applies at once, on every replica. Each
    user's key (``<prefix>:ratelimit:<user id>``) expires a window after their last counted request.
    """

    def __init__(self, url: str, *, prefix: str, per_minute: Callable[[], int], window_s: float = WINDOW_S) -> None:
        self.per_minute = per_minute
        self._prefix = prefix
        self._window_ms = round(window_s * 1000)
        self._redis = Redis.from_url(url)
        self._allow = self._redis.register_script(_ALLOW)
        self._retry_after = self._redis.register_script(_RETRY_AFTER)

    def _key(self, user_id: int) -> str:
        return f"{self._prefix}:ratelimit:{user_id}"

    async def allow(self, user_id: int, cost: int = 1) -> bool:
        """Count ``cost`` requests for the user; False (counting nothing) when that would go over the limit."""
        limit = self.per_minute()
        cost = min(cost, limit)  # one request never costs more than the whole window
        counted, _wait_ms = await self._allow(
            keys=[self._key(user_id)], args=[limit, cost, self._window_ms, uuid.uuid4().hex]
        )
        return bool(counted)

    async def retry_after(self, user_id: int) -> float:
        """Seconds until the user's oldest counted request leaves the window."""
        wait_ms = await self._retry_after(keys=[self._key(user_id)], args=[self._window_ms])
        return float(wait_ms) / 1000

    async def close(self) -> None:
        await self._redis.aclose()
