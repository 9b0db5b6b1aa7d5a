"""Key facts from an article: every sentence's figures, then the rows of its lists and tables."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import replace

from summarizer.countries import Mention, MentionKind, lexicon
from summarizer.facts.heads import (
    DOWN_FROM,
    FROM_CURRENT,
    FROM_TO,
    NOUN_PATTERN,
    THAT_NUMBER_TO,
    TO_FROM,
    compared_with_earlier,
    is_model_number,
    is_not_count,
    noun_head,
    what_it_counts,
)
from summarizer.facts.layout import heading_of, unwrapped
from summarizer.facts.learned import Figure, FigureReader, bundled_model, learned_head
from summarizer.facts.lists import ListRow, line_label, list_rows
from summarizer.facts.mentions import in_company_name, in_dateline, may_own, starts_with_dateline, titled_lead
from summarizer.facts.money import CURRENCY_SIGNS, CURRENCY_WORD, CURRENCY_WORDS, NAMED_DOLLARS
from summarizer.facts.organisations import buyer_of, described_company, fined_party, organisation_owner
from summarizer.facts.owners import COLLECTIVE, OWNED, implied_owner, stated_owners
from summarizer.facts.passage import fled_from, remember
from summarizer.facts.places import LOOK_BACK, is_locative, place_name, where_of
from summarizer.facts.record import Context, Fact, Head, plain_number
from summarizer.facts.trust import OwnerJudge, bundled_judge, judged
from summarizer.numbers import Quantity, find_quantities
from summarizer.sentences import split_sentences

logger = logging.getLogger(__name__)

_ADVERB = r"(?:\w+ly\s+|already\s+|now\s+|still\s+)?"

_PART_BEFORE = re.compile(r"(?:including|of whom|of them|among them|with|while)\s+$", re.IGNORECASE)

_PART_AFTER = re.compile(
    rf"^\s+(?:of them\s+)?(?:are\s+|were\s+)?{_ADVERB}(?:stationed|deployed|based|serving|posted|(?:in|at)\s+[A-Z])"
    r"|^\s+(?:as\s+part\s+of|under|with|for)\s+(?:the|a|an|its|their)\b"  # "including 250 as part of the NATO mission"
)

# "Thirty of the 120 German soldiers": a share of the figure that follows
_SHARE_OF_NEXT = re.compile(r"^\s+of\s+(?:the|its|their|these|those)\s+$")


def _window_end(sentence: str, quantities: list[Quantity], position: int) -> int:
    """Where a figure's own words end: at the next figure, unless "and" joins the two ("12 killed and 30
    wounded in Kabul"), in which case they share what follows."""
    for following in quantities[position + 1 :]:
        between = sentence[quantities[position].end : following.start]
        if not re.fullmatch(r"[^.;,]{0,40}\band\s+(?:another\s+|a\s+further\s+)?", between):
            return following.start
        position += 1
    return len(sentence)


def _part_of_previous(
    sentence: str, quantity: Quantity, facts: list[Fact], mentions: list[Mention], window_end: int, context: Context
) -> Fact | None:
    """ "…130 soldiers in Iraq, including 27 stationed at Taji" / "…, including 2,500 Americans"."""
    if not facts or quantity.value is None:
        return None
    before = sentence[max(0, quantity.start - LOOK_BACK) : quantity.start]
    listed = facts[-1].part_of is not None and re.search(r"(?:,|\band)\s+$", before)  # ", 344 Britons and 50 French"
    after = sentence[quantity.end :]
    bracketed = before.endswith("(") and after.startswith(")") and facts[-1].category != "money"
    if not listed and not bracketed and not _PART_BEFORE.search(before):
        return None
    whole = next((f for f in reversed(facts) if f.part_of is None), facts[-1])

    demonym = next(
        (
            m
            for m in mentions
            if m.kind is MentionKind.DEMONYM and re.fullmatch(r"\s+", sentence[quantity.end : m.start])
        ),
        None,
    )
    if demonym is None and not bracketed and not _PART_AFTER.match(after):
        # bracketed: "split between the NATO force (90,000) and Operation Enduring Freedom (10,000)"
        return None
    where = place_name(sentence, quantity.end, window_end, context) or whole.where
    return _part(quantity, whole, owner=demonym, where=where, evidence=sentence)


