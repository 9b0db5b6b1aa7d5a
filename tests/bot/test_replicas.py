"""Several bot processes on one database and one Redis act as one bot: each scheduled digest is sent once, what
an admin or a chat changes on one replica reaches the others, and a user's rate limit is one budget.

Replicas here are separate Storage objects, limiters, Services and PTB Applications in one test process, on a real
SQLite file or PostgreSQL server and a real redis-server, with the fake Bot API.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from redis.asyncio import Redis
from telegram.ext import Application

from bot import schedule
from bot.ratelimit import SharedRateLimiter
from bot.services import Services
from bot.storage import Storage, SubscriptionInfo
from bot.subscribers import Subscribed, SubscribeRequest
from summarizer.settings import load_settings
from tests.helpers.fake_telegram import FakeBotAPI
from tests.helpers.jobs import run_job

ADMIN, USER, CHAT = 1, 2, 700
SLOT = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def services(app: Application) -> Services:  # type: ignore[type-arg]
    found: Services = app.bot_data["services"]
    return found


# --- each scheduled run is claimed by one replica ------------------------------------------------------------


async def test_replicas_racing_for_one_digest_run_exactly_one_wins(database_url: str) -> None:
    replicas = [Storage(database_url, timedelta(hours=1)) for _ in range(2)]
    for storage in replicas:
        await storage.open()
    first, second = replicas
    subscription = await first.add_subscription(CHAT, "Sahel", 8, 0, 24, False)

    claims = await asyncio.gather(*(storage.claim_digest(subscription.id, SLOT) for storage in replicas * 8))
    assert sum(claims) == 1
    assert await second.claim_digest(subscription.id, SLOT + timedelta(hours=24))  # the next run is a new claim
    assert not await first.claim_digest(
        subscription.id, SLOT.astimezone(ZoneInfo("Asia/Tokyo"))
    )  # one moment, any zone

    assert await first.purge_digest_runs(before=SLOT + timedelta(hours=1)) == 1  # housekeeping forgets old runs
    assert await second.claim_digest(subscription.id, SLOT)
    for storage in replicas:
        await storage.close()


def test_replicas_firing_seconds_apart_name_the_same_run() -> None:
    subscription = SubscriptionInfo(
        id=1, chat_id=CHAT, topic="Sahel", hour=7, minute=30, every_hours=12, quiet=False, paused=False
    )
    due = datetime(2026, 5, 1, 5, 30, tzinfo=UTC)  # 07:30 in Berlin (summer time)
    for fired in (due - timedelta(seconds=3), due, due + timedelta(minutes=5)):
        assert schedule.slot_of(subscription, "Europe/Berlin", fired) == due
    assert schedule.slot_of(subscription, "Europe/Berlin", due + timedelta(hours=7)) == due + timedelta(hours=12)


async def test_two_bots_on_one_database_send_a_scheduled_digest_once(make_bot: Any, telegram: FakeBotAPI) -> None:
    first = await make_bot()
    await services(first).storage.add_subscription(CHAT, "volcanoes", 8, 0, 24, False)
    second = await make_bot()  # restores the subscription at start
    assert await schedule.sync(first) == 1  # the first takes it in from the database
    (job_a,), (job_b,) = (app.job_queue.get_jobs_by_name("digest:1") for app in (first, second))

    await asyncio.gather(run_job(first, job_a), run_job(second, job_b))  # both replicas' timers fire
    await telegram.wait_for_reply(CHAT, "No new stories on <b>volcanoes</b>")
    await asyncio.sleep(0.3)
    assert len(telegram.calls_to("sendMessage", chat_id=CHAT)) == 1

    # A run postponed because the model pool was full is retried by the replica holding the claim, and sent.
    schedule.postpone(first.job_queue, job_a.data, delay_s=3600)
    (retry,) = first.job_queue.get_jobs_by_name("digest-retry:1")
    await run_job(first, retry)
    await telegram.wait_for(lambda c: len(telegram.calls_to("sendMessage", chat_id=CHAT)) == 2)

    telegram.send_text(CHAT, "/digest")  # on demand is never claimed: whichever replica polls it answers
    await telegram.wait_for(lambda c: len(telegram.calls_to("sendMessage", chat_id=CHAT)) == 3)


# --- what one replica changes reaches the others at their next sync --------------------------------------------


async def test_subscriptions_made_on_one_replica_are_scheduled_on_the_other(make_bot: Any) -> None:
    first, second = await make_bot(bot={"sync_s": 5}), await make_bot()
    (sync_job,) = second.job_queue.get_jobs_by_name("sync")
    assert sync_job.job.trigger.interval == timedelta(seconds=30)
    assert first.job_queue.get_jobs_by_name("sync")[0].job.trigger.interval == timedelta(seconds=5)
    subscribers = services(first).subscribers

    def job_of(app: Application) -> Any:  # type: ignore[type-arg]
        jobs = app.job_queue.get_jobs_by_name("digest:1")
        return jobs[0] if jobs else None

    outcome = await subscribers.subscribe(CHAT, SubscribeRequest("volcanoes", hour=7, minute=30))
    assert isinstance(outcome, Subscribed)
    schedule.schedule(first.job_queue, outcome.added, outcome.zone)  # what /subscribe does on the first
    assert job_of(second) is None
    assert await schedule.sync(second) == 1
    assert job_of(second).next_t == job_of(first).next_t
    assert await schedule.sync(second) == 0 and await schedule.sync(first) == 0  # nothing new: nothing changes

    schedule.reschedule(first.job_queue, await subscribers.set_timezone(CHAT, "Asia/Tokyo"))  # /timezone
    assert await schedule.sync(second) == 1
    assert job_of(second).next_t == job_of(first).next_t
    assert job_of(second).next_t.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M") == "07:30"

    await subscribers.pause(CHAT)  # the chat blocked the bot, seen by the first
    assert await schedule.sync(second) == 1 and job_of(second) is None
    await subscribers.resume(CHAT)  # and wrote to it again
    assert await schedule.sync(second) == 1 and job_of(second) is not None
    await subscribers.unsubscribe(CHAT, "volcanoes")
    assert await schedule.sync(second) == 1 and job_of(second) is None


async def test_a_block_and_live_settings_made_on_one_replica_reach_the_other(make_bot: Any) -> None:
    admins = {"admin_ids": [ADMIN], "rate_limit_per_minute": 1000}
    first, second = await make_bot(bot=admins), await make_bot(bot=admins)
    a, b = services(first), services(second)
    await a.set_access(USER, "blocked", by=ADMIN)  # /block on the first
    assert not a.may_use(USER) and b.may_use(USER)
    await schedule.sync(second)
    assert not b.may_use(USER)

    assert await a.change_setting("bot.rate_limit_per_minute", "5", by=ADMIN) == "applied now"
    assert await a.change_setting("bot.job_timeout_s", "30", by=ADMIN) == "takes effect after restart"
    await schedule.sync(second)
    assert b.settings.bot.rate_limit_per_minute == 5 and b.limiter.per_minute == 5
    assert b.settings.bot.job_timeout_s == 60.0  # a start-only key waits for a restart there too

    await a.change_setting("bot.rate_limit_per_minute", None, by=ADMIN)  # /unset
    await a.set_access(USER, "allowed", by=ADMIN)
    await schedule.sync(second)
    assert b.settings.bot.rate_limit_per_minute == 1000 and b.may_use(USER)


# --- one rate-limit budget per user in Redis --------------------------------------------------------------------


def limiter(redis_url: str, per_minute: int, *, prefix: str = "newsbot", window_s: float = 60.0) -> SharedRateLimiter:
    return SharedRateLimiter(redis_url, prefix=prefix, per_minute=lambda: per_minute, window_s=window_s)


async def test_replicas_share_a_users_budget_and_never_both_take_the_last_place(redis_url: str) -> None:
    replicas = [limiter(redis_url, 12) for _ in range(2)]
    allowed = await asyncio.gather(*(replica.allow(USER) for replica in replicas * 20))
    assert sum(allowed) == 12
    assert not await replicas[1].allow(USER) and not await replicas[0].allow(USER)
    assert await replicas[0].allow(USER + 1)  # each user has their own budget
    other_bot = limiter(redis_url, 12, prefix="otherbot")  # and each bot sharing the Redis its own keys
    assert await other_bot.allow(USER)
    assert 59 < await replicas[1].retry_after(USER) <= 60
    client = Redis.from_url(redis_url)
    assert sorted(await client.keys("*")) == [b"newsbot:ratelimit:2", b"newsbot:ratelimit:3", b"otherbot:ratelimit:2"]
    assert 59_000 < await client.pttl("newsbot:ratelimit:2") <= 60_000  # gone a window after the last request
    for replica in [*replicas, other_bot]:
        await replica.close()
    await client.aclose()


async def test_the_shared_window_slides_and_a_refusal_counts_nothing(redis_url: str) -> None:
    first, second = limiter(redis_url, 4, window_s=0.5), limiter(redis_url, 4, window_s=0.5)
    assert await first.retry_after(USER) == 0.0
    assert await first.allow(USER, cost=3)
    assert not await second.allow(USER, cost=2)  # would go over: refused, and not counted
    assert await second.allow(USER, cost=1)
    assert not await first.allow(USER)
    assert await second.retry_after(USER) > 0.3
    await asyncio.sleep(0.55)
    assert await first.allow(USER, cost=50)  # a window later the budget is whole; one request costs at most all of it
    assert not await second.allow(USER)
    await first.close()
    await second.close()


async def test_services_with_a_queue_url_admit_against_one_budget(redis_url: str, tmp_path: Any) -> None:
    def replica() -> Services:
        settings = load_settings(
            None,
            bot={"rate_limit_per_minute": 6},
            queue={"url": redis_url, "name": "shared"},
            database={"url": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"},
        )
        return Services(settings)

    first, second = replica(), replica()
    assert await first.admit(USER, 3) and await second.admit(USER, 3)
    assert not await first.admit(USER) and not await second.admit(USER)
    assert await second.admit(None)  # a request nobody can be charged for is not limited
    for service in (first, second):
        assert service.shared_limiter is not None
        await service.shared_limiter.close()

    alone = Services(load_settings(None, bot={"rate_limit_per_minute": 1}))  # no queue.url: in the process
    assert alone.shared_limiter is None
    assert await alone.admit(USER) and not await alone.admit(USER)
