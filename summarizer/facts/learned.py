"""A learned reading of what a figure counts, for the figures whose words no rule knows.

The rules in this package name what a number counts from the noun after it ("130 soldiers", "were killed"). On
text they had never seen they found fewer than half of the figures a reader lists (tests/data/facts-real/README.md),
most of them figures no rule gave a category at all: "120 troops from the 45th commando", "nuclear warheads",
"a net profit of 319 million francs". A linear model, trained by ``bench/train_facts.py`` on the annotated
passages and stored as plain JSON weights, reads such a figure's words, its list's heading and its shape
(currency, scale, a year) and gives it a category or "none". Who owns the figure and where it is are then the
rules' work, as for any other figure. Linear weights keep it fast (a sum per figure), inspectable, and free of
pickles.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Protocol

from summarizer.facts.layout import is_row
from summarizer.facts.money import CURRENCY_WORD
from summarizer.facts.record import CATEGORIES, Context, Head
from summarizer.numbers import Quantity

__all__ = [
    "LABELS",
    "Figure",
    "FigureModel",
    "FigureReader",
    "bundled_json",
    "bundled_model",
    "figure_features",
    "learned_head",
    "words",
]

LABELS = ("none", *CATEGORIES)

_WORD = re.compile(r"[A-Za-z]+|[$€£¥%]")
_COUNTED_NOUN = re.compile(
    r"\s+(?P<adjective>[a-z][\w-]*\s+)?(?P<noun>[a-z][a-z-]*s)\b"
)  # "3 hospitals", "300 nuclear warheads"
_HEAD_WORDS = re.compile(r"(?:\s+[A-Za-z][\w'-]*){0,3}")


@dataclass(frozen=True, slots=True)
class Figure:
    """One number in a text, with what the model reads around it."""

    sentence: str
    quantity: Quantity
    heading: str = ""  # the line that introduces the list or table this figure's line belongs to, or ""
    line: str = ""


def _stem(word: str) -> str:
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """A text's words, lower-cased and stemmed ("Soldiers" is "soldier"), currency signs kept."""
    return [_stem(w) for w in _WORD.findall(text)]


@lru_cache(maxsize=32)
def _bag(text: str) -> frozenset[str]:
    """A sentence's or a heading's words, read once for all the figures it holds."""
    return frozenset(words(text))


def _magnitude(value: float | None) -> str:
    if value is None:
        return "vague"
    return str(min(12, int(math.log10(max(value, 1)))))


def figure_features(figure: Figure) -> list[str]:
    """What the model reads of a figure: the words next to it and around it, its heading, its shape."""
    sentence, quantity = figure.sentence, figure.quantity
    after = words(sentence[quantity.end : quantity.end + 60])[:4]
    before = words(sentence[max(0, quantity.start - 60) : quantity.start])[-5:]
    features = ["bias", f"mag={_magnitude(quantity.value)}"]
    features += [f"a{i}={w}" for i, w in enumerate(after[:3])] + [f"ab={w}" for w in after]
    features += [f"b{i}={w}" for i, w in enumerate(reversed(before[-3:]))] + [f"bb={w}" for w in before]
    features += [f"s={w}" for w in _bag(sentence)]
    features += [f"h={w}" for w in _bag(figure.heading)]
    text = quantity.text
    if quantity.currency or re.search(rf"[$€£¥]|\b(?:{CURRENCY_WORD})\b", text):
        features.append("currency")
    if re.search(r"\b(?:million|billion|trillion|bn|m)\b", text, re.IGNORECASE):
        features.append("scale")
    if re.fullmatch(r"(?:1[89]|20)\d\d", text):
        features.append("year-shaped")
    if re.match(r"\s*(?:%|per\s*cent|percent)", sentence[quantity.end :]):
        features.append("percent")
    if quantity.role:
        features.append(f"role={quantity.role}")
    if quantity.approx:
        features.append("approx")
    if re.match(r"[a-z]", text):
        features.append("spelled")
    if is_row(figure.line):
        features += ["row", *(f"rh={w}" for w in _bag(figure.heading))]
    features.append(f"next={sentence[quantity.end : quantity.end + 1] or 'end'}")
    features.append(f"prev={sentence[max(0, quantity.start - 1) : quantity.start] or 'start'}")
    return features


class FigureReader(Protocol):
    """What reads the figures no rule reads: the model, or (in a test) a reader that records what it is shown."""

    def category(self, figure: Figure) -> str | None: ...


@dataclass(frozen=True)
class FigureModel:
    """The weights ``bench/train_facts.py`` wrote: per label, per feature."""

    weights: dict[str, dict[str, float]]
    threshold: float  # the probability a category needs before a figure becomes a fact

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FigureModel:
        """The model from its stored form (``weights``, ``threshold``; the file keeps its provenance beside)."""
        return cls(weights=data["weights"], threshold=data["threshold"])

    def probabilities(self, features: list[str]) -> dict[str, float]:
        """Each label's probability: a softmax over the sums of the features' weights (absent features weigh 0)."""
        scores = {label: sum(weights.get(f, 0.0) for f in features) for label, weights in self.weights.items()}
        top = max(scores.values())
        exp = {label: math.exp(score - top) for label, score in scores.items()}
        total = sum(exp.values())
        return {label: value / total for label, value in exp.items()}

    def category(self, figure: Figure) -> str | None:
        """The figure's category where the model is sure enough, else None. A figure that counts a thing by name
        ("3 hospitals", "6 aftershocks") needs a name the model has learnt counts that category: the words around
        a figure in a casualty sentence do not make hospitals casualties."""
        scores = self.probabilities(figure_features(figure))
        best = max(CATEGORIES, key=scores.__getitem__)
        if scores[best] < self.threshold:
            return None
        noun = _COUNTED_NOUN.match(figure.sentence, figure.quantity.end)
        if noun is not None:
            position = "a1" if noun.group("adjective") else "a0"
            if self.weights[best].get(f"{position}={_stem(noun.group('noun'))}", 0.0) <= 0.0:
                return None
        return best


def bundled_json(name: str) -> dict[str, Any] | None:
    """A model's JSON file shipped in summarizer/data; None where it is missing."""
    try:
        data = resources.files("summarizer").joinpath("data", name).read_text("utf-8")
    except FileNotFoundError:
        return None
    loaded: dict[str, Any] = json.loads(data)
    return loaded


@cache
def bundled_model() -> FigureModel | None:
    """The model shipped with the package; None (rules only) where its file is missing."""
    data = bundled_json("fact_model.json")
    return FigureModel.from_json(data) if data is not None else None


def learned_head(model: FigureReader | None, sentence: str, quantity: Quantity, context: Context) -> Head | None:
    """What the model says a figure counts, as a head spanning the few words after it (where "120 German …"
    keeps its demonym for the owner rules). Never money: a sum no rule calls money is a price, a rate or a
    valuation more often than a fact (cross-validated, money from the model added wrong facts to business pages).
    Never a table's cell: those are the list rules' to read, under the table's own header."""
    if model is None or "|" in context.line:
        return None
    category = model.category(Figure(sentence, quantity, context.heading, context.line))
    if category is None or category == "money":
        return None
    words = _HEAD_WORDS.match(sentence, quantity.end)
    end = words.end() if words else quantity.end
    return Head(category, "", quantity.end, end, end)
