"""Fair turns at the network: a crowd at one slow site, and one user's slowloris links, on the real bot.

    python bench/fairness.py [--baseline REV]

Two scenarios, through the fake Bot API server and local page servers (loopback only), with the default
fetch settings (15 s timeout):
- crowd: 50 users each send a different page of one site that answers after 5 s; how many are told the
  site took too long, and the reply times;
- slowloris: 6 users send 12 links each to 12 sites that never finish a response; then another user sends
  a page of a fast site: its reply time.
With ``--baseline REV`` the same scenarios run first on that revision (a temporary git worktree, the same
virtual environment), and the table gives ours / baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from baseline import checkout  # noqa: E402


async def scenarios() -> dict[str, float]:
    from aiohttp import web

    from bot.app import build_application
    from summarizer.settings import load_settings
    from tests.bot.conftest import start, stop
    from tests.helpers.fake_telegram import TOKEN, FakeBotAPI
    from tests.helpers.servers import PageServer

    article = (Path("summarizer") / "data" / "sample_article.html").read_bytes()

    def copy_of(tag: str) -> bytes:
        return article.replace(b"477400-coalition-suspend-iraq-operations", tag.encode())

    api = await FakeBotAPI().start()
    pages = await PageServer().start()
    release = asyncio.Event()

    async def five_seconds(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(body=copy_of(request.path), content_type="text/html")

    results: dict[str, float] = {}
    slow_sites = [await PageServer(host=f"127.0.0.{n}").start() for n in range(2, 14)]
    with tempfile.TemporaryDirectory() as data:
        settings = load_settings(
            None,
            telegram={"token": TOKEN, "base_url": api.base_url},
            fetch={"allow_private_hosts": True},
            database={"url": f"sqlite+aiosqlite:///{data}/bench.db"},
            bot={"rate_limit_per_minute": 1000, "queue_size": 256},
        )
        application = build_application(settings)
        await start(application)

        started = time.monotonic()
        crowd = range(1000, 1050)
        for user in crowd:
            api.send_text(user, pages.route(f"/crowd/{user}.html", five_seconds))
        finished = [
            await api.wait_for(
                lambda c, u=user: c.method == "editMessageText" and c.chat_id == u and not c.text.startswith("Reading"),
                timeout=300,
            )
            for user in crowd
        ]
        times = [call.at - started for call in finished]
        results["crowd_too_long"] = sum("too long" in call.text for call in finished)
        results["crowd_p50_s"] = statistics.median(times)
        results["crowd_max_s"] = max(times)

        for user in range(1, 7):
            for batch in range(4):
                links = [site.stalled(f"/slow/{user}-{batch}.html", release) for site in slow_sites[batch * 3 :][:3]]
                api.send_text(user, " ".join(links))
        await api.wait_for(lambda c: len([x for x in api.calls_to("sendMessage") if x.chat_id < 7]) >= 72, timeout=60)
        await asyncio.sleep(1)
        fast = pages.page("/fast.html", copy_of("fast"))
        started = time.monotonic()
        api.send_text(50, fast)
        reply = await api.wait_for_reply(50, "Key facts", timeout=120)
        results["slowloris_fast_reply_s"] = reply.at - started
        release.set()
        await stop(application)
    for site in slow_sites:
        await site.stop()
    await pages.stop()
    await api.stop()
    return results


def run_at(code: Path) -> dict[str, float]:
    """The scenarios in a child process whose imports come from ``code`` (a checkout)."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--one"],
        cwd=code,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(code), "HF_HUB_OFFLINE": "1", "PTB_TIMEDELTA": "1"},
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", metavar="REV", help="also run the scenarios on this git revision")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        sys.path.insert(0, ".")
        print(json.dumps(asyncio.run(scenarios())))
        return
    base: dict[str, float] | None = None
    if args.baseline:
        with checkout(args.baseline) as tree:
            base = run_at(tree)
    ours = run_at(ROOT)
    print("Fair turns at the network (default fetch settings: 15 s timeout)\n")
    print(f"{'measure':<46} {'baseline':>9} {'ours':>8} {'ratio':>7}")
    labels = {
        "crowd_too_long": "crowd: users told the site took too long (/50)",
        "crowd_p50_s": "crowd: reply time p50, s",
        "crowd_max_s": "crowd: slowest reply, s",
        "slowloris_fast_reply_s": "slowloris: another user's fast page, s",
    }
    for key, label in labels.items():
        if base is None:
            print(f"{label:<46} {'-':>9} {ours[key]:>8.2f}")
        else:
            ratio = f"{ours[key] / base[key]:.3f}" if base[key] else "-"
            print(f"{label:<46} {base[key]:>9.2f} {ours[key]:>8.2f} {ratio:>7}")


if __name__ == "__main__":
    main()
