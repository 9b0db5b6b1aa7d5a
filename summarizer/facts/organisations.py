"""Companies and other bodies that own money and orders, named as the subject of the verb that moves them."""

from __future__ import annotations

import re

from summarizer.countries import Mention, MentionKind, lexicon
from summarizer.facts.mentions import COMPANY_NOUN, LEADING_DATELINE, OFFICES
from summarizer.facts.places import NOT_PLACES
from summarizer.facts.record import Context

_NOT_ORGANISATIONS = (
    "The|A|An|In|On|At|It|He|She|They|We|I|But|And|Or|So|This|That|These|Those|Its|Their|His|Her|Our|However|"
    "Meanwhile|Last|Next|Earlier|Later|Analysts|Investors|Officials|Shares|According|After|Before|While|When|If|"
    "Under|Over|With|For|From|By|As|Since|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|President|"
    "Mr|Mrs|Ms|Dr|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Several|Many|Some|All|Both|Most|Few|Including|"
    "Excluding|Despite|Among|Amid|Together|Combined|Boosted|Following|Overall|Total|Altogether|Within|Donor|Donors|"
    "Net|Operating|Revenue|Revenues|Profit|Profits|Sales|Quarterly|Annual|Consolidated|Standalone|Pre-tax|Full-year|"
    "First-quarter|Second-quarter|Third-quarter|Fourth-quarter|First-half|Half-year|Group|Underlying"
)

_ORGANISATION_VERB = re.compile(
    r"\b(?:raise[sd]?|raising|earn(?:ed|s)?|pay|paid|pays|posted|reported|invest(?:ed|s)?|spen[dt]s?|lost|loses|"
    r"sold|sells|bought|buys|fined|secured|won|signed|pledged|received|made|generated|netted|booked|borrowed|owes|"
    r"agreed\s+to\s+(?:pay|buy|acquire)|ordered|orders|placed|acquire[sd]?|purchas(?:e[sd]?|ing)|"
    r"pick(?:s|ed)?\s+up|finali[sz](?:e|es|ed)|firm(?:s|ed)?\s+up|buying|selling|paying|investing|spending|"
    r"acquiring|ordering|placing)\b"
)
_RESULT = re.compile(
    r"(?<!non-)(?:net\s+|operating\s+|pre-tax\s+|pretax\s+|quarterly\s+|annual\s+)?(?:profits?|revenues?|sales|"
    r"losses|loss|income|earnings|turnover)(?=\s+(?:(?:for|in)\s+[^.;$€£]{0,50}?\s+)?(?:rose|fell|grew|jumped|climbed|"
    r"declined|dropped|increased|decreased|slumped|surged|soared|plunged|tumbled|came\s+in|stood|totall?ed|reached|"
    r"was|were|of|to|at|hit)\b)"
)  # a company's results are its sums: "Safaricom … its net profit … grew to Sh55.3 billion"

NAME_RUN = re.compile(r"[A-Z][\w&.'’-]*(?:\s+(?:[A-Z][\w&.'’-]*|&|of|and(?=\s+(?:Company|Co\b|Sons\b))))*")

_NOT_NAMES = (
    frozenset(_NOT_ORGANISATIONS.split("|"))
    | NOT_PLACES
    | frozenset(("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"))
)

# "The home-improvement retailer earned $2.8 billion", "the company was planning to spend": a company named before
_COMPANY_REFERENCE = re.compile(
    rf"\b(?:The|the|Its|its)\s+(?:[\w'’-]+\s+){{0,3}}?{COMPANY_NOUN}\b(?:\s+[\w'’-]+){{0,4}}\s*$"
)
# "decided to fine Alibaba Group 18.2 billion yuan", "handing carmaker Daimler a fine of 870 million euros"
_FINED = re.compile(
    r"\bfine[ds]?\s+(?:the\s+)?(?:(?:[A-Z][a-z]+\s+)?(?:[a-z][\w-]*\s+){1,3})?(?P<a>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3})\s+(?:a\s+total\s+of\s+)?$"
    r"|\b(?:hand(?:s|ed|ing)?|impos(?:e|es|ed|ing)\s+on|slapp(?:ed|ing)\s+on|levied\s+on|order(?:s|ed)?)\s+"
    r"(?:[a-z]+\s+){0,2}(?P<b>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3})\s+(?:with\s+)?an?\s+(?:\w+\s+)?(?:fine|penalty)\s+of\s+$"
)


