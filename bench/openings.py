"""Summary openings (issue #14): bullets that are headings, repeats, datelines, bylines, quote fragments, or
a dangling first bullet, counted on every article of the shared summary sets, before and after, in one run.

    python bench/openings.py [--baseline REV] [--data ../shared/bench/summaries] [--limit N] [--examples N]

Summaries are made exactly as bench/summaries.py makes them (same inputs, same length: 3 bullets, 1 for XSum) by
the default backend. A fourth row, "bbc+title", feeds the BBC articles whole, their title line left at the top of
the text, as a page whose heading survived extraction would arrive.

The detector below is this file's own: it reads only the bullets, the article's lines and the title, and shares
no code or word list with summarizer/bullets.py (the rules that pick bullets), so that the check can fail. It
counts, per bullet:
- heading: a whole line of the article that does not end a sentence (a heading, a sub-head, a line cut short),
  or a bullet that is the title again;
- duplicate: a bullet whose words largely repeat an earlier bullet's (longest common subsequence of words at
  least 60% of the shorter one);
- dateline: a bullet that opens with a place or agency line ("ERBIL (Kurdistan 24) –", "(CNN)", "LONDON —");
- byline: "By Jane Smith", "Reporting by …", "… contributed to this report";
- quote: a piece of a quotation: an odd number of double quotes, a quote that never closes or is left with no
  one to say it, or the tail of a quote opened in an earlier sentence. Stricter than the rules, which let a
  quote that names its speaker be a bullet even when it runs on ('He said: "We will stay.'): those still count;
- dangling: the first bullet leans on something before it (a pronoun, "This comes after", "But", "However",
  "The 25-year-old", a quote said by "he"). "dangling, 1st" counts those that are the article's own first
  sentence (XSum's articles lost theirs to the reference summary, so many open this way).

With ``--baseline REV`` the same summaries are made first by that revision (a temporary git worktree, the same
virtual environment); each side runs in its own process, importing its own code.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from baseline import checkout  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "bench" / "summaries"
KINDS = ("heading", "duplicate", "dateline", "byline", "quote", "dangling")
SETS = ("cnndm", "xsum", "bbc", "bbc+title")

# --- the detector -------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+")
_ENDS_SENTENCE = re.compile(r"[.!?…:;][\"”’')\]]*\s*$")
_DATELINES = (
    # "ERBIL (Kurdistan 24) – ", "New Delhi, India (CNN)As", "(CNN)", "LONDON, March 3 (Reuters) - "
    re.compile(r"^\s*(?:[A-Z0-9][^\s()]*,?\s+){0,5}\([^()]{2,40}\)(?:\s*(?:-{1,2}|–|—)|(?=[A-Z\"“‘']))"),
    # "WASHINGTON — ", "KABUL, Afghanistan -- "
    re.compile(r"^\s*[A-Z]{3,}\.?(?:[\s,]+[A-Z][\w.]*){0,3}\s*(?:--|–|—)"),
)
_BYLINES = (
    re.compile(r"^\(?\s*By\s+[A-Z]"),  # only short bullets (see is_byline)
    re.compile(r"^\(?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|written|edited)\s+by\s", re.IGNORECASE),
    re.compile(r"\bcontributed\s+(?:reporting\s+)?to\s+this\s+(?:report|story|article)", re.IGNORECASE),
)
_OPENING_MARKS = "\"“‘'"
_DOUBLE_MARKS = '"“”'
_LEANING_WORDS = frozenset({
    "he", "she", "it", "they", "him", "her", "his", "its", "their", "them", "hers", "theirs", "this", "that",
    "these", "those", "such", "both", "another", "but", "and", "or", "nor", "yet", "so", "however",
    "meanwhile", "also", "still", "instead", "nevertheless", "nonetheless", "moreover", "furthermore",
    "besides", "thus", "therefore", "hence", "otherwise", "likewise", "similarly", "indeed", "then",
    "consequently", "additionally", "accordingly", "earlier", "later",
})  # fmt: skip
_LEANING_PHRASES = re.compile(
    r"^(?:as a result|in addition|at the same time|even so|on the other hand|by contrast|in contrast|in turn|"
    r"despite this|because of this|after that|that said|the (?:move|decision|comments?|announcement|incident|news|"
    r"pair|couple|duo|latter|\d+-year-old)\b)",
    re.IGNORECASE,
)
_TIME_AFTER_DEMONSTRATIVE = frozenset({
    "year", "week", "month", "morning", "afternoon", "evening", "night", "weekend", "season", "summer",
    "winter", "spring", "autumn", "time",
})  # fmt: skip
_QUOTE_THEN_PRONOUN = re.compile(r"[\"”’']\s*,?\s+(?:he|she|they|it)\s+\w+", re.IGNORECASE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def common_subsequence(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence of two word lists."""
    previous = [0] * (len(b) + 1)
    for word in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if word == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def is_heading(bullet: str, lines: set[str], title: str | None) -> bool:
    if bullet.strip() in lines and not _ENDS_SENTENCE.search(bullet):
        return True
    if not title:
        return False
    words, title_words = tokens(bullet), tokens(title)
    shared = common_subsequence(words, title_words)
    return bool(words) and len(words) <= len(title_words) + 3 and shared >= 0.8 * len(words)


