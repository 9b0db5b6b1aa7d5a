"""Numbers as news writes them: "1,200", "600 000", "2.3 million", "$90m", "seven", "a dozen", "hundreds of",
with their qualifiers ("around", "at least", "up to") and ranges ("300-400")."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SCALES", "Quantity", "find_quantities"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000,
           "b": 1_000_000_000, "k": 1_000, "tn": 1_000_000_000_000, "crore": 10_000_000,
           "lakh crore": 1_000_000_000_000, "lakh": 100_000}  # fmt: skip
# qualifier → bound: "approx" is two-sided; "min"/"max" say which way the true figure may lie
_QUALIFIERS = {
    "around": "approx", "about": "approx", "some": "approx", "roughly": "approx", "approximately": "approx",
    "an estimated": "approx", "estimated": "approx", "nearly": "max", "almost": "max", "close to": "max",
    "just under": "max", "up to": "max", "fewer than": "max", "less than": "max", "under": "max",
    "more than": "min", "over": "min", "at least": "min", "upwards of": "min", "just over": "min",
    "~": "approx", "c.": "approx", "circa": "approx",
}  # fmt: skip

_CURRENCY = (
    r"(?:US\$|A\$|C\$|NZ\$|HK\$|S\$|NT\$|R\$|\$|€|£|¥|₹|₽|₦|₩|₱|₺|₪"
    r"|\b(?-i:USD|EUR|GBP|CHF|JPY|INR|Rs\.?|K?Sh|Ksh|RM)(?=\s?\d))"
)  # "Sh55.3 billion" (Kenyan shillings), "RM5 billion" (ringgit): written before the figure, as the others
# Indian grouping first ("2,70,000", "1,64,000"), then thousands by commas, spaces or apostrophes, then digits
_DIGITS = (
    r"\d{1,2}(?:,\d{2})+,\d{3}(?!\d)(?:\.\d+)?"
    # "1,200", "600 000", Swiss "1'400"; not "35 777-8 jets" or "90 777X airplanes", a count and then a model
    r"|\d{1,3}(?:(?:,\d{3})+|(?:[ \u00a0\u202f'’]\d{3})+(?![-–]\d{1,2}\b(?!\s*\d{3})|X\b))(?:\.\d+)?"
    r"|\d+(?:\.\d+)?"
)
_WORD_NUMBER = (
    r"(?:"
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + r")(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
)
_SCALE = r"(?:hundred|thousand|million|billion|trillion|lakh\s+crore|crore|lakh|bn|mn|m|k|tn)\b"
# a figure starts a word, or follows its currency code at once ("Rs847.156 million", "USD5m")
_FIGURE_START = (
    r"(?:(?<=\bRs)|(?<=\bRs\.)|(?<=\bUSD)|(?<=\bEUR)|(?<=\bGBP)|(?<=\bINR)|(?<=\bSh)|(?<=\bKSh)|(?<=\bKsh)|(?<=\bRM)"
    r"|(?<![\w./-]))"
)
_QUALIFIER = r"(?:" + "|".join(re.escape(q) for q in sorted(_QUALIFIERS, key=len, reverse=True)) + r")"

_PATTERN = re.compile(
    rf"""(?P<qual>\b{_QUALIFIER}\s+|~\s?)?
    (?:
      (?P<vague>(?:tens\ of\ thousands|hundreds\ of\ thousands|hundreds|thousands|dozens|scores|millions))
        \b(?=\s+of\b)
    | (?P<several>(?:several|a\ few|a\ couple\ of)\s+(?:hundred|thousand|dozen))\b
    | (?P<dozen>(?:a|half\ a)\s+dozen)\b
    | (?P<ndozen>two|three|four|five|six|several)\s+dozen\b
    | between\s+(?P<bcur>{_CURRENCY})?(?P<bnum>{_DIGITS})\s+and\s+(?:{_CURRENCY})?(?P<bnum2>{_DIGITS})
        (?:\s?(?P<bscale>{_SCALE}))?
    | (?P<cur>{_CURRENCY})?\s?{_FIGURE_START}(?P<num>{_DIGITS})
        (?:\s?(?:-|–)\s?(?P<num2>{_DIGITS})|\s+to\s+(?P<num3>{_DIGITS})(?=\s+[a-zA-Z]|\s*[,;)]|\.(?!\d)))?
        (?:\s?(?P<scale>{_SCALE}))?(?P<plus>\+(?![\d+]))?
    | (?P<word>\b{_WORD_NUMBER})\b
        (?:[\s-](?P<wscale>hundred|thousand|million|billion)\b(?:\s(?P<wscale2>thousand|million)\b)?
           (?:\s+and\s+(?P<wrest>{_WORD_NUMBER})\b)?)?
    )""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantity:
    """A number in a sentence. ``value`` is None for vague amounts ("hundreds of"); ``high`` for ranges."""

    start: int
    end: int
    text: str
    value: float | None
    approx: bool = False
    bound: str | None = None  # "approx", "min" or "max"
    high: float | None = None
    currency: str | None = None
    role: str | None = None  # "before" / "after" in "from 5,100 to 2,500"


def _digits(text: str) -> float:
    return float(re.sub(r"[,\s\u00a0\u202f'’]", "", text))


def _word_value(word: str) -> float:
    parts = re.split(r"[- ]", word.lower())
    return float(sum(_UNITS[p] for p in parts if p in _UNITS))


