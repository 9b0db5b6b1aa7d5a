"""What one oversized article costs the model worker: time and peak memory, bounded vs. unbounded.

    python bench/limits.py [--data ../shared/bench/summaries] [--sizes 500 2000 1.9MB]

Each case is a text made of real BBC News sentences (../shared/bench/summaries), summarised and scanned for
facts once, in a fresh process so that peak memory is the case's own. "ours" is the bot's path today (the
article bounded to MAX_ARTICLE_CHARS, the model shown at most MAX_CANDIDATES sentences); "unbounded" is the
same backend with both bounds lifted, which is what the bot did before they existed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "bench" / "summaries"


def corpus_text(data: Path, size: str) -> str:
    """``size`` sentences ("500") or characters ("1.9MB") of BBC News paragraphs, in file order."""
    from summarizer.sentences import split_sentences

    paragraphs: list[str] = []
    with (data / "bbc_news_summary.dev.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            paragraphs += [p for p in json.loads(line)["article"].split("\n") if p.strip()]
    if size.upper().endswith("MB"):
        wanted = int(float(size[:-2]) * 1_000_000)
        text = ""
        while len(text) < wanted:
            text += "\n".join(paragraphs) + "\n"
        return text[:wanted]
    wanted = int(size)
    kept: list[str] = []
    count = 0
    for paragraph in paragraphs * 10:
        kept.append(paragraph)
        count += len(split_sentences([paragraph]))
        if count >= wanted:
            break
    return "\n".join(kept)


def one_case(data: Path, size: str, mode: str) -> dict[str, float]:
    """Run in a child process: the case's seconds and the process's peak resident memory."""
    from summarizer.backends.extractive import ExtractiveBackend
    from summarizer.clean import from_text
    from summarizer.facts import extract_facts

    text = corpus_text(data, size)
    backend = ExtractiveBackend(max_candidates=None if mode == "unbounded" else ExtractiveBackend().max_candidates)
    backend.summarize("Warm-up sentence for the model, long enough to count here.", 1)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    body = text if mode == "unbounded" else from_text(text).text
    backend.summarize(body, 3)
    extract_facts(body, "en")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mib": peak, "growth_mib": peak - base_rss, "chars": len(text)}


def run_case(data: Path, size: str, mode: str) -> dict[str, float]:
    child = [sys.executable, __file__, "--data", str(data), "--one", size, mode]
    done = subprocess.run(child, capture_output=True, text=True, check=True, env={"HF_HUB_OFFLINE": "1"})
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sizes", nargs="+", default=["500", "2000", "1.9MB"])
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"{args.data} not found: this benchmark reads the project's shared folder (../shared/bench), "
                 "a sibling of the checkout; or pass --data")  # fmt: skip
    if args.one:
        print(json.dumps(one_case(args.data, *args.one)))
        return
    print("One oversized article on the model worker (summary + facts), each case in a fresh process\n")
    print(f"{'case':>8} {'chars':>10} {'unbounded s':>12} {'ours s':>8} {'ratio':>7} "
          f"{'unbounded MiB':>14} {'ours MiB':>9} {'ratio':>7}")  # fmt: skip
    for size in args.sizes:
        base = run_case(args.data, size, "unbounded")
        ours = run_case(args.data, size, "ours")
        print(f"{size:>8} {base['chars']:>10,.0f} {base['seconds']:>12.1f} {ours['seconds']:>8.2f} "
              f"{ours['seconds'] / base['seconds']:>7.3f} {base['growth_mib']:>14.0f} {ours['growth_mib']:>9.0f} "
              f"{ours['growth_mib'] / max(base['growth_mib'], 1):>7.3f}", flush=True)  # fmt: skip
    print("\nMiB: growth of peak resident memory over the loaded model's, during the case.")


if __name__ == "__main__":
    main()
