"""Scoring key facts against the annotated set in tests/data/facts/ (NNN-slug.txt + NNN-slug.json).

A predicted fact matches a gold one when the category, the owner (country code, or the name of an alliance
or total when there is no code) and the quantity agree (for vague amounts: both null and the same words).
A company is the same company however its name is written: with or without its legal form ("Exxon Mobil
Corporation", "ExxonMobil"), or as the acronym the article defines ("SHKFGL", "Sun Hung Kai Financial Group").
Matching is one-to-one per passage. Locations and the approx flag are scored on matched pairs only.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.countries import lexicon

__all__ = ["CategoryScore", "Passage", "Report", "evaluate", "load_passages", "same_owner", "same_quantity"]


@dataclass(frozen=True)
class Passage:
    name: str
    text: str
    language: str
    gold: list[dict[str, Any]]
    form: str = "prose"  # prose, list, table or change
    domain: str = "other"  # business and markets passages are where wrong facts showed up


def load_passages(folder: Path) -> list[Passage]:
    passages = []
    for answers in sorted(folder.glob("*.json")):
        data = json.loads(answers.read_text("utf-8"))
        text = answers.with_suffix(".txt").read_text("utf-8")
        passages.append(Passage(answers.stem, text, data.get("language", "en"), data["facts"],
                                data.get("form", "prose"), data.get("domain", "other")))  # fmt: skip
    return passages


@dataclass
class CategoryScore:
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    categories: dict[str, CategoryScore] = field(default_factory=lambda: defaultdict(CategoryScore))
    where_right: int = 0
    where_checked: int = 0
    where_unstated: int = 0  # matched facts given a place where the passage states none for them
    approx_right: int = 0
    approx_checked: int = 0
    misses: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)
    passages_with_wrong_facts: int = 0
    passages: int = 0

    @property
    def overall(self) -> CategoryScore:
        total = CategoryScore()
        for score in self.categories.values():
            total.true_positives += score.true_positives
            total.predicted += score.predicted
            total.gold += score.gold
        return total


def same_owner(gold: dict[str, Any], predicted: dict[str, Any]) -> bool:
    """Same country code; or, where either side has none (an alliance, a company, Kosovo before it had a
    code here), the same name."""
    if gold.get("country_code") and predicted.get("country_code"):
        return bool(gold["country_code"] == predicted["country_code"])
    gold_who, predicted_who = gold.get("who"), predicted.get("who")
    if not gold_who or not predicted_who:
        return not gold_who and not predicted_who
    if gold.get("country_code") or predicted.get("country_code"):
        return str(gold_who).casefold() == str(predicted_who).casefold()  # "Qatar" is not "Qatar Airways"
    return same_organisation(str(gold_who), str(predicted_who))


# a company's legal form, which says nothing of which company it is: "NatWest Group PLC" is NatWest Group ("Bank",
# "Group", "Airline" stay: "Virgin Group" is not Virgin Atlantic)
_LEGAL_FORMS = frozenset(
    (
        *("inc", "incorporated", "corp", "corporation", "co", "company", "plc", "ltd", "limited", "llc", "lp"),
        *("ag", "sa", "se", "nv", "bv", "spa"),
    )
)
_SKIPPED_IN_ACRONYMS = frozenset(("of", "and", "the", "for"))


def _name_words(name: str) -> list[str]:
    words = re.sub(r"[.,'’()]", "", name.replace("&", " and ")).casefold().split()
    if words and words[0] == "the":
        words = words[1:]
    return words


def _without_form(words: list[str]) -> list[str]:
    if len(words) > 3 and words[-3:-1] == ["and", "co"]:  # "KKR & Co Inc"
        words = words[:-3]
    elif len(words) > 2 and words[-2:] == ["and", "co"]:  # "JPMorgan & Co"
        words = words[:-2]
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words = words[:-1]
    return words


def _is_acronym_of(acronym: str, words: list[str]) -> bool:
    """ "ICBC" for Industrial and Commercial Bank of China, "RRVL" for Reliance Retail Ventures (Limited)."""
    letters = acronym.replace(".", "")
    if not (MIN_ACRONYM <= len(letters) <= MAX_ACRONYM and letters.isalpha() and letters.isupper()):
        return False
    initials = "".join(w[0] for w in words if w not in _SKIPPED_IN_ACRONYMS).upper()
    core = "".join(w[0] for w in _without_form(words) if w not in _SKIPPED_IN_ACRONYMS).upper()
    legal_letter = letters[-1] in "LCI"  # "…Limited", "…Corp", "…Inc" spelled out in the acronym only
    spelled = legal_letter and len(letters) > MIN_ACRONYM
    return letters in (initials, core) or (spelled and letters[:-1] in (initials, core))


MIN_ACRONYM, MAX_ACRONYM = 3, 8  # two letters match too many names ("BA", "GM")


def same_organisation(first: str, second: str) -> bool:
    """The same company or body, its name written either way."""
    first_words, second_words = _name_words(first), _name_words(second)
    if "".join(_without_form(first_words)) == "".join(_without_form(second_words)):
        return True
    return _is_acronym_of(first.strip(), second_words) or _is_acronym_of(second.strip(), first_words)


def same_quantity(gold: dict[str, Any], predicted: dict[str, Any]) -> bool:
    if gold["quantity"] is None:
        wanted = str(gold.get("quantity_text", "")).casefold()
        return predicted["quantity"] is None and (not wanted or wanted in str(predicted["quantity_text"]).casefold())
    return predicted["quantity"] is not None and abs(float(predicted["quantity"]) - float(gold["quantity"])) < 1e-6


def _matches(gold: dict[str, Any], predicted: dict[str, Any]) -> bool:
    return gold["category"] == predicted["category"] and same_owner(gold, predicted) and same_quantity(gold, predicted)


def _place_code(place: str) -> str | None:
    mentions = lexicon().mentions(place)
    return mentions[0].code if mentions else None


def same_place(gold: str, predicted: str | None) -> bool:
    if not predicted:
        return False
    gold_code, predicted_code = _place_code(gold), _place_code(predicted)
    if gold_code and gold_code == predicted_code:
        return True
    return gold.casefold() in predicted.casefold() or predicted.casefold() in gold.casefold()


def _describe(fact: dict[str, Any]) -> str:
    return f"{fact['category']}:{fact.get('who')}:{fact.get('quantity') or fact.get('quantity_text')}"


def evaluate(passages: Iterable[Passage], extract: Callable[[str, str], list[dict[str, Any]]]) -> Report:
    """Run ``extract(text, language)`` on every passage and score it."""
    report = Report()
    for passage in passages:
        predicted = extract(passage.text, passage.language)
        unmatched = list(predicted)
        for gold in passage.gold:
            report.categories[gold["category"]].gold += 1
            found = next((p for p in unmatched if _matches(gold, p)), None)
            if found is None:
                report.misses.append(f"{passage.name}: missed {_describe(gold)}")
                continue
            unmatched.remove(found)
            report.categories[gold["category"]].true_positives += 1
            report.where_unstated += bool(found.get("where")) and not gold.get("where")
            if gold.get("where"):
                report.where_checked += 1
                right = same_place(gold["where"], found.get("where"))
                report.where_right += right
                if not right:
                    report.misplaced.append(f"{passage.name}: where {found.get('where')!r}, not {gold['where']!r}")
            if gold.get("approx") is not None:
                report.approx_checked += 1
                report.approx_right += bool(found["approx"]) == gold["approx"]
        for fact in predicted:
            report.categories[fact["category"]].predicted += 1
        report.spurious += [f"{passage.name}: spurious {_describe(p)}" for p in unmatched]
        report.passages += 1
        report.passages_with_wrong_facts += bool(unmatched)
    return report
