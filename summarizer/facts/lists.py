"""Key facts written as lists and tables: factbox rows, table rows and inline lists of owners with figures.

News gives its most complete figures in this form ("Here are the main contributors: / Britain: 9,500 /
Germany: 4,341", "Bulgaria (516), Hungary (502)", "Britain, 1,200; Turkey, 60"), and a row says nothing of what
it counts: the heading or the sentence before the list does. So rows are found first, grouped into blocks of
consecutive rows, and each block takes its category from its rows' own nouns or else from the lines before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from summarizer.countries import Mention, MentionKind, lexicon
from summarizer.facts.mentions import EACH_FROM, JOINED, coordinated_after, coordinated_before, is_ethnic_group
from summarizer.facts.money import CURRENCY_SIGNS, CURRENCY_WORDS, NAMED_DOLLARS
from summarizer.facts.organisations import organisation
from summarizer.numbers import SCALES, Quantity, find_quantities

__all__ = ["LABEL", "ListRow", "line_label", "list_rows"]

# the category a list's introduction gives its rows, by the words in it (the first that matches wins)
_INTRO_CATEGORIES = (
    ("casualties", re.compile(r"\b(?:deaths?|dead|killed|casualt|fatalit|death toll|toll)\w*", re.IGNORECASE)),
    ("displaced", re.compile(r"\b(?:refugees?|displaced|asylum|evacuees?|fled)\b", re.IGNORECASE)),
    (
        "other",
        re.compile(
            r"\b(?:jets?|aircraft|warplanes|tanks?|warships|ships|helicopters|drones|missiles)\b", re.IGNORECASE
        ),
    ),
    (
        "troops",
        re.compile(
            r"\b(?:troops?|soldiers|forces?|personnel|contingents?|peacekeepers|contribut\w*|"
            r"military|deploy\w*|servicemen|battalions?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "money",
        re.compile(r"\b(?:pledge\w*|aid|donors?|donat\w*|fund\w*|grants?|assistance|contribution)\b", re.IGNORECASE),
    ),
)
_ROW_NOUNS = (
    (
        "troops",
        re.compile(
            r"^\s*(?:[\w-]+\s+){0,2}?(?:troops|soldiers|men|personnel|military|police|peacekeepers|"
            r"marines|advisers|trainers|infantry)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "casualties",
        re.compile(
            r"^\s*(?:[\w-]+\s+){0,2}?(?:dead|deaths|killed|fatalities|casualties|wounded|injured|missing)\b",
            re.IGNORECASE,
        ),
    ),
    ("displaced", re.compile(r"^\s*(?:[\w-]+\s+){0,2}?(?:refugees|displaced|asylum)\b", re.IGNORECASE)),
    (
        "other",
        re.compile(
            r"^\s*(?:[\w-]+\s+){0,3}?(?:jets|aircraft|planes|tanks|ships|helicopters|drones|"
            r"fighter-bombers|fighters|bombers|warplanes|frigates|destroyers|warships|howitzers|missiles)\b",
            re.IGNORECASE,
        ),
    ),
)
_UNITS = {"troops": "troops", "casualties": "deaths", "displaced": "refugees", "money": "", "other": "units"}
_BULLET = re.compile(r"^\s*(?:[-–—•*_·]+|\d{1,2}[.)])\s*")
_SEPARATOR = re.compile(
    r"^\s*(?:[:,=–—-]|\|)?\s*(?:with\s+)?(?:about\s+|around\s+|some\s+|over\s+|nearly\s+)?", re.IGNORECASE
)
# "- BRITAIN: Around 4,100. British forces will …": a labelled row may go on with commentary
# "FRANCE: After much hesitation", "SRI LANKA – The number of dead" (a dash only after capitals: "Israel – Gaza:" is a
# headline)
LABEL = re.compile(
    r"^\s*(?:[-–—•*_·]+\s*)?(?:(?P<label>[A-Z][\w .'’-]{1,40}?)\s*:|(?P<capitals>[A-Z][A-Z .'’-]{1,40}?)\s+[–—])\s"
)
_TOTAL = re.compile(r"^\s*(?:total|other\s+(?:nations|countries|contributors)|others?|rest)\b", re.IGNORECASE)
MIN_BLOCK = 2
INTRO_LINES = 4
MAX_LINE = 2_000  # characters of a line read for rows
MAX_SKIPPED = 40  # characters of a line inside a list that is not itself a row
MAX_OWNER_GAP = 3  # characters allowed between the owner and its figure, besides the separator


@dataclass(frozen=True, slots=True, kw_only=True)
class ListRow:
    """One owner with one figure, from a list or table; ``category`` None when the row alone cannot tell."""

    owner: Mention | None  # None for a list's total and its "Other nations" row
    quantity: Quantity
    category: str | None
    unit: str
    evidence: str
    line: int
    origin: Mention | None = None  # whose the figure is where the row names a host: refugees' origin, troops' sender
    hosted: bool = False  # the row's country hosts the refugees (and the list does not say where they came from)
    scaled: bool = False  # the column's heading gave the sum its currency and scale ("Billions of dollars")
    place: str | None = None  # where the list's introduction says its figures are ("military forces in Iraq")


def _titled(text: str) -> str:
    """UPPER-CASE list labels ("BURKINA FASO:") written the way the country lexicon knows them."""
    return re.sub(r"\b[A-Z][A-Z'’.-]+\b", lambda m: m.group(0).title() if len(m.group(0)) > 2 else m.group(0), text)


def line_label(line: str) -> Mention | None:
    """The country a list line is labelled with ("FRANCE: After much hesitation, …"), which owns the figures in
    the line that no other owner claims."""
    label = LABEL.match(line)
    if label is None:
        return None
    name = label.group("label") or label.group("capitals")
    mentions = lexicon().mentions(_titled(name))
    if len(mentions) != 1 or mentions[0].start != 0 or mentions[0].end != len(name):
        return None
    return (
        mentions[0] if mentions[0].kind in (MentionKind.NAME, MentionKind.ALLIANCE) else None
    )  # "Paris: Airbus said" is a dateline


def _row_category(rest: str, quantity: Quantity) -> tuple[str | None, str]:
    if quantity.currency:
        return "money", ""  # the currency code is read where the fact is made (facts._from_row)
    for category, pattern in _ROW_NOUNS:
        if pattern.match(rest):
            return category, _UNITS[category]
    return None, ""


def _owner_then_figure(segment: str, line: int, evidence: str) -> ListRow | None:
    """``segment`` starting with an owner and, right after it, a figure: "Britain: 9,500", "Niger (675 soldiers)"."""
    text = re.sub(r"^the\s+", "", _titled(_BULLET.sub("", segment)))
    total = _TOTAL.match(text)
    mentions = [m for m in lexicon().mentions(text) if m.code is not None or m.kind is MentionKind.ALLIANCE]
    if total is None and (not mentions or mentions[0].start > 2):
        return None
    owner = None if total is not None else mentions[0]
    after = text[total.end() if total is not None else mentions[0].end :]
    labelled = _LABEL_NOUN.match(after)  # "British casualties: 24", "U.S. wounded in action: 467"
    label_category = None
    if labelled is not None:
        label_category, _ = _row_category(labelled.group("noun"), Quantity(start=0, end=0, text="", value=0.0))
        if label_category is not None:
            after = after[labelled.end() :]
    lead = _SEPARATOR.match(after.lstrip("( "))
    offset = len(after) - len(after.lstrip("( ")) + (lead.end() if lead else 0)
    quantities = [q for q in find_quantities(after) if q.value is not None and not is_year_shaped(q)]
    if not quantities or quantities[0].start > offset + MAX_OWNER_GAP:
        return None
    quantity = quantities[0]
    if re.match(r"\s*(?:%|per\s?cent|percent)", after[quantity.end :], re.IGNORECASE):
        return None  # "China (15.21 percent)": a share, never a key fact
    category, unit = _row_category(after[quantity.end :], quantity)
    if category is None and label_category is not None:
        category, unit = label_category, _UNITS[label_category]
    # "Bahrain: More than 7,000 US troops": the row names the host, the troops say whose they are
    sender = _sender(after[quantity.end :]) if owner is not None else None
    origin = sender if sender is not None and owner is not None and sender.code != owner.code else None
    return ListRow(
        owner=owner, quantity=quantity, category=category, unit=unit, evidence=evidence, line=line, origin=origin
    )


_SENDER = re.compile(
    r"^\s+(?P<who>[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)\s+(?:military\s+|combat\s+|service\s+)?"
    r"(?:troops|soldiers|forces|personnel|servicemen|service\s+members|marines|sailors|airmen)\b"
)


def _sender(rest: str) -> Mention | None:
    """The demonym or country right before a row's counted troops ("7,000 US troops", "13,000 American troops")."""
    match = _SENDER.match(rest)
    if match is None:
        return None
    mentions = lexicon().mentions(match.group("who"))
    whole = [m for m in mentions if m.start == 0 and m.end == len(match.group("who")) and m.code]
    return whole[0] if whole else None


