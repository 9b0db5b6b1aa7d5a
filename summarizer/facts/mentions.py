"""Which named countries may own a figure: not a modifier ("German-led"), a currency ("US$"), a company's name
("Garuda Indonesia", "the US carrier") or a dateline ("BAGRAM, Afghanistan; …")."""

from __future__ import annotations

import re

from summarizer.countries import Mention, MentionKind, country_name, lexicon
from summarizer.facts.places import LOOK_BACK, NOT_PLACES

_COMPOUND = re.compile(r"^-(?:led|backed|based|sponsored|brokered|run|funded|trained|made|built|born)\b")


def _in_currency(sentence: str, mention: Mention) -> bool:
    """ "US$730 billion", "U.S. $4.8 million", "$47 million U.S.": a currency, not the United States."""
    if re.match(
        r"\$|\s+(?:dollars?|yen|yuan|renminbi|rupees?|rupiah|won|francs?|pounds?|euros?|roubles?|rubles?|"
        r"reais|real|pesos?|lira|krona|kronor|krone|kroner|zloty|forints?|rand|dirhams?|riyals?|dinars?)\b",
        sentence[mention.end :],
    ):  # "US$730 billion", "3.5 billion US dollars", "2.1 trillion Japanese yen"
        return True
    if mention.text not in ("US", "U.S."):
        return False
    before = sentence[max(0, mention.start - LOOK_BACK) : mention.start]
    return bool(re.match(r"\s\$", sentence[mention.end :]) or _AMOUNT_BEFORE.search(before))


_AMOUNT_BEFORE = re.compile(r"[$€£]\s?[\d.,]+\s*(?:million|billion)?\s+$")


def may_own(sentence: str, mention: Mention) -> bool:
    """ "German-led battlegroup", "US-backed forces": the country qualifies a noun and owns nothing; nor does the
    country in a company's name ("Garuda Indonesia", "Singapore Airlines", "British Airways")."""
    if _COMPOUND.match(sentence[mention.end :]) or _in_currency(sentence, mention):
        return False
    if mention.kind is MentionKind.BODY and sentence[max(0, mention.start - 2) : mention.start].strip() == "(":
        return False  # "The Latvian Ministry of Defence (MoD)": an acronym for the body just named
    if is_ethnic_group(sentence, mention):
        return False
    return not in_company_name(sentence, mention)


_CAPS_LEAD = re.compile(r"^(?P<lead>[^\w]*)(?P<caps>(?:[A-Z][A-Z'’.-]+\s+){0,4}[A-Z][A-Z'’.-]+)\b(?=\W)")


def is_ethnic_group(sentence: str, mention: Mention) -> bool:
    """ "Kosovo's 1.8 million ethnic Albanians": a people, not a state; neither owner nor origin."""
    before = sentence[max(0, mention.start - 8) : mention.start]
    return mention.kind is MentionKind.DEMONYM and re.search(r"\bethnic\s+$", before) is not None


def titled_lead(sentence: str) -> str:
    """ "–THE UNITED STATES in total has …": an upper-case lead written the way the country lexicon knows it (the
    same length, so positions hold)."""
    found = _CAPS_LEAD.match(sentence)
    if found is None or len(found.group("caps")) < 4 or lexicon().mentions(found.group("caps")):
        return sentence  # "KFOR, the NATO-led mission": an acronym the lexicon knows as it is
    return sentence[: found.start("caps")] + found.group("caps").title() + sentence[found.end("caps") :]


def in_company_name(sentence: str, mention: Mention) -> bool:
    """ "Air India", "US Airways", "Royal Bank of Scotland", "the US carrier", "German company the Wirtgen Group":
    a country that names or describes a company, whose money and orders are the company's."""
    after = sentence[mention.end :]
    before = sentence[max(0, mention.start - LOOK_BACK) : mention.start]
    if _COMPANY_AFTER.match(after) or _BANK_OF.search(before) or COMPANY_NOUN_AFTER.match(after):
        return True
    if mention.possessive and _SUPERLATIVE_BY.match(after):  # "the bank, Switzerland's biggest by market value,"
        return True
    if mention.kind is MentionKind.DEMONYM and _BRAND_AFTER.match(after):
        return True  # "Saudi Aramco", "French Connection"
    name_before = _CAPITAL_WORD_BEFORE.search(before)
    return mention.kind is MentionKind.NAME and name_before is not None and name_before.group("word") not in _OPENERS


