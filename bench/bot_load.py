"""Load on the real bot: N users send links at once through the fake Bot API server (loopback only).

    python bench/bot_load.py [--users 1 10 50] [--slow-seconds 20]
    python bench/bot_load.py --workers 1 2 4 [--users 1 50]     # model work on `newsbot worker` processes


For each N, every user sends a link to a different copy of the sample article (so the cache cannot answer)
and we time each update from the moment it is queued to the edit that carries its summary. Then the
slow-site scenario: one page that takes --slow-seconds to answer, while /help and another user's link are
timed, against the same two measured with no slow page. Ratios are against the baseline of the same run.

With --workers, the bot hands its model work to K ``newsbot worker`` processes through a throw-away redis-server
(Debian's package), for each K given; the baseline is the same bot with its in-process pool, measured in the same
run. The queue's overhead per job is measured alone too: one small job (embedding a headline) at a time, through
the queue against in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402

from bot.app import build_application  # noqa: E402
from summarizer.settings import load_settings  # noqa: E402
from tests.bot.conftest import start, stop  # noqa: E402
from tests.helpers.fake_telegram import TOKEN, FakeBotAPI  # noqa: E402
from tests.helpers.redis import RedisServer, find_redis  # noqa: E402
from tests.helpers.servers import PageServer  # noqa: E402

ARTICLE = (ROOT / "summarizer" / "data" / "sample_article.html").read_bytes()


def copy_of_article(tag: str) -> bytes:
    return ARTICLE.replace(b"477400-coalition-suspend-iraq-operations", tag.encode())


def memory_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak_memory() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS (Linux)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def timed_reply(api: FakeBotAPI, user: int, text: str, expect: str, timeout: float = 300) -> float:
    started = time.monotonic()
    api.send_text(user, text)
    reply = await api.wait_for_reply(user, expect, timeout=timeout)
    return reply.at - started


async def load(api: FakeBotAPI, pages: PageServer, users: int, first_user: int) -> dict[str, float]:
    reset_peak_memory()
    ids = range(first_user, first_user + users)
    links = {u: pages.page(f"/load/{u}.html", copy_of_article(f"load-{u}")) for u in ids}
    started = time.monotonic()
    latencies = await asyncio.gather(*(timed_reply(api, u, links[u], "Key facts") for u in ids))
    elapsed = time.monotonic() - started
    return {
        "users": users,
        "replies_per_s": users / elapsed,
        "p50_s": statistics.median(latencies),
        "p95_s": percentile(list(latencies), 0.95),
        "peak_rss_mib": memory_kib("VmHWM") / 1024,
    }


async def slow_site(
    api: FakeBotAPI, pages: PageServer, seconds: float, first_user: int
) -> list[tuple[str, float, float]]:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(seconds)
        return web.Response(body=copy_of_article("slow"), content_type="text/html")

    base_help = await timed_reply(api, first_user, "/help", "key facts")
    base_link = await timed_reply(api, first_user + 1, pages.page("/calm.html", copy_of_article("calm")), "Key facts")
    api.send_text(first_user + 2, pages.route("/slow.html", slow))
    await api.wait_for_reply(first_user + 2, "Reading")
    during_help = await timed_reply(api, first_user + 3, "/help", "key facts")
    during_link = await timed_reply(api, first_user + 4, pages.page("/busy.html", copy_of_article("busy")), "Key facts")
    await api.wait_for_reply(first_user + 2, "Key facts", timeout=seconds + 60)
    return [("/help", base_help, during_help), ("another user's link", base_link, during_link)]


async def main(users: list[int], slow_seconds: float) -> None:
    api = await FakeBotAPI().start()
    pages = await PageServer().start()
    with tempfile.TemporaryDirectory() as data:
        settings = load_settings(
            None,
            telegram={"token": TOKEN, "base_url": api.base_url},
            fetch={"allow_private_hosts": True, "timeout_s": slow_seconds + 30},
            database={"url": f"sqlite+aiosqlite:///{data}/bench.db"},
            bot={"rate_limit_per_minute": 1000, "queue_size": 256},
        )
        application = build_application(settings)
        loading = time.monotonic()
        await start(application)
        rss = memory_kib("VmRSS") / 1024
        print(f"bot started, model loaded in {time.monotonic() - loading:.1f}s; RSS {rss:.0f} MiB\n")
        rows = []
        next_user = 1
        for count in users:
            rows.append(await load(api, pages, count, next_user))
            next_user += count
        base = rows[0]
        print(f"{'users':>5} {'replies/s':>9} {'p50 s':>7} {'p95 s':>7} {'peak RSS MiB':>12} {'p95 vs N=1':>10}")
        for row in rows:
            print(f"{row['users']:>5} {row['replies_per_s']:>9.2f} {row['p50_s']:>7.2f} {row['p95_s']:>7.2f} "
                  f"{row['peak_rss_mib']:>12.0f} {row['p95_s'] / base['p95_s']:>10.2f}")  # fmt: skip
        if slow_seconds > 0:
            print(f"\nWith one page that takes {slow_seconds:.0f}s to answer (reply time, seconds):")
            print(f"{'request':<22} {'no slow page':>12} {'slow page pending':>17} {'ratio':>6}")
            for name, calm, busy in await slow_site(api, pages, slow_seconds, next_user):
                print(f"{name:<22} {calm:>12.2f} {busy:>17.2f} {busy / calm:>6.2f}")
        await stop(application)
    await pages.stop()
    await api.stop()


def start_workers(count: int, redis_url: str) -> list[subprocess.Popen[bytes]]:
    if not count:
        return []
    threads = max(1, (os.cpu_count() or 1) // count)  # as the README advises: the cores shared out
    env = os.environ | {"NEWSBOT_QUEUE__URL": redis_url, "NEWSBOT_QUEUE__WORKER_THREADS": str(threads),
                        "HF_HUB_OFFLINE": "1"}  # fmt: skip
    return [
        subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=env, cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]  # fmt: skip


async def until_workers(redis_url: str, count: int) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url)
    try:
        for _ in range(1200):  # two minutes at most: each loads torch and the model
            if len([key async for key in redis.scan_iter("newsbot:worker:*")]) >= count:
                return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"{count} workers did not start")
    finally:
        await redis.aclose()


async def job_overhead(application: Any, runs: int = 100) -> float:
    """Median milliseconds of one small model job (a headline's embedding), as the bot's pipeline runs it."""
    pipeline = application.bot_data["services"].pipeline
    await pipeline.embed(["warm up"])
    times = []
    for n in range(runs):
        started = time.perf_counter()
        await pipeline.embed([f"Coalition members suspend Iraq operations {n}"])
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def scale(users: list[int], worker_counts: list[int]) -> None:
    binary = find_redis()
    if binary is None:
        raise SystemExit("bench: --workers needs redis-server (apt-get install redis-server)")
    api = await FakeBotAPI().start()
    pages = await PageServer().start()
    redis = RedisServer(binary).start()
    rows: list[tuple[str, dict[str, float], float]] = []
    next_user = 1
    try:
        for count in [0, *worker_counts]:  # 0: the baseline, the in-process pool
            url = redis.url(count)
            with tempfile.TemporaryDirectory() as data:
                settings = load_settings(
                    None,
                    telegram={"token": TOKEN, "base_url": api.base_url},
                    fetch={"allow_private_hosts": True},
                    database={"url": f"sqlite+aiosqlite:///{data}/bench.db", "data_dir": data},
                    bot={"rate_limit_per_minute": 1000, "queue_size": 256},
                    queue={"url": url if count else "", "max_waiting": 1000},
                )
                workers = start_workers(count, url)
                try:
                    await until_workers(url, count)
                    application = build_application(settings)
                    await start(application)
                    overhead = await job_overhead(application)
                    for n in users:
                        name = f"{count} worker process{'es' if count > 1 else ''}" if count else "in-process pool"
                        rows.append((name, await load(api, pages, n, next_user), overhead))
                        next_user += n
                    await stop(application)
                finally:
                    for worker in workers:
                        worker.terminate()
                        worker.wait(30)
    finally:
        redis.stop()
        await pages.stop()
        await api.stop()
    print(f"{os.cpu_count()} CPU cores. Ratios against the in-process pool at the same N, measured in this run.\n")
    print(f"{'model work on':<22} {'users':>5} {'replies/s':>9} {'p50 s':>6} {'p95 s':>6} {'ratio r/s':>9} "
          f"{'small job ms':>12}")  # fmt: skip
    base = {row[1]["users"]: row[1] for row in rows if row[0] == "in-process pool"}
    for name, row, overhead in rows:
        ratio = row["replies_per_s"] / base[row["users"]]["replies_per_s"]
        print(f"{name:<22} {row['users']:>5} {row['replies_per_s']:>9.2f} {row['p50_s']:>6.2f} {row['p95_s']:>6.2f} "
              f"{ratio:>9.2f} {overhead:>12.1f}")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--slow-seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, nargs="+", help="worker process counts to compare (needs Redis)")
    arguments = parser.parse_args()
    if arguments.workers:
        asyncio.run(scale(arguments.users, arguments.workers))
    else:
        asyncio.run(main(arguments.users, arguments.slow_seconds))