_LABEL_NOUN = re.compile(
    r"^\s+(?P<noun>(?:[a-z-]+\s+){0,3}?(?:troops|soldiers|forces|personnel|casualties|deaths|dead|killed|wounded|"
    r"injured|refugees|displaced|aid|pledges?|tanks|jets|aircraft)(?:\s+in\s+action)?)(?=\s*[:–—-])"
)


def is_year_shaped(quantity: Quantity) -> bool:
    """1900-2100 written without a thousands comma: a year, unless the words around say it counts something."""
    return quantity.value is not None and 1900 <= quantity.value <= 2100 and "," not in quantity.text


def _rows_in_line(line: str, number: int, header: list[str] | None = None) -> list[ListRow]:
    """A table row ("Germany | 4,341", every figure of "Indonesia | 126,473 | 93,943" under its column's heading),
    a list line ("Britain: 9,500"), or inline items in a sentence."""
    company = _company_column(header) if "|" in line and header else None
    if company is not None and header is not None:
        return _company_sums(line, number, company, header)
    if "|" in line:
        row = _table_row(line, number)
        if row is None or not header:
            return [row] if row else []
        return _columns(line, row, header)
    inline = _inline_rows(line, number)
    if inline:
        return inline
    whole = _owner_then_figure(line, number, line)
    if whole is None and _BULLET.match(line):  # "• 18 Canada", "• 32 passengers were Kenyan", "– 1,255 from Nepal"
        whole = _figure_then_owner(_BULLET.sub("", line), number, line)
    if whole is None:
        whole = _company_then_sum(line, number)
    return [whole] if whole is not None and (len(line) <= 160 or LABEL.match(line)) else []


