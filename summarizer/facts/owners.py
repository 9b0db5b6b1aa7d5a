"""Who a figure belongs to: what its sentence states, and failing that what the passage implies."""

from __future__ import annotations

import re

from summarizer.countries import Mention, MentionKind
from summarizer.facts.mentions import (
    COMPANY_NOUN_AFTER,
    EACH_FROM,
    NAMES_A_THING,
    coordinated_after,
    coordinated_before,
    country_mention,
)
from summarizer.facts.money import NATIONAL_CURRENCIES, PUBLIC_MONEY
from summarizer.facts.organisations import organisation_owner
from summarizer.facts.passage import fled_from
from summarizer.facts.places import COMPASS, LOOK_BACK, STRUCK, is_locative
from summarizer.facts.record import Context, Head
from summarizer.numbers import Quantity

# the size of a force, then the words before its name: "a 1,200-strong NATO multinational battalion", "the
# 35-nation, 30,800-member UN military operation"
_FORCE_SIZE = re.compile(r"-(?:strong|member|man)\s+(?:[a-z-]+\s+){0,2}")

# a country the figure's own words say it is in: "18,000 are in Mauritania" (not "5,100 for France")
_IN_PLACE = re.compile(r"\b(?:in|into|inside|at)\s+(?:the\s+)?$")

# "With about 90,000 troops, the United States is …": the owner is the subject after the opening phrase
_WITH_OPENING = re.compile(r"^\s*With\s+(?:\w+\s+){0,2}$")

# "70 soldiers from Sweden", "2,000 troops and 14 tanks from the United Arab Emirates"
_FROM = re.compile(r"^\s+(?:and\s+(?:about\s+|some\s+)?[\d,.]+\s+(?:[\w-]+\s+){1,3}?)?(?:each\s+)?from\s+(?:the\s+)?$")


_WHICH_CLAUSE = re.compile(r",\s*(?:which|who)\b(?:[^,;]|,(?=\d))*$")
_WERE = re.compile(r"\s+of\s+(?:those|the)\s+(?:\w+\s+){0,2}?(?:were|was)\s+")
_REPORTER = re.compile(
    r"^\s+(?:health\s+|state\s+|local\s+)?(?:authorities|officials|police|government|ministry|media|"
    r"officers|investigators|rescuers|spokesman|spokeswoman)\b"
)
_RECEIVES = re.compile(r"\b(?:receives?|received|receiving|gets|got|obtain(?:s|ed)?|is\s+owed)\b")

