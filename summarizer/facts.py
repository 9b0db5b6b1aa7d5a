"""Key facts: the figures an article states, attributed to whom they belong, with the sentence that says so.

For each number followed by a counted noun ("130 German soldiers", "hundreds of personnel", "60 tanks") or
written as money ("€1.5bn"), we decide:

- what it counts: troops, casualties ("were killed", "death toll rose to"), displaced people ("fled",
  "has displaced"), money, or other counted equipment;
- who it belongs to: a demonym inside the phrase, "from Sweden" after it, the sentence's subject country,
  "the country"/"its" referring back, or every country of "A and B each …"; never the X of "X-led";
- where: "in Iraq", "at the Taji military base", "to northern Syria", the host of "Iraq hosts …", or
  "in the country" referring back to the last place named;
- whether it is a share of a figure just given ("including 27 stationed at …", "including 2,500 Americans").

Distances, years, percentages, durations, ages and ordinals are never counted things.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from summarizer.countries import Mention, MentionKind, country_name, lexicon
from summarizer.factlists import ListRow, line_label, list_rows
from summarizer.numbers import Quantity, find_quantities
from summarizer.sentences import split_sentences

logger = logging.getLogger(__name__)

__all__ = ["CATEGORIES", "Fact", "extract_facts"]

CATEGORIES = ("troops", "casualties", "displaced", "money", "other")


def _lexicon(table: dict[str, str]) -> dict[str, tuple[str, str]]:
    """'category': 'word word-with-spaces' → {surface: (category, unit shown)}."""
    nouns = {}
    for category, words in table.items():
        for word in words.split():
            surface = word.replace("-", " ")
            singular = {"soldier": "soldiers", "troop": "troops", "advisors": "advisers", "tank": "tanks"}
            nouns[surface] = (category, singular.get(surface, surface))
    return nouns


_NOUNS = _lexicon({
    "troops": (
        "soldiers soldier troops troop personnel servicemen servicemembers service-members advisers advisors "
        "trainers instructors peacekeepers marines paratroopers commandos sailors airmen contingent force forces "
        "special-forces military-personnel blue-helmets boots-on-the-ground reservists conscripts carabinieri "
        "gendarmes legionnaires"
    ),
    "casualties": "fatalities casualties deaths dead",
    "displaced": "refugees evacuees asylum-seekers internally-displaced-people displaced-people",
    "people": "people civilians children residents villagers migrants persons men women workers diplomats journalists",
    "other": (
        "tanks tank jets fighter-jets warplanes aircraft planes helicopters warships ships vessels drones missiles "
        "rockets howitzers artillery-pieces armoured-vehicles armored-vehicles vehicles launchers air-defence-systems "
        "bombers fighter-bombers destroyers submarines frigates combat-aircraft"
    ),
})  # fmt: skip
_CURRENCY_WORDS = {"dollars": "USD", "euros": "EUR", "pounds": "GBP", "yen": "JPY", "roubles": "RUB", "rubles": "RUB"}
_CURRENCY_SIGNS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB",
                   "A$": "AUD", "C$": "CAD", "NZ$": "NZD", "HK$": "HKD", "Rs": "INR", "Rs.": "INR"}  # fmt: skip
_NOUN_PATTERN = "|".join(re.escape(n).replace(r"\ ", r"[-\s]") for n in sorted(_NOUNS, key=len, reverse=True))

# between the number and the noun: "-strong", adjectives, demonyms ("130 German soldiers", "8 Leopard tanks")
_MODIFIER = (
    r"(?:[A-Z][\w.’'/-]*|F-\d+"
    r"|(?!(?:countries|nations|states|members|times|cities|provinces|villages|companies|families)\b)"
    r"[a-z]+(?:-[a-z]+)*)"
)  # not "123 countries sending peacekeeping troops": that counts countries
_HEAD = re.compile(
    rf"^(?:-strong\s+|-plus\s+|\s+)(?:of\s+)?(?P<mods>(?:{_MODIFIER}\s+){{0,4}}?)(?P<noun>(?i:{_NOUN_PATTERN}))\b"
)
_NOT_COUNT = re.compile(
    r"^\s?(?:%|per\s?cent|percent|km\b|kilomet|mi\b|miles?\b|m\b|metres?|meters?|feet|ft\b|kg\b|tonnes?|tons?\b|"
    r"years?\b|year-old|months?\b|weeks?\b|days?\b|hours?\b|minutes?\b|seconds?\b|am\b|pm\b|a\.m\.|p\.m\.|"
    r"comments?\b|st\b|nd\b|rd\b|th\b|-year)",
    re.IGNORECASE,
)
_ADVERB = r"(?:\w+ly\s+|already\s+|now\s+|still\s+)?"
_PART_BEFORE = re.compile(r"(?:including|of whom|of them|among them|with|while)\s+$", re.IGNORECASE)
_PART_AFTER = re.compile(
    rf"^\s+(?:of them\s+)?(?:are\s+|were\s+)?{_ADVERB}(?:stationed|deployed|based|serving|posted|(?:in|at)\s+[A-Z])"
    r"|^\s+(?:as\s+part\s+of|under|with|for)\s+(?:the|a|an|its|their)\b"  # "including 250 as part of the NATO mission"
)
# "Thirty of the 120 German soldiers": a share of the figure that follows
_SHARE_OF_NEXT = re.compile(r"^\s+of\s+(?:the|its|their|these|those)\s+$")
# "the second biggest foreign military contingent, with 9,500"
_FORCE_WITH = re.compile(r"\b(?:contingent|force|presence|deployment|troop\s+contributor|contributor)\b[^.;]{0,20}?"
                         r",?\s+with\s+(?:about\s+|around\s+|some\s+|nearly\s+|almost\s+|more\s+than\s+|over\s+)?$",
                         re.IGNORECASE)  # fmt: skip
# "With about 90,000 troops, the United States is …": the owner is the subject after the opening phrase
_WITH_OPENING = re.compile(r"^\s*With\s+(?:\w+\s+){0,2}$")
_FROM = re.compile(r"^\s+from\s+(?:the\s+)?$")
# "serving in the United Nations (UN) peacekeeping missions": the acronym stands where its long form does
_LOCATIVE_ACRONYM = re.compile(r"\b(?:in|at|to|into|with|for|under)\s+(?:the\s+)?(?:[A-Z][\w.’'-]*\s+){1,5}\(\s*$")
_RECEIVES = re.compile(r"\b(?:receives?|received|receiving|gets|got|obtain(?:s|ed)?|is\s+owed)\b")
_VISITED = re.compile(r"\b(?:visited|visiting|toured|touring|visit\s+to|trip\s+to)\s+$")
_WITHDRAW = re.compile(r"\b(?:withdraw\w*|pull\w*\s+out|pull\w*\s+back|bring\w*\s+home|brought\s+home|evacuat\w*|"
                       r"remov\w*|recall\w*|redeploy\w*)\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)  # fmt: skip
_OWNER_AFTER = re.compile(r"^[^.;,]{0,30}?\b(?:that|which|whom|by)\s+(?:the\s+)?$")
_COMPOUND = re.compile(r"^-(?:led|backed|based|sponsored|brokered|run|funded|trained|made|built|born)\b")
_LOCATIVE = re.compile(
    r"\b(?:in|at|to|into|inside|across|near|within|throughout|towards|on|for|from)\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west)(?:ern|-eastern|-western)?\s+|central\s+|[a-z]+-[a-z]+\s+|neighbou?ring\s+)?$",
    re.IGNORECASE,
)  # "in Iraq", "to northern Syria", "in war-torn Afghanistan"
_STRUCK = re.compile(r"\b(?:hit|struck|devastated|rocked|battered|shook|jolted)\s+(?:the\s+)?(?:[a-z]+\s+)?$")
_RECIPIENT = re.compile(r"\b(?:provides|provided|gives|gave|offers|offered|supplies|supplied|hands|handed)\s+$")
_HOST = re.compile(
    r"^\s+(?:\w+ly\s+|now\s+)?(?:hosts|houses|is home to|has (?:received|taken in|welcomed)|shelters|is sheltering)\b"
)
_PLACE = re.compile(
    r"\b(?:in|at|to|into|inside|across|near|within|for)\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west)(?:ern|-eastern|-western)?\s+|central\s+)?"
    r"(?:(?:city|town|village|province|region|district|port)\s+of\s+)?"
    r"(?P<place>(?:[A-Z][\w’'-]+\s+){0,3}[A-Z][\w’'-]+"
    r"(?:\s+(?:military|air|naval|army|airbase|air\s+force)?\s*(?:base|camp|airbase|airfield|outpost))?"
    r"|country)\b"
)
_ASIDE = re.compile(r",\s*(?:which|who|whose|where|a country that)\b[^,]*,")  # "Hungary, which commands KFOR, …"
_NOT_PLACES = frozenset(
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
_BACK_REFERENCE = re.compile(r"\b(?:the country|the nation|its|their)\b")
_EACH = re.compile(r"\beach\b")
_CASUALTY_AFTER = re.compile(
    r"^(?:[^.;]{0,25}?|[^.;,]{0,60}?)\b(?:(?:were|was|have been|had been|are|been)\s+)?"
    r"(?P<verb>killed|wounded|injured|dead|died|slain|missing)\b"
)
_CAPTIVE_AFTER = re.compile(r"^[^.;]{0,30}?\b(?:held\s+hostage|hostages?|held\s+captive|captured|taken\s+prisoner|"
                            r"prisoners?\s+of\s+war|POWs)\b", re.IGNORECASE)  # fmt: skip
# ", most of them civilians," / ", about 40 of them civilians,": an aside between people and what befell them
_OF_THEM_ASIDE = re.compile(
    r",\s*(?:most|many|some|about|around|all|half|nearly|at\s+least|[\d,]+|\w+)\s+(?:[\d,]+\s+)?of\s+(?:them|whom)\b[^,.;]*,"
)
_CAPTIVE_BEFORE = re.compile(r"\b(?:abducted|kidnapped|captured|seized|detained|arrested|freed|released)\s+$")
# munitions spent are no arsenal: "Israeli jets dropped some 7,000 bombs and missiles", "fired more than 4,000 rockets"
_SPENT = re.compile(r"\b(?:fired|dropped|launched|shot|lobbed|unleashed)\s+(?:\w+\s+){0,3}$")
_CASUALTY_BEFORE = re.compile(r"\b(?P<verb>killed|wounded|injured)\s+$")
_AND_WOUNDED = re.compile(r"^\s+(?:were\s+)?(?P<verb>wounded|injured|killed|missing)\b")  # "12 killed and 30 wounded"
# A figure whose noun came earlier: "the death toll ... has climbed to 47", "adjusted the number from 81 to 85",
# "cut the number of forces in the country from about 13,000 to 8,600", "a drawdown ... from 4,500 to 2,500".
_APPROX_WORD = r"(?:about\s+|around\s+|some\s+|nearly\s+|almost\s+|roughly\s+|more\s+than\s+|over\s+)?"
_DEATH_TOLL = re.compile(
    r"\b(?:death\s+toll|toll|deaths|number\s+of\s+(?:[\w-]+\s+){0,3}?(?:dead|deaths|fatalities|killed))\b(?:[^.;]|\.(?=[\w-]))*?"
    r"\b(?:rose|risen|climbed|reached|stands|stood|is|was|hit|jumped|increased|adjusted|revised|raised|"
    r"put|rises|climbs|bring|brings|brought|bringing)\b(?:[^.;]|\.(?=[\w-])){0,40}?\b(?:to|at|from)\s+"
    + _APPROX_WORD
    + "$"
    r"|\b(?:death\s+toll|toll|number\s+of\s+(?:dead|deaths|fatalities))\b(?:[^.;]|\.(?=[\w-])){0,60}?"
    r"\b(?:has|have|had)\s+(?:now\s+)?(?:reached|hit|topped|passed|exceeded)\s+" + _APPROX_WORD + "$"
    r"|\b(?:previous|earlier|initial)\s+(?:death\s+)?toll\b(?:[^.;]|\.(?=[\w-])){0,60}?\b(?:was|stood\s+at|of)\s+"
    + _APPROX_WORD
    + "$",
    re.IGNORECASE,
)
_TROOP_LEVEL = re.compile(
    r"\b(?:troops?\s+(?:presence|levels?|numbers?|strength|deployments?|contingent|count|ceiling)|"
    r"number\s+of\s+(?:\w+\s+)?(?:troops|forces|soldiers|personnel|service\s*members)|"
    r"(?:military\s+|American\s+|U\.?S\.?\s+)?presence|drawdown|force\s+(?:levels?|size)|(?:troop|military|force|mission|current|total)\s+strength|"
    r"(?:reduc|cut|increas|rais|boost|lower|trim|expand|doubl|halv|bring|withdraw)\w*\s+(?:\w+\s+){0,3}?"
    r"(?:troops|forces|soldiers|contingent|personnel|deployment))\b"
    r"(?:[^.;]|\.(?=[\w-])){0,60}?\b(?:to|at|of|from)\s+" + _APPROX_WORD + "$",
    re.IGNORECASE,
)
# "We have adjusted the number from 81 to 85", "The number had increased from 4,385": the figure of the last count
# "The number of refugees in Chad who have fled … is around 90,000"
_REFUGEE_LEVEL = re.compile(r"\bnumber\s+of\s+(?:[\w-]+\s+){0,2}?(?:refugees|displaced|asylum[-\s]seekers|migrants)\b"
                            r"(?:[^.;]|\.(?=[\w-])){0,160}?\b(?:is|was|stands\s+at|stood\s+at|rose\s+to|reached|to|at)\s+"
                            + _APPROX_WORD + "$", re.IGNORECASE)  # fmt: skip
_RECOUNT = re.compile(r"\b(?:the|that)\s+(?:number|figure|tally|count|total|level)\b(?:[^.;]|\.(?=[\w-])){0,60}?"
                      r"\b(?:to|from|at)\s+" + _APPROX_WORD + "$", re.IGNORECASE)  # fmt: skip
_BARE_CASUALTY = re.compile(
    r"^\s+(?:(?:are|were|have\s+been|had\s+been)\s+)?(?:\w+\s+){0,4}?"
    r"(?P<verb>killed|dead|missing|injured|wounded)\b"
    r"|^\s+(?:had\s+|have\s+|has\s+)?(?:died|succumbed)\b"
    r"|^\s+(?:were|are)\s+(?:now\s+)?(?:known|confirmed|reported)\s+to\s+have\s+died\b"
)
_DISPLACED_BEFORE = re.compile(r"\b(?:displaced|uprooted|evacuated)\s+" + _APPROX_WORD + "$")
_DISPLACED_AFTER = re.compile(
    r"^[^.;]{0,25}?\b(?:have|has|had)?\s*(?:been\s+)?(?:forced\s+to\s+)?"
    r"(?:displaced|evacuated|fled|flee|fleeing|uprooted|sought\s+refuge)\b"
)
# a sentence about people fleeing counts the people it names as displaced: "20,000 people have entered Chad"
_FLIGHT = re.compile(r"\b(?:fle[de]|fleeing|refugees?|displaced|asylum|sought\s+refuge|arrived\s+in|crossed\s+into)\b",
                     re.IGNORECASE)  # fmt: skip
# where people fled from: "fighting in Ukraine", "violence in Sudan", "the Syrian conflict"
_DISPLACED_IN = re.compile(r"\b(?:displaced|uprooted|homeless)\s+(?:\w+\s+){0,3}?(?:in|within|inside)\s+(?:the\s+)?$")
_CONFLICT_IN = re.compile(r"\b(?:war|fighting|conflict|violence|crisis|invasion|persecution|attacks?|crackdown)\s+"
                          r"(?:in|of)\s+(?:the\s+)?$", re.IGNORECASE)  # fmt: skip
_CONFLICT_AFTER = re.compile(r"^\s+(?:civil\s+)?(?:war|conflict|fighting|crisis|refugees|asylum)\b")


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
class _Head:
    """What a number counts: the noun and the span of words between them (where a demonym may sit)."""

    category: str
    unit: str
    mods_start: int
    mods_end: int
    end: int


@dataclass
class _Context:
    """What earlier sentences named: the last actor (for "the country") and place (for "in the country")."""

    actor: Mention | None = None
    place: str | None = None
    place_mention: Mention | None = None
    subject: Mention | None = None  # the first actor of the latest sentence that named one
    label: Mention | None = None  # the country a list line is labelled with ("FRANCE: …")
    conflict: Mention | None = None  # the country people flee, once a sentence has said so
    company: Mention | None = None  # the last company that owned money or an order
    owners: dict[str, Mention] = field(default_factory=dict)  # the last owner of each category's figures
    last: _Head | None = None  # what the last figure counted, for "Around 200 more will fly"


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


# --- what a number counts ------------------------------------------------------------------------------


_NUMBER_OF_LABEL = re.compile(r"^\s+(?:[Tt]otal\s+)?[Nn]umber\s+of(?=\s)")
# "42 F-16s", "six F-16 from Denmark", "20 MiG-29s": aircraft named by their model
_MODEL_NOUN = re.compile(
    r"^\s+(?P<mods>(?:[A-Z][\w-]*\s+){0,2}?)(?P<noun>(?:F|MiG|Su|Mi|Ka|B|C|A|AH|UH|CH)-\d{1,3}[A-Z]?s?)\b"
)


def _noun_head(sentence: str, quantity: Quantity) -> _Head | None:
    label = _NUMBER_OF_LABEL.match(sentence[quantity.end :])
    if label is not None:  # "– 1,400 Number of Israelis killed": a factbox line that names its figure after it
        quantity = replace(quantity, end=quantity.end + label.end())
    match = _HEAD.match(sentence[quantity.end :])
    if match is None:
        model = _MODEL_NOUN.match(sentence[quantity.end :])
        if model is not None:
            base = quantity.end
            return _Head("other", "aircraft", base + model.start("mods"), base + model.end("mods"), base + model.end())
        return _people_of(sentence, quantity)
    noun = match.group("noun").lower()
    category, unit = _NOUNS.get(re.sub(r"[-\s]+", " ", noun), ("people", noun))
    base = quantity.end
    return _Head(category, unit, base + match.start("mods"), base + match.end("mods"), base + match.end("noun"))


def _people_of(sentence: str, quantity: Quantity) -> _Head | None:
    """ "100,000 ethnic Armenians": people named by their nationality (the demonym is the owner)."""
    match = re.match(r"^\s+(?P<mods>(?:[a-z]+\s+){0,2})(?P<noun>[A-Z][\w’'-]+(?:s|ese))\b", sentence[quantity.end :])
    if match is None:
        return None
    mentions = lexicon().mentions(match.group("noun"))
    if not mentions or mentions[0].kind is not MentionKind.DEMONYM:
        return None
    base = quantity.end
    # the noun itself is the "modifier" that names the owner
    return _Head("people", "people", base + match.start("noun"), base + match.end("noun"), base + match.end("noun"))


# Money that is a price, a rate or a level, not an amount someone has: "$68.75 a barrel", "$2.53 per share",
# "$6.99-a-month", "$0.06/kWh", "$125 billion worth of goods", and a conversion in brackets after an amount.
_PRICE_AFTER = re.compile(
    r"^(?:-a-|\s*/\s*|\s+(?:a|an|per|each)\s+(?:diluted\s+)?)(?:barrel|ounce|tonne|ton|share|gallon|litre|liter|"
    r"kwh|kilowatt|megawatt|watt|month|week|day|hour|pound|kilo|kg|head|person|unit|seat|ticket|dose|night)s?\b"
    r"|^\s+(?:[a-z]+\s+)?(?:range|level|mark|area|handle|zone)\b"
    r"|^\s+(?:worth\s+of|in\s+(?:\w+\s+){0,2}goods|(?:\w+\s+){0,2}of\s+(?:[\w-]+\s+){0,4}?(?:goods|imports|exports|products))\b",
    re.IGNORECASE,
)
_CONVERSION_BEFORE = re.compile(
    r"(?:[$€£¥₹₽]\s?[\d.,]+\s*(?:bn|billion|m|million|k|thousand|trillion|tn)?|"
    r"[\d.,]+\s*(?:billion|million|thousand)?\s+(?:\w+\s+)?(?:dollars|euros|pounds|yen|roubles|rubles))\s*\(\s*[A-Z]{0,3}$"
)
_VALUATION_BEFORE = re.compile(r"\b(?:valuation|market\s+(?:value|capitali[sz]ation)|market\s+cap)\s+(?:of\s+)?"
                               r"(?:about\s+|around\s+|nearly\s+|some\s+)?$", re.IGNORECASE)  # fmt: skip
_BRACKETED_AFTER_AMOUNT = re.compile(
    r"\d\s*(?:million|billion|trillion|bn|m|crore)?\s+(?:[A-Z]?[a-z]+\s+){1,6}\(\s*(?:[A-Z]{1,3})?$"
)
# the value of goods a tariff falls on is trade, not money anyone has: "US tariffs on another $200bn of Chinese goods"
_TARIFF_BEFORE = re.compile(r"\btariffs?\b[^.;$€£]{0,60}?\b(?:on|against|covering)\s+(?:another\s+|an?\s+|the\s+)?"
                            r"(?:\w+,?\s+){0,2}?$", re.IGNORECASE)  # fmt: skip
# "$1.2925", "$68.75", "$13.60": cents (or finer) with no scale word are prices and rates, never an amount held
_CENTS = re.compile(r"\d\.\d{2,}(?!\s*(?:bn|billion|m\b|million|trillion|tn|k\b|thousand))", re.IGNORECASE)
_LEVEL_BEFORE = re.compile(r"\b(?:at|to)\s+(?:around\s+|about\s+)?$")  # "rose 9.7% to $6", "trading at $61"
MIN_MONEY = 100_000  # below this, a sum reached "at" or "to" is a price level


def _money_head(sentence: str, quantity: Quantity) -> _Head | None:
    if _is_price(sentence, quantity):
        return None
    if quantity.currency:
        return _Head("money", _CURRENCY_SIGNS.get(quantity.currency, quantity.currency), quantity.end, quantity.end,
                     quantity.end)  # fmt: skip
    word = re.match(r"^\s+(?:US\s+)?(?P<word>dollars|euros|pounds|yen|roubles|rubles)\b", sentence[quantity.end :])
    if word:
        return _Head(
            "money", _CURRENCY_WORDS[word.group("word")], quantity.end, quantity.end, quantity.end + word.end()
        )
    return None


def _is_price(sentence: str, quantity: Quantity) -> bool:
    """A price, rate, level or conversion rather than an amount of money someone has, gives or gets."""
    if _CENTS.search(quantity.text):
        return True
    small = quantity.value is not None and quantity.value < MIN_MONEY
    if small and _LEVEL_BEFORE.search(sentence[: quantity.start]):
        return True
    before = sentence[: quantity.start]
    if _BRACKETED_AFTER_AMOUNT.search(before):  # "10 million Swiss franc ($10.9 million)": the same sum again
        return True
    if _VALUATION_BEFORE.search(before):  # "at a valuation of $725 million": what the market says, not a sum held
        return True
    return bool(_PRICE_AFTER.match(sentence[quantity.end :]) or _CONVERSION_BEFORE.search(before)
                or _TARIFF_BEFORE.search(before))  # fmt: skip


def _in_context(sentence: str, quantity: Quantity, head: _Head) -> _Head | None:
    """Casualty and displacement wording turns people (and soldiers) into those categories."""
    before, after = sentence[: quantity.start], _OF_THEM_ASIDE.sub("", sentence[head.end :])
    if head.category in ("troops", "people") and (_CAPTIVE_AFTER.match(after) or _CAPTIVE_BEFORE.search(before)):
        return None  # "239 soldiers and civilians being held hostage": captives, not a force
    verb = _CASUALTY_AFTER.match(after) or _CASUALTY_BEFORE.search(before)
    if head.category in ("troops", "people") and verb:
        word = verb.group("verb").replace("died", "killed").replace("slain", "killed")
        return _Head("casualties", f"{head.unit} {word}", head.mods_start, head.mods_end, head.end)
    if head.category == "other" and head.unit in ("missiles", "rockets", "drones") and _SPENT.search(before):
        return None
    if head.category == "people":
        if (
            _DISPLACED_BEFORE.search(before)
            or _DISPLACED_AFTER.match(after)
            or _FLIGHT.search(re.split(r"\d", after, maxsplit=1)[0][:80])
        ):
            return _Head("displaced", head.unit, head.mods_start, head.mods_end, head.end)
        return None  # people counted for other reasons are no key fact
    return head


_STRONG = re.compile(
    r"^-(?:strong|man|member|troop|soldier|personnel)\s+(?:[a-z]+\s+){0,2}?"
    r"(?:battalion|brigade|contingent|force|unit|team|mission|company|detachment|deployment)\b"
)
_TOLL_AFTER = re.compile(r"^\s+(?:[A-Z][\w.’'-]*['’]s\s+)?(?:death\s+)?toll\b")
_FROM_CURRENT = re.compile(
    r"\bfrom\s+(?:its|their|the|a)\s+(?:current|present|existing|previous|earlier)\s+(?:level\s+of\s+)?$"
)
_FROM_TO = re.compile(r"\bfrom\s+(?:about\s+|around\s+)?[\d,.]+\s+(?:[\w-]+\s+){1,2}to\s+(?:about\s+|around\s+)?$")
_MORE = re.compile(r"^\s+(?:more|others|extra)\b")
_DOWN_FROM = re.compile(
    r"\b(?:down|up)\s+from\s+(?:a\s+(?:high|peak|low)\s+of\s+)?(?:about\s+|around\s+|some\s+|nearly\s+)?$"
)
_IN_PLACE = re.compile(
    r"^\s+(?:more\s+)?(?:(?:in|from)\s+(?:the\s+)?[A-Z]|(?:in|by)\s+(?:19|20)\d\d\b|the\s+following\b)"
)
_NEW_OWNER = re.compile(r"(?:,|\band|;|\bwhile)\s+$")


_CLAUSE_OWNER = re.compile(
    r"(?:^|[,;]\s*(?:and\s+)?|\band\s+)(?:the\s+)?[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)?\s+"
    r"(?:has|have|had|sent|sends|contributes|contributed|provides|provided|deployed|pledged)\s+"
    r"(?:about\s+|around\s+|some\s+|nearly\s+|more\s+than\s+|over\s+)?$"
)


def _shared_noun_head(sentence: str, quantities: list[Quantity], position: int) -> _Head | None:
    """ "6,839 American, 885 Georgian, … and 222 Czech service-members": a list of nationalities that shares the
    noun its last item names; each figure's demonym is its owner."""
    quantity = quantities[position]
    after = sentence[quantity.end :]
    demonym = next((m for m in lexicon().mentions(after[:40]) if m.start == 1), None)
    if demonym is not None and demonym.kind is MentionKind.DEMONYM:
        if not re.match(r"^\s*(?:,|\band\b)", after[demonym.end :]):
            return None
        end = quantity.end + demonym.end
    elif re.match(r"^\s*,", after) and _CLAUSE_OWNER.search(sentence[: quantity.start]):
        end = quantity.end  # "Australia has more than 1,500, South Korea has 1,200, and Poland has 900 troops"
    else:
        return None
    for following in quantities[position + 1 :]:
        head = _noun_head(sentence, following)
        if head is not None and head.category != "people":
            return _Head(head.category, head.unit, quantity.end, end, end)
        if not re.match(r"^\s+\w+(?:\s*,|\s+and\b)|^\s*,", sentence[following.end :]):
            return None  # the list ended without a noun
    return None