_FLAG = re.compile("[\U0001f1e6-\U0001f1ff]{2}\\s*")


def _table_row(line: str, number: int) -> ListRow | None:
    """ "Germany | 4,341", "1 | 🇳🇵 Nepal | 6,247": the first cell naming a country, with the first figure after it."""
    cells = [_FLAG.sub("", cell).strip() for cell in line.split("|")]
    cells = [cell for cell in cells if cell]
    for index, cell in enumerate(cells[:-1]):
        row = _owner_then_figure(f"{cell} {cells[index + 1]}", number, line)
        if row is not None:
            return row
    return None


def _columns(line: str, first: ListRow, header: list[str]) -> list[ListRow]:
    """Every figure of a table row, each counted by its column's heading ("Country | dead | missing | total"): a
    heading naming what it counts gives the category, a sum's heading its currency and scale ("Billions of
    dollars"), "total" the table's; a rate, share or rank ("Per Cent") is no key fact, and a figure the row gave
    already ("298 | - | 298") is the same one. A row whose first figure's heading says nothing stays as it was read."""
    cells = [cell.strip() for cell in line.split("|")]
    owner_cell = next((i for i, cell in enumerate(cells) if _TOTAL.match(cell) or _names_owner(cell, first)), None)
    if owner_cell is None:
        return [first]
    rows: list[ListRow] = []
    values: set[float] = set()
    for index, cell in enumerate(cells[owner_cell + 1 :], start=owner_cell + 1):
        quantity = next((q for q in find_quantities(cell) if q.value is not None and not is_year_shaped(q)), None)
        if quantity is None or quantity.value is None:
            continue
        heading = header[index] if index < len(header) else ""
        own, repeated = not values, quantity.value in values  # the row's own figure was read already
        values.add(quantity.value)
        if _NOT_COUNTED.search(heading) or repeated:
            continue
        row = first if own else replace(first, quantity=quantity)
        summed = _as_sum(row.quantity, heading)
        if summed is not None:
            rows.append(replace(row, quantity=summed, category="money", unit="", scaled=True))
            continue
        category, _ = _row_category(f" {heading}", quantity)
        if own:
            rows.append(first if category is None else replace(first, category=category, unit=heading.lower()))
        elif category is not None or (_TOTAL_ROW.match(heading) and not _POPULATION.search(heading)):
            rows.append(replace(row, category=category, unit=heading.lower()))  # "93,943 missing"
    return rows