# a capitalised word after a demonym that is not an office, a body or a title makes a brand: "Saudi Aramco",
# but not "French President Macron", "Israeli Defence Forces", "German Chancellor"
OFFICES = (
    "President|Prime|Premier|Foreign|Defen[cs]e|Finance|Interior|Home|Army|Navy|Air|Armed|Government|Ministry|Minister|"
    "Chancellor|Embassy|Parliament|Senate|Congress|Cabinet|Special|Marines?|Coast|National|Federal|Central|Supreme|"
    "Constitutional|Guards?|Revolutionary|Royal|Health|Energy|Economy|Economic|Trade|Transport|Justice|Labou?r|King|"
    "Queen|Crown|Prince|Princess|Emir|Sultan|Ambassador|Consul|General|Colonel|Major|Lieutenant|Captain|Admiral|"
    "Commander|Chief|Deputy|Vice|Secretary|Governor|Mayor|State|Republic|Kingdom|Union|Forces?|Police|Red|Muslims?|"
    "Christians?|Jews?|Kurds?|Border|Security|Intelligence|Olympic|Football|Open|Grand|Airborne|Infantry|Brigade|"
    "Division|Regiment|Battalion|Legion|Parachute|Mountain|Rangers?|Gendarmerie|Carabinieri|Coastguard|Committee|"
    "Council|Court|Bank|Treasury|Post|Press|News|Television|Radio|Broadcasting|Media|Agency|Institute|University|"
    "Academy|Opposition|People|Peoples|Workers|Party|Social|Democratic|Liberal|Conservative|Green|Left|Right|"
    "Catholic|Orthodox|Protestant|Sunni|Shia|Shiite|Arab|Jewish|Islamic|Christian"
)
_BRAND_AFTER = re.compile(rf"^\s+(?!(?:{OFFICES})\b)[A-Z][a-z]+\b")


_SUPERLATIVE_BY = re.compile(
    r"^(?:['’]s)?\s+(?:second[- ]|third[- ])?(?:biggest|largest|leading|top|most\s+valuable)\s+(?:by|in\s+terms\s+of)\b"
)

_BANK_OF = re.compile(r"\b(?:Bank|Company|Corporation|Airlines|Insurance|Trust)\s+of\s+(?:the\s+)?$")

COMPANY_NOUN = (
    r"(?:carrier|airline|firm|company|group|bank|lender|retailer|maker|manufacturer|giant|investor|fund|"
    r"conglomerate|insurer|start-?up|subsidiary|miner|producer|exporter|importer|shares|stocks|"
    r"chipmaker|automaker|carmaker|planemaker|operator|brokerage|developer|juggernaut|behemoth|titan|powerhouse|"
    r"branch|affiliate|lessor|platform)"
)

COMPANY_NOUN_AFTER = re.compile(rf"^(?:['’]s)?\s+(?:[\w-]+\s+){{0,3}}?{COMPANY_NOUN}\b")

_COMPANY_AFTER = re.compile(
    r"^\s+(?:Airlines|Airways|Air|Bank|Telecom|Petroleum|Steel|Motors|Railways|Post|Mail|"
    r"Holdings|Group|Corp|Corporation|Inc|Ltd|plc|Energy|Oil|Gas|Power|Electric|Cars|Connection|Mobile|"
    r"Investments?|Industries|Ventures|Capital|Partners|Securities)\b"
)

_CAPITAL_WORD_BEFORE = re.compile(r"(?:^|[^\w.,;:])(?P<word>[A-Z][a-z]\w*)\s+$")

_SENTENCE_OPENERS = frozenset(
    (
        "The",
        "In",
        "On",
        "At",
        "For",
        "From",
        "To",
        "By",
        "With",
        "And",
        "But",
        "As",
        "Of",
        "Both",
        "While",
        "When",
        "After",
        "Before",
        "Since",
        "Only",
        "Even",
        "Like",
        "Unlike",
        "Neither",
        "Either",
        "Then",
        "Now",
        "So",
        "Also",
        "Across",
        "Against",
        "Via",
    )
)
_OPENERS = _SENTENCE_OPENERS | NOT_PLACES  # "On Tuesday Britain sent", "In March Britain sent": no company names

