"""Article extraction: `newsbot extract` vs plain trafilatura on two public sets, in one run.

    python bench/extraction.py [--shared ../shared/bench]

The sets: the ScrapingHub article-extraction benchmark (181 news pages) and Mozilla Readability's test pages
(130 cases). For each, `newsbot extract --json` runs once over every page (as a user would) and
trafilatura.extract() with its defaults in-process; both are scored with the ScrapingHub metric, and the pages where
newsbot scores below 0.5 are listed with trafilatura's score on them, so a regression cannot hide in a mean.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).parent))
from extraction_metric import Score, page_counts, score

DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "bench"
WORST = 0.5  # pages newsbot scores below this are listed
COLLAPSE = (0.2, 0.8)  # newsbot below the first where trafilatura is above the second: a dropped article


@dataclass(frozen=True)
class PageSet:
    name: str
    folder: str
    truth: Callable[[object], str]  # a ground-truth record → the expected text


SETS = (
    PageSet("ScrapingHub", "extraction", lambda record: record["articleBody"]),  # type: ignore[index]
    PageSet("Readability test pages", "extraction-readability", lambda record: str(record)),
)


def page_f1(predicted: str, truth: str) -> float:
    tp, fp, fn = page_counts(predicted, truth)
    return 1.0 if fp == fn == 0 else 2 * tp / (2 * tp + fp + fn)


def plain_trafilatura(pages: dict[str, Path]) -> tuple[dict[str, str], float]:
    started = time.perf_counter()
    texts = {page_id: trafilatura.extract(path.read_bytes()) or "" for page_id, path in pages.items()}
    return texts, time.perf_counter() - started


def newsbot_extract(pages: dict[str, Path]) -> tuple[dict[str, str], float]:
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "extract", "--json", *map(str, pages.values())],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if run.returncode not in (0, 2):  # 2: some page had no article, which scores as empty
        sys.exit(f"newsbot extract failed ({run.returncode}):\n{run.stderr[-2000:]}")
    texts = {}
    for line in run.stdout.splitlines():
        record = json.loads(line)
        texts[Path(record["source"]).stem] = record.get("text", "")  # a page with no article scores as empty
    return texts, elapsed


def report(page_set: PageSet, folder: Path) -> None:
    truth = {
        key: page_set.truth(value) for key, value in json.loads((folder / "ground-truth.json").read_text()).items()
    }
    pages = {page_id: folder / "html" / f"{page_id}.html" for page_id in truth}
    methods = {"trafilatura (plain)": plain_trafilatura, "newsbot extract": newsbot_extract}
    texts: dict[str, dict[str, str]] = {}
    results: dict[str, tuple[Score, float]] = {}
    for name, method in methods.items():
        texts[name], seconds = method(pages)
        results[name] = (score((texts[name].get(pid, ""), truth[pid]) for pid in truth), seconds)
    base = results["trafilatura (plain)"][0]
    print(f"\n{page_set.name}: {len(truth)} pages (ScrapingHub metric)\n")
    print(f"{'method':<22} {'precision':>9} {'recall':>7} {'F1':>7} {'F1 ratio':>9} {'seconds':>8}")
    for name, (result, seconds) in results.items():
        print(
            f"{name:<22} {result.precision:>9.4f} {result.recall:>7.4f} {result.f1:>7.4f} "
            f"{result.f1 / base.f1:>9.3f} {seconds:>8.1f}"
        )
    ours = {pid: page_f1(texts["newsbot extract"].get(pid, ""), truth[pid]) for pid in truth}
    theirs = {pid: page_f1(texts["trafilatura (plain)"].get(pid, ""), truth[pid]) for pid in truth}
    worst = sorted((pid for pid in truth if ours[pid] < WORST), key=lambda pid: ours[pid])
    print(f"\npages below F1 {WORST}: {len(worst)}" + (" (newsbot / trafilatura)" if worst else ""))
    for pid in worst:
        print(f"  {pid:<40} {ours[pid]:.2f} / {theirs[pid]:.2f}")
    collapsed = [pid for pid in truth if ours[pid] < COLLAPSE[0] and theirs[pid] > COLLAPSE[1]]
    print(f"pages below {COLLAPSE[0]} where trafilatura is above {COLLAPSE[1]}: {len(collapsed)} {collapsed or ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared bench folder")
    args = parser.parse_args()
    if not args.shared.is_dir():
        sys.exit(f"{args.shared} not found: this benchmark reads the project's shared folder (../shared/bench)")
    for page_set in SETS:
        report(page_set, args.shared / page_set.folder)
    print("\n(newsbot's time includes starting its process; trafilatura's is in-process)")


if __name__ == "__main__":
    main()