# a column of sums names its currency, and often its scale: "Billions of dollars", "2010 Profits ($ millions)",
# "Since October 1984 (£ Million)", "Aid (US$m)"; "pounds" alone may weigh, and is left out
_HEADING_SIGNS = sorted((sign for sign in CURRENCY_SIGNS if not sign.isalpha()), key=len, reverse=True)
_HEADING_CURRENCY = re.compile(
    "(?P<sign>" + "|".join(re.escape(sign).replace(r"\$", r"\s?\$") for sign in _HEADING_SIGNS) + ")"
    r"|\b(?P<code>USD|EUR|GBP|JPY|CAD|AUD|NZD|HKD|SGD|INR|KES|NGN)\b"
    r"|\b(?:(?P<named>Canadian|Australian|New\s+Zealand|Hong\s+Kong)\s+)?(?P<word>dollars|euros|yen|rupees)\b",
)
_HEADING_SCALE = re.compile(
    r"(?<![a-z])(?P<scale>thousand|million|billion|trillion|crore|lakh|mn|bn|tn|m)s?\b", re.IGNORECASE
)
# a price, a rate or a person's wealth is no sum a country has: "Petrol ($/litre)", "Minimum wage (€ a month)"
_NOT_A_SUM = re.compile(
    r"/|\b(?:a|an|per|each)\s+(?:month|year|day|week|hour|litre|liter|barrel|head|person|capita)\b"
    r"|\b(?:price|prices|wage|wages|salary|salaries|worth|cost\s+of\s+living|income\s+per)\b",
    re.IGNORECASE,
)
_SIGN_OF_CODE = {code: sign for sign, code in reversed(list(CURRENCY_SIGNS.items())) if not sign.isalpha()}


def money_column(heading: str) -> tuple[str, float] | None:
    """The currency sign and scale a table column's heading gives its bare figures; None where it names no
    currency (a count, a share, a year) or names a price or rate."""
    currency = _HEADING_CURRENCY.search(heading)
    if currency is None or _NOT_A_SUM.search(heading):
        return None
    if currency.group("sign"):
        sign = re.sub(r"\s", "", currency.group("sign"))
    elif currency.group("code"):
        sign = _SIGN_OF_CODE.get(currency.group("code"), currency.group("code"))
    else:
        named = re.sub(r"\s+", " ", currency.group("named") or "")
        code = NAMED_DOLLARS.get(named) or CURRENCY_WORDS[currency.group("word").lower()]
        sign = _SIGN_OF_CODE.get(code, code)
    scale = _HEADING_SCALE.search(heading)
    return sign, float(SCALES[scale.group("scale").lower()] if scale else 1)


def _as_sum(quantity: Quantity, heading: str) -> Quantity | None:
    """A bare cell's figure as the sum its column's heading makes it: its currency, and its scale ("16.894" under
    "US$ million" is 16,894,000) unless the cell gives its own ("1.2bn"), on a range's both ends. None where the cell
    wrote its currency or the heading names none."""
    money = money_column(heading) if not quantity.currency and not _NOT_COUNTED.search(heading) else None
    if money is None or quantity.value is None:
        return None
    sign, scale = money
    if _SCALED.search(quantity.text):
        return replace(quantity, currency=sign)
    high = round(quantity.high * scale, 2) if quantity.high is not None else None
    return replace(quantity, value=round(quantity.value * scale, 2), high=high, currency=sign)


def _names_owner(cell: str, row: ListRow) -> bool:
    return row.owner is not None and any(
        m.who == row.owner.who for m in lexicon().mentions(_titled(_FLAG.sub("", cell)))
    )


def table_header(line: str) -> list[str] | None:
    """A table's heading row: cells that name, none starting with a figure ("Country | dead | missing | total",
    "Rank | Company | Global 500 Rank | 2010 Profits ($ millions)"; a year is a name there); not the rule under it
    ("|---|---|") that cleaning writes."""
    if "|" not in line or re.fullmatch(r"[|\s:-]+", line) or not re.search(r"[A-Za-z]{2}", line):
        return None
    cells = [cell.strip() for cell in line.split("|")]
    return None if any(_states_a_figure(cell) for cell in cells) else cells


def _states_a_figure(cell: str) -> bool:
    """A data cell: it opens with a figure other than a year, after any sign ("4,500", ">1,000,000", "<10",
    "~3,000,000", "US$120m", "4,500 troops")."""
    opened = re.sub(r"^[^\w$€£¥₹₽₦₩₱₺₪]+", "", cell)
    first = next(iter(find_quantities(opened)), None)
    return first is not None and first.start == 0 and not is_year_shaped(first)


# a column of rates, shares or changes counts nothing: "Share of refugees (%)", "Deaths per million", "Change"
_NOT_COUNTED = re.compile(r"%|\b(?:per|share|rate|change|percent|ratio|rank)\b", re.IGNORECASE)


_INLINE = re.compile(r"(?:^|[,;:]\s*|\band\s+|\bfrom\s+|\bfollowed\s+by\s+)(?=[A-Z])")


