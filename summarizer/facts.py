"""Key facts: the figures an article states, attributed to whom they belong, with the sentence that says so.

For each number followed by a counted noun ("130 German soldiers", "hundreds of personnel") we decide:
who it belongs to (a demonym inside the phrase, "from Sweden" after it, the sentence's subject country, or
"the country" referring back), where ("in Iraq", "at the Taji military base", "in the country" referring
back to the last place named), and whether it is part of a figure just given ("including 27 stationed at").
Distances, years, percentages and durations are never counted things.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from summarizer.countries import Mention, MentionKind, lexicon
from summarizer.numbers import Quantity, find_quantities
from summarizer.sentences import split_sentences

logger = logging.getLogger(__name__)

__all__ = ["Fact", "extract_facts"]

# counted noun → (category, unit as shown)
_NOUNS: dict[str, tuple[str, str]] = {}
for _category, _words in {
    "troops": (
        "soldiers soldier troops troop personnel servicemen servicemembers service-members advisers advisors "
        "trainers instructors peacekeepers marines paratroopers commandos sailors airmen contingent "
        "special-forces military-personnel service-members blue-helmets boots-on-the-ground"
    ),
    "casualties": "fatalities casualties deaths dead killed wounded injured",
    "displaced": "refugees displaced evacuees asylum-seekers migrants",
}.items():
    for _word in _words.split():
        _surface = _word.replace("-", " ")
        _unit = {"soldier": "soldiers", "troop": "troops", "advisors": "advisers"}.get(_surface, _surface)
        _NOUNS[_surface] = (_category, _unit)
_NOUN_PATTERN = "|".join(re.escape(n) for n in sorted(_NOUNS, key=len, reverse=True))

# between the number and the noun: "-strong", adjectives, demonyms ("130 German soldiers", "70 more US troops")
_MODIFIER = r"(?:[A-Z][\w.’'-]*|[a-z]+(?:-[a-z]+)*)"
_HEAD = re.compile(
    rf"^(?:-strong\s+|\s+)(?:of\s+)?(?P<mods>(?:{_MODIFIER}\s+){{0,3}}?)(?P<noun>{_NOUN_PATTERN})\b",
)
# what follows a number that is not a count of people
_NOT_COUNT = re.compile(
    r"^\s?(?:%|per\s?cent|percent|km\b|kilomet|mi\b|miles?\b|m\b|metres?|meters?|feet|ft\b|kg\b|tonnes?|tons?\b|"
    r"years?\b|year-old|months?\b|weeks?\b|days?\b|hours?\b|minutes?\b|seconds?\b|am\b|pm\b|a\.m\.|p\.m\.|"
    r"comments?\b|st\b|nd\b|rd\b|th\b)",
    re.IGNORECASE,
)
# "including 27 stationed at ...": a share of the figure just given
_PART_BEFORE = re.compile(r"(?:including|of whom|of them|among them|with|while)\s+$", re.IGNORECASE)
_PART_AFTER = re.compile(
    r"^\s+(?:of them\s+)?(?:are\s+|were\s+)?(?:stationed|deployed|based|serving|posted|are|were)\b"
)
_FROM = re.compile(r"^\s+from\s+(?:the\s+)?$")
_LOCATIVE = re.compile(
    r"\b(?:in|at|to|into|inside|across|near|within|throughout|towards|on)\s+(?:the\s+)?$", re.IGNORECASE
)
_PLACE = re.compile(
    r"\b(?:in|at|to|into|inside|across|near|within)\s+(?:the\s+)?"
    r"(?P<place>(?:[A-Z][\w’'-]+\s+){0,3}?[A-Z][\w’'-]+"
    r"(?:\s+(?:military|air|naval|army|airbase|air\s+force)?\s*(?:base|camp|airbase|airfield|outpost))?"
    r"|country)\b"
)
_BACK_REFERENCE = re.compile(r"\b(?:the country|the nation|its|their)\b")


@dataclass(frozen=True, slots=True)
class Fact:
    """One figure. ``quantity`` is None for vague amounts, whose words stay in ``quantity_text``."""

    who: str | None
    country_code: str | None
    quantity: int | float | None
    quantity_text: str
    approx: bool
    unit: str
    category: str
    where: str | None
    evidence: str
    bound: str | None = None
    part_of: int | float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Context:
    """What earlier sentences named: the last actor (for "the country") and place (for "in the country")."""

    actor: Mention | None = None
    place: str | None = None
    facts: list[Fact] = field(default_factory=list)


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _is_locative(sentence: str, mention: Mention) -> bool:
    return bool(_LOCATIVE.search(sentence[: mention.start]))


def _place_name(sentence: str, start: int, end: int, context: _Context) -> str | None:
    """The first place named in sentence[start:end], as a country name where it is one."""
    window = sentence[start:end]
    match = _PLACE.search(window)
    if not match:
        return None
    place = match.group("place")
    if place == "country":
        return context.place
    for mention in lexicon().mentions(place):
        if mention.code and mention.start == 0:
            return mention.who
    return place


def _owner(sentence: str, quantity: Quantity, head: re.Match[str], mentions: list[Mention], context: _Context):
    """Who a figure belongs to, in order of how directly the sentence says so."""
    mods_start = quantity.end + head.start("mods")
    mods_end = quantity.end + head.end("mods")
    noun_end = quantity.end + head.end("noun")
    for mention in mentions:  # "130 German soldiers"
        if mods_start <= mention.start < mods_end and mention.kind is not MentionKind.ALLIANCE:
            return mention
    for mention in mentions:  # "70 soldiers from Sweden"
        if mention.start > noun_end and _FROM.match(sentence[noun_end : mention.start]):
            return mention
    before = [m for m in mentions if m.end <= quantity.start and not _is_locative(sentence, m)]
    if before:  # "Spain keeps 350 personnel", "NATO has hundreds of personnel", "Danish PM … 140 soldiers"
        return before[-1]
    if _BACK_REFERENCE.search(sentence[noun_end:]) or _BACK_REFERENCE.search(sentence[: quantity.start]):
        return context.actor
    return None


def _facts_in_sentence(sentence: str, context: _Context) -> list[Fact]:
    mentions = lexicon().mentions(sentence)
    quantities = find_quantities(sentence)
    facts: list[Fact] = []
    for position, quantity in enumerate(quantities):
        after = sentence[quantity.end :]
        window_end = quantities[position + 1].start if position + 1 < len(quantities) else len(sentence)
        if _NOT_COUNT.match(after):
            continue
        head = _HEAD.match(after)
        if head is None:
            part = _part_of_previous(sentence, quantity, facts, window_end, context)
            if part is not None:
                facts.append(part)
            continue
        category, unit = _NOUNS[head.group("noun").lower()]
        owner = _owner(sentence, quantity, head, mentions, context)
        noun_end = quantity.end + head.end("noun")
        where = _place_name(sentence, noun_end, window_end, context)
        if owner is not None and where == owner.who:
            where = None
        facts.append(
            Fact(
                who=owner.who if owner else None,
                country_code=owner.code if owner else None,
                quantity=_number(quantity.value),
                quantity_text=quantity.text,
                approx=quantity.approx,
                unit=unit,
                category=category,
                where=where,
                evidence=sentence,
                bound=quantity.bound,
            )
        )
    return facts


def _part_of_previous(
    sentence: str, quantity: Quantity, facts: list[Fact], window_end: int, context: _Context
) -> Fact | None:
    """ "…130 soldiers in Iraq, including 27 stationed at Taji": 27 of the same soldiers, somewhere else."""
    if not facts or quantity.value is None:
        return None
    if not (_PART_BEFORE.search(sentence[: quantity.start]) and _PART_AFTER.match(sentence[quantity.end :])):
        return None
    whole = facts[-1]
    where = _place_name(sentence, quantity.end, window_end, context) or whole.where
    return Fact(
        who=whole.who,
        country_code=whole.country_code,
        quantity=_number(quantity.value),
        quantity_text=quantity.text,
        approx=quantity.approx,
        unit=whole.unit,
        category=whole.category,
        where=where,
        evidence=sentence,
        bound=quantity.bound,
        part_of=whole.quantity,
    )


def _remember(sentence: str, context: _Context) -> None:
    """Carry the sentence's last actor and place forward for "the country" in later sentences."""
    for mention in lexicon().mentions(sentence):
        if mention.code is None:
            continue
        if _is_locative(sentence, mention):
            context.place = mention.who
        else:
            context.actor = mention


def extract_facts(text: str, language: str | None = "en") -> list[Fact]:
    """Every figure in an English article, in reading order. Other languages give none (yet)."""
    if language not in (None, "en"):
        return []
    context = _Context()
    facts: list[Fact] = []
    for sentence in split_sentences(text.splitlines(), "en"):
        found = _facts_in_sentence(sentence.text, context)
        facts.extend(found)
        _remember(sentence.text, context)
    return facts