def organisation_owner(sentence: str, end: int, mentions: list[Mention], context: Context) -> Mention | None:
    """The company or body that is the subject of the verb that moves the money or places the order (the verb
    before ``end``): "Alibaba is set to raise up to $12.9bn", "Dow component Home Depot reported …", "SIA's
    subsidiary Scoot lost S$20 million"; the company a fine is imposed on; or the company an earlier sentence
    named, when this one says "the retailer"."""
    fined = fined_party(sentence, end)
    if fined is not None:
        return fined
    buyer = _ORDER_FROM.search(sentence)  # "Boeing won a 30-plane 787 order from Korean Air Lines": the buyer's
    if buyer is not None and is_name(buyer.group("buyer")):
        named = [m for m in mentions if buyer.start("buyer") <= m.start < buyer.end("buyer")]
        if named:
            return named[0]  # "an order for 20 jets from the US Air Force"
        return organisation(buyer.group("buyer").rstrip("."), buyer.start("buyer"))
    for pattern in (_ORGANISATION_VERB, _RESULT):  # "Home Depot reported net profit of": the verb's subject first
        verbs = list(pattern.finditer(sentence, max(0, end - WINDOW), end))
        subject = (
            (_results_of(sentence, verbs[-1]) or _subject(sentence, verbs[-1], mentions, context)) if verbs else None
        )
        if subject is not None:
            return subject
    return None


_AT_OF = re.compile(r"\s+(?:at|of)\s+(?:the\s+)?")


def _results_of(sentence: str, verb: re.Match[str]) -> Mention | None:
    """ "Reuters said profits at Barclays fell to £1 billion": the results are Barclays', not the speaker's."""
    if verb.re is not _RESULT:
        return None
    at = _AT_OF.match(sentence, verb.end())
    run = NAME_RUN.match(sentence, at.end()) if at else None
    if run is None or not is_name(run.group(0)) or _is_country(run.group(0)):
        return None
    if re.match(r"\s?[\d$€£¥₹]", sentence[run.end() :]):
        return None  # "a net loss of USD 84 million", "profit of Rs 434 crore": the currency, not a company
    return organisation(run.group(0), run.start())


def _subject(sentence: str, verb: re.Match[str], mentions: list[Mention], context: Context) -> Mention | None:
    """The company that is the subject of ``verb``, the last one before the figure ("Shell paid $1 billion while
    BP raised $2 billion": BP's verb is the last before BP's sum)."""
    said = sentence[: verb.start()]
    dateline = LEADING_DATELINE.match(said)  # "New Delhi, Sep 9 (PTI)", read before its acronym is blanked
    subject = _ACRONYM.sub(lambda m: " " * len(m.group(0)), said)  # "Millat Tractors (MTL)"
    aside = _APPOSITIVE.search(subject)  # "IndiGo, India's largest airline by market share, placed …"
    if aside is not None and _NAME_BEFORE.search(subject, 0, aside.start()):  # not "The buyer, the Tata Group, paid"
        subject = subject[: aside.start()] + " " * (len(subject) - aside.start())
    if _COMPANY_REFERENCE.search(subject) and context.company is not None:
        return context.company
    start = dateline.end() if dateline else 0
    runs = [
        run
        for run in NAME_RUN.finditer(subject, start)
        if is_name(run.group(0)) and not (_IN_PLACE.search(subject, 0, run.start()) and _is_country(run.group(0)))
    ]  # "Starlux in Taiwan ordered 10 Airbus airliners": Starlux orders, not Taiwan
    if not runs or len(subject[runs[-1].end() :].split()) > MAX_SUBJECT_GAP:
        return None
    run = runs[-1]
    if (
        verb.re is _RESULT
        and not subject[run.end() : verb.start()].strip()
        and not run.group(0).endswith(("'", "’", "'s", "’s"))
    ):
        return None  # "Tourism revenues rose": a word that names the results, not their owner
    if _ITS.search(subject, 0, run.start()):
        return None  # "ICBC and its New York branch agreed to pay": a part of a company named before, not a company
    if _PRONOUN_SUBJECT.search(subject, run.end()):
        return None  # "layoffs at Meetup, which it acquired for $200 million": "it" pays, not Meetup
    clauses = [m.end() for m in _CLAUSE_START.finditer(subject, start, run.start())]
    start = clauses[-1] if clauses else start  # "Shell paid $1 billion while BP raised …": BP starts its clause
    if not _DESCRIPTOR.fullmatch(subject[start : run.start()]):
        return None  # the subject is the sentence's own, not a name deep in a clause ("after Elon Musk said")
    if any(m.start < run.end() and m.end > run.start() for m in mentions) or _is_country(run.group(0)):
        return None  # a country or alliance ("the Swiss bank … agreed to pay"): the usual owner rules speak for those
    return organisation(run.group(0), run.start())