def _from_match(match: re.Match[str]) -> Quantity | None:
    qualifier = (match.group("qual") or "").strip().lower()
    bound = _QUALIFIERS.get(qualifier) if qualifier else None
    value: float | None
    high = None
    currency = None
    text = match.group(0).strip()
    start, end = match.start() + (len(match.group(0)) - len(match.group(0).lstrip())), match.end()
    if match.group("vague") or match.group("several"):
        value, bound = None, "approx"
    elif match.group("bnum"):
        factor = SCALES.get((match.group("bscale") or "").lower(), 1)
        value, high = _digits(match.group("bnum")) * factor, _digits(match.group("bnum2")) * factor
        bound, currency = "approx", match.group("bcur")
    elif match.group("ndozen"):  # "two dozen"; "several dozen" is vague
        word = match.group("ndozen").lower()
        value = None if word == "several" else _word_value(word) * 12
        bound = "approx" if value is None else bound
    elif match.group("dozen"):
        value = 6.0 if match.group("dozen").lower().startswith("half") else 12.0
    elif match.group("num"):
        value = _digits(match.group("num"))
        scale = (match.group("scale") or "").lower()
        if scale in ("m", "b", "k") and not match.group("cur"):
            scale = ""  # "30m" is metres, "5k" a run: single letters scale only money
        factor = SCALES.get(scale, 1)
        value = round(value * factor, 2) if factor != 1 else value  # 8.7 trillion is 8,700,000,000,000, not …999.999
        second = match.group("num2") or match.group("num3")
        if second:
            high = _digits(second) * factor
            bound = bound or "approx"
        currency = match.group("cur")
        if match.group("plus"):  # "8,000+": more than 8,000
            bound = bound or "min"
        if not scale and match.group("scale"):  # "30m": the number without the letter that is no scale
            start, end = match.start(), match.start("scale")
            text = match.group(0)[: end - match.start()].strip()
    else:
        word = match.group("word")
        value = _word_value(word)
        for group in ("wscale", "wscale2"):
            if match.group(group):
                value *= SCALES[match.group(group).lower()]
        if match.group("wrest") and match.group("wscale"):  # "Two-hundred and forty-eight"
            value += _word_value(match.group("wrest"))
        if value == 0:
            return None
    return Quantity(
        start=start,
        end=end,
        text=text,
        value=value,
        approx=bound is not None,
        bound=bound,
        high=high,
        currency=currency,
    )


# "from 5,100 to", "from a maximum of 450 to", "from its current level of 850 to"
_FROM = re.compile(
    r"\bfrom\s*(?:(?:a|an|the|its|their)\s+)?(?:(?:current\s+|previous\s+|present\s+)?"
    r"(?:maximum|minimum|ceiling|cap|limit|total|high|peak|low|level)\s+of\s*)?$",
    re.IGNORECASE,
)


def _change(sentence: str, match: re.Match[str]) -> list[Quantity] | None:
    """ "from 5,100 to 2,500 troops" states two figures, before and after, not a range."""
    if not match.group("num3") or not _FROM.search(sentence, max(0, match.start() - 40), match.start()):
        return None
    first = _digits(match.group("num"))
    second = _digits(match.group("num3"))
    qualifier = (match.group("qual") or "").strip().lower()
    bound = _QUALIFIERS.get(qualifier) if qualifier else None
    start = match.start("qual") if match.group("qual") else match.start("num")
    return [
        Quantity(
            start=start,
            end=match.end("num"),
            text=sentence[start : match.end("num")],
            value=first,
            approx=bound is not None,
            bound=bound,
            role="before",
        ),
        Quantity(
            start=match.start("num3"), end=match.end("num3"), text=match.group("num3"), value=second, role="after"
        ),
    ]


def _year_then_figure(match: re.Match[str]) -> bool:
    first, second = match.group("num"), match.group("num3")
    return bool(
        first and second and re.fullmatch(r"(?:19|20)\d\d", first) and not re.fullmatch(r"(?:19|20)\d\d", second)
    )


_DETERMINER = re.compile(r"\b(?:the|this|that|no|any|every|each|according\s+to)\s+$", re.IGNORECASE)  # "the one in"


def find_quantities(sentence: str, *, ones: re.Pattern[str] | None = None) -> list[Quantity]:
    """Every number in the sentence, left to right. "one" counts only where ``ones`` matches the words after it
    ("one soldier", "and one in Kenya"): the caller knows what a counted noun is."""
    found: list[Quantity] = []
    position = 0
    while (match := _PATTERN.search(sentence, position)) is not None:
        position = match.end()
        if _year_then_figure(match):  # "by 1.2 billion euros in 2016 to 34.2 billion": a year, then a figure
            position = match.start("num3")
            year = _digits(match.group("num"))
            found.append(Quantity(start=match.start("num"), end=match.end("num"), text=match.group("num"), value=year))
            continue
        if match.group("word") and match.group("word").lower() == "one" and not match.group("wscale"):
            the_one = _DETERMINER.search(sentence, max(0, match.start() - 16), match.start())
            if ones is None or the_one or not ones.match(sentence, match.end()):
                continue  # "one of the", "no one": almost never a count in news, unless what follows says so
        change = _change(sentence, match)
        if change is not None:
            found.extend(change)
            continue
        quantity = _from_match(match)
        if quantity is not None:
            found.append(quantity)
    return found
