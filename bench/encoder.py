"""The model step as the bot runs it: the extractive backend summarising real articles, alone and in batches
(the bot batches the requests that wait), wall and CPU time per article, for each encoder runtime.

    python bench/encoder.py [--baseline REV] [--articles 16] [--repeats 5]

Articles: the first CNN/DailyMail and BBC articles of ../shared/bench/summaries, and the sample article 16 times
(bench/bot_load.py's load: copies alike, so batches hold sentences of equal length), read once here. Each
workload runs in a fresh process whose imports come only from the code measured; with ``--baseline REV`` that
revision runs first (a temporary git worktree, the same virtual environment) and the table gives ratios against it.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from baseline import checkout, importing  # noqa: E402

DATA = ROOT.parent / "shared" / "bench" / "summaries"
SAMPLE = ROOT / "summarizer" / "data" / "sample_article.html"


def workloads(count: int) -> dict[str, list[str]]:
    """Name → the article texts summarised together (read here, in the parent, with this tree's cleaner)."""
    sys.path.insert(0, str(ROOT))
    from summarizer.clean import from_html

    def articles(name: str) -> list[str]:
        with (DATA / f"{name}.dev.jsonl").open(encoding="utf-8") as handle:
            return [json.loads(line)["article"] for line, _ in zip(handle, range(count), strict=False)]

    sample = from_html(SAMPLE.read_text("utf-8")).text
    cnn, bbc = articles("frank_cnndm"), articles("bbc_news_summary")
    return {
        "the sample, alone": [sample],
        f"the sample x{count}, together": [sample] * count,
        "a CNN/DM article, alone": cnn[:1],
        f"{count} CNN/DM articles, together": cnn,
        f"{count} BBC articles, together": bbc,
    }


def measure(texts: list[str], runtime: str, repeats: int) -> dict[str, float]:
    """Child process: median wall and CPU milliseconds per article, after one warm-up call. Its imports come
    from PYTHONPATH, the tree measured (never from this file's tree)."""
    from summarizer.backends.extractive import ExtractiveBackend
    from summarizer.embeddings import SentenceEncoder

    try:
        encoder = SentenceEncoder(runtime=runtime)  # type: ignore[call-arg]
    except TypeError:  # a revision with torch only
        if runtime != "torch":
            return {}
        encoder = SentenceEncoder()
    backend = ExtractiveBackend(encoder=encoder)
    backend.summarize_many(texts, 3)
    walls, cpus = [], []
    for _ in range(repeats):
        usage, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        backend.summarize_many(texts, 3)
        after = resource.getrusage(resource.RUSAGE_SELF)
        walls.append((time.perf_counter() - started) * 1000 / len(texts))
        cpus.append((after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime) * 1000 / len(texts))
    return {"wall_ms": statistics.median(walls), "cpu_ms": statistics.median(cpus)}


def run_at(code: Path, texts: Path, runtime: str, repeats: int) -> dict[str, float]:
    command = [sys.executable, str(Path(__file__).resolve()), "--one", str(texts), "--runtime", runtime,
               "--repeats", str(repeats)]  # fmt: skip
    done = subprocess.run(command, cwd=code, env=importing(code), capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", metavar="REV", help="also measure this git revision")
    parser.add_argument("--articles", type=int, default=16, help="articles in a batch")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--one", metavar="TEXTS", help=argparse.SUPPRESS)
    parser.add_argument("--runtime", default="torch", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(json.loads(Path(args.one).read_text("utf-8")), args.runtime, args.repeats)))
        return
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for number, (name, texts) in enumerate(workloads(args.articles).items()):
            files[name] = Path(folder) / f"{number}.json"
            files[name].write_text(json.dumps(texts), "utf-8")
        base: dict[str, dict[str, float]] = {}
        if args.baseline:
            with checkout(args.baseline) as tree:
                base = {name: run_at(tree, path, "torch", args.repeats) for name, path in files.items()}
        print(f"The extractive backend, ms per article, median of {args.repeats}; baseline {args.baseline or '-'}, "
              "torch\n")  # fmt: skip
        print(
            f"{'workload':<32} {'runtime':<7} {'wall':>6} {'cpu':>6} {'base wall':>9} {'base cpu':>8} {'cpu ratio':>9}"
        )
        for name, path in files.items():
            before = base.get(name)
            for runtime in ("torch", "numpy"):
                ours = run_at(ROOT, path, runtime, args.repeats)
                compared = (
                    f"{before['wall_ms']:>9.0f} {before['cpu_ms']:>8.0f} {ours['cpu_ms'] / before['cpu_ms']:>8.2f}x"
                    if before
                    else f"{'-':>9} {'-':>8} {'-':>9}"
                )
                print(f"{name:<32} {runtime:<7} {ours['wall_ms']:>6.0f} {ours['cpu_ms']:>6.0f} {compared}")


if __name__ == "__main__":
    main()
