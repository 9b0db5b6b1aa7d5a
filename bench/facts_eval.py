"""Key-fact extraction on the annotated set: precision, recall and F1 per category, and timing.

    python bench/facts_eval.py [--data FOLDER...] [--verbose]
    (default: tests/data/facts/{blind,dev,heldout}, then tests/data/facts-real/{dev,heldout-1,...}; the
    real-reporting blind splits are scored only when named, once, at the end of the work they judge, and so is a
    folder holding an UNSCORED file, kept for a first sight; delete the file when that first sight is reported)

Also times facts against the summary on the sample article, the figure issue #4 asks for.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from facts_metric import evaluate, load_passages  # noqa: E402

from summarizer.clean import from_html  # noqa: E402
from summarizer.facts import extract_facts  # noqa: E402

UNSCORED = "UNSCORED"  # a folder annotated for a first sight still to come: scored only when named, never by default


def extract(text: str, language: str) -> list[dict[str, object]]:
    return list(_extracted(text, language))


@cache
def _extracted(text: str, language: str) -> tuple[dict[str, object], ...]:
    """Each passage read once, however many subsets (forms, business, the interval's resamples) score it."""
    return tuple(fact.to_dict() for fact in extract_facts(text, language))


def f1_interval(passages: list, resamples: int = 1_000) -> tuple[float, float]:  # type: ignore[type-arg]
    """The 95% interval of all-category F1 over passages drawn with replacement: how far a split this small can
    move by which passages it happens to hold, against which a change of a few facts is noise."""
    counts = [(s.true_positives, s.predicted, s.gold) for s in (evaluate([p], extract).overall for p in passages)]
    draw = random.Random(0)
    scores = []
    for _ in range(resamples):
        picked = [counts[draw.randrange(len(counts))] for _ in counts]
        right, found, gold = (sum(column) for column in zip(*picked, strict=True))
        scores.append(2 * right / (found + gold) if found + gold else 1.0)
    scores.sort()
    return scores[int(0.025 * resamples)], scores[int(0.975 * resamples) - 1]


def timing(repeats: int = 20) -> tuple[float, float]:
    """Milliseconds per run on the sample article: facts, and the default summary."""
    from summarizer.backends.extractive import ExtractiveBackend

    article = from_html((ROOT / "summarizer" / "data" / "sample_article.html").read_text("utf-8"))
    backend = ExtractiveBackend()
    backend.summarize(article.text, 3, title=article.title)  # warm-up
    extract_facts(article.text)
    started = time.perf_counter()
    for _ in range(repeats):
        extract_facts(article.text)
    facts_ms = (time.perf_counter() - started) * 1000 / repeats
    started = time.perf_counter()
    for _ in range(repeats):
        backend.summarize(article.text, 3, title=article.title)
    summary_ms = (time.perf_counter() - started) * 1000 / repeats
    return facts_ms, summary_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    folders = [path for name in ("facts", "facts-real") for path in sorted((ROOT / "tests" / "data" / name).iterdir())
               if path.is_dir() and not (name == "facts-real" and path.name.startswith("blind"))
               and not (path / UNSCORED).exists()]  # fmt: skip
    parser.add_argument("--data", type=Path, nargs="+", default=folders, help="folders of annotated passages")
    parser.add_argument("--verbose", action="store_true", help="list every miss and spurious fact")
    args = parser.parse_args()
    for folder in args.data:
        report_on(folder.name, load_passages(folder), args.verbose)
    if len(args.data) > 1:
        report_on("all", [p for folder in args.data for p in load_passages(folder)], verbose=False)
    facts_ms, summary_ms = timing()
    print(f"sample article: facts {facts_ms:.1f} ms, summary {summary_ms:.1f} ms "
          f"(facts take {facts_ms / summary_ms:.2f}× the summary's time)")  # fmt: skip
    worst_cases()


def worst_cases() -> None:
    """Inputs built to be slow (a flattened table, run-on lists): the bounds in summarizer/facts keep each finite."""
    cases = {
        "lines of 150 'Britain (1), '": "\n".join(["Britain (1), " * 150] * 100),
        "one line of 2,000 'Britain (1), '": "Britain (1), " * 2000,
        "'The death toll rose ' x300 + '1, ' x300": "The death toll rose " * 300 + "1, " * 300,
        "'1 troops, ' x3000": "1 troops, " * 3000,
        "'| 1 ' x3000": "| 1 " * 3000,
    }
    for name, text in cases.items():
        started = time.perf_counter()
        extract_facts(text)
        print(f"worst case {name:<42} {len(text):>7} chars {(time.perf_counter() - started) * 1000:8.0f} ms")


def report_on(name: str, passages: list, verbose: bool) -> None:  # type: ignore[type-arg]
    report = evaluate(passages, extract)
    print(f"Key facts, {name}: {len(passages)} annotated passages\n")
    print(f"{'category':<12} {'gold':>5} {'found':>6} {'right':>6} {'precision':>9} {'recall':>7} {'F1':>6}")
    rows = [(name, report.categories[name]) for name in sorted(report.categories)] + [("all", report.overall)]
    for label, score in rows:
        counts = f"{score.gold:>5} {score.predicted:>6} {score.true_positives:>6}"
        print(f"{label:<12} {counts} {score.precision:>9.3f} {score.recall:>7.3f} {score.f1:>6.3f}")
    low, high = f1_interval(passages)
    print(f"all F1 {report.overall.f1:.3f}, 95% interval by passage {low:.3f}-{high:.3f}")
    print(f"location right on {report.where_right}/{report.where_checked} matched facts, "
          f"given where none is stated on {report.where_unstated}; "
          f"approx right on {report.approx_right}/{report.approx_checked}")  # fmt: skip
    forms = {"prose": ("prose",), "list/table": ("list", "table"), "change": ("change",)}
    for label, kinds in forms.items():
        subset = [p for p in passages if p.form in kinds]
        if subset and len(subset) != len(passages):
            score = evaluate(subset, extract).overall
            print(f"form {label:<11} {len(subset):>4} passages: precision {score.precision:.3f} "
                  f"recall {score.recall:.3f} F1 {score.f1:.3f}")  # fmt: skip
    business = [p for p in passages if p.domain in ("business", "markets")]
    if business:
        scored = evaluate(business, extract)
        wrong = scored.overall.predicted - scored.overall.true_positives
        print(f"business/markets: {scored.passages_with_wrong_facts}/{len(business)} passages with a wrong fact "
              f"({scored.passages_with_wrong_facts / len(business):.1%}); {wrong}/{scored.overall.predicted} "
              "facts found there are wrong")  # fmt: skip
    print()
    if verbose and (report.misses or report.spurious or report.misplaced):
        print("\n".join(report.misses + report.spurious + report.misplaced) + "\n")


if __name__ == "__main__":
    main()
