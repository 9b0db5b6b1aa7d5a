"""What a number counts: the noun after it ("130 German soldiers"), the phrase before it ("the death toll rose to"),
or a noun the sentence gave earlier ("298 dead in Somalia, 10 in Tanzania"); and the wording that turns people into
casualties or refugees."""

from __future__ import annotations

import re
from dataclasses import replace

from summarizer.countries import MentionKind, lexicon
from summarizer.facts.lists import is_year_shaped
from summarizer.facts.money import money_head
from summarizer.facts.places import LOOK_BACK
from summarizer.facts.record import Context, Fact, Head
from summarizer.numbers import Quantity


def _lexicon(table: dict[str, str]) -> dict[str, tuple[str, str]]:
    """'category': 'word word-with-spaces' → {surface: (category, unit shown)}."""
    nouns = {}
    for category, words in table.items():
        for word in words.split():
            surface = word.replace("-", " ")
            singular = {"soldier": "soldiers", "troop": "troops", "advisors": "advisers", "tank": "tanks"}
            nouns[surface] = (category, singular.get(surface, surface))
    return nouns


_NOUNS = _lexicon(
    {
        "troops": (
            "soldiers soldier troops troop personnel servicemen servicemembers service-members advisers "
            "advisors trainers instructors peacekeepers marines paratroopers commandos sailors airmen contingent "
            "force forces special-forces military-personnel blue-helmets boots-on-the-ground reservists "
            "conscripts carabinieri gendarmes legionnaires police-officers policemen infantry infantrymen paratroops "
            "commandoes"
        ),
        "casualties": "fatalities casualties deaths dead death",
        "displaced": (
            "refugees evacuees asylum-seekers internally-displaced-people displaced-people "
            "internally-displaced-persons displaced-persons IDPs"
        ),
        "people": (
            "people person civilians children residents villagers migrants persons men women workers diplomats "
            "journalists nationals passengers tourists foreigners victims individuals foreigner victim "
            "citizen citizens "
            "protesters demonstrators pilgrims students hostages militants rebels insurgents"
        ),
        "other": (
            "tanks tank jets fighter-jets warplanes aircraft planes helicopters warships ships vessels drones "
            "missiles rockets howitzers artillery-pieces armoured-vehicles armored-vehicles vehicles launchers "
            "air-defence-systems bombers fighter-bombers destroyers submarines frigates combat-aircraft"
        ),
    }
)

NOUN_PATTERN = "|".join(re.escape(n).replace(r"\ ", r"[-\s]") for n in sorted(_NOUNS, key=len, reverse=True))

# between the number and the noun: "-strong", adjectives, demonyms ("130 German soldiers", "8 Leopard tanks")
_MODIFIER = (
    r"(?:(?:Boeing|Airbus|Leopard|Challenger|Abrams|Patriot)\s+\d{1,3}(?:-\d+)?[A-Z]?\d*|[A-Z][\w.’'/-]*|F-\d+"
    r"|(?!(?:countries|nations|states|members|times|cities|provinces|villages|companies|families)\b)"
    r"[a-z]+(?:-[a-z]+)*)"
)  # not "123 countries sending peacekeeping troops": that counts countries

_HEAD = re.compile(
    rf"^(?:-strong\s+|-plus\s+|\s+)(?:of\s+)?(?P<mods>(?:{_MODIFIER}\s+){{0,4}}?)(?P<noun>(?i:{NOUN_PATTERN}))\b"
    r"(?!\s+(?:sentences?|threats?|row|camps?|penalty|penalties|squads?|certificates?|toll|rates?)\b)"
)  # not "20 death sentences", "3 death threats"

_NOT_COUNT = re.compile(
    r"^\s?(?:%|per\s?cent|percent|km\b|kilomet|mi\b|miles?\b|m\b|metres?|meters?|feet|ft\b|kg\b|tonnes?|tons?\b|"
    r"years?\b|year-old|months?\b|weeks?\b|days?\b|hours?\b|minutes?\b|seconds?\b|am\b|pm\b|a\.m\.|p\.m\.|"
    r"comments?\b|st\b|nd\b|rd\b|th\b|-year)",
    re.IGNORECASE,
)

# "5 January" is a date; "reduce that number to 1,500 January 2005" is not. Case-sensitive: "500 may have died".
_MONTH_AFTER = re.compile(
    r"^\s(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
)


def is_not_count(sentence: str, quantity: Quantity) -> bool:
    """A figure that is a measure, a duration, an hour, an ordinal or a day of a month: never a key fact."""
    after = sentence[quantity.end :]
    if _NOT_COUNT.match(after):
        return True
    day = quantity.text.isdigit() and 1 <= int(quantity.text) <= 31
    return day and _MONTH_AFTER.match(after) is not None