def is_duplicate(bullet: str, earlier: list[str]) -> bool:
    words = tokens(bullet)
    for other in earlier:
        other_words = tokens(other)
        shorter = min(len(words), len(other_words))
        if shorter and common_subsequence(words, other_words) >= 0.6 * shorter:
            return True
    return False


def is_dateline(bullet: str) -> bool:
    return any(pattern.search(bullet) for pattern in _DATELINES)


def is_byline(bullet: str) -> bool:
    by_name, *others = _BYLINES
    return (by_name.search(bullet) is not None and len(tokens(bullet)) <= 10) or any(
        pattern.search(bullet) for pattern in others
    )


def is_quote_fragment(bullet: str) -> bool:
    text = bullet.strip()
    if sum(text.count(mark) for mark in _DOUBLE_MARKS) % 2:
        return True
    if text[:1] in _OPENING_MARKS:
        closings = list(re.finditer(r"(?<=[\w.,!?;:…])[\"”’'](?=\s|$|[.,;:])", text[1:]))
        if not closings:
            return True
        after = text[1 + closings[-1].end() :]
        return len(tokens(after)) < 2
    # the tail of a single-quoted quotation opened in an earlier sentence (double quotes are counted above)
    return bool(re.search(r"[.!?,][’']\s*$", text)) and "‘" not in text and not re.search(r"(^|\s)'\w", text)


def is_dangling(bullet: str) -> bool:
    text = bullet
    for pattern in _DATELINES:
        text = pattern.sub("", text, count=1)
    text = text.strip()
    if text[:1] in _OPENING_MARKS:
        return _QUOTE_THEN_PRONOUN.search(text) is not None and not _QUOTE_THEN_PRONOUN.search(text[:2])
    words = [word.casefold() for word in re.findall(r"[^\W_]+(?:-[^\W_]+)*", text)[:2]]  # "So-called" is one word
    if not words:
        return False
    if words[0] in {"this", "that", "these", "those"} and len(words) > 1 and words[1] in _TIME_AFTER_DEMONSTRATIVE:
        return False
    return words[0] in _LEANING_WORDS or _LEANING_PHRASES.search(text) is not None


def opens_the_article(bullet: str, article: str) -> bool:
    """Whether the bullet is the article's own first sentence (no sentence ends before it)."""
    where = article.find(bullet.strip())
    return where >= 0 and not re.search(r"[.!?]", article[:where])


def problems(bullets: list[str], article: str, title: str | None) -> list[set[str]]:
    """The kinds of fault of each bullet of one summary (bullets in the order the reader meets them)."""
    lines = {line.strip() for line in article.splitlines() if line.strip()}
    found: list[set[str]] = []
    for position, bullet in enumerate(bullets):
        kinds = {
            kind
            for kind, faulty in (
                ("heading", is_heading(bullet, lines, title)),
                ("duplicate", is_duplicate(bullet, bullets[:position])),
                ("dateline", is_dateline(bullet)),
                ("byline", is_byline(bullet)),
                ("quote", is_quote_fragment(bullet)),
                ("dangling", position == 0 and is_dangling(bullet)),
            )
            if faulty
        }
        found.append(kinds)
    return found


# --- the summaries ------------------------------------------------------------------------------------------


def jobs(data: Path, limit: int | None) -> Iterator[dict[str, object]]:
    """Every summary to make: the inputs bench/summaries.py gives the backend, and BBC with its title left in."""
    sys.path.insert(0, str(ROOT / "bench"))
    from summaries import DATASETS, load, split_title

    for dataset, (name, count) in DATASETS.items():
        for row in load(data, name, limit):
            title, text = split_title(row, dataset)
            yield {"set": dataset, "id": row["id"], "text": text, "title": title, "count": count}
            if dataset == "bbc":
                yield {"set": "bbc+title", "id": row["id"], "text": row["article"], "title": title, "count": count}


