"""Article extraction on the ScrapingHub benchmark: `newsbot extract` vs plain trafilatura, one run.

    python bench/extraction.py [--data ../shared/bench/extraction]

Runs `newsbot extract --json` once over all pages (as a user would), and trafilatura.extract() with its
defaults in-process; scores both with the benchmark's own metric and prints a table with the ratio.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).parent))
from extraction_metric import Score, score

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "extraction"


def load(data: Path) -> dict[str, dict[str, str]]:
    return json.loads((data / "ground-truth.json").read_text("utf-8"))


def plain_trafilatura(data: Path, truth: dict[str, dict[str, str]]) -> tuple[dict[str, str], float]:
    started = time.perf_counter()
    texts = {}
    for page_id in truth:
        html = (data / "html" / f"{page_id}.html").read_text("utf-8")
        texts[page_id] = trafilatura.extract(html) or ""
    return texts, time.perf_counter() - started


def newsbot_extract(data: Path, truth: dict[str, dict[str, str]]) -> tuple[dict[str, str], float]:
    files = [str(data / "html" / f"{page_id}.html") for page_id in truth]
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "extract", "--json", *files], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    texts = {}
    for line in run.stdout.splitlines():
        record = json.loads(line)
        texts[Path(record["source"]).stem] = record.get("text", "")  # a page with no article scores as empty
    return texts, elapsed


def evaluate(data: Path) -> dict[str, tuple[Score, float]]:
    truth = load(data)
    results = {}
    for name, method in (("trafilatura (plain)", plain_trafilatura), ("newsbot extract", newsbot_extract)):
        texts, seconds = method(data, truth)
        results[name] = (score((texts.get(pid, ""), rec["articleBody"]) for pid, rec in truth.items()), seconds)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"{args.data} not found: this benchmark reads the project's shared folder (../shared/bench), "
                 "a sibling of the checkout; or pass --data")  # fmt: skip
    results = evaluate(args.data)
    pages = len(load(args.data))
    base_score, base_time = results["trafilatura (plain)"]
    print(f"Article extraction, {pages} pages (ScrapingHub benchmark metric)\n")
    print(f"{'method':<22} {'precision':>9} {'recall':>7} {'F1':>7} {'F1 ratio':>9} {'seconds':>8}")
    for name, (result, seconds) in results.items():
        print(
            f"{name:<22} {result.precision:>9.4f} {result.recall:>7.4f} {result.f1:>7.4f} "
            f"{result.f1 / base_score.f1:>9.3f} {seconds:>8.1f}"
        )
    print(f"\n(newsbot's time includes starting its process; plain trafilatura took {base_time:.1f}s in-process)")


if __name__ == "__main__":
    main()