def _elliptic_head(sentence: str, quantities: list[Quantity], position: int, facts: list[Fact],
                   context: _Context) -> _Head | None:  # fmt: skip
    """A figure whose noun the sentence gave before: "298 people were declared dead in Somalia, 10 in Tanzania",
    "Uganda is allotted 4500 troops, Ethiopia will contribute 2500", "Norway 25 and Sweden 70", "200 more"."""
    quantity = quantities[position]
    if quantity.value is not None and 1900 <= quantity.value <= 2100 and "," not in quantity.text:
        return None  # a year
    after = sentence[quantity.end :]
    if _MORE.match(after) and context.last is not None:
        return _Head(context.last.category, context.last.unit, quantity.end, quantity.end, quantity.end)
    if not facts or position == 0:
        return None
    previous = facts[-1]
    if previous.category == "money":  # "will rise by 1.2 billion euros in 2016 to 34.2 billion"
        scaled = re.search(r"(?:million|billion|trillion|crore|bn|tn)$", quantity.text)
        linked = re.search(
            r"\b(?:to|from|and|or)\s+(?:about\s+|around\s+|some\s+|nearly\s+)?$", sentence[: quantity.start]
        )
        if scaled and linked:
            return _Head("money", previous.unit, quantity.end, quantity.end, quantity.end)
        return None
    before = sentence[: quantity.start]
    between = sentence[quantities[position - 1].end : quantity.start]
    owner_named = any(_NEW_OWNER.search(between[: m.start]) for m in lexicon().mentions(between) if m.code)
    if (
        _IN_PLACE.match(after)
        or owner_named
        or _DOWN_FROM.search(before)
        or _FROM_CURRENT.search(before)
        or (_FROM_TO.search(before))
    ):
        return _Head(previous.category, previous.unit, quantity.end, quantity.end, quantity.end)
    return None