def buyer_of(sentence: str, start: int, end: int, mentions: list[Mention]) -> Mention | None:
    """The company a sale is made to, when the figure at ``start:end`` is the sale's: "a $17 billion sale to Qatar
    Airways", "sell 865 stores to Fred's Inc for $950 million", "supply 430 … aircraft to US investment firm Indigo
    Partners, at a catalogue price of US$49.5 billion". A country buyer is left to the owner rules."""
    for sale in [*_SOLD_TO.finditer(sentence), *_ORDER_FROM.finditer(sentence)]:
        near = sale.start() - BEFORE_SALE <= start and end <= sale.end() + AFTER_SALE
        near = near and not _ANOTHER_CLAUSE.search(sentence, sale.end(), max(start, sale.end()))
        name = sale.group("buyer").rstrip(".,")
        if not near or ";" in sentence[min(start, sale.start()) : max(end, sale.end())] or not is_name(name):
            continue
        named = [m for m in mentions if sale.start("buyer") <= m.start < sale.end("buyer")]
        if sale.re is _ORDER_FROM and named:
            return named[0]  # "an order for 20 jets from the US Air Force"
        if not named and not _is_country(name):
            return organisation(name, sale.start("buyer"))
    return None


def described_company(sentence: str, country: Mention, end: int) -> Mention | None:
    """The company a country only describes, when the company acts before the figure at ``end``: "Irish lessor Avolon
    ordered 40 …", "Mexico's state-run oil company Pemex reported a loss of …"."""
    after = sentence[country.end : end]
    described = _DESCRIBED.match(after)
    name = NAME_RUN.match(after, described.end()) if described else None
    if name is None or not is_name(name.group(0)) or _is_country(name.group(0)):
        return None
    if re.match(rf"(?:{OFFICES})\b", name.group(0)):
        return None  # "German Chancellor Merkel pledged …": the state's money
    verb = _ORGANISATION_VERB.search(after, name.end())
    if verb is None or len(after[name.end() : verb.start()].split()) > MAX_SUBJECT_GAP:
        return None
    if re.search(r"\b[A-Z]", after[name.end() : verb.start()]):
        return None  # another name stands between: "MEXICO CITY Oct 28 Mexico's … Pemex reported"
    return organisation(name.group(0), country.end + name.start())


def _is_country(name: str) -> bool:
    return any(m.start == 0 and m.end == len(name) for m in lexicon().mentions(name))


def fined_party(sentence: str, end: int) -> Mention | None:
    """The company a fine ending at ``end`` is imposed on: it owes the money, not the state that imposes it."""
    fined = _FINED.search(sentence, 0, end)
    if fined is None or fined.end() != end:
        return None
    name = fined.group("a") or fined.group("b")
    return organisation(name, fined.start("a") if fined.group("a") else fined.start("b"))


def organisation(text: str, start: int) -> Mention:
    """A company named at ``start``, without its legal form ("Exxon Mobil Corp." is "Exxon Mobil")."""
    owned_by = re.match(
        r"[A-Z][\w.-]*\s+[A-Z][\w.-]*['’]s\s+(?=[A-Z])", text
    )  # "Warren Buffett's Berkshire Hathaway": the company
    if owned_by is not None and _CORPORATE_SUFFIX.sub("", " " + text[owned_by.end() :]).strip():  # not "Fred's Inc"
        text, start = text[owned_by.end() :], start + owned_by.end()
    name = _CORPORATE_SUFFIX.sub("", re.sub(r"['’]s?$", "", text)).strip()  # "Kenya Airways' losses"
    return Mention(start=start, end=start + len(name), text=name, code=None, who=name, kind=MentionKind.ORGANISATION)


