"""The ScrapingHub article-extraction benchmark's metric: word 4-gram shingles, per-page normalised counts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Score", "page_counts", "score"]

_TOKEN = re.compile(r"\w+")


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(len(tokens) - n + 1, 0)))


def page_counts(predicted: str, truth: str) -> tuple[float, float, float]:
    """tp, fp, fn for one page, normalised to sum to 1 (all zero when both are empty)."""
    pred, true = _shingles(predicted), _shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(pairs: Iterable[tuple[str, str]]) -> Score:
    """Mean precision and recall over pages, as the benchmark defines them."""
    precisions: list[float] = []
    recalls: list[float] = []
    for predicted, truth in pairs:
        tp, fp, fn = page_counts(predicted, truth)
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    return Score(sum(precisions) / len(precisions), sum(recalls) / len(recalls))