def _part(
    quantity: Quantity,
    whole: Fact,
    *,
    owner: Mention | None,
    where: str | None,
    evidence: str,
    value: float | None = None,
) -> Fact:
    """A figure that is a share of ``whole``: its category and unit, and its owner unless the part names one."""
    part = _fact(quantity, Head(whole.category, whole.unit, 0, 0, 0), owner, where=where, evidence=evidence)
    if owner is None:
        part = replace(part, who=whole.who, country_code=whole.country_code)
    if value is not None:
        part = replace(part, quantity=plain_number(value))
    return replace(part, part_of=whole.quantity)


MAX_TEXT = 60_000  # characters of a text read for facts (a long feature is 30,000; 60,000 reads in ~0.3 s here)
MAX_SENTENCE = 2_000  # characters of one sentence read for figures
MAX_FIGURES = 40  # figures read in one sentence: each costs a look at the words around it


def _sentences(text: str, *, headings: bool) -> Iterator[tuple[str, str, str]]:
    """Each sentence as the facts read it (cut at MAX_SENTENCE: longer is a pasted table or a run-on), with its
    line and, when asked for, the heading of the list the line belongs to."""
    lines = unwrapped(text.splitlines())
    for sentence in split_sentences(lines, "en"):
        heading = heading_of(lines, sentence.paragraph) if headings else ""
        yield sentence.text[:MAX_SENTENCE], lines[sentence.paragraph], heading


def _quantities(sentence: str) -> list[Quantity]:
    """The figures of a sentence that may count something: not a model number ("787-9"), MAX_FIGURES at most."""
    found = [q for q in find_quantities(sentence, ones=_ONE_COUNTS) if not is_model_number(sentence, q)]
    return found[:MAX_FIGURES]


def figures(text: str) -> Iterator[Figure]:
    """Every figure of a text as the figure model would read it, whether or not a rule reads it first: what it is
    trained on (bench/train_facts.py). Table cells, which the model never reads, are left out."""
    for read, line, heading in _sentences(text[:MAX_TEXT], headings=True):
        if "|" not in line:
            yield from (Figure(read, quantity, heading, line) for quantity in _quantities(read))