# "the second biggest foreign military contingent, with 9,500"
_FORCE_WITH = re.compile(
    r"\b(?:contingent|force|presence|deployment|troop\s+contributor|contributor)\b[^.;]{0,20}?"
    r",?\s+with\s+(?:about\s+|around\s+|some\s+|nearly\s+|almost\s+|more\s+than\s+|over\s+)?$",
    re.IGNORECASE,
)

_CASUALTY_AFTER = re.compile(
    r"^(?:(?:(?!,\s*and\b)[^.;]){0,25}?|[^.;,]{0,60}?)\b(?:(?:were|was|have been|had been|are|been)\s+)?"
    r"(?P<verb>killed|wounded|injured|dead|died|slain|missing|lost\s+their\s+lives)\b"
)

_CAPTIVE_AFTER = re.compile(
    r"^[^.;]{0,30}?\b(?:held\s+hostage|hostages?|held\s+captive|captured|taken\s+prisoner|"
    r"prisoners?\s+of\s+war|POWs)\b",
    re.IGNORECASE,
)

# ", most of them civilians," / ", about 40 of them civilians,": an aside between people and what befell them
_OF_THEM_ASIDE = re.compile(
    r",\s*(?:(?:most|many|some|about|around|all|half|nearly|at\s+least|[\d,]+|\w+)\s+(?:[\d,]+\s+)?of\s+(?:them|whom)\b"
    r"|representing|accounting\s+for|or\s+(?:about|nearly|some|around)|which\s+is|mostly|mainly)[^,.;]*,"
)

_CAPTIVE_BEFORE = re.compile(r"\b(?:abducted|kidnapped|captured|seized|detained|arrested|freed|released)\s+$")

# munitions spent are no arsenal: "Israeli jets dropped some 7,000 bombs and missiles", "fired more than 4,000 rockets"
_SPENT = re.compile(r"\b(?:fired|dropped|launched|shot|lobbed|unleashed)\s+(?:\w+\s+){0,3}$")

_CASUALTY_BEFORE = re.compile(
    r"\b(?P<verb>killed|wounded|injured|lost|claimed\s+the\s+lives\s+of|took\s+the\s+lives\s+of)\s+$"
    r"|^(?:The\s+)?(?P<subject>dead|missing|victims|injured|wounded|casualties)\s+(?:include|included|were|are)\s+"
    r"(?:(?:some|about|around|nearly|more\s+than)\s+)?(?:[\d,]+\s+[A-Z][\w-]*,?\s+(?:and\s+)?)*"
    r"(?:some\s+|about\s+|around\s+|nearly\s+)?$"
    r"|\b(?:dead|killed|missing|victims)\b[^.;]{0,30}\binclud(?:e|es|ed|ing)\s+(?:\w+\s+){0,3}$"
    r"|\bdeaths\s+(?:\w+\s+){0,3}?of\s+(?:\w+\s+){0,2}$"  # "following the deaths on Monday of five troops"
)

_AND_WOUNDED = re.compile(r"^\s+(?:were\s+)?(?P<verb>wounded|injured|killed|missing)\b")  # "12 killed and 30 wounded"

# A figure whose noun came earlier: "the death toll ... has climbed to 47", "adjusted the number from 81 to 85",
# "cut the number of forces in the country from about 13,000 to 8,600", "a drawdown ... from 4,500 to 2,500".
_APPROX_WORD = (
    r"(?:about\s+|around\s+|some\s+|nearly\s+|almost\s+|roughly\s+|more\s+than\s+|over\s+|close\s+to\s+|"
    r"at\s+least\s+|just\s+over\s+|just\s+under\s+|up\s+to\s+|an\s+estimated\s+)?"
)