def _head(sentence: str, quantities: list[Quantity], position: int, facts: list[Fact],
          context: _Context) -> _Head | None:  # fmt: skip
    quantity = quantities[position]
    before, after = sentence[: quantity.start], sentence[quantity.end :]
    money = _money_head(sentence, quantity)
    if money is not None:
        return money
    if _DEATH_TOLL.search(before):
        return _Head("casualties", "dead", quantity.end, quantity.end, quantity.end)
    if _DISPLACED_BEFORE.search(before) or (
        _noun_head(sentence, quantity) is None
        and re.match(r"^\s+(?:have|has|had|are|were)\b", after)
        and _DISPLACED_AFTER.match(after)
    ):  # "has displaced 11 million", "nearly 4 million have been forced to flee"
        return _Head("displaced", "people", quantity.end, quantity.end, quantity.end)
    strong = _STRONG.match(after)
    if strong is not None:  # "its tiny 53-troop contingent", "a 730-man infantry battalion"
        return _Head("troops", "troops", quantity.end, quantity.end, quantity.end + strong.end())
    if _TOLL_AFTER.match(after):  # "bringing to 103 Canada's death toll"
        return _Head("casualties", "dead", quantity.end, quantity.end + len(after) - len(after.lstrip()), quantity.end)
    if _FORCE_WITH.search(before) and _noun_head(sentence, quantity) is None:
        return _Head("troops", "troops", quantity.end, quantity.end, quantity.end)
    if _REFUGEE_LEVEL.search(before):
        return _Head("displaced", "refugees", quantity.end, quantity.end, quantity.end)
    if _TROOP_LEVEL.search(before):  # "reduce its troop presence in Afghanistan to 2,500"
        return _Head("troops", "troops", quantity.end, quantity.end, quantity.end)
    if _RECOUNT.search(before):
        if context.last is not None and context.last.category != "money":
            return _Head(context.last.category, context.last.unit, quantity.end, quantity.end, quantity.end)
        if context.last is None and _MILITARY.search(sentence):  # "a halving of the number … from 8,000 to 4,000"
            return _Head("troops", "troops", quantity.end, quantity.end, quantity.end)
    head = _noun_head(sentence, quantity)
    if head is None or head.category == "people":  # "690 Danes" in a sentence about a battlegroup are troops
        head = _demonym_head(sentence, quantity) or head
    if head is None and position + 1 < len(quantities):  # "from 5,100 to 2,500 troops": both count troops
        following = quantities[position + 1]
        if re.fullmatch(r"\s+to\s+", sentence[quantity.end : following.start]):
            head = _noun_head(sentence, following)
            if head is not None:
                head = _Head(head.category, head.unit, following.end, head.mods_end, head.end)
    if head is None:
        head = _shared_noun_head(sentence, quantities, position)
    if head is None:
        head = _elliptic_head(sentence, quantities, position, facts, context)
    bare = _BARE_CASUALTY.match(after) if head is None else None
    if bare is not None:  # "41 are missing and 70 injured", "281 were now known to have died"
        word = (bare.group("verb") or "killed").replace("dead", "killed")
        return _Head("casualties", f"people {word}", quantity.end, quantity.end, quantity.end)
    if head is None and facts and facts[-1].category == "casualties" and _AND_WOUNDED.match(after):
        verb = _AND_WOUNDED.match(after).group("verb")  # type: ignore[union-attr]
        noun = facts[-1].unit.split()[0]
        return _Head("casualties", f"{noun} {verb}", quantity.end, quantity.end, quantity.end)
    if head is None:
        return None
    return _in_context(sentence, quantity, head)


