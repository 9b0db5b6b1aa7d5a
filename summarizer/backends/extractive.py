"""The embedded default backend: extractive, scored with MiniLM sentence embeddings.

Each sentence is scored for centrality (closeness to the article's centroid), closeness to the title, and
position (news puts the essentials first); sentences are then picked greedily with a redundancy penalty
(maximal marginal relevance), so near-duplicates never both make it in.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np

from summarizer.backends import RankedSentence
from summarizer.embeddings import SentenceEncoder
from summarizer.sentences import Sentence, split_sentences
from summarizer.settings import SummarizerConfig

logger = logging.getLogger(__name__)

__all__ = ["ExtractiveBackend", "Weights"]

_WORDS = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each signal counts; tuned on the dev sets by bench/summaries.py."""

    centrality: float = 0.45
    title: float = 0.25
    position: float = 0.30
    redundancy: float = 0.55  # MMR trade-off: share of relevance vs. novelty
    duplicate: float = 0.88  # cosine above which a sentence repeats one already chosen
    min_words: int = 6
    max_words: int = 60


def _candidates(sentences: list[Sentence], weights: Weights) -> list[Sentence]:
    """Sentences worth considering: long enough to say something, short enough to read, not a question."""
    good = [
        s
        for s in sentences
        if weights.min_words <= len(_WORDS.findall(s.text)) <= weights.max_words and not s.text.endswith("?")
    ]
    return good or sentences


class ExtractiveBackend:
    """Picks sentences from the article; never writes words the article does not contain."""

    name = "extractive"

    def __init__(
        self,
        config: SummarizerConfig | None = None,
        encoder: SentenceEncoder | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.encoder = encoder or SentenceEncoder()
        self.weights = weights or Weights()

    def summarize(self, text: str, count: int, *, title: str | None = None) -> list[RankedSentence]:
        sentences = _candidates(split_sentences(text.splitlines()), self.weights)
        if not sentences:
            return []
        vectors = self.encoder.encode([s.text for s in sentences] + ([title] if title else []))
        title_vector = vectors[-1] if title else None
        vectors = vectors[: len(sentences)]
        relevance = self._relevance(sentences, vectors, title_vector)
        chosen = self._select(vectors, relevance, count)
        return [RankedSentence(sentences[i].text, sentences[i].index, float(relevance[i])) for i in chosen]

    def _relevance(self, sentences: list[Sentence], vectors: np.ndarray, title_vector: np.ndarray | None) -> np.ndarray:
        w = self.weights
        centroid = vectors.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        centrality = vectors @ centroid
        position = np.array([1.0 / np.sqrt(1.0 + s.index) for s in sentences], dtype=np.float32)
        score = w.centrality * centrality + w.position * position
        if title_vector is not None:
            score += w.title * (vectors @ title_vector)
        else:
            score += w.title * centrality
        return score

    def _select(self, vectors: np.ndarray, relevance: np.ndarray, count: int) -> list[int]:
        """Maximal marginal relevance, best first; near-duplicates of a chosen sentence are skipped."""
        w = self.weights
        similarity = vectors @ vectors.T
        chosen: list[int] = []
        remaining = list(range(len(relevance)))
        while remaining and len(chosen) < count:

            def gain(i: int) -> float:
                overlap = max((similarity[i, j] for j in chosen), default=0.0)
                return w.redundancy * relevance[i] - (1 - w.redundancy) * overlap

            best = max(remaining, key=gain)
            remaining.remove(best)
            if chosen and max(similarity[best, j] for j in chosen) > w.duplicate:
                continue
            chosen.append(best)
        return chosen
