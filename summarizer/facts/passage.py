"""What earlier sentences carry forward: the actor a passage is about, the last place, the country people flee."""

from __future__ import annotations

import re

from summarizer.countries import Mention, MentionKind, lexicon
from summarizer.facts.heads import NOUN_PATTERN
from summarizer.facts.mentions import NAMES_A_THING, in_dateline, may_own
from summarizer.facts.organisations import organisation_owner
from summarizer.facts.places import COMPASS, LOOK_BACK, is_locative
from summarizer.facts.record import Context

_CONFLICT_IN = re.compile(
    r"\b(?:war|fighting|conflict|violence|crisis|invasion|persecution|attacks?|crackdown|clashes|unrest)\s+"
    r"(?:(?:erupted|broke\s+out|began|started)\s+)?(?:in|of)\s+(?:the\s+)?" + COMPASS + "$"
    r"|\b(?:fled|fleeing)\s+(?:from\s+)?$"  # "fled from Sudan"
    # "600,000 people … have left Kosovo"; not "The delegation left Germany on Monday"
    r"|\b(?:have|has|had)\s+(?:now\s+|already\s+)?left\s+$",
    re.IGNORECASE,
)

_CONFLICT_AFTER = re.compile(r"^\s+(?:civil\s+)?(?:war|conflict|fighting|crisis|refugees|asylum)\b")

# a demonym names an actor only before people or a state's organs: "Japanese troops", not "the Afghan capital"
_ACTOR_NOUN = re.compile(
    rf"^\s+(?:(?i:{NOUN_PATTERN})|government|officials?|authorities|military|army|navy|air force|ministry|"
    r"president|prime minister|leaders?|forces|troops|soldiers|contingent|defen[cs]e)\b"
)


def remember(sentence: str, context: Context) -> None:
    """Carry the sentence's actors and place forward: for "the country" in later sentences (the last actor), and
    for figures whose own sentence names no owner (the first: "Japanese troops arrived … An advance party of
    about 35 soldiers")."""
    first: Mention | None = None
    named = lexicon().mentions(sentence)
    quoted = sentence.lstrip().startswith(("“", '"', "'", "‘"))  # a quote's countries are the speaker's words
    for mention in named:
        alliance = mention.kind is MentionKind.ALLIANCE
        if (mention.code is None and not alliance) or not may_own(sentence, mention):
            continue
        if mention.kind is MentionKind.DEMONYM and not _ACTOR_NOUN.match(sentence[mention.end :]):
            continue  # "the Afghan capital", "Chinese goods"
        if mention.kind is MentionKind.CAPITAL and not (mention.possessive or _SPEAKS.match(sentence[mention.end :])):
            continue  # "the Afghan capital, Kabul" is a place; "Beijing wants" is the state
        if mention.kind is MentionKind.NAME and NAMES_A_THING.match(sentence[mention.end :]):
            continue  # "U.S. lawsuits", "the US tax reform": the country names a thing, and does nothing
        if in_dateline(sentence, mention) or is_locative(sentence, mention):
            if not alliance:
                context.place, context.place_mention = mention.who, mention
        elif not quoted:
            if not alliance:  # "the country" never means NATO; the passage's subject may
                context.actor = mention
            first = first or mention
    if first is not None:
        context.subject = first
    fled = fled_from(sentence, lexicon().mentions(sentence))
    if fled is not None:
        context.conflict = fled
    company = organisation_owner(sentence, len(sentence), [m for m in named if may_own(sentence, m)], context)
    if company is not None:  # "Walmart Inc. agreed to buy …" before "The world's largest retailer will acquire …"
        context.company = company


_SPEAKS = re.compile(
    r"^\s+(?:\w+ly\s+)?(?:has|have|had|is|was|will|would|wants|wanted|said|says|announced|"
    r"plans|planned|agreed|sent|sends|pledged|pledges|offered|asked|insisted|hopes)\b"
)


def fled_from(sentence: str, mentions: list[Mention]) -> Mention | None:
    """The country a sentence says people fled: "fled abroad from the fighting in Ukraine", "the Syrian conflict"."""
    for mention in mentions:
        if not mention.code:
            continue
        if _CONFLICT_IN.search(sentence[max(0, mention.start - LOOK_BACK) : mention.start]) or (
            (mention.kind is MentionKind.DEMONYM or mention.possessive)
            and _CONFLICT_AFTER.match(sentence[mention.end :])
        ):
            return mention
    return None