_MILITARY = re.compile(r"\b(?:troops|soldiers|forces|battle\s?group|military|deployed|mission|contingent|personnel|"
                       r"army|NATO|peacekeep\w*|coalition|stationed|garrison|carabinieri|camp|base)\b",
                       re.IGNORECASE)  # fmt: skip


_HARM = re.compile(r"\b(?:died|dead|deaths?|killed|toll|wounded|injured|missing|fled|refugees|displaced)\b",
                   re.IGNORECASE)  # fmt: skip


def _demonym_head(sentence: str, quantity: Quantity) -> _Head | None:
    """ "690 Danes and 150 Estonians", "4,365 Germans": people of a country counted by their demonym, which are
    troops where the sentence is about the military (casualties and refugees are worded, and handled, apart)."""
    after = sentence[quantity.end :]
    gap = len(after) - len(after.lstrip())
    if not 0 < gap <= 2 or not _MILITARY.search(sentence) or _HARM.search(sentence):
        return None
    mention = next((m for m in lexicon().mentions(after[:40]) if m.start == gap), None)
    if mention is None or mention.kind != "demonym" or not mention.text.endswith("s"):
        return None
    end = quantity.end + mention.end
    return _Head("troops", "troops", quantity.end, end, end)


# --- who and where ----------------------------------------------------------------------------------------


