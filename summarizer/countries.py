"""Finding countries in text: ISO names (pycountry), short forms, demonyms, capitals, armed forces.

Also the alliances and coalitions that own figures without being a country (NATO, the UN).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

import pycountry

__all__ = ["Lexicon", "Mention", "MentionKind", "country_name", "lexicon"]


class MentionKind(StrEnum):
    NAME = "name"
    DEMONYM = "demonym"
    CAPITAL = "capital"
    BODY = "body"
    ALLIANCE = "alliance"
    ORGANISATION = "organisation"  # a company or other named body that owns money ("Alibaba", "Shell")


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention:
    """A country (or alliance) named in a sentence. ``code`` is ISO 3166 alpha-2, None for alliances."""

    start: int
    end: int
    text: str
    code: str | None
    who: str
    kind: MentionKind
    possessive: bool = False


ALLIANCES = {
    "NATO": "NATO",
    "Nato": "NATO",
    "the alliance": "NATO",
    "United Nations": "UN",
    "UN": "UN",
    "U.N.": "UN",
    "European Union": "EU",
    "EU": "EU",
    "African Union": "African Union",
    "AU": "African Union",
    "the coalition": "coalition",
    "The coalition": "coalition",
    "The alliance": "NATO",
    "anti-IS coalition": "coalition",
    "US-led coalition": "coalition",
    "U.S.-led coalition": "coalition",
    "coalition forces": "coalition",
    "Coalition forces": "coalition",
    "UNMIH": "UN",
    "UNOSOM": "UN",
    "UNMISET": "UN",
    "UNAMSIL": "UN",
    "UNPROFOR": "UN",
    "ECOWAS": "ECOWAS",
    "UNIFIL": "UN",
    "MINUSMA": "UN",
    "UN mission": "UN",
    "The UN mission": "UN",
    "KFOR": "NATO",
    "ISAF": "NATO",
    "Resolute Support": "NATO",
    "EUFOR": "EU",
    "Eufor": "EU",
    "AMISOM": "African Union",
    "ATMIS": "African Union",
    "AUSSOM": "African Union",
    "MONUSCO": "UN",
    "MINUSCA": "UN",
    "UNMISS": "UN",
    "UNAMID": "UN",
    "World Bank": "World Bank",
    "IMF": "IMF",
    "International Monetary Fund": "IMF",
    "Asian Development Bank": "Asian Development Bank",
    "Red Cross": "Red Cross",
}


def _iso_names(country: object) -> list[str]:
    names = [getattr(country, "common_name", None), getattr(country, "name", None)]
    return [n for n in names if n and "," not in n and "(" not in n]


@dataclass(frozen=True)
class Lexicon:
    pattern: re.Pattern[str]
    surface: dict[str, tuple[str | None, str, MentionKind]]  # form → (code, who, kind)

    def mentions(self, text: str) -> list[Mention]:
        found = []
        for match in self.pattern.finditer(text):
            form = match.group("form")
            code, who, kind = self.surface[form]
            found.append(
                Mention(
                    start=match.start(),
                    end=match.end(),
                    text=form,
                    code=code,
                    who=who,
                    kind=kind,
                    possessive=bool(match.group("pos")),
                )
            )
        return found


def country_name(code: str) -> str:
    """The short name news uses: 'Russia', not 'Russian Federation'."""
    return lexicon().surface.get(f"#{code}", (code, code, MentionKind.NAME))[1]


@cache
def lexicon() -> Lexicon:
    """Built once per process from pycountry and ``data/countries.toml``."""
    table = tomllib.loads(resources.files("summarizer.data").joinpath("countries.toml").read_text("utf-8"))
    surface: dict[str, tuple[str | None, str, MentionKind]] = {}
    iso = {country.alpha_2: _iso_names(country) for country in pycountry.countries}
    for code in table:  # besides ISO's: Kosovo, under its user-assigned code XK
        iso.setdefault(code, [])
    for code, iso_names in iso.items():
        extra = table.get(code, {})
        names = extra.get("names", []) + iso_names
        if not names:
            continue
        who = names[0]
        surface[f"#{code}"] = (code, who, MentionKind.NAME)  # lookup key, never matched in text
        for kind, forms in (
            (MentionKind.NAME, names),
            (MentionKind.DEMONYM, extra.get("demonyms", [])),
            (MentionKind.CAPITAL, extra.get("capitals", [])),
            (MentionKind.BODY, extra.get("bodies", [])),
        ):
            for form in forms:
                surface.setdefault(form, (code, who, kind))
    for form, who in ALLIANCES.items():
        surface[form] = (None, who, MentionKind.ALLIANCE)
    forms = sorted((f for f in surface if not f.startswith("#")), key=len, reverse=True)
    alternation = "|".join(re.escape(f) for f in forms)
    pattern = re.compile(rf"(?<![\w.])(?P<form>{alternation})(?![\w])(?P<pos>['’]s\b)?")
    return Lexicon(pattern, surface)
