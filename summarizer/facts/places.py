"""Where a figure is ("in Iraq", "at the Taji military base"), and which mentions are places or recipients
rather than actors."""

from __future__ import annotations

import re

from summarizer.countries import Mention, MentionKind, lexicon
from summarizer.facts.record import Context, Head
from summarizer.numbers import Quantity

# "in Ukraine and the Democratic Republic of Congo": the second of two places is a place too
_LOCATIVE_PAIR = re.compile(
    r"\b(?:in|at|to|into|across|from|inside|within)\s+(?:the\s+)?(?:[A-Z][\w’'.-]*\s+){1,4}and\s+(?:the\s+)?$"
)
# "serving in the United Nations (UN) peacekeeping missions": the acronym stands where its long form does
_LOCATIVE_ACRONYM = re.compile(r"\b(?:in|at|to|into|with|for|under)\s+(?:the\s+)?(?:[A-Z][\w.’'-]*\s+){1,5}\(\s*$")

_FORCE_AFTER = re.compile(r"\s+(?:troop|soldier|forces\b|military\b|contingent|personnel|peacekeep)")

_VISITED = re.compile(r"\b(?:visited|visiting|toured|touring|visit\s+to|trip\s+to)\s+$")

_LOCATIVE = re.compile(
    r"\b(?:in|at|to|into|inside|across|near|within|throughout|towards|on|for|from)\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west)(?:ern|-eastern|-western)?\s+|central\s+|[a-z]+-[a-z]+\s+|neighbou?ring\s+)?$",
    re.IGNORECASE,
)  # "in Iraq", "to northern Syria", "in war-torn Afghanistan"

STRUCK = re.compile(r"\b(?:hit|struck|devastated|rocked|battered|shook|jolted)\s+(?:the\s+)?(?:[a-z]+\s+)?$")

_RECIPIENT = re.compile(
    r"\b(?:provides|provided|gives|gave|offers|offered|supplies|supplied|hands|handed|sent|sends|lent|lends|"
    r"disbursed)\s+$"
)  # "provides Israel with …", "The European Union has sent Ukraine 1 billion euros"

_HOST = re.compile(
    r"^\s+(?:\w+ly\s+|now\s+)?(?:hosts|houses|is home to|has (?:received|taken in|welcomed)|shelters|is sheltering)\b"
)

LOOK_BACK = 400  # characters before a figure or mention that decide what it is: enough for any phrase, at a flat cost
# a part of a country named before it: "in eastern Ukraine", "violence in north-east Nigeria"
COMPASS = r"(?:(?:north|south|east|west|central|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+)?"
_PLACE = re.compile(
    r"\b(?P<prep>in|at|to|into|inside|across|near|within|for)\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west)(?:ern|-eastern|-western)?\s+|central\s+)?"
    r"(?:(?:city|town|village|province|region|district|port)\s+of\s+)?"
    r"(?P<place>(?:[A-Z][\w’'-]+\s+){0,3}[A-Z][\w’'-]+"
    r"(?:\s+(?:military|air|naval|army|airbase|air\s+force)?\s*(?:base|camp|airbase|airfield|outpost))?"
    r"|country)\b"
)

NOT_PLACES = frozenset(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Christmas",
        "Easter",
    ]
)


def is_locative(sentence: str, mention: Mention) -> bool:
    """A place or a recipient, not an actor: "in Iraq", "Iraq hosts …", "provides Israel with …"."""
    if mention.kind is MentionKind.DEMONYM and _FORCE_AFTER.match(sentence, mention.end):
        return False  # "the ceiling for German troop levels": whose troops, not where
    before = sentence[max(0, mention.start - LOOK_BACK) : mention.start]
    return bool(
        _LOCATIVE.search(before)
        or _LOCATIVE_ACRONYM.search(before)
        or _LOCATIVE_PAIR.search(before)
        or _VISITED.search(before)
        or _HOST.match(sentence[mention.end :])
        or _RECIPIENT.search(before)
    )


def place_name(sentence: str, start: int, end: int, context: Context) -> str | None:
    """The first place named in sentence[start:end], as a country name where it is one."""
    for match in _PLACE.finditer(sentence[start:end]):
        place = match.group("place")
        if place == "country":
            return context.place
        if place.split()[0] in NOT_PLACES:
            continue
        mentions = lexicon().mentions(place)
        if match.group("prep") == "for" and not mentions:
            continue  # "aid for Syria" is a place; "the International Organization for Migration" is not
        if mentions and mentions[0].start == 0:
            if mentions[0].code is None:
                continue  # "to the UN force in southern Lebanon": an organisation, not a place
            if mentions[0].kind in (MentionKind.NAME, MentionKind.DEMONYM):
                return mentions[0].who  # "the US" → "United States"; a capital stays a city
        return place
    return None


def where_of(
    sentence: str,
    quantity: Quantity,
    head: Head,
    end: int,
    owners: list[Mention],
    mentions: list[Mention],
    context: Context,
) -> str | None:
    """After the figure; else between its owner and it ("cut its force in the Sahel from …"); else a host."""
    found = place_name(sentence, head.end, end, context)
    if found:
        return found
    if owners and owners[-1].end <= quantity.start:
        found = place_name(sentence, owners[-1].end, quantity.start, context)
        if found:
            return found
    hosts = [m for m in mentions if m.end <= quantity.start and m.code and is_locative(sentence, m)]
    return hosts[-1].who if hosts else None