_WITHDRAW = re.compile(
    r"\b(?:withdraw\w*|pull\w*\s+out|pull\w*\s+back|bring\w*\s+home|brought\s+home|evacuat\w*|"
    r"remov\w*|recall\w*|redeploy\w*)\s+(?:[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)

_OWNER_AFTER = re.compile(r"^[^.;,]{0,30}?\b(?:that|which|whom|by)\s+(?:the\s+)?$")

# "Hungary, which commands KFOR, …", "Saudi Arabian Airlines, the national flag carrier of Saudi Arabia, expanded"
_ASIDE = re.compile(r",\s*(?:which|who|whose|where|a country that|the\s+[a-z][\w\s-]*\s+of)\b[^,]*,")

_ITS = re.compile(r"\b(?:its|their)\b")
# a name after a preposition is no clause's subject: "a call from the US White House"
_AFTER_PREPOSITION = re.compile(
    r"\b(?:from|by|with|for|against|at|on|to|toward|towards|into|over|under)\s+(?:the\s+)?(?:[A-Z][\w.]*\s+){0,2}$"
)

_BACK_REFERENCE = re.compile(r"\b(?:the country|the nation|its|their)\b")
# after the figure, "their" is the counted people's own: "10,400 troops remain … beyond their expected return dates"
_BACK_REFERENCE_AFTER = re.compile(r"\b(?:the country|the nation|its)\b")

# "France and Italy have 300 troops each", "Portugal, Switzerland, the US, all lost one national" (not "…, all of
# which sent troops, had 4,000 soldiers": one figure, theirs together)
_EACH = re.compile(r"\beach\b|,\s+all\s+(?:lost|lose)\b")

_WORLDWIDE = re.compile(
    r"\b(?:worldwide|around\s+the\s+(?:world|globe)|across\s+the\s+(?:world|globe)|globally|in\s+the\s+world)\b"
)

# people uprooted at home: "1 million people were displaced in Lebanon", "16,400 fled their homes in eastern Ukraine"
_DISPLACED_IN = re.compile(
    r"\b(?:displaced|uprooted|homeless|fled\s+their\s+homes?)\s+(?:\w+\s+){0,3}?(?:in|within|inside)\s+(?:the\s+)?"
    + COMPASS
    + "$"
)


def stated_owners(
    sentence: str, quantity: Quantity, head: Head, mentions: list[Mention], context: Context
) -> list[Mention]:
    """Who a figure belongs to, in order of how directly the sentence says so."""
    withdrawn = _WITHDRAW.search(sentence[max(0, quantity.start - LOOK_BACK) : quantity.start])
    following = next((m for m in mentions if m.start > quantity.end), None)
    near = following is not None and following.start - quantity.end <= 40 and not withdrawn
    if near and following and EACH_FROM.search(sentence[quantity.end : following.start]):  # "eight each from China,
        return coordinated_after(sentence, mentions, following)  # the United States and Italy": all three
    force = _FORCE_SIZE.match(sentence, quantity.end)
    alliance = next((m for m in mentions if m.start >= quantity.end), None) if force else None
    if alliance and force and alliance.start <= force.end() + 1 and alliance.kind is MentionKind.ALLIANCE:
        return [alliance]  # "a 1,200-strong NATO multinational battalion": the alliance's
    for mention in mentions:  # "130 German soldiers"; not "18,000 are in Mauritania", where they are
        within = head.mods_start <= mention.start < head.mods_end and mention.kind is not MentionKind.ALLIANCE
        if within and not _IN_PLACE.search(sentence, 0, mention.start):
            return [mention]
    for mention in mentions:  # "70 soldiers from Sweden"; not "withdraw 1,600 troops from Iraq"
        gap = _FROM.match(sentence[head.end : mention.start]) if mention.start > head.end else None
        if not withdrawn and gap is not None:
            return [mention]
    if head.category == "casualties":
        were = next(
            (
                m
                for m in mentions
                if m.kind is MentionKind.DEMONYM
                and m.start > quantity.end
                and _WERE.fullmatch(sentence[quantity.end : m.start])
            ),
            None,
        )
        if were is not None:  # "Three of those killed were Germans"
            return [were]
    if head.category == "displaced":
        return []  # whoever acts in the sentence ("the UN fears", "Kuwait, hosting the conference") fled nothing
    look_back = max(0, quantity.start - LOOK_BACK)
    antecedent = _WHICH_CLAUSE.search(sentence[look_back : quantity.start])
    clause = look_back + antecedent.start() if antecedent is not None else None
    inner = clause is not None and any(
        clause < m.start < quantity.start and m.kind is MentionKind.DEMONYM for m in mentions
    )  # "…, which will bring the British contingent there to 1,800": the clause's own; not "which along with Italy"
    if clause is not None and not inner:  # "UNIFIL, which will be enlarged to 15,000 troops": the antecedent's;
        named = [m for m in mentions if 0 <= clause - m.end <= 2]  # not "…, which will bring the British contingent"
        if named:
            return named[-1:]
    asides = [
        (m.start(), m.end()) for m in _ASIDE.finditer(sentence[max(0, quantity.start - LOOK_BACK) : quantity.start])
    ]
    before = [
        m
        for m in mentions
        if m.end <= quantity.start
        and not is_locative(sentence, m)
        and not any(start <= m.start < end for start, end in asides)
    ]
    if before and _EACH.search(sentence[before[-1].end : head.end + 8]):  # "France and Italy have 300 troops each"
        return coordinated_before(sentence, before)
    if before and head.category == "money" and _RECEIVES.search(sentence[before[-1].end : quantity.start]):
        return []  # "Israel has annually received up to USD 3 billion": the money is its donor's
    if before and head.category == "money" and NAMES_A_THING.match(sentence[before[-1].end :]):
        return []  # "Trump's US tax reform and US$650 million", "U.S. lawsuits over …": the country names a thing
    if before and head.category == "casualties" and _REPORTER.match(sentence[before[-1].end :]):
        return []  # "Sri Lankan authorities have identified 42 foreign nationals among the 253 people killed"
    if before and _ITS.search(sentence[before[-1].end : quantity.start]):  # "its" is its clause's subject's, not
        actors = [m for m in before if not _AFTER_PREPOSITION.search(sentence[max(0, m.start - 40) : m.start])]
        if actors:  # the last name's: "Australia answered a call from the US and pledged to increase its troops"
            return actors[-1:]
    if before:  # "Spain keeps 350 personnel", "NATO has hundreds of personnel", "Danish PM … 140 soldiers"
        return [before[-1]]
    if _WITH_OPENING.match(sentence[: quantity.start]):  # "With about 90,000 troops, the United States is …"
        subject = next(
            (
                m
                for m in mentions
                if m.start > head.end and re.fullmatch(r"[^,]{0,20},\s+(?:the\s+)?", sentence[head.end : m.start])
            ),
            None,
        )
        if subject is not None:
            return [subject]
    for mention in mentions:  # "1,700 elite troops that Britain is sending", "the 300 soldiers deployed by Italy"
        if (
            head.category != "money"
            and mention.start > head.end
            and _OWNER_AFTER.match(sentence[head.end : mention.start])
        ):
            return [mention]
    referred = _BACK_REFERENCE_AFTER.search(sentence[head.end :]) or _BACK_REFERENCE.search(
        sentence[max(0, quantity.start - LOOK_BACK) : quantity.start]
    )
    if referred and not COMPANY_NOUN_AFTER.match(referred.string[referred.end() :]):  # not "the country's largest bank"
        if head.category == "money" and context.company is not None and referred.group(0) == "its":
            subject = organisation_owner(sentence, quantity.start, mentions, context)
            return [subject or context.company]  # "Bayer said … its $63 billion takeover of Monsanto"
        return [context.actor] if context.actor else []
    return []


OWNED = ("money", "troops", "other")

# a force of several nations has no one owner, and says so: "the German-led battlegroup … 1,600 troops",
# "around 2,000 allied soldiers", "nearly 140,000 foreign soldiers"
COLLECTIVE = re.compile(
    r"\w-led\b|\b(?:allied|foreign|multinational|international|coalition)\s+(?:\w+\s+)?"
    r"(?:troops|soldiers|forces|force|personnel|peacekeepers|battle\s?group)\b|"
    r"\bpeacekeeping\s+force\b",
    re.IGNORECASE,
)


def implied_owner(
    sentence: str, head: Head, where: str | None, mentions: list[Mention], context: Context
) -> list[Mention]:
    """An owner the sentence implies rather than states. The dead of a disaster or an attack belong to the country
    it happened in ("298 people were declared dead in Somalia"); troops and equipment to the actor the passage is
    about ("Japanese troops arrived … An advance party of about 35 soldiers")."""
    if re.search(
        r"\b(?:foreign|international|coalition|allied|multinational)\b",
        sentence[head.mods_start : head.mods_end],
        re.IGNORECASE,
    ):
        return []  # "2,215 foreign soldiers have died in Afghanistan": many nations', none of them the host
    if head.category in ("casualties", "displaced") and _WORLDWIDE.search(sentence):
        return []  # "9 million premature deaths … around the world": nobody's, whatever the passage is about
    if head.category == "casualties":
        here = [m for m in mentions if m.code and m.who == where and m.kind is MentionKind.NAME]
        if here:  # "dead in Somalia"; not "in Kabul", where the dead may be anyone's
            return here[:1]
    counted = head.unit or (context.last.unit if context.last else "")  # "…, over 271,000 into Tunisia": the last
    if head.category == "displaced" and counted == "migrants":
        return []  # "606,800 migrants have fled" Libya, "over 271,000 into Tunisia": many of them foreigners there
    if head.category == "displaced":
        fled = fled_from(sentence, mentions)
        if fled is not None:
            return [fled]
        inside = [
            m
            for m in mentions
            if m.code and m.kind is MentionKind.NAME and m.who == where and _DISPLACED_IN.search(sentence[: m.start])
        ]
        if inside:  # "1 million people were displaced in Lebanon": uprooted at home
            return inside[:1]
    if head.category in context.owners:
        return [context.owners[head.category]]
    if head.category == "displaced" and context.conflict is not None:
        return [context.conflict]
    if head.category == "casualties":
        struck = [m for m in mentions if m.code and STRUCK.search(sentence[: m.start])]
        if struck:  # "a powerful earthquake devastated southwest China"
            return struck[:1]
        place = context.place_mention
        if where is None and place is not None and place.code and place.kind is MentionKind.NAME:
            return [place]
        return []
    if head.category == "other" and context.company is not None:
        return [context.company]  # "Air India placed an order … The orders include 220 Boeing aircraft"
    if head.category == "money" and head.unit in NATIONAL_CURRENCIES and PUBLIC_MONEY.search(sentence):
        return [country_mention(NATIONAL_CURRENCIES[head.unit])]  # "the defence budget … ₹5.94 lakh crore"
    if head.category == "money" and context.subject is not None and PUBLIC_MONEY.search(sentence):
        return [context.subject]  # "a defence budget of £100 billion" in a passage about the UK
    if head.category in ("troops", "other") and context.subject is not None:
        return [context.subject]
    return []