_DEATH_TOLL = re.compile(
    r"\b(?:revised|raised|lowered|adjusted|put)\s+(?:down\s+|up\s+)?(?:the\s+)?(?:death\s+toll|toll|"
    r"number\s+(?:of\s+(?:[\w-]+\s+){0,2})?(?:dead|killed|deaths))\b[^.;,\d$€£]{0,100}?\b(?:to|at)\s+"
    + _APPROX_WORD
    + "$|"  # "Iran has revised down the number killed in Bam to 26,271", "revised the toll … down to 253"
    r"\b(?:death\s+toll|toll|deaths|number\s+of\s+(?:[\w-]+\s+){0,3}?(?:dead|deaths|fatalities|killed))\b(?:[^.;]|\.(?=[\w-])){0,120}?"
    r"\b(?:rose|risen|climbed|reached|stands|stood|is|was|hit|jumped|increased|adjusted|revised|raised|"
    r"put|rises|climbs|bring|brings|brought|bringing)\b(?:[^.;]|\.(?=[\w-])){0,40}?\b(?:to|at|from)\s+"
    + _APPROX_WORD
    + "$"
    r"|\b(?:death\s+toll|toll|number\s+of\s+(?:dead|deaths|fatalities))\b(?:[^.;]|\.(?=[\w-])){0,60}?"
    r"\b(?:has|have|had)\s+(?:now\s+)?(?:reached|hit|topped|passed|exceeded)\s+" + _APPROX_WORD + "$"
    r"|\b(?:bring|brings|brought|bringing|taking|takes|took|pushing|pushed)\s+the\s+(?:[\w-]+\s+){0,2}(?:death\s+)?"
    r"toll\s+(?:to|at)\s+" + _APPROX_WORD + "$"
    r"|\b(?:among|of)\s+the\s+(?:[\w-]+\s+){0,2}(?:deaths|dead|killed|victims|fatalities),?\s+$"
    # "bring the number of Canadian service members killed in war-torn Afghanistan to 103"
    r"|\b(?:bring|brings|brought|bringing|taking|takes|took)\s+the\s+(?:total\s+)?number\s+of\s+(?:[\w-]+\s+){0,4}?"
    r"(?:dead|killed|deaths|fatalities)\b[^.;\d]{0,60}?\bto\s+" + _APPROX_WORD + "$"
    r"|\b(?:previous|earlier|initial)\s+(?:death\s+)?toll\b(?:[^.;]|\.(?=[\w-])){0,60}?\b(?:was|stood\s+at|of)\s+"
    + _APPROX_WORD
    + "$",
    re.IGNORECASE,
)

_TROOP_LEVEL = re.compile(
    r"\b(?:troops?\s+(?:presence|levels?|numbers?|strength|deployments?|contingent|count|ceiling)|"
    r"number\s+of\s+(?:\w+\s+)?(?:troops|forces|soldiers|personnel|service\s*members)|"
    r"(?:military\s+|American\s+|U\.?S\.?\s+)?presence|drawdown|force\s+(?:levels?|size)|(?:troop|military|force|mission|current|total)\s+strength|"
    r"(?:reduc|cut|increas|rais|boost|lower|trim|expand|doubl|halv|bring|withdraw|draw\w*\s+down|scal\w*\s+(?:back|down))"
    r"\w*\s+(?:\w+\s+){0,3}?"
    r"(?:troops|forces|force|soldiers|contingent|personnel|deployment))\b"
    r"(?:[^.;]|\.(?=[\w-])){0,60}?\b(?:to|at|of|from)\s+" + _APPROX_WORD + "$",
    re.IGNORECASE,
)

# "We have adjusted the number from 81 to 85", "The number had increased from 4,385": the figure of the last count
# "The number of refugees in Chad who have fled … is around 90,000"
_REFUGEE_LEVEL = re.compile(
    r"\bnumber\s+of\s+(?:[\w-]+\s+){0,2}?(?:refugees|displaced|asylum[-\s]seekers|migrants)\b"
    r"(?:[^.;]|\.(?=[\w-])){0,160}?\b(?:is|was|stands\s+at|stood\s+at|rose\s+to|reached|to|at)\s+" + _APPROX_WORD + "$",
    re.IGNORECASE,
)

_RECOUNT = re.compile(
    r"\b(?:the|that)\s+(?:number|figure|tally|count|total|level)\b"
    r"(?!\s+of\s+(?:\w+\s+)?(?:brigades?|battalions?|units?|bases?|missions?|countries|nations|teams?)\b)"
    r"(?:[^.;]|\.(?=[\w-])){0,60}?"
    r"\b(?:to|from|at)\s+" + _APPROX_WORD + "$",
    re.IGNORECASE,
)

_ARMOUR = re.compile(
    r"\b(?:unmanned|aerial|armou?red|combat|fighting|infantry|tactical|warplanes|helicopters|tanks|warships|Bradley|"
    r"Marder|Stryker|Humvees?|MRAPs?|destroyed|military)\b"
)

_BARE_CASUALTY = re.compile(
    r"^\s+(?!(?:cities|towns|villages|countries|provinces|states|districts|regions|cases|incidents|attacks|"
    r"places|locations|sites|years|months|weeks|days|hours)\b)"  # "protesters in 21 cities have been killed"
    r"(?:(?:are|were|have\s+been|had\s+been)\s+)?(?:\w+\s+){0,4}?"
    r"(?P<verb>killed|dead|missing|injured|wounded)\b"
    r"|^\s+(?:(?:may|might|could|are\s+feared\s+to)\s+)?(?:had\s+|have\s+|has\s+)?(?:died|succumbed)\b"
    r"|^\s+(?:were|are)\s+(?:now\s+)?(?:known|confirmed|reported)\s+to\s+have\s+died\b"
)