_DATELINE = re.compile(
    r"^\s*(?:\([^)]{0,30}\))?\s*[:—–-]"  # "Paris: Airbus said", "LONDON (Reuters) - Shell"
    r"|^,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s+\([A-Z][\w-]{1,15}\)"  # "New Delhi, Sep 9 (PTI) Shares of …"
    # "WASHINGTON, Aug. 11, 2010 —"
    r"|^,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s+\d{4})?\s*(?:\([^)]{0,30}\)\s*)?[—–-]+\s"
)

LEADING_DATELINE = re.compile(
    r"^\s*[A-Z][A-Za-z .,]{1,30}?\s*(?:\([^)]{0,30}\))?\s*[:—–-]+\s+"
    r"|^\s*[A-Z][A-Za-z .]{1,30}?,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s+\([A-Z][\w-]{1,15}\)\s+"  # "New Delhi, Sep 9 (PTI)"
)


def starts_with_dateline(sentence: str, mention: Mention) -> bool:
    return mention.start <= 1 and bool(_DATELINE.match(sentence[mention.end :]))


def country_mention(code: str) -> Mention:
    name = country_name(code)
    return Mention(start=0, end=0, text=name, code=code, who=name, kind=MentionKind.NAME)


_DATELINE_PLACE = re.compile(
    r"^[^.;()]{0,40}?(?:\s*\([^)]{0,30}\))?(?:;|\s*[—–-]+\s)"  # "Bagram, Afghanistan; 3 April 2002 (RFE/RL) --"
    # "MEXICO CITY Oct 28"
    r"|^[A-Z][A-Z .]{2,30}\s(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s\d{1,2}\b"
)


def in_dateline(sentence: str, mention: Mention) -> bool:
    """ "Bagram, Afghanistan; 3 April 2002 (RFE/RL) --": where the report was filed, not who acts in it."""
    found = _DATELINE_PLACE.match(sentence)
    if found is None or mention.end > found.end() or sentence[: mention.start].count(" ") > 4:
        return False
    lead = found.group(0)
    return "," in lead or "(" in lead or lead.split()[0].isupper()  # not "Seventeen Poles -- 13 military and …"


# a country named before a thing owns no money: "Trump's US tax reform and US$650 million", "U.S. lawsuits over …"
NAMES_A_THING = re.compile(
    r"^\s+(?:[a-z-]+\s+)?(?:tax|taxes|tariffs?|lawsuits?|litigation|dollars?|goods|products|exports?|imports?|markets?|"
    r"stocks?|shares|economy|banks?|companies|firms|investors|consumers|prices|sanctions|laws?|courts?|judges?|"
    r"regulators?|trade|debt|bonds|treasur(?:y|ies)|yields|inflation|rates?|farmers|steel|oil|gas|crude|reform|"
    r"elections?|citizens|voters|customers|sales|shoppers|listing|unit|subsidiary|arm|operations|business|plants?|"
    r"factor(?:y|ies)|assets|takeover|deal|merger|acquisition)\b"
)


# between a figure and the first of the owners it is shared by: "eight each from China, …", "One victim each came
# from Britain, …"
EACH_FROM = re.compile(r"\beach\s+(?:came\s+)?from\s+(?:the\s+)?$")

# what joins coordinated owners: "France, Italy and the United States", "Austria & Sweden"
JOINED = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:the\s+)?", re.IGNORECASE)


def coordinated_after(sentence: str, mentions: list[Mention], first: Mention) -> list[Mention]:
    """``first`` and the owners joined to it after it by commas and "and" ("from China, the United States and
    Italy")."""
    group = [first]
    for mention in (m for m in mentions if m.start >= first.end):
        if not JOINED.fullmatch(sentence[group[-1].end : mention.start]):
            break
        group.append(mention)
    return list({m.who: m for m in group}.values())


def coordinated_before(sentence: str, before: list[Mention]) -> list[Mention]:
    """The owners of "each": the last owner and those joined to it by commas and "and" ("Austria, Sweden and the
    United States each pledging EUR 2 million"), not every country earlier in the sentence."""
    group = [before[-1]]
    for mention in reversed(before[:-1]):
        if not JOINED.fullmatch(sentence[mention.end : group[0].start]):
            break
        group.insert(0, mention)
    return list({m.who: m for m in group}.values())