def _is_locative(sentence: str, mention: Mention) -> bool:
    """A place or a recipient, not an actor: "in Iraq", "Iraq hosts …", "provides Israel with …"."""
    return bool(
        _LOCATIVE.search(sentence[: mention.start])
        or _LOCATIVE_ACRONYM.search(sentence[: mention.start])
        or _VISITED.search(sentence[: mention.start])
        or _HOST.match(sentence[mention.end :])
        or _RECIPIENT.search(sentence[: mention.start])
    )


def _owners(
    sentence: str, quantity: Quantity, head: _Head, mentions: list[Mention], context: _Context
) -> list[Mention]:
    """Who a figure belongs to, in order of how directly the sentence says so."""
    for mention in mentions:  # "130 German soldiers"
        if head.mods_start <= mention.start < head.mods_end and mention.kind is not MentionKind.ALLIANCE:
            return [mention]
    withdrawn = _WITHDRAW.search(sentence[: quantity.start])
    for mention in mentions:  # "70 soldiers from Sweden"; not "withdraw 1,600 troops from Iraq"
        if not withdrawn and mention.start > head.end and _FROM.match(sentence[head.end : mention.start]):
            return [mention]
    if head.category == "displaced":
        return []  # whoever acts in the sentence ("the UN fears", "Kuwait, hosting the conference") fled nothing
    asides = [(m.start(), m.end()) for m in _ASIDE.finditer(sentence[: quantity.start])]
    before = [
        m
        for m in mentions
        if m.end <= quantity.start
        and not _is_locative(sentence, m)
        and not any(start <= m.start < end for start, end in asides)
    ]
    if before and _EACH.search(sentence[before[-1].end : head.end + 8]):  # "France and Italy have 300 troops each"
        return list({m.who: m for m in before}.values())
    if before and head.category == "money" and _RECEIVES.search(sentence[before[-1].end : quantity.start]):
        return []  # "Israel has annually received up to USD 3 billion": the money is its donor's
    if before:  # "Spain keeps 350 personnel", "NATO has hundreds of personnel", "Danish PM … 140 soldiers"
        return [before[-1]]
    if _WITH_OPENING.match(sentence[: quantity.start]):  # "With about 90,000 troops, the United States is …"
        subject = next((m for m in mentions if m.start > head.end and
                        re.fullmatch(r"[^,]{0,20},\s+(?:the\s+)?", sentence[head.end : m.start])), None)  # fmt: skip
        if subject is not None:
            return [subject]
    for mention in mentions:  # "1,700 elite troops that Britain is sending", "the 300 soldiers deployed by Italy"
        if (
            head.category != "money"
            and mention.start > head.end
            and _OWNER_AFTER.match(sentence[head.end : mention.start])
        ):
            return [mention]
    referred = _BACK_REFERENCE.search(sentence[head.end :]) or _BACK_REFERENCE.search(sentence[: quantity.start])
    if referred and not _COMPANY_NOUN_AFTER.match(
        referred.string[referred.end() :]
    ):  # not "the country's largest bank"
        return [context.actor] if context.actor else []
    return []


def _place_name(sentence: str, start: int, end: int, context: _Context) -> str | None:
    """The first place named in sentence[start:end], as a country name where it is one."""
    for match in _PLACE.finditer(sentence[start:end]):
        place = match.group("place")
        if place == "country":
            return context.place
        if place.split()[0] in _NOT_PLACES:
            continue
        mentions = lexicon().mentions(place)
        if mentions and mentions[0].start == 0:
            if mentions[0].code is None:
                continue  # "to the UN force in southern Lebanon": an organisation, not a place
            if mentions[0].kind in (MentionKind.NAME, MentionKind.DEMONYM):
                return mentions[0].who  # "the US" → "United States"; a capital stays a city
        return place
    return None


def _where(
    sentence: str,
    quantity: Quantity,
    head: _Head,
    end: int,
    owners: list[Mention],
    mentions: list[Mention],
    context: _Context,
) -> str | None:
    """After the figure; else between its owner and it ("cut its force in the Sahel from …"); else a host."""
    found = _place_name(sentence, head.end, end, context)
    if found:
        return found
    if owners and owners[-1].end <= quantity.start:
        found = _place_name(sentence, owners[-1].end, quantity.start, context)
        if found:
            return found
    hosts = [m for m in mentions if m.end <= quantity.start and m.code and _is_locative(sentence, m)]
    return hosts[-1].who if hosts else None


def _window_end(sentence: str, quantities: list[Quantity], position: int) -> int:
    """Where a figure's own words end: at the next figure, unless "and" joins the two ("12 killed and 30
    wounded in Kabul"), in which case they share what follows."""
    for following in quantities[position + 1 :]:
        if not re.fullmatch(r"[^.;,]{0,25}\band\s+", sentence[quantities[position].end : following.start]):
            return following.start
        position += 1
    return len(sentence)


# --- facts --------------------------------------------------------------------------------------------------


def _part_of_previous(sentence: str, quantity: Quantity, facts: list[Fact], mentions: list[Mention], window_end: int,
                      context: _Context) -> Fact | None:  # fmt: skip
    """ "…130 soldiers in Iraq, including 27 stationed at Taji" / "…, including 2,500 Americans"."""
    if not facts or quantity.value is None:
        return None
    before = sentence[: quantity.start]
    listed = facts[-1].part_of is not None and re.search(r"(?:,|\band)\s+$", before)  # ", 344 Britons and 50 French"
    if not listed and not _PART_BEFORE.search(before):
        return None
    whole = next((f for f in reversed(facts) if f.part_of is None), facts[-1])
    after = sentence[quantity.end :]
    demonym = next((m for m in mentions if m.kind is MentionKind.DEMONYM and
                    re.fullmatch(r"\s+", sentence[quantity.end : m.start])), None)  # fmt: skip
    if demonym is None and not _PART_AFTER.match(after):
        return None
    owner_who, owner_code = (demonym.who, demonym.code) if demonym else (whole.who, whole.country_code)
    where = _place_name(sentence, quantity.end, window_end, context) or whole.where
    return Fact(owner_who, owner_code, _number(quantity.value), quantity.text, quantity.approx, whole.unit,
                whole.category, where, sentence, quantity.bound, part_of=whole.quantity)  # fmt: skip


def _in_currency(sentence: str, mention: Mention) -> bool:
    """ "US$730 billion", "U.S. $4.8 million", "$47 million U.S.": a currency, not the United States."""
    if re.match(r"\$|\s+dollars?\b", sentence[mention.end :]):  # "US$730 billion", "3.5 billion US dollars"
        return True
    if mention.text not in ("US", "U.S."):
        return False
    return bool(re.match(r"\s\$", sentence[mention.end :])
                or re.search(r"[$€£]\s?[\d.,]+\s*(?:million|billion)?\s+$", sentence[: mention.start]))  # fmt: skip