def _facts_in_sentence(sentence: str, context: Context, model: FigureReader | None) -> list[Fact]:
    named = lexicon().mentions(titled_lead(sentence))
    mentions = [
        m
        for m in named
        if may_own(sentence, m) and not starts_with_dateline(sentence, m) and not in_dateline(sentence, m)
    ]
    company = any(in_company_name(sentence, m) for m in named)  # "Garuda Indonesia … 49 Max jets": the airline's
    quantities = _quantities(sentence)
    facts: list[Fact] = []
    shares: list[tuple[Quantity, Quantity]] = []
    respective = _respective(sentence, quantities, mentions)
    last_head = what_it_counts(sentence, quantities, len(quantities) - 1, [], context) if respective else None
    if respective and last_head is None and context.conflict is not None:  # "… took 46,600 and 45,100 people"
        people = noun_head(sentence, quantities[-1])
        last_head = Head("displaced", "people", 0, 0, 0) if people and people.category == "people" else None
    for position, quantity in enumerate(quantities):
        window_end = _window_end(sentence, quantities, position)
        if is_not_count(sentence, quantity) or _is_year(sentence, quantity) or _is_measure(sentence, quantity):
            continue
        if respective and last_head is not None and position in respective:
            facts.append(_respective_fact(sentence, quantity, last_head, respective[position], mentions, context))
            continue
        head = what_it_counts(sentence, quantities, position, facts, context)
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
            head = learned_head(model, sentence, quantity, context)
            if head is None:
                continue

        owners = _owners(sentence, quantity, head, mentions, context)
        if company:  # "Garuda Indonesia … its order for 49 jets": "its" is the airline's, not an earlier country's
            owners = [owner for owner in owners if owner in mentions or owner.kind is MentionKind.ORGANISATION]
        if not owners and head.category in ("money", "other"):
            organisation = organisation_owner(sentence, quantity.start, mentions, context)
            owners = [organisation] if organisation else []
            context.company = organisation or context.company
        where = where_of(sentence, quantity, head, window_end, owners, mentions, context)
        if not owners and context.label is not None:
            owners = [context.label]
        if not owners and not company:
            owners = implied_owner(sentence, head, where, mentions, context)
        if not owners and head.category == "troops" and COLLECTIVE.search(sentence):
            owners = [m for m in named if m.kind is MentionKind.ALLIANCE][:1]  # "… serving in UNIFIL": the UN's
        if not owners and head.category in OWNED and not COLLECTIVE.search(sentence):
            continue  # a sum, a force or a fleet nobody is said to own is more often misread than not
        candidates: list[Mention | None] = [*owners] if owners else [None]
        role = quantity.role
        before = sentence[max(0, quantity.start - LOOK_BACK) : quantity.start]
        earlier = (
            DOWN_FROM.search(before)
            or FROM_CURRENT.search(before)
            or TO_FROM.search(before)
            or compared_with_earlier(before, sentence[quantity.end :])
        )
        if facts and earlier and facts[-1].category == head.category:
            facts[-1] = replace(facts[-1], role="after")  # "8,700 soldiers in Iraq, down from about 40,000"
            role = "before"
        elif (
            facts and (FROM_TO.search(before) or THAT_NUMBER_TO.search(before)) and facts[-1].category == head.category
        ):
            facts[-1] = replace(facts[-1], role="before")  # "from 2,400 troops to 1,700"
            role = "after"
        if len(owners) == 1 and head.category != "money":
            context.owners[head.category] = owners[0]
        context.last = head
        for owner in candidates:
            owner_where = None if owner is not None and where == owner.who else where
            facts.append(_fact(quantity, head, owner, where=owner_where, evidence=sentence, role=role))
    return _with_shares(facts, shares)


def _owners(sentence: str, quantity: Quantity, head: Head, mentions: list[Mention], context: Context) -> list[Mention]:
    """Who the sentence says a figure belongs to. Money and orders go to the company fined, bought from or sold to,
    and to the company a country only describes ("Irish lessor Avolon ordered 40 jets"), before the country."""
    if head.category not in ("money", "other"):
        return stated_owners(sentence, quantity, head, mentions, context)
    fined = fined_party(sentence, quantity.start) if head.category == "money" else None
    buyer = fined or buyer_of(sentence, quantity.start, quantity.end, mentions)
    if buyer is not None:
        return [buyer]
    owners = stated_owners(sentence, quantity, head, mentions, context)
    if len(owners) == 1 and owners[0].code and owners[0].end <= quantity.start:
        company = described_company(sentence, owners[0], quantity.start)
        return [company] if company else owners
    return owners


def _fact(
    quantity: Quantity, head: Head, owner: Mention | None, *, where: str | None, evidence: str, role: str | None = None
) -> Fact:
    """A figure of a sentence as a fact: its number, what it counts and whose it is."""
    return Fact(
        who=owner.who if owner else None,
        country_code=owner.code if owner else None,
        quantity=plain_number(quantity.value),
        quantity_text=quantity.text,
        approx=quantity.approx,
        unit=head.unit,
        category=head.category,
        where=where,
        evidence=evidence,
        bound=quantity.bound,
        role=role,
    )


_RESPECTIVELY = re.compile(r"\brespectively\b")