# a figure right after a verb of harm, with no noun of its own: "killed 67,000 and affected 3.2 million"
_STRUCK = re.compile(r"\b(?P<verb>killed|wounded|injured)\s+" + _APPROX_WORD + "$")

_DISPLACED_BEFORE = re.compile(r"\b(?:displaced|uprooted|evacuated)\s+" + _APPROX_WORD + "$")

_DISPLACED_AFTER = re.compile(
    r"^[^.;]{0,25}?\b(?:have|has|had)?\s*(?:been\s+)?(?:forced\s+to\s+)?"
    r"(?:displaced|evacuated|fled|flee|fleeing|uprooted|sought\s+refuge)\b"
)

# a sentence about people fleeing counts the people it names as displaced: "20,000 people have entered Chad"
# in a passage about refugees, a host's figure: "Iran hosted 780,000", "Turkey took nearly 129,300"
_HOSTED = re.compile(
    r"\b(?:hosted|hosts|hosting|took(?:\s+in)?|(?:has|have)\s+taken\s+in|received|sheltered|shelters|"
    r"welcomed|admitted|registered)\s+(?:about\s+|around\s+|some\s+|nearly\s+|almost\s+|more\s+than\s+|"
    r"over\s+)?$"
)
_FLIGHT = re.compile(
    r"\b(?:fle[de]|fleeing|refugees?|displaced|asylum|sought\s+refuge|arrived\s+in|crossed\s+into)\b", re.IGNORECASE
)

_NUMBER_OF_LABEL = re.compile(r"^\s+(?:[Tt]otal\s+)?[Nn]umber\s+of(?=\s)")

# "42 F-16s", "six F-16 from Denmark", "20 MiG-29s": aircraft named by their model
_MODEL_NOUN = re.compile(
    r"^\s+(?P<mods>(?:[A-Z][\w-]*\s+){0,2}?)(?P<noun>(?:F|MiG|Su|Mi|Ka|B|C|A|AH|UH|CH)-\d{1,3}[A-Z]?s?|"
    r"A\d{3}(?:-\d{3,4})?(?:neo|XWB|XLR|LR)?s)\b"
)


def is_model_number(sentence: str, quantity: Quantity) -> bool:
    """ "Leopard 2 tanks", "Boeing 777-9 aircraft", "five 787 Dreamliner sales": a number that names a model."""
    if "," in quantity.text or quantity.value is None:
        return False
    before, after = sentence[max(0, quantity.start - LOOK_BACK) : quantity.start], sentence[quantity.end :]
    backward = _RANGE.fullmatch(quantity.text)  # "777-9": no range runs backwards, so it names a model
    if _MODEL_WORD_AFTER.match(after) or (backward and int(backward.group(2)) < int(backward.group(1))):
        return True
    if _JETLINER.fullmatch(quantity.text) and _COUNT_BEFORE.search(before) and _JETLINER_AFTER.match(after):
        return True  # "five more 787 jets", "its 787 backlog": a count or an owner stands before the model
    return bool(_BRAND_BEFORE.search(before) and _EQUIPMENT_AFTER.match(after))


_RANGE = re.compile(r"(\d{3,4})[-–](\d{1,2})")
_JETLINER = re.compile(r"7[0-8]7")  # Boeing's 707 to 787
_JETLINER_AFTER = re.compile(
    r"^s?\s+(?:[A-Z][\w-]*\s+){0,2}(?:jets?|aircraft|planes?|airplanes?|airliners?|freighters?|backlog|fleet|orders?|"
    r"deliveries|programme|program|family|Dreamliners?)\b",
    re.IGNORECASE,
)
_COUNT_BEFORE = re.compile(
    r"(?:\b\d[\d,]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|several)|"
    r"\b(?:its|their|the)|\bmore|\bnew|\badditional)\s+$",
    re.IGNORECASE,
)


_BRAND_BEFORE = re.compile(
    r"\b(?:Boeing|Airbus|Embraer|Bombardier|Leopard|Challenger|Abrams|Patriot|Tornado|Typhoon|"
    r"Mirage|Rafale|Gripen|Bradley|Stryker|Marder|Himars|HIMARS|Iskander|Piranha|Leclerc|Merkava|S|T|M)\s?-?$"
)
_EQUIPMENT_AFTER = re.compile(
    r"^(?:-\d+\w*)?[A-Z]?\d*\s+(?:[A-Z][\w-]*\s+){0,2}(?:main\s+battle\s+)?(?:tanks?|jets?|aircraft|planes?|airliners?|"
    r"fighters?|helicopters?|howitzers?|launchers?|systems?|vehicles?|missiles?|drones?|bombers?|superjumbos?|family)\b",
    re.IGNORECASE,
)
_MODEL_WORD_AFTER = re.compile(
    r"^(?:-\d+)?\s+(?:Max|MAX|Dreamliners?|XWB|neo|NG)\b|^-\d+(?:ER|LR|XLR)?s?\b|^(?:X|MAX|ER|LR|XLR|neo)s?\b"
)


