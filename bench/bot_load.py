"""Load on the real bot: N users send links at once through the fake Bot API server (loopback only).

    python bench/bot_load.py [--users 1 10 50] [--slow-seconds 20]

For each N, every user sends a link to a different copy of the sample article (so the cache cannot answer)
and we time each update from the moment it is queued to the edit that carries its summary. Then the
slow-site scenario: one page that takes --slow-seconds to answer, while /help and another user's link are
timed, against the same two measured with no slow page. Ratios are against the baseline of the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402

from bot.app import build_application  # noqa: E402
from summarizer.settings import load_settings  # noqa: E402
from tests.bot.conftest import start, stop  # noqa: E402
from tests.helpers.fake_telegram import TOKEN, FakeBotAPI  # noqa: E402
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--slow-seconds", type=float, default=20.0)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.users, arguments.slow_seconds))
