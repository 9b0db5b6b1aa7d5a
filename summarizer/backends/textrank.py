"""TextRank over TF-IDF sentence vectors: no model, a few milliseconds, and the classic baseline.

Kept as a backend for machines that cannot spare the memory of a neural model, and used by
bench/summaries.py as the unsupervised graph baseline (Mihalcea & Tarau, 2004).
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter

import numpy as np

from summarizer.backends import RankedSentence, summarize_each
from summarizer.sentences import split_sentences
from summarizer.settings import SummarizerConfig
from summarizer.words import STOPWORDS

logger = logging.getLogger(__name__)

__all__ = ["TextRankBackend", "pagerank"]

_WORDS = re.compile(r"[a-z0-9]+")


def _tfidf(sentences: list[str]) -> np.ndarray:
    tokens = [[t for t in _WORDS.findall(s.lower()) if t not in STOPWORDS] for s in sentences]
    vocabulary = {term: i for i, term in enumerate(sorted({t for ts in tokens for t in ts}))}
    documents = Counter(t for ts in tokens for t in set(ts))
    matrix = np.zeros((len(sentences), max(len(vocabulary), 1)), dtype=np.float32)
    for row, terms in enumerate(tokens):
        for term, count in Counter(terms).items():
            matrix[row, vocabulary[term]] = count * math.log(1 + len(sentences) / documents[term])
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def pagerank(similarity: np.ndarray, damping: float = 0.85, iterations: int = 100) -> np.ndarray:
    """Stationary scores of the weighted sentence graph (power iteration)."""
    graph = similarity.copy()
    np.fill_diagonal(graph, 0.0)
    out = graph.sum(axis=1, keepdims=True)
    transition = np.divide(graph, out, out=np.full_like(graph, 1.0 / len(graph)), where=out > 0)
    scores = np.full(len(graph), 1.0 / len(graph))
    for _ in range(iterations):
        updated = (1 - damping) / len(graph) + damping * transition.T @ scores
        if np.abs(updated - scores).sum() < 1e-8:
            return updated
        scores = updated
    return scores


MAX_SENTENCES = 300


class TextRankBackend:
    name = "textrank"

    def __init__(self, config: SummarizerConfig | None = None, *, encoder: object = None) -> None:
        self.config = config  # ``encoder`` is unused: TextRank needs no model

    def summarize_many(
        self, texts: list[str], count: int, *, titles: list[str | None] | None = None
    ) -> list[list[RankedSentence]]:
        return summarize_each(self, texts, count, titles)

    def summarize(self, text: str, count: int, *, title: str | None = None) -> list[RankedSentence]:
        sentences = split_sentences(text.splitlines())[:MAX_SENTENCES]  # the similarity matrix is N × N
        if not sentences:
            return []
        vectors = _tfidf([s.text for s in sentences])
        scores = pagerank(vectors @ vectors.T)
        best = np.argsort(-scores)[:count]
        return [RankedSentence(sentences[i].text, sentences[i].index, float(scores[i])) for i in best]