# what may stand before a company's name at the start of its sentence: "Dow component", "Online beauty platform",
# "SIA's long-haul low-cost subsidiary", "On Wednesday, the"
_DESCRIPTOR = re.compile(
    r"(?:(?:On|In|At|Last|This)\s+[A-Z]?[\w-]+,?\s+)?(?:(?:The|the|[A-Z][\w&.-]*['’]s|[A-Z]?[a-z][\w-]*(?:['’]s)?|US|U\.S\.|UK|EU)\s+){0,5}"
)

_CORPORATE_SUFFIX = re.compile(
    r"\s*&\s*Co\.?$|\s+(?:Co\.|Inc\.?|Corp\.?|Ltd\.?|Limited|plc|PLC|LLC|AG|SA|SE|NV|ASA|AB|S\.p\.A\.)$"
)

_ORDER_FROM = re.compile(
    r"\borders?\s+(?:[\w-]+\s+){0,3}?from\s+(?:the\s+)?(?P<buyer>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,3})"
)
_SOLD_TO = re.compile(
    r"\b(?:sales?|sell(?:s|ing)?|sold|supply|supplies|supplied|supplying)\s+(?:[^.;:]{0,80}?\s)?to\s+(?:the\s+)?"
    rf"(?:(?:(?:[A-Z]{{2,3}}|U\.S\.|[A-Z][a-z]+(?:an|ish|ese|i))\s+)?(?:[a-z][\w-]*\s+){{0,2}}{COMPANY_NOUN}\s+)?"
    r"(?P<buyer>[A-Z][A-Za-z&.'’-]*(?:\s+[A-Z][A-Za-z&.'’-]*){0,3})\b(?!\s+[a-z]+s\b)"
)  # "to US investment firm Indigo Partners"; not "to Asian customers", "to fund his Twitter bid"
# "… a sale to Qatar Airways and a $10 billion order from US Airways": the next sum has its own deal
_ANOTHER_CLAUSE = re.compile(r"\b(?:and|but|while|whereas|order|orders|deal)\b")
BEFORE_SALE, AFTER_SALE = 40, 60  # characters a sale's figure stands from its words: "$17 billion sale to …"
# what a country may say of a company it describes: "Irish payment processing platform Stripe"
_DESCRIBED = re.compile(rf"(?:['’]s)?\s+(?:[a-z][\w-]*\s+){{0,3}}{COMPANY_NOUN}\s+")  # not "Germany's Olaf Scholz"
_ACRONYM = re.compile(r"\s*\([A-Z]{2,6}\)")
_APPOSITIVE = re.compile(
    r",\s+(?:the|a|an|[A-Z][\w’'.-]*['’]s)\s[^,;]{1,80},\s*(?:(?:has|had|have|will|would)\s+(?:been\s+)?)?$"
)
_NAME_BEFORE = re.compile(r"\b[A-Z][\w&.'’-]*$")
_IN_PLACE = re.compile(r"\b(?:in|at|from|of)\s+$")
_ITS = re.compile(r"\b(?:its|their)\s+$")
_PRONOUN_SUBJECT = re.compile(r"\bwhich\s+(?:it|they|he|she|we)\b")
_CLAUSE_START = re.compile(r"(?:[,;]|\b(?:while|whereas|but|and))\s+")
WINDOW = 300  # characters before a figure where its subject may stand
MAX_SUBJECT_GAP = 6  # words between a company's name and its verb ("Alibaba is set to raise")


def is_organisation_verb(text: str) -> bool:
    """Whether ``text`` holds a verb that moves money or places an order ("raised", "agreed to buy")."""
    return _ORGANISATION_VERB.search(text) is not None


def is_name(run: str) -> bool:
    words = run.split()
    return words[0] not in _NOT_NAMES and not all(w in _NOT_NAMES or w.lower() == w for w in words)
