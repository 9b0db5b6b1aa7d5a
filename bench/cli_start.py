"""``newsbot summarize`` from a cold start, the whole process: wall time and peak memory over several runs.

    python bench/cli_start.py [--runs 6] [--baseline REV] [SOURCE]

SOURCE defaults to the bundled sample article. With ``--baseline REV`` that revision runs too (a temporary git
worktree, the same virtual environment), the two taking turns run by run so that a busier minute of the machine
falls on both; the table gives ratios against it, and whether both printed the same report.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from baseline import checkout, importing  # noqa: E402

SAMPLE = ROOT / "summarizer" / "data" / "sample_article.html"


def run_once(code: Path, source: str) -> tuple[float, float, str]:
    """Seconds, peak RSS in MiB and the report of one ``newsbot summarize`` whose imports come from ``code``."""
    command = [sys.executable, "-m", "bot.cli", "summarize", source]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=code, env=importing(code), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert child.stdout is not None
    with child.stdout:
        report = child.stdout.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{code}: exit status {child.returncode}")
    return seconds, usage.ru_maxrss / 1024, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=str(SAMPLE), help="a URL or file (default: the sample)")
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--baseline", metavar="REV", help="also time this git revision, run for run")
    args = parser.parse_args()
    source = str(Path(args.source).resolve()) if Path(args.source).exists() else args.source
    with ExitStack() as stack:
        trees = {"ours": ROOT}
        if args.baseline:
            trees = {"baseline": stack.enter_context(checkout(args.baseline)), **trees}
        runs: dict[str, list[tuple[float, float, str]]] = {name: [] for name in trees}
        for tree in trees.values():  # a first run of each, not timed: the page cache holds both
            run_once(tree, source)
        for _ in range(args.runs):
            for name, tree in trees.items():
                runs[name].append(run_once(tree, source))
    print(f"`newsbot summarize` cold, whole process, {args.runs} runs each: {source}\n")
    print(f"{'code':<9} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9} {'ratio':>6}")
    base = statistics.median(s for s, _, _ in runs["baseline"]) if "baseline" in runs else None
    for name, timed in runs.items():
        seconds = [s for s, _, _ in timed]
        median = statistics.median(seconds)
        ratio = f"{median / base:.2f}x" if base else ""
        peak = statistics.median(m for _, m, _ in timed)
        print(f"{name:<9} {median:>9.2f} {min(seconds):>7.2f} {max(seconds):>7.2f} {peak:>9.0f} {ratio:>6}")
    if base:
        same = {report for timed in runs.values() for _, _, report in timed}
        print(f"\nthe same report from both: {'yes' if len(same) == 1 else 'NO'}")


if __name__ == "__main__":
    main()
