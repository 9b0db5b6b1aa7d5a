"""Facts grouped for display: one line per owner, a share of a figure shown beside its whole."""

from __future__ import annotations

from dataclasses import dataclass, field

from summarizer.facts import Fact

__all__ = ["FactGroup", "describe", "flag", "group_facts"]


@dataclass(slots=True)
class FactGroup:
    who: str | None
    country_code: str | None
    facts: list[Fact] = field(default_factory=list)

    def line(self) -> str:
        """'~130 soldiers in Iraq (27 at Taji military base)' — parts in brackets after their whole."""
        wholes = [f for f in self.facts if f.part_of is None]
        parts = [f for f in self.facts if f.part_of is not None]
        pieces = []
        for whole in wholes:
            inner = [p for p in parts if p.part_of == whole.quantity]
            text = describe(whole)
            if inner:
                text += " (" + "; ".join(f"{amount(p)} at {p.where}" if p.where else amount(p) for p in inner) + ")"
            pieces.append(text)
        orphans = [p for p in parts if all(p.part_of != w.quantity for w in wholes)]
        pieces.extend(describe(p) for p in orphans)
        return "; ".join(pieces)


def amount(fact: Fact) -> str:
    if fact.quantity is None:
        return fact.quantity_text
    number = f"{fact.quantity:,}"
    prefix = {"approx": "~", "min": ">", "max": "<"}.get(fact.bound or "", "")
    if fact.bound == "min" and fact.quantity_text.lower().startswith("at least"):
        prefix = "≥"
    if fact.bound == "max" and fact.quantity_text.lower().startswith("up to"):
        prefix = "≤"
    return prefix + number


def describe(fact: Fact) -> str:
    """A figure in a few words: '~130 soldiers in Iraq', 'hundreds of personnel in Iraq'."""
    of = " of" if fact.quantity is None else ""
    text = f"{amount(fact)}{of} {fact.unit}"
    if fact.where:
        text += f" in {fact.where}" if " base" not in fact.where else f" at {fact.where}"
    return text


def flag(country_code: str | None) -> str:
    """The flag emoji of an ISO country code ('' for alliances)."""
    if not country_code or len(country_code) != 2:
        return ""
    return "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in country_code.upper())


def group_facts(facts: list[Fact], category: str | None = None) -> list[FactGroup]:
    """Groups in order of first appearance; facts with no owner are grouped under None."""
    groups: dict[tuple[str | None, str | None], FactGroup] = {}
    for fact in facts:
        if category and fact.category != category:
            continue
        key = (fact.who, fact.country_code)
        groups.setdefault(key, FactGroup(fact.who, fact.country_code)).facts.append(fact)
    return list(groups.values())