def _inline_rows(line: str, number: int) -> list[ListRow]:
    """ "from Britain (8,300 troops), Germany (3,650), Canada (2,850)" or "Britain, 1,200; Turkey, 60": the items
    of a list written inside a sentence, when there are at least two."""
    rows: list[ListRow] = []
    items = 0  # "to Estonia and Poland (800 each)" is one item, shared, and no list
    for start in (m.end() for m in _INLINE.finditer(line)):
        segment = line[start:]
        end = re.search(r"[;)]", segment)
        item = segment[: end.end() if end else len(segment)]
        row = _owner_then_figure(item, number, line)
        with_form = row is not None and re.match(r"^\s*(?:the\s+)?[A-Z][\w .'’-]*?\s+with\s+", item) is not None
        if row is not None and ("(" in item[: row.quantity.start + 20] or ";" in line or with_form):
            rows.extend(replace(row, owner=owner) for owner in _sharing(line, start, item, row))
            items += 1
    if items < MIN_BLOCK and line.count(";") >= 2:  # "There are 35,000 US; 4,365 Germans; 2,800 Canadians"
        found = [_figure_then_owners(segment, number, line) for segment in _FIGURE_ITEMS.split(line)]
        rows, items = [row for item in found for row in item], sum(bool(item) for item in found)
    return rows if items >= MIN_BLOCK else []


_EACH_AFTER = re.compile(r"[^;]{0,40}?\beach\b")


def _sharing(line: str, start: int, item: str, row: ListRow) -> list[Mention | None]:
    """The owners of an inline item: its own, and for "Denmark, Estonia, Thailand, two each" the countries listed
    before it in the same clause."""
    if row.owner is None or not _EACH_AFTER.match(item):
        return [row.owner]
    clause = max(line.rfind(";", 0, start), line.rfind(":", 0, start)) + 1
    before = [m for m in lexicon().mentions(line[clause:start]) if m.code is not None]
    if not before or not JOINED.fullmatch(line[clause + before[-1].end : start]):
        return [row.owner]
    return [*coordinated_before(line[clause:start], before), row.owner]


_FIGURE_FIRST = re.compile(
    r"^\s*(?:and\s+)?(?:there\s+are\s+)?(?:about\s+|around\s+|some\s+|over\s+|nearly\s+)?", re.IGNORECASE
)


# between a figure and its owner: "4,365 Germans", "over 3,000 from France", "32 passengers were Kenyan"
_OWNER_GAP = re.compile(r"\s*(?:(?:troops\s+)?from\s+(?:the\s+)?|[a-z]+\s+(?:were|are|was|from)\s+(?:the\s+)?)?")


def _figure_then_owner(segment: str, line: int, evidence: str) -> ListRow | None:
    """ "4,365 Germans", "over 3,000 from France": a figure, then (close behind) whose it is."""
    lead = _FIGURE_FIRST.match(segment)
    quantities = find_quantities(segment)
    if not quantities or quantities[0].value is None or quantities[0].start > (lead.end() if lead else 0) + 1:
        return None
    quantity = quantities[0]
    after = segment[quantity.end :]
    mention = next(iter(lexicon().mentions(_titled(after[:40]))), None)
    if mention is None or mention.code is None or not _OWNER_GAP.fullmatch(after[: mention.start]):
        return None
    shifted = replace(mention, start=quantity.end + mention.start, end=quantity.end + mention.end)
    return ListRow(owner=shifted, quantity=quantity, category=None, unit="", evidence=evidence, line=line)


# the items of "nine Ethiopians; eight each from China, the United States and Italy; ... three each from Russia and
# Sweden and two each from Spain and Poland"
_FIGURE_ITEMS = re.compile(r";|\s+and\s+(?=\S+\s+each\s+from\b)")


def _figure_then_owners(segment: str, line: int, evidence: str) -> list[ListRow]:
    """ "4,365 Germans", or one row for each country of "eight each from China, the United States and Italy"."""
    row = _figure_then_owner(segment, line, evidence)
    if row is None or row.owner is None or not EACH_FROM.search(segment[row.quantity.end : row.owner.start]):
        return [row] if row is not None else []
    mentions = lexicon().mentions(segment)
    first = next((m for m in mentions if m.start == row.owner.start), None)
    owners = coordinated_after(segment, mentions, first) if first is not None else [row.owner]
    return [replace(row, owner=owner) for owner in owners if owner.code is not None]


# "- Goldman Sachs, US – $3.97 billion", "Bank Hapoalim (Israel): $892.67 million": a company, its home, a sum
_COMPANY_ROW = re.compile(
    r"^\s*(?:[-–—•*_·]+|\d{1,2}[.)])?\s*(?P<name>[A-Z][\w&.'’-]*(?:\s+(?:&\s+)?(?:[A-Z][\w&.'’-]*|bank|group))"
    r"{0,4})"
    r"(?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?|\s+\([A-Z][\w. ]*\))?\s*[:–—-]\s+"
)