def noun_head(sentence: str, quantity: Quantity) -> Head | None:
    label = _NUMBER_OF_LABEL.match(sentence[quantity.end :])
    if label is not None:  # "– 1,400 Number of Israelis killed": a factbox line that names its figure after it
        quantity = replace(quantity, end=quantity.end + label.end())
    match = _HEAD.match(sentence[quantity.end :])
    if match is None:
        model = _MODEL_NOUN.match(sentence[quantity.end :])
        if model is not None:
            base = quantity.end
            return Head("other", "aircraft", base + model.start("mods"), base + model.end("mods"), base + model.end())
        return _people_of(sentence, quantity)
    noun = match.group("noun").lower()
    category, unit = _NOUNS.get(re.sub(r"[-\s]+", " ", noun), ("people", noun))
    base = quantity.end
    return Head(category, unit, base + match.start("mods"), base + match.end("mods"), base + match.end("noun"))


def _people_of(sentence: str, quantity: Quantity) -> Head | None:
    """ "100,000 ethnic Armenians": people named by their nationality (the demonym is the owner)."""
    match = re.match(r"^\s+(?P<mods>(?:[a-z]+\s+){0,2})(?P<noun>[A-Z][\w’'-]+(?:s|ese))\b", sentence[quantity.end :])
    if match is None:
        return None
    mentions = lexicon().mentions(match.group("noun"))
    if not mentions or mentions[0].kind is not MentionKind.DEMONYM:
        return None
    base = quantity.end
    # the noun itself is the "modifier" that names the owner
    return Head("people", "people", base + match.start("noun"), base + match.end("noun"), base + match.end("noun"))


def _in_context(sentence: str, quantity: Quantity, head: Head) -> Head | None:
    """Casualty and displacement wording turns people (and soldiers) into those categories."""
    before, after = (
        sentence[max(0, quantity.start - LOOK_BACK) : quantity.start],
        _OF_THEM_ASIDE.sub("", sentence[head.end :]),
    )
    if head.category in ("troops", "people") and (_CAPTIVE_AFTER.match(after) or _CAPTIVE_BEFORE.search(before)):
        return None  # "239 soldiers and civilians being held hostage": captives, not a force
    verb = _CASUALTY_AFTER.match(after) or _CASUALTY_BEFORE.search(before)
    if head.category in ("troops", "people") and verb:
        word = (verb.group("verb") or verb.groupdict().get("subject") or "killed").replace("died", "killed")
        word = "killed" if word in ("slain", "lost", "dead", "victims", "casualties") or " " in word else word
        return Head("casualties", f"{head.unit} {word}", head.mods_start, head.mods_end, head.end)
    if head.category == "other" and head.unit in ("missiles", "rockets", "drones") and _SPENT.search(before):
        return None
    if head.category == "people":
        if (
            _DISPLACED_BEFORE.search(before)
            or _DISPLACED_AFTER.match(after)
            or _FLIGHT.search(re.split(r"\d", after, maxsplit=1)[0][:80])
        ):
            return Head("displaced", head.unit, head.mods_start, head.mods_end, head.end)
        return None  # people counted for other reasons are no key fact
    return head


_STRONG = re.compile(
    r"^-(?:strong|man|member|troop|soldier|personnel)\s+(?:[a-z]+\s+){0,2}?"
    r"(?:battalion|brigade|contingent|force|unit|team|mission|company|detachment|deployment)\b"
)

_TOLL_AFTER = re.compile(r"^\s+(?:[A-Z][\w.’'-]*['’]s\s+)?(?:death\s+)?toll\b")

FROM_CURRENT = re.compile(
    r"\bfrom\s+(?:its|their|the|a|an)\s+(?:current|present|existing|previous|earlier|initial)\s+"
    r"(?:(?:level|figure|total|toll|tally|estimate|number|count)\s+of\s+)?$"
)  # "from its current 850", "from the previous figure of 359"

# "cut the number of troops in Iraq to 2,500 from 5,100", "to 12,500 troops from 7,000": the new figure first
TO_FROM = re.compile(
    r"\bto\s+(?:about\s+|around\s+|some\s+)?[\d,.]+\s+(?:[a-z]+\s+){0,2}from\s+(?:about\s+|around\s+)?$"
)

