"""The embedded default backend: extractive, scored with MiniLM sentence embeddings.

Each sentence is scored for position (news puts the essentials first), centrality (closeness to the
article's centroid), closeness to the lead sentence and to the title, and length (summaries are read on a
phone: long sentences cost more than they give). Sentences are then picked greedily with a redundancy
penalty (maximal marginal relevance), so near-duplicates never both make it in.

Only sentences that may be bullets are scored (no headings, bylines, quote fragments…: summarizer/bullets.py has
the rules), and the opening of the picks is settled there too; the sentences an opening may lean on are candidates
themselves (long enough, not a question), and three picks past the length stand by to replace it.

The weights were chosen on one half of the CNN/DailyMail dev set and checked on the other half, both ways
(bench/summaries.py has the table); they beat Lead-3 on the half they did not see.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np

from summarizer.backends import RankedSentence
from summarizer.bullets import as_bullet, bullet_candidates, open_with_context, repeats
from summarizer.embeddings import SentenceEncoder
from summarizer.sentences import Sentence, split_sentences
from summarizer.settings import SummarizerConfig

logger = logging.getLogger(__name__)

__all__ = ["ExtractiveBackend", "Weights"]

_WORDS = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each signal counts (see the module docstring for how they were chosen)."""

    position: float = 0.8
    centrality: float = 0.3
    lead: float = 0.2  # similarity to the first sentence, which states the story in news
    title: float = 0.2
    long_sentence: float = 0.2  # penalty per 25 words beyond 25 (capped at 50 more)
    long_from: int = 25
    redundancy: float = 0.85  # MMR trade-off: share of relevance vs. novelty
    duplicate: float = 0.88  # cosine above which a sentence repeats one already chosen
    min_words: int = 6
    max_words: int = 80


# The model sees at most this many candidate sentences, the first ones: news states its essentials early (the
# position weight says so too), and the cost of an article must not grow with its length (embedding every
# sentence of a 2,000-sentence page took 111 s and 650 MB on the bot's only worker).
MAX_CANDIDATES = 120
SPARE = 3  # picks past the requested length, to stand in for an opening that leans on a sentence left out


def _candidates(sentences: list[Sentence], weights: Weights, limit: int | None = MAX_CANDIDATES) -> list[Sentence]:
    """Sentences worth considering: long enough to say something, short enough to read, not a question."""
    good = [
        s
        for s in sentences
        if weights.min_words <= len(_WORDS.findall(s.text)) <= weights.max_words and not s.text.endswith("?")
    ]
    return (good or sentences)[:limit]


@dataclass(frozen=True, slots=True)
class _Prepared:
    """An article ready for the encoder: its candidate sentences, the bullets an opening may lean on, and the
    texts to embed (the candidates, then the title when there is one)."""

    sentences: list[Sentence]
    bullets: list[Sentence]
    encoded: list[str]
    has_title: bool


class ExtractiveBackend:
    """Picks sentences from the article; never writes words the article does not contain."""

    name = "extractive"

    def __init__(
        self,
        config: SummarizerConfig | None = None,
        encoder: SentenceEncoder | None = None,
        weights: Weights | None = None,
        max_candidates: int | None = MAX_CANDIDATES,
    ) -> None:
        """``max_candidates=None`` lifts the bound (bench/limits.py measures what it saves)."""
        self.encoder = encoder or SentenceEncoder()
        self.weights = weights or Weights()
        self.max_candidates = max_candidates

    def summarize(self, text: str, count: int, *, title: str | None = None) -> list[RankedSentence]:
        """The best ``count`` sentences that may be bullets (summarizer.bullets), the opening given its context."""
        return self.summarize_many([text], count, titles=[title])[0]

    def summarize_many(
        self, texts: list[str], count: int, *, titles: list[str | None] | None = None
    ) -> list[list[RankedSentence]]:
        """Several articles with one call of the encoder: their sentences are embedded together, in batches of
        similar length, which costs less than an article at a time (the bot batches the requests that wait)."""
        titles = titles or [None] * len(texts)
        prepared = [self._prepare(text, title) for text, title in zip(texts, titles, strict=True)]
        vectors = self.encoder.encode([line for article in prepared for line in article.encoded])
        ranked, start = [], 0
        for article in prepared:
            own = vectors[start : start + len(article.encoded)]
            start += len(article.encoded)
            ranked.append(self._rank(article, own, count))
        return ranked

    def _prepare(self, text: str, title: str | None) -> _Prepared:
        everything = split_sentences(text.splitlines())
        usable = bullet_candidates(everything, title) or everything  # an article of headings is all there is
        bullets = _candidates(usable, self.weights, limit=None)  # what an opening may lean on is a bullet too
        sentences = bullets[: self.max_candidates]  # what the model sees is bounded
        encoded = [s.text for s in sentences] + ([title] if title and sentences else [])
        return _Prepared(sentences=sentences, bullets=bullets, encoded=encoded, has_title=bool(title and sentences))

    def _rank(self, article: _Prepared, vectors: np.ndarray, count: int) -> list[RankedSentence]:
        sentences = article.sentences
        if not sentences:
            return []
        title_vector = vectors[-1] if article.has_title else None
        vectors = vectors[: len(sentences)]
        relevance = self._relevance(sentences, vectors, title_vector)
        ranked = self._select(sentences, vectors, relevance, count + SPARE)
        score = {sentences[i].index: float(relevance[i]) for i in ranked}
        picked = open_with_context([sentences[i] for i in ranked], article.bullets, count)
        for sentence in picked:  # one put before the opening counts as much as the pick it introduces
            if sentence.index not in score:
                score[sentence.index] = score[min(i for i in score if i > sentence.index)]
        return [RankedSentence(as_bullet(s.text), s.index, score[s.index]) for s in picked]

    def _relevance(self, sentences: list[Sentence], vectors: np.ndarray, title_vector: np.ndarray | None) -> np.ndarray:
        w = self.weights
        centroid = vectors.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        position = np.array([1.0 / np.sqrt(1.0 + s.index) for s in sentences], dtype=np.float32)
        words = np.array([len(_WORDS.findall(s.text)) for s in sentences], dtype=np.float32)
        too_long = np.clip((words - w.long_from) / w.long_from, 0.0, 2.0)
        score = (
            w.position * position
            + w.centrality * (vectors @ centroid)
            + w.lead * (vectors @ vectors[0])
            - w.long_sentence * too_long
        )
        if title_vector is not None:
            score += w.title * (vectors @ title_vector)
        return score

    def _select(self, sentences: list[Sentence], vectors: np.ndarray, relevance: np.ndarray, count: int) -> list[int]:
        """Maximal marginal relevance, best first; near-duplicates of a chosen sentence are skipped: close in
        meaning (cosine), or repeating its words (``summarizer.bullets.repeats``: MiniLM misses some rewordings)."""
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
            if any(repeats(sentences[best].text, sentences[j].text) for j in chosen):
                continue
            chosen.append(best)
        return chosen