def _company_then_sum(line: str, number: int) -> ListRow | None:
    """A row of a company league table ("the biggest fines", "the largest deals"): the sum is the company's, never
    its home country's. Only sums: a company's row with soldiers in it is no such table."""
    match = _COMPANY_ROW.match(line)
    if match is None or any(m.start == 0 for m in lexicon().mentions(_titled(match.group("name")))):
        return None  # a country's row is _owner_then_figure's
    quantities = find_quantities(line[match.end() :])
    if not quantities or quantities[0].start > MAX_OWNER_GAP or not quantities[0].currency:
        return None
    quantity = replace(quantities[0], start=quantities[0].start + match.end(), end=quantities[0].end + match.end())
    owner = organisation(match.group("name"), match.start("name"))
    return ListRow(owner=owner, quantity=quantity, category="money", unit="", evidence=line, line=number)


_COMPANY_HEADING = re.compile(r"(?:company|companies|bank|firm|lender|insurer|airline|corporation|group)", re.I)


def _company_column(header: list[str]) -> int | None:
    """The column of a table that names companies ("Rank | Company | HQ Country | Total Amount Penalised")."""
    return next((i for i, cell in enumerate(header) if _COMPANY_HEADING.fullmatch(cell.strip())), None)


def _company_sums(line: str, number: int, column: int, header: list[str]) -> list[ListRow]:
    """The sums in a row of a table of companies (their names in ``column``), each the company's: written with
    their currency, or under a heading that gives it ("2010 Profits ($ millions)"); its other figures (a count of
    fines, a rank, the staff, a change in per cent) are no key facts, and its country column is where the company
    is, not who owns the sum."""
    cells = [cell.strip() for cell in line.split("|")]
    if column >= len(cells) or not cells[column]:
        return []
    owner = organisation(cells[column], line.find(cells[column]))
    rows = []
    for index, cell in enumerate(cells[column + 1 :], start=column + 1):
        heading = header[index] if index < len(header) else ""
        found = [q for q in find_quantities(cell) if q.value is not None]
        written = next((q for q in found if q.currency), None)  # "$60,627,451,587"
        summed = _as_sum(found[0], heading) if found and written is None else None  # "1,127.3" under "($ millions)"
        quantity = written or summed
        if quantity is None:
            continue
        rows.append(
            ListRow(owner=owner, quantity=quantity, category="money", unit="", evidence=line, line=number,
                    scaled=summed is not None)
        )  # fmt: skip
    return rows


def _intro_category(lines: list[str]) -> str | None:
    """The category an introduction names, the most specific first (a list of "military deaths" is deaths)."""
    intro = " ".join(lines)
    for category, pattern in _INTRO_CATEGORIES:
        if pattern.search(intro):
            return category
    return None


def list_rows(text: str) -> list[ListRow]:
    """The rows of every list, table and inline list in ``text``, each with the category of its block."""
    lines = [line[:MAX_LINE] for line in text.splitlines()]  # a row is short; a huge line is a flattened table
    found: list[tuple[int, list[ListRow]]] = []
    header: list[str] | None = None
    for number, line in enumerate(lines):
        heading = table_header(line)
        header = heading or (header if "|" in line else None)  # a heading holds until the table ends
        found.append((number, [] if heading else _rows_in_line(line, number, header)))
    rows: list[ListRow] = []
    block: list[ListRow] = []
    block_start = 0
    found.append((len(lines), []))
    for index, (number, line_rows) in enumerate(found):
        inside = number < len(lines) - 1 and not line_rows and block and len(found[index + 1][1]) == 1
        if inside and (len(lines[number]) <= MAX_SKIPPED or _labelled_around(lines, number)):
            continue  # a row the reader cannot place ("Czech Rep 1"), or a labelled row's commentary, goes on
        follows = bool(block) and number <= block[-1].line + 2
        if line_rows and (not block or follows) and (len(line_rows) == 1 or "|" in lines[number]):
            if not block:
                block_start = number
            block.extend(line_rows)
            continue
        around = lines[max(0, block_start - 12) : block_start] + lines[number : number + 2]  # the lines after, too
        rows.extend(_settle(block, _introduction(lines, block_start), around))
        block = []
        if line_rows and "|" in lines[number]:  # a table row after other rows: a table of its own begins
            block, block_start = list(line_rows), number
        elif len(line_rows) > 1:  # an inline list is a block of its own; its sentence is its introduction
            rows.extend(_settle(line_rows, [lines[number]], lines[max(0, number - INTRO_LINES) : number]))
    return rows