def _respective(sentence: str, quantities: list[Quantity], mentions: list[Mention]) -> dict[int, Mention]:
    """ "Austria, France and Greece took around 46,600, 45,100 and 41,200 people respectively": the n-th figure
    is the n-th country's, when the counts agree."""
    if not quantities or not _RESPECTIVELY.search(sentence[quantities[-1].end :]):
        return {}
    owners = [m for m in mentions if m.code and m.end <= quantities[0].start and not is_locative(sentence, m)]
    owners = list({m.who: m for m in owners}.values())
    counted = [i for i, q in enumerate(quantities) if q.value is not None]
    if len(owners) < MIN_RESPECTIVE or len(owners) != len(counted):
        return {}
    return dict(zip(counted, owners, strict=True))


MIN_RESPECTIVE = 2


def _respective_fact(
    sentence: str, quantity: Quantity, head: Head, owner: Mention, mentions: list[Mention], context: Context
) -> Fact:
    """Displaced people are hosted by the country named, and belong to the one they fled."""
    who: Mention | None = owner
    where = None
    if head.category == "displaced":
        fled = fled_from(sentence, mentions) or context.owners.get("displaced") or context.conflict
        who, where = fled, owner.who
    return _fact(quantity, head, who, where=where, evidence=sentence)


_YEAR_BEFORE = re.compile(
    r"\b(?:in|of|since|by|until|till|from|to|between|and|early|late|mid|during|before|after|"
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"year|fiscal|FY)\s+$|\d{1,2},?\s+$",
    re.IGNORECASE,
)


def _is_measure(sentence: str, quantity: Quantity) -> bool:
    """ "a magnitude 7.5 earthquake": a measure, not a count; so is any bare decimal that is no sum of money."""
    if re.search(r"\bmagnitude[- ]?$|\bRichter", sentence[max(0, quantity.start - 12) : quantity.start]):
        return True
    bare_decimal = re.fullmatch(r"\d+\.\d+", quantity.text) is not None
    if re.match(r"\s+of\s+(?:the\s+)?[\d.,]+\s+(?:million|billion)", sentence[quantity.end :]):
        return False  # "45.7 of the 79.5 million": a share in the whole's scale
    return (
        bare_decimal
        and not quantity.currency
        and not re.match(r"\s*(?:[a-z]+\s+)?(?:dollars|euros|pounds|yen|yuan|rupees)", sentence[quantity.end :])
    )


# "one soldier", "one Japanese national", ", 10 in Tanzania and one in Kenya": where "one" is a count
_ONE_COUNTS = re.compile(
    rf"\s+(?:[A-Z][\w-]*\s+)?(?i:{NOUN_PATTERN})\b(?!\s+of\b)"
    r"(?!,?\s+(?:\w+\s+)?(?:said|says|told|tells|added|explained|recalled|described|wrote)\b)"  # a source, not a count
    r"(?!\s+(?:familiar|close|briefed|with\s+knowledge|who\s+(?:spoke|asked|declined|requested))\b)"
    r"|\s+(?:in|to)\s+(?:the\s+)?[A-Z]"
)

_COUNTED_NEXT = re.compile(rf"\s+(?:[A-Z][\w-]*\s+)?(?i:{NOUN_PATTERN})\b")


def _is_year(sentence: str, quantity: Quantity) -> bool:
    """ "by the end of 2019", "in 2024": a year, however close to a counted noun it stands."""
    year = re.fullmatch(r"(?:19|20)\d\d", quantity.text)
    if year is None or _COUNTED_NEXT.match(sentence[quantity.end :]):
        return False  # "a contingent of 2000 soldiers" counts soldiers
    return bool(_YEAR_BEFORE.search(sentence[max(0, quantity.start - LOOK_BACK) : quantity.start]))


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
        part = _part(share, whole, owner=None, where=whole.where, evidence=whole.evidence, value=value)
        facts.insert(facts.index(whole) + 1, part)
    return facts


def _once(facts: list[Fact]) -> list[Fact]:
    """A figure an article repeats ("has jumped to 56 … has increased to 56 killed") is one fact: the first. The
    same figure in two named places ("300 soldiers in Mali … 300 soldiers in Niger") is two."""
    kept: list[Fact] = []
    for fact in facts:
        if not any(_repeats(other, fact) for other in kept):
            kept.append(fact)
    return kept


