"""Facts grouped for display: one line per owner, a share of a figure shown beside its whole."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarizer.facts import Fact

__all__ = ["FactGroup", "amount", "change", "describe", "flag", "group_facts"]


@dataclass(slots=True)
class FactGroup:
    who: str | None
    country_code: str | None
    facts: list[Fact] = field(default_factory=list)

    def line(self) -> str:
        """'~130 soldiers in Iraq (27 at Taji military base)': parts in brackets after their whole;
        'from 5,100 to 2,500 troops in Sahel': a change as one figure, so two numbers never look alike."""
        wholes = [f for f in self.facts if f.part_of is None and f.role != "after"]
        parts = [f for f in self.facts if f.part_of is not None]
        afters = [f for f in self.facts if f.role == "after" and f.part_of is None]
        pieces = []
        for whole in wholes:
            if whole.role == "before" and afters:
                pieces.append(change(whole, afters.pop(0)))
                continue
            inner = [p for p in parts if p.part_of == whole.quantity]
            text = describe(whole)
            if inner:
                text += " (" + "; ".join(f"{amount(p)} {_at(p.where)}" if p.where else amount(p) for p in inner) + ")"
            pieces.append(text)
        orphans = [p for p in parts if all(p.part_of != w.quantity for w in wholes)]
        pieces.extend(describe(p) for p in orphans + afters)
        return "; ".join(pieces)


_CURRENCY_SIGNS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "INR": "₹",
    "RUB": "₽",
    "AUD": "A$",
    "CAD": "C$",
    "NZD": "NZ$",
    "HKD": "HK$",
    "SGD": "S$",
    "TWD": "NT$",
    "BRL": "R$",
    "NGN": "₦",
    "KRW": "₩",
    "PHP": "₱",
    "TRY": "₺",
    "ILS": "₪",
    "KES": "KSh",
    "MYR": "RM",
}


def _money(fact: Fact) -> str:
    """'€1.5bn', '$90m', 'A$85m', as news writes money."""
    sign = _CURRENCY_SIGNS.get(fact.unit, f"{fact.unit} " if fact.unit else "")
    value = float(fact.quantity or 0)
    for scale, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if value >= scale:
            return f"{sign}{value / scale:,.3g}{word}"
    return f"{sign}{value:,.0f}"


def amount(fact: Fact) -> str:
    if fact.quantity is None:
        return fact.quantity_text
    if fact.category == "money":
        return {"approx": "~", "min": ">", "max": "<"}.get(fact.bound or "", "") + _money(fact)
    number = f"{fact.quantity:,}"
    prefix = {"approx": "~", "min": ">", "max": "<"}.get(fact.bound or "", "")
    if fact.bound == "min" and (fact.quantity_text.lower().startswith("at least") or fact.quantity_text.endswith("+")):
        prefix = "≥"
    if fact.bound == "max" and fact.quantity_text.lower().startswith("up to"):
        prefix = "≤"
    return prefix + number


def change(before: Fact, after: Fact) -> str:
    """'from 5,100 to 2,500 troops in Sahel'."""
    return f"from {amount(before)} to {describe(after)}"


def describe(fact: Fact) -> str:
    """A figure in a few words: '~130 soldiers in Iraq', 'hundreds of personnel in Iraq'."""
    if fact.category == "money":  # the currency is in the amount; the place is who receives it
        return amount(fact) + (f" for {fact.where}" if fact.where else "")
    of = " of" if fact.quantity is None else ""
    text = f"{amount(fact)}{of} {fact.unit}"
    if fact.where:
        text += f" {_at(fact.where)}"
    return text


def _at(place: str) -> str:
    """'at Taji military base', 'in Iraq'."""
    return f"at {place}" if re.search(r"\b(?:base|camp|airfield|outpost)$", place) else f"in {place}"


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