# "has 2,500 troops … but would reduce that number to 1,500", "provide 302 troops and could lift the number to 400";
# not "…, bringing the total to 400", where the figure before is what was added
THAT_NUMBER_TO = re.compile(
    r"\b(?:reduce|cut|lower|lift|raise|increase|boost)(?:s|d|ed|ing)?\s+(?:that|the|this|its|their)\s+"
    r"(?:number|figure|total|level|strength)\s+to\s+(?:about\s+|around\s+|nearly\s+|some\s+)?$"
)

FROM_TO = re.compile(r"\bfrom\s+(?:about\s+|around\s+)?[\d,.]+\s+(?:[\w-]+\s+){1,2}to\s+(?:about\s+|around\s+)?$")

_MORE = re.compile(r"^\s+(?:more|others|extra)\b")

# "…, compared with Rs20.046 billion a year earlier": a figure before, when the words after it say it was earlier
COMPARED = re.compile(r"\b(?:compared\s+(?:with|to)|against)\s+(?:about\s+|around\s+|some\s+|nearly\s+)?$")
_EARLIER_AFTER = re.compile(
    r"^\s+(?:[a-z]+\s+){0,2}?(?:(?:a|the|one)\s+year\s+(?:earlier|ago|before)|last\s+year|previously|earlier|"
    r"at\s+the\s+(?:peak|start|end)|the\s+(?:previous|prior|same)\s+(?:year|quarter|period|month)|in\s+(?:19|20)\d\d)\b"
)


def compared_with_earlier(before: str, after: str) -> bool:
    """ "revenue dropped to Rs13.4 billion, compared with Rs20 billion a year earlier"; not "1,200 troops in Mali,
    compared with 5,100 for France", two owners' figures side by side."""
    return COMPARED.search(before) is not None and _EARLIER_AFTER.match(after) is not None


DOWN_FROM = re.compile(
    r"\b(?:down|up)\s+from\s+(?:a\s+(?:high|peak|low)\s+of\s+|the\s+)?(?:about\s+|around\s+|some\s+|nearly\s+)?$"
)

_IN_PLACE = re.compile(
    r"^\s+(?:more\s+)?(?:(?:in|from)\s+(?:the\s+)?[A-Z]|(?:in|by)\s+(?:19|20)\d\d\b|the\s+following\b)"
)


_BODIES = re.compile(r"^\s+(?:more\s+)?bodies\b(?!\s+of\b)")
_FOUND = re.compile(r"\b(?:found|recovered|pulled|retrieved|identified|exhumed|discovered|unearthed)\b")
_OWN_NOUN = re.compile(r"\s+(?:[a-z-]+\s+)?[a-z]+s\b")


def _to_country_again(after: str) -> bool:
    """ "…, 320,000 to Jordan,": a country, not "to Nasser hospital" or "to March"."""
    found = _TO_PLACE_AGAIN.match(after)
    if found is None:
        return False
    named = after[found.end("to") :].lstrip()
    return any(m.start == 0 and m.code for m in lexicon().mentions(named[:60]))


_TO_PLACE = re.compile(r"\b(?:to|into)\s+(?:the\s+)?[A-Z]")
_TO_PLACE_AGAIN = re.compile(
    r"^\s+(?P<to>to|into)\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?\s*(?:[,;.)]|and\b|$)"
)

_NEW_OWNER = re.compile(r"(?:,|\band|;|\bwhile)\s+$")

_CLAUSE_OWNER = re.compile(
    r"(?:^|[,;]\s*(?:and\s+)?|\band\s+)(?:the\s+)?[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)?\s+"
    r"(?:has|have|had|sent|sends|contributes|contributed|provides|provided|deployed|pledged)\s+"
    r"(?:about\s+|around\s+|some\s+|nearly\s+|more\s+than\s+|over\s+)?$"
)


def _shared_noun_head(sentence: str, quantities: list[Quantity], position: int) -> Head | None:
    """ "6,839 American, 885 Georgian, … and 222 Czech service-members": a list of nationalities that shares the
    noun its last item names; each figure's demonym is its owner."""
    quantity = quantities[position]
    after = sentence[quantity.end :]
    demonym = next((m for m in lexicon().mentions(after[:40]) if m.start == 1), None)
    if demonym is not None and demonym.kind is MentionKind.DEMONYM:
        if not re.match(r"^\s*(?:,|\band\b)", after[demonym.end :]):
            return None
        end = quantity.end + demonym.end
    elif re.match(r"^\s*,", after) and _CLAUSE_OWNER.search(
        sentence[max(0, quantity.start - LOOK_BACK) : quantity.start]
    ):
        end = quantity.end  # "Australia has more than 1,500, South Korea has 1,200, and Poland has 900 troops"
    else:
        return None
    for following in quantities[position + 1 :]:
        head = noun_head(sentence, following)
        if head is not None and head.category != "people":
            return Head(head.category, head.unit, quantity.end, end, end)
        if not re.match(r"^\s+\w+(?:\s*,|\s+and\b)|^\s*,", sentence[following.end :]):
            return None  # the list ended without a noun
    return None


