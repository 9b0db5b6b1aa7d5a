"""The faithfulness guard: a generated sentence may only use numbers and names the article contains.

Abstractive models sometimes invent a figure or a name; in news that is the worst error there is. Every
number (compared by value, so "1,200", "1200" and "1.2 thousand" agree) and every capitalised name in a
generated sentence must appear in the article; a sentence that fails is replaced by the article sentence
closest to it in meaning, so the summary keeps its length and its point.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from summarizer.numbers import find_quantities
from summarizer.sentences import split_sentences

logger = logging.getLogger(__name__)

__all__ = ["FaithfulnessGuard", "GuardReport", "unsupported"]

_NAME = re.compile(r"\b[A-Z][\w’'-]*[A-Za-z]")
_DIGITS = re.compile(r"\d[\d,.\u00a0\u202f ]*\d|\d")
_FUNCTION_WORDS = frozenset(
    [
        "A",
        "An",
        "The",
        "This",
        "That",
        "These",
        "Those",
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "You",
        "His",
        "Her",
        "Its",
        "Their",
        "Our",
        "In",
        "On",
        "At",
        "For",
        "From",
        "By",
        "With",
        "After",
        "Before",
        "But",
        "And",
        "Or",
        "As",
        "If",
        "When",
        "While",
        "Meanwhile",
        "However",
        "Also",
        "Some",
        "Many",
        "Most",
        "More",
        "Other",
    ]
)

Embed = Callable[[list[str]], np.ndarray]


def _digit_forms(text: str) -> set[str]:
    return {re.sub(r"[,\u00a0\u202f ]", "", m.group(0)).rstrip(".") for m in _DIGITS.finditer(text)}


def _values(text: str) -> set[float]:
    return {q.value for q in find_quantities(text) if q.value is not None} | {
        q.high for q in find_quantities(text) if q.high is not None
    }


def unsupported(sentence: str, article: str) -> list[str]:
    """Numbers and names in ``sentence`` that ``article`` does not contain (empty: the sentence is fine)."""
    problems = []
    article_digits, article_values = _digit_forms(article), _values(article)
    for quantity in find_quantities(sentence):
        if quantity.value is None:
            continue
        digits = _digit_forms(quantity.text)
        if quantity.value not in article_values and not digits <= article_digits:
            problems.append(quantity.text)
    words = set(re.findall(r"[\w’'-]+", article))
    lowered = article.lower()
    for position, match in enumerate(_NAME.finditer(sentence)):
        name = re.sub(r"[’']s$", "", match.group(0))
        if name in words or name.rstrip("s") in words:
            continue
        first_word = match.start() == len(sentence) - len(sentence.lstrip()) or position == 0
        if first_word and (name in _FUNCTION_WORDS or name.lower() in lowered):
            continue
        problems.append(name)
    return problems


@dataclass(frozen=True, slots=True)
class GuardReport:
    sentences: list[str]
    replaced: list[tuple[str, str, list[str]]]  # (generated, replacement, what was unsupported)


class FaithfulnessGuard:
    """``embed`` maps sentences to unit vectors (the bundled encoder).

    It is called at most once per article, and only when a replacement is due: the article's sentences and every
    sentence to replace go in one batch (on a GPU, one batch costs what one sentence does).
    """

    def __init__(self, embed: Embed) -> None:
        self._embed = embed

    def check(self, generated: list[str], article: str) -> GuardReport:
        problems = [unsupported(sentence, article) for sentence in generated]
        failing = [sentence for sentence, found in zip(generated, problems, strict=True) if found]
        if not failing:
            return GuardReport(list(generated), [])
        candidates = [s.text for s in split_sentences(article.splitlines())]
        vectors = self._embed([*candidates, *failing]) if candidates else np.zeros((len(failing), 0))
        candidate_vectors, failing_vectors = vectors[: len(candidates)], iter(vectors[len(candidates) :])
        kept: list[str] = []
        replaced: list[tuple[str, str, list[str]]] = []
        for sentence, found in zip(generated, problems, strict=True):
            if not found:
                kept.append(sentence)
                continue
            replacement = self._closest(next(failing_vectors), candidates, candidate_vectors, kept)
            logger.info("guard replaced %r (unsupported: %s)", sentence, ", ".join(found))
            if replacement is not None:
                kept.append(replacement)
                replaced.append((sentence, replacement, found))
        return GuardReport(kept, replaced)

    @staticmethod
    def _closest(vector: np.ndarray, candidates: list[str], vectors: np.ndarray, kept: list[str]) -> str | None:
        """The candidate nearest ``vector`` that the summary does not hold yet (None: there is none)."""
        scores = vectors @ vector
        order = [int(i) for i in np.argsort(-scores, kind="stable")]
        return next((candidates[i] for i in order if candidates[i] not in kept), None)
