"""Time to build a topic digest from 10 feeds × 50 items, and the share spent fetching, clustering, summarising.

    python bench/digest.py [--feeds 10] [--items 50] [--runs 3]

Feeds and article pages are served on 127.0.0.1. A fifth of the items are about the topic, several outlets
carry the same stories (so clustering has work to do), and each item links to a real article page, so the
summarising step fetches, cleans and summarises the lead articles as the bot does.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.feeds import sources_from  # noqa: E402
from summarizer.fetch import Fetcher  # noqa: E402
from summarizer.pipeline import Pipeline  # noqa: E402
from summarizer.settings import load_settings  # noqa: E402
from summarizer.topics import TopicFinder  # noqa: E402
from tests.helpers.news import Entry, article_page, other_page, rss  # noqa: E402
from tests.helpers.servers import PageServer  # noqa: E402

ON_TOPIC = [
    "Coalition members suspend Iraq operations after general's killing",
    "Germany pauses troop training mission in Iraq",
    "NATO halts Iraq training as tensions rise",
    "Denmark weighs bringing soldiers home from Iraq",
    "Sweden's advisers in Iraq on lockdown",
    "US sends more troops to the Middle East",
]
OFF_TOPIC = ["Stock markets close higher", "Storm batters coast", "Election results due", "Football club sacks manager",
             "New vaccine approved", "Rail strike called off", "Wildfire spreads", "Tech firm unveils phone",
             "Central bank holds rates", "Museum reopens after repairs"]  # fmt: skip


def build_site(server: PageServer, feeds: int, items: int, rng: random.Random) -> list[str]:
    urls = []
    for feed in range(feeds):
        entries = []
        for item in range(items):
            if rng.random() < 0.2:
                headline = rng.choice(ON_TOPIC)
                link = article_page(server, f"/f{feed}/i{item}.html", f"story-{feed}-{item}")
            else:
                headline = f"{rng.choice(OFF_TOPIC)} ({feed}-{item})"
                link = other_page(server, f"/f{feed}/i{item}.html", headline, f"{headline}: officials said on Monday.")
            entries.append(Entry(headline, link, headline, age_hours=rng.uniform(0, 72)))
        urls.append(server.page(f"/feed{feed}.xml", rss(entries), "application/rss+xml"))
    return urls


async def main(feeds: int, items: int, runs: int) -> None:
    server = await PageServer().start()
    urls = build_site(server, feeds, items, random.Random(7))
    settings = load_settings(None, fetch={"allow_private_hosts": True})
    async with Fetcher(settings.fetch) as fetcher:
        pipeline = Pipeline(settings, fetcher=fetcher)
        await pipeline.start()
        finder = TopicFinder(pipeline, sources_from(urls, []))
        await finder.digest("weather")  # warm-up: lexicons, first model calls
        results = {}
        for case in ("cold", "warm"):  # cold: no embedding cached; warm: the next digest over the same feeds
            measured = []
            for _ in range(runs):
                if case == "cold":
                    finder._vectors.clear()
                started = time.perf_counter()
                digest = await finder.digest("Iraq troops", limit=5)
                measured.append((time.perf_counter() - started, digest))
            results[case] = sorted(measured, key=lambda pair: pair[0])[len(measured) // 2]
    await server.stop()
    digest = results["cold"][1]
    print(f"digest of {feeds} feeds × {items} items ({digest.candidates} candidates) → {len(digest.stories)} stories; "
          f"median of {runs} runs each, 2 CPU cores\n")  # fmt: skip
    print(f"{'step':<12} {'cold s':>7} {'share':>6} {'warm s':>7} {'share':>6}")
    for step in digest.timings_s:
        cells = "".join(f" {results[c][1].timings_s[step]:>7.2f} {results[c][1].timings_s[step] / results[c][0]:>6.0%}"
                        for c in ("cold", "warm"))  # fmt: skip
        print(f"{step:<12}{cells}")
    print(f"{'total':<12} {results['cold'][0]:>7.2f} {'':>6} {results['warm'][0]:>7.2f}")
    per_story = statistics.mean(len(s.items) for s in digest.stories)
    print(
        f"\n(warm: the embeddings of items seen in the previous digest are reused)\n"
        f"{per_story:.1f} feed items per story after clustering; failures: {digest.failures or 'none'}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.feeds, arguments.items, arguments.runs))