def _elliptic_head(
    sentence: str, quantities: list[Quantity], position: int, facts: list[Fact], context: Context
) -> Head | None:
    """A figure whose noun the sentence gave before: "298 people were declared dead in Somalia, 10 in Tanzania",
    "Uganda is allotted 4500 troops, Ethiopia will contribute 2500", "Norway 25 and Sweden 70", "200 more"."""
    quantity = quantities[position]
    if is_year_shaped(quantity):
        return None  # a year
    after = sentence[quantity.end :]
    if _MORE.match(after) and context.last is not None:
        return Head(context.last.category, context.last.unit, quantity.end, quantity.end, quantity.end)
    if not facts or position == 0:
        return None
    previous = facts[-1]
    before = sentence[max(0, quantity.start - LOOK_BACK) : quantity.start]
    if previous.category == "money":  # "will rise by 1.2 billion euros in 2016 to 34.2 billion"
        scaled = re.search(r"(?:million|billion|trillion|crore|bn|tn)$", quantity.text)
        linked = re.search(r"\b(?:to|from|and|or)\s+(?:about\s+|around\s+|some\s+|nearly\s+)?$", before)
        if scaled and (linked or compared_with_earlier(before, after)):
            return Head("money", previous.unit, quantity.end, quantity.end, quantity.end)
        return None
    earlier = quantities[position - 1]
    between = sentence[earlier.end : quantity.start]
    owner_named = any(_NEW_OWNER.search(between[: m.start]) for m in lexicon().mentions(between) if m.code)
    if (
        _IN_PLACE.match(after)
        or (_to_country_again(after) and _TO_PLACE.search(between) and previous.quantity_text == earlier.text)
        or owner_named
        or DOWN_FROM.search(before)
        or FROM_CURRENT.search(before)
        or (TO_FROM.search(before) and not _OWN_NOUN.match(after))  # not "to 12,500 troops from 40 countries"
        or compared_with_earlier(before, after)
        or (FROM_TO.search(before))
    ):
        return Head(previous.category, previous.unit, quantity.end, quantity.end, quantity.end)
    return None