def _repeats(first: Fact, fact: Fact) -> bool:
    """The same figure of the same owner, in the same place or with no place to tell them apart."""
    return _key(first) == _key(fact) and (first.where == fact.where or not first.where or not fact.where)


def _key(fact: Fact) -> tuple[object, ...]:
    return (fact.category, fact.who, fact.quantity, fact.quantity_text if fact.quantity is None else "", fact.role)


def extract_facts(text: str, language: str | None = "en") -> list[Fact]:
    """Every key fact of an English article: the rules' reading, and the learned figure model's for the figures no
    rule reads. Other languages give none (yet)."""
    if language not in (None, "en"):
        return []
    return read_facts(text, bundled_model(), judge=bundled_judge())


def read_facts(text: str, model: FigureReader | None = None, *, judge: OwnerJudge | None = None) -> list[Fact]:
    """A text's facts: its sentences' figures in reading order, then its list and table rows. ``model`` reads the
    figures whose words no rule knows; None leaves them out (the rules alone). ``judge`` leaves out the sentences'
    sums and orders whose owner it doubts; None shows them all."""
    stated, listed = read_parts(text, model)
    return judged(stated, judge, rows=listed)


def read_parts(text: str, model: FigureReader | None) -> tuple[list[Fact], list[Fact]]:
    """The facts of a text's sentences and, apart, those of its list and table rows, which are read under their
    list's own heading."""
    text = text[:MAX_TEXT]  # facts come from an article's body; past this, a "text" is a dump, and its cost is bounded
    context = Context()
    facts: list[Fact] = []
    for read, line, heading in _sentences(text, headings=model is not None):
        context.label = line_label(line[:MAX_SENTENCE])
        context.line, context.heading = line, heading
        facts.extend(_facts_in_sentence(read, context, model))
        remember(read, context)
    facts = _once(facts)
    listed = [_from_row(row) for row in list_rows(text)]
    # a row read as a sentence lacks its list's heading: the row's own reading wins for the same figure
    kept = [f for f in facts if not any(_same_figure(f, row) or _repeats(row, f) for row in listed)]
    return kept, listed


_ROW_CURRENCY = re.compile(rf"\b(?:(Canadian|Australian|New Zealand|Hong Kong)\s+)?({CURRENCY_WORD})\b")


def _from_row(row: ListRow) -> Fact:
    unit = row.unit
    if row.category == "money":  # the currency as the sentence path records it: "USD", "GBP" ("50 million pounds")
        word = _ROW_CURRENCY.search(row.evidence)
        from_word = (NAMED_DOLLARS.get(word.group(1) or "") or CURRENCY_WORDS[word.group(2)]) if word else ""
        unit = CURRENCY_SIGNS.get(row.quantity.currency or "", "") or from_word
    who, code = (row.owner.who, row.owner.code) if row.owner is not None else (None, None)
    where = row.place
    if row.origin is not None and row.owner is None:
        who, code = row.origin.who, row.origin.code  # the total of a table of refugees per host
    elif row.origin is not None and row.owner is not None and row.origin.code != row.owner.code:
        who, code, where = row.origin.who, row.origin.code, row.owner.who  # refugees per host: hosted where named
    elif row.hosted and row.owner is not None:
        who, code, where = None, None, row.owner.who  # "top refugee hosting countries: 1. Jordan (2.7 million)"
    return Fact(
        who=who,
        country_code=code,
        quantity=plain_number(row.quantity.value),
        quantity_text=row.quantity.text,
        approx=row.quantity.approx,
        unit=unit,
        category=row.category or "other",
        where=where,
        evidence=row.evidence,
        bound=row.quantity.bound,
    )


def _same_figure(fact: Fact, listed: Fact) -> bool:
    """A sentence's fact that a list row states too: the row's reading, which knows the list's category, wins."""
    same_text = fact.evidence in listed.evidence or listed.evidence in fact.evidence
    return same_text and (fact.quantity == listed.quantity or fact.quantity_text == listed.quantity_text)