def _labelled_around(lines: list[str], number: int) -> bool:
    """ "Nigeria : 1200 men / On January 17, fifty Nigerians arrived … / Togo : 540 men": a line of commentary
    between two labelled rows."""
    return number > 0 and all(LABEL.match(lines[n]) for n in (number - 1, number + 1))


def _introduction(lines: list[str], start: int) -> list[str]:
    """The lines before a block, back to a blank line, at most INTRO_LINES of them (a heading, a lead sentence); the
    blank lines right above the block are passed over (pages that space every row)."""
    while start > 0 and not lines[start - 1].strip():
        start -= 1
    intro: list[str] = []
    for line in reversed(lines[max(0, start - INTRO_LINES) : start]):
        if not line.strip():
            break
        intro.insert(0, line)
    return intro


def _settle(block: list[ListRow], intro: list[str], before: list[str] | None = None) -> list[ListRow]:
    """A block of at least MIN_BLOCK rows, with its category from its rows or its introduction, else from the
    lines further up (a second list under "And by nationality:" counts what the first one did)."""
    if sum(row.owner is not None for row in block) < MIN_BLOCK:
        return []  # a total alone is no list
    known = [row.category for row in block if row.category]
    category = max(set(known), key=known.count) if known else _intro_category(intro) or _intro_category(before or [])
    if category is None:
        return []
    settled = []
    force = (_force_of(intro) or _force_of(before or [])) if category == "troops" else None  # a troop list's
    scale = _intro_scale(intro) if category == "money" else 1
    sender = _sender_abroad(intro) if category == "troops" else None
    place = _intro_place(intro) if category in ("troops", "other", "casualties", "money") else None
    for row in block:
        if row.owner is None and force is not None and _TOTAL_ROW.match(_BULLET.sub("", row.evidence)):
            row = replace(row, owner=_alliance_in(row.evidence) or force)  # "TOTAL 2924" of Eufor's list: the EU's
        if row.quantity.currency and category != "money":
            continue
        if category == "money" and not row.quantity.currency and not _money_intro([*intro, row.evidence]):
            continue
        unit = row.unit or _UNITS[category]
        displaced = (row.category or category) == "displaced"
        by_nationality = row.owner is not None and row.owner.kind is MentionKind.DEMONYM  # "Somalis (245,000)"
        origin = row.origin or (sender if row.category in (None, "troops") else None)  # "Bahrain: 7,000 US troops"
        if displaced and not by_nationality:
            origin = _origin(intro) or _origin(before or [])  # "or": a second table of one crisis
        hosted = displaced and origin is None and _rows_are_hosts(intro, before or [], row)
        if scale != 1 and row.quantity.value is not None and not row.scaled and not _SCALED.search(row.quantity.text):
            row = replace(row, quantity=replace(row.quantity, value=row.quantity.value * scale))
        here = place if row.owner is None or row.owner.who != place else None
        settled.append(
            replace(row, category=row.category or category, unit=unit, origin=origin, hosted=hosted, place=here)
        )
    return settled


_IN_PLACE = re.compile(r"\b(?:in|into|to)\s+(?:the\s+)?$")


def _intro_place(intro: list[str]) -> str | None:
    """The one country a list's introduction puts its figures in ("Here is a table by country of military forces in
    Iraq"); None where it names none there, or several."""
    places: set[str] = set()
    for line in intro[-2:]:  # the heading and the sentence that opens the list, not a dateline's meeting above
        after_place = 0  # where a place just named ends: "in Iraq and Afghanistan" names two
        for mention in lexicon().mentions(line):
            joined = after_place and re.fullmatch(r",?\s+(?:and\s+)?", line[after_place : mention.start])
            named = mention.code and mention.kind is MentionKind.NAME
            if named and (_IN_PLACE.search(line, 0, mention.start) or joined):
                places.add(mention.who)
                after_place = mention.end
    return next(iter(places)) if len(places) == 1 else None


_TOTAL_ROW = re.compile(r"^\s*total\b", re.IGNORECASE)
# "Host Country | Total Refugees | Total Population": the country's people, not a figure about them
_POPULATION = re.compile(r"\b(?:population|inhabitants)\b", re.IGNORECASE)


def _alliance_in(text: str) -> Mention | None:
    return next((m for m in lexicon().mentions(text) if m.kind is MentionKind.ALLIANCE), None)