class _RememberingEncoder:
    """The real encoder, remembering each sentence's vector for the run (bbc+title repeats bbc's sentences)."""

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder
        self.dimension = encoder.dimension
        self.vectors: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.encoder.encode(missing), strict=True))
        return np.stack([self.vectors[text] for text in texts]) if texts else self.encoder.encode([])


def summarize_jobs(path: Path) -> None:
    """Child process: the summaries of the jobs in ``path``, with the code of the current directory."""
    sys.path.insert(0, ".")
    from summarizer.backends import create_backend, in_article_order
    from summarizer.embeddings import SentenceEncoder
    from summarizer.settings import load_settings

    encoder: Any = _RememberingEncoder(SentenceEncoder())
    backend = create_backend(load_settings().summarizer, encoder=encoder)
    for job in json.loads(path.read_text("utf-8")):
        bullets = in_article_order(backend.summarize(job["text"], job["count"], title=job["title"]))
        print(json.dumps(bullets))


def summaries_at(code: Path, job_file: Path) -> list[list[str]]:
    """The summaries made by the checkout ``code``, in the order of the jobs."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--summarize", str(job_file)],
        cwd=code,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(code), "HF_HUB_OFFLINE": "1"},
    )
    if done.returncode:
        sys.exit(f"summarising with {code} failed:\n{done.stderr[-3000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("[")]


def tally(work: list[dict[str, object]], made: list[list[str]]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {name: Counter() for name in SETS}
    for job, bullets in zip(work, made, strict=True):
        found = problems(bullets, str(job["text"]), job["title"] if isinstance(job["title"], str) else None)
        counts[str(job["set"])].update(kind for kinds in found for kind in kinds)
        counts[str(job["set"])].update({"bullets": len(bullets), "summaries": 1, "faulty": any(found)})
        if found and "dangling" in found[0] and opens_the_article(bullets[0], str(job["text"])):
            counts[str(job["set"])]["dangling, 1st"] += 1  # the article itself opens so: nothing before to add
    return counts


def show_examples(work: list[dict[str, object]], made: list[list[str]], limit: int) -> None:
    shown: Counter[str] = Counter()
    for job, bullets in zip(work, made, strict=True):
        title = job["title"] if isinstance(job["title"], str) else None
        for bullet, kinds in zip(bullets, problems(bullets, str(job["text"]), title), strict=True):
            for kind in sorted(kinds):
                if shown[kind] < limit:
                    shown[kind] += 1
                    print(f"  {kind:<9} {job['set']:<9} {job['id']}: {bullet[:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", metavar="REV", help="also make the summaries with this git revision")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, help="articles per dataset (default: all)")
    parser.add_argument("--examples", type=int, default=0, help="print up to N faulty bullets of each kind (ours)")
    parser.add_argument("--summarize", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.summarize:
        summarize_jobs(args.summarize)
        return
    if not args.data.is_dir():
        sys.exit(f"{args.data} not found: this benchmark reads the project's shared folder (../shared/bench); "
                 "or pass --data")  # fmt: skip

    work = list(jobs(args.data, args.limit))
    columns: dict[str, dict[str, Counter[str]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        job_file = Path(folder) / "jobs.json"
        job_file.write_text(json.dumps(work), "utf-8")
        if args.baseline:
            with checkout(args.baseline) as tree:
                columns["before"] = tally(work, summaries_at(tree, job_file))
        ours = summaries_at(ROOT, job_file)
        columns["after"] = tally(work, ours)

    print("Bullets of each kind (a bullet may be of several); 'dangling, 1st': of the dangling, the article's own "
          "first sentence;\n'faulty': summaries with any faulty bullet.\n")  # fmt: skip
    print(f"{'set':<10} {'code':<7} {'summaries':>9} {'bullets':>7} " + " ".join(f"{k:>9}" for k in KINDS)
          + " dangling, 1st  faulty")  # fmt: skip
    for name in SETS:
        for label, counts in columns.items():
            c = counts[name]
            print(f"{name:<10} {label:<7} {c['summaries']:>9} {c['bullets']:>7} "
                  + " ".join(f"{c[k]:>9}" for k in KINDS) + f" {c['dangling, 1st']:>13} {c['faulty']:>7}")  # fmt: skip
    if args.examples:
        print("\nFaulty bullets left (ours):")
        show_examples(work, ours, args.examples)


if __name__ == "__main__":
    main()