def what_it_counts(
    sentence: str, quantities: list[Quantity], position: int, facts: list[Fact], context: Context
) -> Head | None:
    quantity = quantities[position]
    before, after = sentence[max(0, quantity.start - LOOK_BACK) : quantity.start], sentence[quantity.end :]
    money = money_head(sentence, quantity)
    if money is not None or quantity.currency:
        return money  # "$17 billion worth of aircraft" is a price, whatever it buys, never a count
    if _DEATH_TOLL.search(before):
        return Head("casualties", "dead", quantity.end, quantity.end, quantity.end)
    if _DISPLACED_BEFORE.search(before) or (
        noun_head(sentence, quantity) is None
        and re.match(r"^\s+(?:(?:have|has|had|are|were)\b|fled\b)", after)
        and _DISPLACED_AFTER.match(after)
    ):  # "has displaced 11 million", "nearly 4 million have been forced to flee", "almost 1.5 million fled to Pakistan"
        return Head("displaced", "people", quantity.end, quantity.end, quantity.end)
    refugees_so_far = context.conflict is not None or "displaced" in context.owners
    if refugees_so_far and _HOSTED.search(before) and noun_head(sentence, quantity) is None:
        return Head("displaced", "refugees", quantity.end, quantity.end, quantity.end)  # "while Iran hosted 780,000"
    strong = _STRONG.match(after)
    if strong is not None:  # "its tiny 53-troop contingent", "a 730-man infantry battalion"
        return Head("troops", "troops", quantity.end, quantity.end, quantity.end + strong.end())
    if _TOLL_AFTER.match(after):  # "bringing to 103 Canada's death toll"
        return Head("casualties", "dead", quantity.end, quantity.end + len(after) - len(after.lstrip()), quantity.end)
    if _FORCE_WITH.search(before) and noun_head(sentence, quantity) is None:
        return Head("troops", "troops", quantity.end, quantity.end, quantity.end)
    if _REFUGEE_LEVEL.search(before):
        return Head("displaced", "refugees", quantity.end, quantity.end, quantity.end)
    if _TROOP_LEVEL.search(before):  # "reduce its troop presence in Afghanistan to 2,500"
        return Head("troops", "troops", quantity.end, quantity.end, quantity.end)
    if _RECOUNT.search(before):
        if context.last is not None and context.last.category != "money":
            return Head(context.last.category, context.last.unit, quantity.end, quantity.end, quantity.end)
        if context.last is None and MILITARY.search(sentence):  # "a halving of the number … from 8,000 to 4,000"
            return Head("troops", "troops", quantity.end, quantity.end, quantity.end)
    lost = context.last is not None and context.last.category == "casualties" and _country_lost(before, after)
    if lost and noun_head(sentence, quantity) is None:  # "Kenya lost 32 citizens … Canada lost 18"
        return Head("casualties", "dead", quantity.end, quantity.end, quantity.end)
    bodies = _BODIES.match(after)
    if bodies is not None and _FOUND.search(sentence):  # "23 bodies have been found", not "15 government bodies"
        return Head("casualties", "bodies", quantity.end, quantity.end, quantity.end + bodies.end())
    head = noun_head(sentence, quantity)
    if head is None or head.category == "people":  # "690 Danes" in a sentence about a battlegroup are troops
        head = _demonym_head(sentence, quantity) or head
    if head is not None and head.unit == "men" and MILITARY.search(sentence) and not HARM.search(sentence):
        head = Head("troops", "troops", head.mods_start, head.mods_end, head.end)  # "Uganda, which has 6,200 men"
    if head is None and position + 1 < len(quantities):  # "from 5,100 to 2,500 troops": both count troops
        following = quantities[position + 1]
        if re.fullmatch(r"\s+to\s+", sentence[quantity.end : following.start]):
            head = noun_head(sentence, following)
            if head is not None:
                head = Head(head.category, head.unit, following.end, head.mods_end, head.end)
    if head is None:
        head = _shared_noun_head(sentence, quantities, position)
    if head is None:
        head = _elliptic_head(sentence, quantities, position, facts, context)
    struck = _STRUCK.search(before) if head is None else None
    if struck is not None:  # "the quake killed 67,000 and affected 3.2 million", "killed 40 and wounded 120"
        return Head("casualties", f"people {struck.group('verb')}", quantity.end, quantity.end, quantity.end)
    bare = _BARE_CASUALTY.match(after) if head is None else None
    if bare is not None:  # "41 are missing and 70 injured", "281 were now known to have died"
        word = (bare.group("verb") or "killed").replace("dead", "killed")
        return Head("casualties", f"people {word}", quantity.end, quantity.end, quantity.end)
    wounded = _AND_WOUNDED.match(after) if head is None and facts and facts[-1].category == "casualties" else None
    if wounded is not None:
        verb = wounded.group("verb")
        noun = facts[-1].unit.split()[0]
        return Head("casualties", f"{noun} {verb}", quantity.end, quantity.end, quantity.end)
    if head is None or (head.unit == "vehicles" and not MILITARY.search(sentence) and not _ARMOUR.search(sentence)):
        return None  # "sales … to 8,971,864 vehicles": cars sold, not armour
    return _in_context(sentence, quantity, head)


_LOST = re.compile(r"\s+(?:has\s+|had\s+)?lost\s+(?:about\s+|around\s+|some\s+|at\s+least\s+)?$")


def _country_lost(before: str, after: str) -> bool:
    """ "Canada lost 18": a country's losses, after a count of the dead; not "the Nikkei lost 120", nor a score
    ("lost 2 to 1")."""
    lost = _LOST.search(before)
    if lost is None or re.match(r"\s*(?:to|-|–)\s*\d", after):
        return False
    named = [m for m in lexicon().mentions(before[: lost.start()]) if m.code and m.kind is MentionKind.NAME]
    return bool(named) and named[-1].end == lost.start()


MILITARY = re.compile(
    r"\b(?:troops|soldiers|forces|battle\s?group|military|deployed|mission|contingent|personnel|"
    r"army|NATO|peacekeep\w*|coalition|stationed|garrison|carabinieri|camp|base)\b",
    re.IGNORECASE,
)

HARM = re.compile(
    r"\b(?:died|dead|deaths?|killed|toll|wounded|injured|missing|fled|refugees|displaced)\b", re.IGNORECASE
)


def _demonym_head(sentence: str, quantity: Quantity) -> Head | None:
    """ "690 Danes and 150 Estonians", "4,365 Germans": people of a country counted by their demonym, which are
    troops where the sentence is about the military (casualties and refugees are worded, and handled, apart)."""
    after = sentence[quantity.end :]
    gap = len(after) - len(after.lstrip())
    if not 0 < gap <= 2 or not MILITARY.search(sentence) or HARM.search(sentence):
        return None
    mention = next((m for m in lexicon().mentions(after[:40]) if m.start == gap), None)
    if mention is None or mention.kind is not MentionKind.DEMONYM or not mention.text.endswith("s"):
        return None
    end = quantity.end + mention.end
    return Head("troops", "troops", quantity.end, end, end)