def _not_modifier(sentence: str, mention: Mention) -> bool:
    """ "German-led battlegroup", "US-backed forces": the country qualifies a noun and owns nothing; nor does the
    country in a company's name ("Garuda Indonesia", "Singapore Airlines", "British Airways")."""
    if _COMPOUND.match(sentence[mention.end :]) or _in_currency(sentence, mention):
        return False
    return not _in_company_name(sentence, mention)


_CAPS_LEAD = re.compile(r"^(?P<lead>[^\w]*)(?P<caps>(?:[A-Z][A-Z'’.-]+\s+){0,4}[A-Z][A-Z'’.-]+)\b(?=\W)")


def _titled_lead(sentence: str) -> str:
    """ "–THE UNITED STATES in total has …": an upper-case lead written the way the country lexicon knows it (the
    same length, so positions hold)."""
    found = _CAPS_LEAD.match(sentence)
    if found is None or len(found.group("caps")) < 4 or lexicon().mentions(found.group("caps")):
        return sentence  # "KFOR, the NATO-led mission": an acronym the lexicon knows as it is
    return sentence[: found.start("caps")] + found.group("caps").title() + sentence[found.end("caps") :]


def _in_company_name(sentence: str, mention: Mention) -> bool:
    """ "Air India", "US Airways", "Royal Bank of Scotland", "the US carrier", "German company the Wirtgen Group":
    a country that names or describes a company, whose money and orders are the company's."""
    after = sentence[mention.end :]
    if _COMPANY_AFTER.match(after) or _BANK_OF.search(sentence[: mention.start]) or _COMPANY_NOUN_AFTER.match(after):
        return True
    name_before = _CAPITAL_WORD_BEFORE.search(sentence[: mention.start])
    return (mention.kind is MentionKind.NAME and name_before is not None
            and name_before.group("word") not in _SENTENCE_OPENERS)  # fmt: skip


_BANK_OF = re.compile(r"\b(?:Bank|Company|Corporation|Airlines|Insurance|Trust)\s+of\s+(?:the\s+)?$")
_COMPANY_NOUN = (r"(?:carrier|airline|firm|company|group|bank|lender|retailer|maker|manufacturer|giant|investor|fund|"
                 r"conglomerate|insurer|start-?up|subsidiary|miner|producer|exporter|importer|shares|stocks|"
                 r"chipmaker|automaker|carmaker|planemaker|operator|brokerage|developer)")  # fmt: skip
