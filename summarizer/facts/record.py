"""The records key facts are made of: a fact, what a number counts, and what a passage has said so far."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from summarizer.countries import Mention

CATEGORIES = ("troops", "casualties", "displaced", "money", "other")


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
    role: str | None = None  # "before" / "after" when the article gives a change ("from 5,100 to 2,500")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Head:
    """What a number counts: the noun and the span of words between them (where a demonym may sit)."""

    category: str
    unit: str
    mods_start: int
    mods_end: int
    end: int


@dataclass
class Context:
    """What earlier sentences named: the last actor (for "the country") and place (for "in the country")."""

    actor: Mention | None = None
    place: str | None = None
    place_mention: Mention | None = None
    subject: Mention | None = None  # the first actor of the latest sentence that named one
    label: Mention | None = None  # the country a list line is labelled with ("FRANCE: …")
    conflict: Mention | None = None  # the country people flee, once a sentence has said so
    company: Mention | None = None  # the last company that owned money or an order
    owners: dict[str, Mention] = field(default_factory=dict)  # the last owner of each category's figures
    last: Head | None = None  # what the last figure counted, for "Around 200 more will fly"
    line: str = ""  # the line the sentence stands in
    heading: str = ""  # the heading of the list that line belongs to, if any (read for the figure model only)


def plain_number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value