# "Largest contingents of U.S. troops around the world include:": the rows are where one country's troops are
_ABROAD = re.compile(
    r"\s+(?:troops|forces|soldiers|military\s+personnel|personnel|service\s+members)\s+"
    r"(?:(?:stationed|based|deployed)\s+)?(?:abroad|overseas|around\s+the\s+world|worldwide)\b",
    re.IGNORECASE,
)


def _sender_abroad(intro: list[str]) -> Mention | None:
    """The country whose troops abroad a list's introduction says its rows count, when it names no one else
    ("Besides the U.S. troops stationed abroad, NATO contingents include:" is no such list)."""
    line = intro[-1] if intro else ""
    mentions = lexicon().mentions(line)
    sender = mentions[0] if len({m.who for m in mentions}) == 1 else None
    return sender if sender is not None and sender.code and _ABROAD.match(line, sender.end) else None


def _force_of(lines: list[str]) -> Mention | None:
    """The one alliance or mission a list's introduction names ("the operation in Chad (Eufor) has 2924 men"),
    whose total the list's total row is; None where it names none or several."""
    named = {m.who: m for line in lines for m in lexicon().mentions(line) if m.kind is MentionKind.ALLIANCE}
    return next(iter(named.values())) if len(named) == 1 else None


# "The countries that owe the most, in millions of dollars:", "Pledges ($ million)": the scale of a table's figures
_INTRO_SCALE = re.compile(
    r"\bin\s+(?P<in>millions|billions)\b(?!\s+of\s+(?!(?:US\s+)?(?:dollars|euros|pounds|yen|francs|rupees)\b))|\(\s*(?:US\$|\$|€|£|USD|EUR|GBP)\s?(?P<paren>m|mn|million|bn|billion)s?\s*\)",
    re.IGNORECASE,
)
_SCALED = re.compile(r"(?:million|billion|trillion|crore|lakh|bn|mn|m|tn|k)$", re.IGNORECASE)


def _intro_scale(intro: list[str]) -> float:
    found = _INTRO_SCALE.search(" ".join(intro[-2:]))
    if found is None:
        return 1
    word = (found.group("in") or found.group("paren")).lower()
    return 1_000_000_000 if word.startswith("b") else 1_000_000


# a list of refugees per country counts them where they are unless it says the rows are where they came from
_ROWS_ARE_ORIGINS = re.compile(
    r"\b(?:origin|nationalit(?:y|ies)|from|by\s+country\s+of|producing|source|citizenship)\b", re.IGNORECASE
)


def _rows_are_hosts(intro: list[str], before: list[str], row: ListRow) -> bool:
    """ "The whereabouts and numbers of the refugees: / Albania 363,100": the rows host the refugees, when the list
    says so; a row naming a nationality ("Somalis (245,000)"), or a list of origins, is where they came from."""
    if row.owner is None or row.owner.kind is MentionKind.DEMONYM:
        return False
    if _ROWS_ARE_ORIGINS.search(" ".join(intro[-1:])):
        return False
    return _HOSTS.search(" ".join([*intro, *before, row.evidence])) is not None


_HOSTS = re.compile(
    r"\bwhereabouts\b|\bevacuated\s+(?:from|to)\b|\bhost(?:s|ed|ing)?\b|\btaken\s+in\b|\bshelter(?:s|ed|ing)?\b|\breceiv(?:es|ed|ing)\b|"
    r"\bregistered\s+in\b",
    re.IGNORECASE,
)


def _origin(intro: list[str]) -> Mention | None:
    """ "Venezuelans are distributed as follows:", "Afghanistan's refugees", "refugees from Syria": the country a
    list of host countries counts the refugees of."""
    for line in reversed(intro):
        for mention in lexicon().mentions(line):
            after, before = line[mention.end :], line[: mention.start]
            if mention.code and (
                (
                    mention.kind is MentionKind.DEMONYM
                    and not is_ethnic_group(line, mention)  # "ethnic Albanians" of Kosovo are Kosovo's
                    and re.match(r"^(?:s\b)?\s*(?:refugees|migrants|asylum|are|who|have|were)", after)
                )
                or (mention.possessive and re.match(r"^\s+(?:\w+\s+)?refugees", after))
                or re.search(
                    r"\b(?:refugees|fled|fleeing)(?:/\w+)?\s+(?:\w+\s+){0,3}?from\s+(?:the\s+)?$", before, re.IGNORECASE
                )
                or re.search(r"\b(?:have|has|had)\s+(?:left|fled)\s+$", before)  # "have left Kosovo since …"
            ):
                return mention
    return None


def _money_intro(intro: list[str]) -> bool:
    return any(re.search(r"[$€£¥]|\b(?:million|billion|dollars|euros|pounds)\b", line) for line in intro)