_COMPANY_NOUN_AFTER = re.compile(rf"^(?:['’]s)?\s+(?:[\w-]+\s+){{0,3}}?{_COMPANY_NOUN}\b")
_COMPANY_AFTER = re.compile(
    r"^\s+(?:Airlines|Airways|Air|Bank|Telecom|Petroleum|Steel|Motors|Railways|Post|Mail|"
    r"Holdings|Group|Corp|Corporation|Inc|Ltd|plc|Energy|Oil|Gas|Power|Electric|Cars|Connection|Telecom|Mobile)\b"
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


_DATELINE = re.compile(r"^\s*(?:\([^)]{0,30}\))?\s*[:—–-]")  # "Paris: Airbus said", "LONDON (Reuters) - Shell"
_NOT_ORGANISATIONS = (
    "The|A|An|In|On|At|It|He|She|They|We|I|But|And|Or|So|This|That|These|Those|Its|Their|His|Her|Our|However|"
    "Meanwhile|Last|Next|Earlier|Later|Analysts|Investors|Officials|Shares|According|After|Before|While|When|If|"
    "Under|Over|With|For|From|By|As|Since|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|President|"
    "Mr|Mrs|Ms|Dr|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Several|Many|Some|All|Both|Most|Few"
)
_ORGANISATION_VERB = re.compile(
    r"\b(?:raise[sd]?|raising|earn(?:ed|s)?|pay|paid|pays|posted|reported|invest(?:ed|s)?|spen[dt]s?|lost|loses|"
    r"sold|sells|bought|buys|fined|secured|won|signed|pledged|received|made|generated|netted|booked|borrowed|owes|"
    r"agreed\s+to\s+(?:pay|buy|acquire)|ordered|orders|placed|acquire[sd]?|purchas(?:e[sd]?|ing))\b"
)
_NAME_RUN = re.compile(r"[A-Z][\w&.'’-]*(?:\s+(?:[A-Z][\w&.'’-]*|&|of))*")
_NOT_NAMES = frozenset(_NOT_ORGANISATIONS.split("|")) | _NOT_PLACES | frozenset(("Nov", "Dec", "Jan", "Feb", "Sept"))
# "The home-improvement retailer earned $2.8 billion": a company named in an earlier sentence
_COMPANY_REFERENCE = re.compile(rf"^\s*(?:The|the|Its|its)\s+(?:[\w-]+\s+){{0,3}}?{_COMPANY_NOUN}\b")


_LEADING_DATELINE = re.compile(r"^\s*[A-Z][A-Za-z .]{1,30}?\s*(?:\([^)]{0,30}\))?\s*[:—–-]\s+")


def _dateline(sentence: str, mention: Mention) -> bool:
    return mention.start <= 1 and bool(_DATELINE.match(sentence[mention.end :]))


def _organisation_owner(sentence: str, quantity: Quantity, mentions: list[Mention],
                        context: _Context) -> Mention | None:  # fmt: skip
    """The company or body that is the subject of the verb that moves the money or places the order: "Alibaba is
    set to raise up to $12.9bn", "Dow component Home Depot reported …", "SIA's subsidiary Scoot lost S$20
    million"; or the company an earlier sentence named, when this one says "the retailer"."""
    verb = _ORGANISATION_VERB.search(sentence, 0, quantity.start)
    if verb is None:
        return None
    subject = sentence[: verb.start()]
    if _COMPANY_REFERENCE.match(subject):
        return context.company
    dateline = _LEADING_DATELINE.match(subject)
    start = dateline.end() if dateline else 0
    runs = [run for run in _NAME_RUN.finditer(subject, start) if _is_name(run.group(0))]
    if not runs or len(subject[runs[-1].end() :].split()) > MAX_SUBJECT_GAP:
        return None
    run = runs[-1]
    if not _DESCRIPTOR.fullmatch(subject[start : run.start()]):
        return None  # the subject is the sentence's own, not a name deep in a clause ("after Elon Musk said")
    name = _CORPORATE_SUFFIX.sub("", re.sub(r"['’]s$", "", run.group(0))).strip()
    if any(m.start < run.end() and m.end > run.start() for m in mentions):
        return None  # a country or alliance: the usual owner rules speak for those
    return Mention(run.start(), run.start() + len(name), name, None, name, MentionKind.ORGANISATION)


# what may stand before a company's name at the start of its sentence: "Dow component", "Online beauty platform",
# "SIA's long-haul low-cost subsidiary", "On Wednesday, the"
_DESCRIPTOR = re.compile(
    r"(?:(?:On|In|At|Last|This)\s+[A-Z]?[\w-]+,?\s+)?(?:(?:The|the|[A-Z][\w&.-]*['’]s|[A-Z]?[a-z][\w-]*)\s+){0,5}"
)
_CORPORATE_SUFFIX = re.compile(r"\s*(?:&\s*Co\.?|Co\.|Inc\.?|Corp\.?|Ltd\.?|plc|LLC)$")
MAX_SUBJECT_GAP = 6  # words between a company's name and its verb ("Alibaba is set to raise")


def _is_name(run: str) -> bool:
    words = run.split()
    return words[0] not in _NOT_NAMES and not all(w in _NOT_NAMES or w.lower() == w for w in words)


_OWNED = ("money", "troops", "other")
# a currency only one state issues: a public budget written in it is that state's
_NATIONAL_CURRENCIES = {"INR": "IN", "JPY": "JP", "RUB": "RU"}


def _country_mention(code: str) -> Mention:
    name = country_name(code)
    return Mention(0, 0, name, code, name, MentionKind.NAME)


_PUBLIC_MONEY = re.compile(r"\b(?:budget|military\s+aid|aid\s+package|spending\s+on\s+defen[cs]e|allocated|"
                           r"set\s+aside)\b",
                           re.IGNORECASE)  # fmt: skip
# a force of several nations has no one owner, and says so: "the German-led battlegroup … 1,600 troops",
# "around 2,000 allied soldiers", "nearly 140,000 foreign soldiers"
_COLLECTIVE = re.compile(r"\w-led\b|\b(?:allied|foreign|multinational|international|coalition)\s+(?:\w+\s+)?"
                         r"(?:troops|soldiers|forces|force|personnel|peacekeepers|battle\s?group)\b|"
                         r"\bpeacekeeping\s+force\b", re.IGNORECASE)  # fmt: skip


def _facts_in_sentence(sentence: str, context: _Context) -> list[Fact]:
    named = lexicon().mentions(_titled_lead(sentence))
    mentions = [m for m in named if _not_modifier(sentence, m) and not _dateline(sentence, m)
                and not _in_dateline(sentence, m)]  # fmt: skip
    company = any(_in_company_name(sentence, m) for m in named)  # "Garuda Indonesia … 49 Max jets": the airline's
    quantities = find_quantities(sentence)
    facts: list[Fact] = []
    shares: list[tuple[Quantity, Quantity]] = []
    respective = _respective(sentence, quantities, mentions)
    last_head = _head(sentence, quantities, len(quantities) - 1, [], context) if respective else None
    if respective and last_head is None and context.conflict is not None:  # "… took 46,600 and 45,100 people"
        people = _noun_head(sentence, quantities[-1])
        last_head = _Head("displaced", "people", 0, 0, 0) if people and people.category == "people" else None
    for position, quantity in enumerate(quantities):
        window_end = _window_end(sentence, quantities, position)
        if _NOT_COUNT.match(sentence[quantity.end :]) or _is_year(sentence, quantity):
            continue
        if respective and last_head is not None and position in respective:
            facts.append(_respective_fact(sentence, quantity, last_head, respective[position], mentions, context))
            continue
        head = _head(sentence, quantities, position, facts, context)
        if head is None and position + 1 < len(quantities):
            following = quantities[position + 1]
            if _SHARE_OF_NEXT.match(sentence[quantity.end : following.start]) and quantity.value is not None:
                shares.append((quantity, following))
                continue
        if head is None:
            part = _part_of_previous(sentence, quantity, facts, mentions, window_end, context)
            if part is not None:
                facts.append(part)
            continue
        owners = _owners(sentence, quantity, head, mentions, context)
        if company:  # "Garuda Indonesia … its order for 49 jets": "its" is the airline's, not an earlier country's
            owners = [owner for owner in owners if owner in mentions]
        if not owners and head.category in ("money", "other"):
            organisation = _organisation_owner(sentence, quantity, mentions, context)
            owners = [organisation] if organisation else []
            context.company = organisation or context.company
        where = _where(sentence, quantity, head, window_end, owners, mentions, context)
        if not owners and context.label is not None:
            owners = [context.label]
        if not owners and not company:
            owners = _implied_owner(sentence, head, where, mentions, context)
        if not owners and head.category == "troops" and _COLLECTIVE.search(sentence):
            owners = [m for m in named if m.kind is MentionKind.ALLIANCE][:1]  # "… serving in UNIFIL": the UN's
        if not owners and head.category in _OWNED and not _COLLECTIVE.search(sentence):
            continue  # a sum, a force or a fleet nobody is said to own is more often misread than not
        candidates: list[Mention | None] = [*owners] if owners else [None]
        role = quantity.role
        earlier = _DOWN_FROM.search(sentence[: quantity.start]) or _FROM_CURRENT.search(sentence[: quantity.start])
        if facts and earlier and facts[-1].category == head.category:
            facts[-1] = replace(facts[-1], role="after")  # "8,700 soldiers in Iraq, down from about 40,000"
            role = "before"
        elif facts and _FROM_TO.search(sentence[: quantity.start]) and facts[-1].category == head.category:
            facts[-1] = replace(facts[-1], role="before")  # "from 2,400 troops to 1,700"
            role = "after"
        if len(owners) == 1 and head.category != "money":
            context.owners[head.category] = owners[0]
        context.last = head
        for owner in candidates:
            owner_where = None if owner is not None and where == owner.who else where
            facts.append(Fact(owner.who if owner else None, owner.code if owner else None, _number(quantity.value),
                              quantity.text, quantity.approx, head.unit, head.category, owner_where, sentence,
                              quantity.bound, role=role))  # fmt: skip
    return _with_shares(facts, shares)


# a demonym names an actor only before people or a state's organs: "Japanese troops", not "the Afghan capital"
_ACTOR_NOUN = re.compile(
    rf"^\s+(?:(?i:{_NOUN_PATTERN})|government|officials?|authorities|military|army|navy|air force|ministry|"
    r"president|prime minister|leaders?|forces|troops|soldiers|contingent|defen[cs]e)\b"
)
_DATELINE_PLACE = re.compile(
    r"^[^.;()]{0,40}?(?:\s*\([^)]{0,30}\))?(?:;|\s*[—–-]+\s)"
)  # "Bagram, Afghanistan; 3 April 2002 (RFE/RL) --"


_RESPECTIVELY = re.compile(r"\brespectively\b")


def _respective(sentence: str, quantities: list[Quantity], mentions: list[Mention]) -> dict[int, Mention]:
    """ "Austria, France and Greece took around 46,600, 45,100 and 41,200 people respectively": the n-th figure
    is the n-th country's, when the counts agree."""
    if not quantities or not _RESPECTIVELY.search(sentence[quantities[-1].end :]):
        return {}
    owners = [m for m in mentions if m.code and m.end <= quantities[0].start and not _is_locative(sentence, m)]
    owners = list({m.who: m for m in owners}.values())
    counted = [i for i, q in enumerate(quantities) if q.value is not None]
    if len(owners) < MIN_RESPECTIVE or len(owners) != len(counted):
        return {}
    return dict(zip(counted, owners, strict=True))


MIN_RESPECTIVE = 2


def _respective_fact(sentence: str, quantity: Quantity, head: _Head, owner: Mention, mentions: list[Mention],
                     context: _Context) -> Fact:  # fmt: skip
    """Displaced people are hosted by the country named, and belong to the one they fled."""
    who: Mention | None = owner
    where = None
    if head.category == "displaced":
        fled = _fled_from(sentence, mentions) or context.owners.get("displaced") or context.conflict
        who, where = fled, owner.who
    return Fact(who.who if who else None, who.code if who else None, _number(quantity.value), quantity.text,
                quantity.approx, head.unit, head.category, where, sentence, quantity.bound)  # fmt: skip


_YEAR_BEFORE = re.compile(r"\b(?:in|of|since|by|until|till|from|to|between|and|early|late|mid|during|before|after|"
                          r"January|February|March|April|May|June|July|August|September|October|November|December|"
                          r"year|fiscal|FY)\s+$|\d{1,2},?\s+$", re.IGNORECASE)  # fmt: skip


def _is_year(sentence: str, quantity: Quantity) -> bool:
    """ "by the end of 2019", "in 2024": a year, however close to a counted noun it stands."""
    year = re.fullmatch(r"(?:19|20)\d\d", quantity.text)
    return year is not None and bool(_YEAR_BEFORE.search(sentence[: quantity.start]))


def _with_shares(facts: list[Fact], shares: list[tuple[Quantity, Quantity]]) -> list[Fact]:
    """Each "Thirty of the 120 German soldiers" as a part of the whole it is a share of, placed after it."""
    for share, whole_quantity in shares:
        whole = next((f for f in facts if f.quantity_text == whole_quantity.text and f.part_of is None), None)
        if whole is None:
            continue
        value = share.value
        scale = re.search(r"\b(million|billion)\b", whole_quantity.text)
        if value is not None and scale and not re.search(r"[a-z]", share.text):  # "45.7 of the 79.5 million"
            value *= 1_000_000 if scale.group(1) == "million" else 1_000_000_000
        part = Fact(whole.who, whole.country_code, _number(value), share.text, share.approx, whole.unit,
                    whole.category, whole.where, whole.evidence, share.bound, part_of=whole.quantity)  # fmt: skip
        facts.insert(facts.index(whole) + 1, part)
    return facts


def _remember(sentence: str, context: _Context) -> None:
    """Carry the sentence's actors and place forward: for "the country" in later sentences (the last actor), and
    for figures whose own sentence names no owner (the first: "Japanese troops arrived … An advance party of
    about 35 soldiers")."""
    first: Mention | None = None
    for mention in lexicon().mentions(sentence):
        if mention.code is None or not _not_modifier(sentence, mention):
            continue
        if mention.kind is MentionKind.DEMONYM and not _ACTOR_NOUN.match(sentence[mention.end :]):
            continue  # "the Afghan capital", "Chinese goods"
        if mention.kind is MentionKind.CAPITAL and not (mention.possessive or _SPEAKS.match(sentence[mention.end :])):
            continue  # "the Afghan capital, Kabul" is a place; "Beijing wants" is the state
        if _in_dateline(sentence, mention) or _is_locative(sentence, mention):
            context.place, context.place_mention = mention.who, mention
        else:
            context.actor = mention
            first = first or mention
    if first is not None:
        context.subject = first
    fled = _fled_from(sentence, lexicon().mentions(sentence))
    if fled is not None:
        context.conflict = fled


_SPEAKS = re.compile(
    r"^\s+(?:\w+ly\s+)?(?:has|have|had|is|was|will|would|wants|wanted|said|says|announced|"
    r"plans|planned|agreed|sent|sends|pledged|pledges|offered|asked|insisted|hopes)\b"
)


def _in_dateline(sentence: str, mention: Mention) -> bool:
    """ "Bagram, Afghanistan; 3 April 2002 (RFE/RL) --": where the report was filed, not who acts in it."""
    found = _DATELINE_PLACE.match(sentence)
    if found is None or mention.end > found.end() or sentence[: mention.start].count(" ") > 4:
        return False
    lead = found.group(0)
    return "," in lead or "(" in lead or lead.split()[0].isupper()  # not "Seventeen Poles -- 13 military and …"


def _fled_from(sentence: str, mentions: list[Mention]) -> Mention | None:
    """The country a sentence says people fled: "fled abroad from the fighting in Ukraine", "the Syrian conflict"."""
    for mention in mentions:
        if not mention.code:
            continue
        if _CONFLICT_IN.search(sentence[: mention.start]) or (
            (mention.kind is MentionKind.DEMONYM or mention.possessive)
            and _CONFLICT_AFTER.match(sentence[mention.end :])
        ):
            return mention
    return None


def _implied_owner(sentence: str, head: _Head, where: str | None, mentions: list[Mention],
                   context: _Context) -> list[Mention]:  # fmt: skip
    """An owner the sentence implies rather than states. The dead of a disaster or an attack belong to the country
    it happened in ("298 people were declared dead in Somalia"); troops and equipment to the actor the passage is
    about ("Japanese troops arrived … An advance party of about 35 soldiers")."""
    if re.search(r"\b(?:foreign|international|coalition|allied|multinational)\b",
                 sentence[head.mods_start : head.mods_end], re.IGNORECASE):  # fmt: skip
        return []  # "2,215 foreign soldiers have died in Afghanistan": many nations', none of them the host
    if head.category == "casualties":
        here = [m for m in mentions if m.code and m.who == where and m.kind is MentionKind.NAME]
        if here:  # "dead in Somalia"; not "in Kabul", where the dead may be anyone's
            return here[:1]
    if head.category == "displaced":
        fled = _fled_from(sentence, mentions)
        if fled is not None:
            return [fled]
        inside = [m for m in mentions if m.code and m.kind is MentionKind.NAME and m.who == where
                  and _DISPLACED_IN.search(sentence[: m.start])]  # fmt: skip
        if inside:  # "1 million people were displaced in Lebanon": uprooted at home
            return inside[:1]
    if head.category in context.owners:
        return [context.owners[head.category]]
    if head.category == "displaced" and context.conflict is not None:
        return [context.conflict]
    if head.category == "casualties":
        struck = [m for m in mentions if m.code and _STRUCK.search(sentence[: m.start])]
        if struck:  # "a powerful earthquake devastated southwest China"
            return struck[:1]
        place = context.place_mention
        if where is None and place is not None and place.code and place.kind is MentionKind.NAME:
            return [place]
        return []
    if head.category == "other" and context.company is not None:
        return [context.company]  # "Air India placed an order … The orders include 220 Boeing aircraft"
    if head.category == "money" and head.unit in _NATIONAL_CURRENCIES and _PUBLIC_MONEY.search(sentence):
        return [_country_mention(_NATIONAL_CURRENCIES[head.unit])]  # "the defence budget … ₹5.94 lakh crore"
    if head.category == "money" and context.subject is not None and _PUBLIC_MONEY.search(sentence):
        return [context.subject]  # "a defence budget of £100 billion" in a passage about the UK
    if head.category in ("troops", "other") and context.subject is not None:
        return [context.subject]
    return []


def _once(facts: list[Fact]) -> list[Fact]:
    """A figure an article repeats ("has jumped to 56 … has increased to 56 killed") is one fact: the first."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for fact in facts:
        key = (fact.category, fact.who, fact.quantity, fact.quantity_text if fact.quantity is None else "", fact.role)
        if key not in seen:
            seen.add(key)
            kept.append(fact)
    return kept


_WRAPPED = re.compile(r"^[a-z(]|^\d")


def _unwrapped(lines: list[str]) -> list[str]:
    """Paragraphs hard-wrapped at a fixed width ("The Pentagon planned to reduce the number of American troops to /
    about 110,000 by mid-2004.") joined again, so a sentence is read whole. A line joins the one before when that
    one ends mid-sentence and it goes on in lower case; list rows and headings start upper case and stay apart."""
    joined: list[str] = []
    target = -1  # the line the next continuation would join
    for line in lines:
        previous = joined[target].rstrip() if target >= 0 else ""
        if previous and previous[-1] not in '.:;!?"”’)' and _WRAPPED.match(line.lstrip()) and not _BULLETED.match(line):
            joined[target] = f"{previous} {line.strip()}"
            joined.append("")  # keep line numbers: a list row's line still names the same row
        else:
            joined.append(line)
            target = len(joined) - 1
    return joined


_BULLETED = re.compile(r"^\s*(?:[-–—•*_·]|\d{1,2}[.)]\s)")


def extract_facts(text: str, language: str | None = "en") -> list[Fact]:
    """Every figure in an English article, in reading order. Other languages give none (yet)."""
    if language not in (None, "en"):
        return []
    context = _Context()
    facts: list[Fact] = []
    lines = _unwrapped(text.splitlines())
    for sentence in split_sentences(lines, "en"):
        context.label = line_label(lines[sentence.paragraph])
        facts.extend(_facts_in_sentence(sentence.text, context))
        _remember(sentence.text, context)
    facts = _once(facts)
    listed = [_from_row(row) for row in list_rows(text)]
    if not listed:
        return facts
    # a row read as a sentence lacks its list's heading: the row's own reading wins for the same figure
    kept = [f for f in facts if not any(_same_figure(f, row) for row in listed)]
    return kept + listed


_ROW_CURRENCY = re.compile(
    r"\b(?:(Canadian|Australian|New Zealand|Hong Kong)\s+)?(dollars|euros|pounds|yen|roubles|rubles)\b"
)
_NAMED_DOLLARS = {"Canadian": "CAD", "Australian": "AUD", "New Zealand": "NZD", "Hong Kong": "HKD"}


def _from_row(row: ListRow) -> Fact:
    unit = row.unit
    if row.category == "money":  # the currency as the sentence path records it: "USD", "GBP" ("50 million pounds")
        word = _ROW_CURRENCY.search(row.evidence)
        from_word = (_NAMED_DOLLARS.get(word.group(1) or "") or _CURRENCY_WORDS[word.group(2)]) if word else ""
        unit = _CURRENCY_SIGNS.get(row.quantity.currency or "", "") or from_word
    who, code = (row.owner.who, row.owner.code) if row.owner is not None else (None, None)
    where = None
    if row.origin is not None and row.owner is not None and row.origin.code != row.owner.code:
        who, code, where = row.origin.who, row.origin.code, row.owner.who  # refugees per host: hosted where named
    return Fact(who, code, _number(row.quantity.value), row.quantity.text, row.quantity.approx,
                unit, row.category or "other", where, row.evidence, row.quantity.bound)  # fmt: skip


def _same_figure(fact: Fact, row: Fact) -> bool:
    same_text = fact.evidence in row.evidence or row.evidence in fact.evidence
    return same_text and fact.quantity == row.quantity
