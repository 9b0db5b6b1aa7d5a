"""Summary quality against human references: ROUGE-1/2/Lsum (rouge-score, stemming on), one table, one run.

    python bench/summaries.py [--data ../shared/bench/summaries] [--limit N] [--abstractive MODEL]

Methods: Lead-N (the classic news baseline), TextRank (graph baseline), and our backends. N is 3 for
CNN/DailyMail and BBC (the bot's default length) and 1 for XSum (one-sentence references). CNN/DailyMail is
also shown by halves (even / odd lines): the default's weights were chosen on one half and checked on the other.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from rouge_score import rouge_scorer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.backends import Backend, create_backend, in_article_order  # noqa: E402
from summarizer.sentences import split_sentences  # noqa: E402
from summarizer.settings import load_settings  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "bench" / "summaries"
DATASETS = {"cnndm": ("frank_cnndm", 3), "xsum": ("frank_xsum", 1), "bbc": ("bbc_news_summary", 3)}
METRICS = ("rouge1", "rouge2", "rougeLsum")

Summarizer = Callable[[str, str | None, int], list[str]]


def load(data: Path, name: str, limit: int | None) -> list[dict[str, str]]:
    with (data / f"{name}.dev.jsonl").open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return rows[:limit] if limit else rows


def split_title(row: dict[str, str], dataset: str) -> tuple[str | None, str]:
    """BBC articles carry their title on the first line; the others have none."""
    if dataset != "bbc":
        return None, row["article"]
    lines = [line for line in row["article"].splitlines() if line.strip()]
    return lines[0], "\n".join(lines[1:])


def lead(text: str, title: str | None, count: int) -> list[str]:
    return [s.text for s in split_sentences(text.splitlines())][:count]


def from_backend(backend: Backend) -> Summarizer:
    def summarize(text: str, title: str | None, count: int) -> list[str]:
        return in_article_order(backend.summarize(text, count, title=title))

    return summarize


def score(rows: list[dict[str, str]], dataset: str, count: int, method: Summarizer) -> np.ndarray:
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    results = []
    for row in rows:
        title, text = split_title(row, dataset)
        summary = method(text, title, count)
        reference = "\n".join(s.text for s in split_sentences(row["summary"].splitlines()))
        scores = scorer.score(reference, "\n".join(summary))
        results.append([scores[m].fmeasure for m in METRICS])
    return 100 * np.array(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, help="articles per dataset (default: all)")
    parser.add_argument("--abstractive", metavar="MODEL", help="also score the abstractive backend with MODEL")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"{args.data} not found: this benchmark reads the project's shared folder (../shared/bench), "
                 "a sibling of the checkout; or pass --data")  # fmt: skip

    settings = load_settings()
    methods: dict[str, Summarizer] = {
        "Lead-N": lead,
        "TextRank": from_backend(create_backend(settings.summarizer.model_copy(update={"backend": "textrank"}))),
        "extractive (default)": from_backend(create_backend(settings.summarizer)),
    }
    if args.abstractive:
        config = settings.summarizer.model_copy(update={"backend": "abstractive", "model": args.abstractive})
        methods["abstractive"] = from_backend(create_backend(config))

    print(
        f"{'dataset':<14} {'method':<22} {'R-1':>6} {'R-2':>6} {'R-Lsum':>7} {'ΔR-1':>6} {'ΔR-2':>6} {'s/article':>9}"
    )
    for dataset, (name, count) in DATASETS.items():
        rows = load(args.data, name, args.limit)
        lead_scores = None
        for label, method in methods.items():
            started = time.perf_counter()
            per_article = score(rows, dataset, count, method)
            seconds = (time.perf_counter() - started) / len(rows)
            means = per_article.mean(axis=0)
            if lead_scores is None:
                lead_scores = per_article
            delta = means - lead_scores.mean(axis=0)
            print(f"{dataset + f' ({len(rows)})':<14} {label:<22} {means[0]:>6.2f} {means[1]:>6.2f} {means[2]:>7.2f} "
                  f"{delta[0]:>+6.2f} {delta[1]:>+6.2f} {seconds:>9.3f}")  # fmt: skip
            if dataset == "cnndm" and label != "TextRank":
                for half, part in (("even", per_article[0::2]), ("odd", per_article[1::2])):
                    base = lead_scores[0::2] if half == "even" else lead_scores[1::2]
                    m, d = part.mean(axis=0), part.mean(axis=0) - base.mean(axis=0)
                    print(f"{'  ' + half + ' half':<14} {label:<22} {m[0]:>6.2f} {m[1]:>6.2f} {m[2]:>7.2f} "
                          f"{d[0]:>+6.2f} {d[1]:>+6.2f}")  # fmt: skip
        print()


if __name__ == "__main__":
    main()
