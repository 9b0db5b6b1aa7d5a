"""Which sentences may be a bullet of a summary, and how a summary may open (issue #14).

A backend scores and picks; these rules say what it may pick from, and fix the opening of what it picked. They
read only the article's sentences (with their paragraphs) and its title. The extractive backend uses them.

A sentence may be a bullet unless it is
- **a heading**: it does not end a sentence (no final ``.``, ``!``, ``?`` or ``…``, closing quotes and brackets
  aside), which also catches sub-heads, list items, captions and lines cut mid-sentence; or it is the title
  again (nine in ten of its content words are the title's, and it is at most three words longer);
- **a sentence tail**: it starts with a lower-case word or with ``,;:.)`` — the rest of a sentence cut by a line
  break, or a sentence glued to a page's share buttons ("this linkJohn Smith, 27, admitted…");
- **a sub-headline repeated later**: a one-sentence paragraph among the first three whose content words a later,
  no shorter sentence nearly all (80%) repeats; the later, fuller sentence can stand in for it;
- **a byline**: "By Jane Smith", "By . Daily Mail Reporter .", "Reporting by …", "Follow us on Twitter @…",
  "… contributed to this report";
- **a quote fragment**: it holds a quotation and fewer than two words outside quotation marks, quotations being
  followed through the paragraph: a piece of a quote that runs over several sentences (``"We have to see.``,
  ``We cannot stay."``) or a quote with no one to say it. ``He said: "We have to see.`` and
  ``We cannot stay," he said.`` may be bullets.
A **dateline** ("ERBIL (Kurdistan 24) –", "New Delhi, India (CNN)", "LONDON —") is cut from the bullet as the
reader sees it (``as_bullet``); the rules read the sentence without it, and backends score the sentence as the
article has it. Two sentences **repeat** each other when 80% of the shorter one's content words are in the
longer one (``repeats``): a summary never holds both, whatever their embeddings say.

A summary may not **open** with a sentence that leans on the one before it (``leans_on_previous``): one that
starts with a personal pronoun ("He said…"), "This"/"That"/"These"/"Those"/"Such" (not "This year…"), a linking
word ("But", "However", "Meanwhile", "Also", "In addition"…), "The move/decision/comments…", "The 25-year-old",
or "… comes after …", or a quotation said by "he"/"she"/"they". Such an opening is preceded by the sentence
before it in the article, going back at most two sentences while those lean too (``open_with_context``). The
lowest-ranked other bullet makes room, so the length holds; a summary too short for both takes the earlier
sentence instead. When the sentences before cannot be bullets, the opening gives way to the backend's next-best
pick, and the new opening is judged the same way. The article's first sentence may open a summary whatever it
starts with: the reader of the page meets it first too.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from summarizer.sentences import Sentence
from summarizer.words import STOPWORDS

logger = logging.getLogger(__name__)

__all__ = [
    "Judged",
    "as_bullet",
    "bullet_candidates",
    "judge",
    "leans_on_previous",
    "open_with_context",
    "repeats",
    "strip_dateline",
]

REPEAT_SHARE = 0.8  # share of the shorter sentence's content words found in the longer: a repeat
TITLE_SHARE = 0.9  # share of a sentence's content words found in the title: the title again
SUB_HEADLINE_PARAGRAPHS = 3  # a sub-headline stands in one of the first paragraphs
MAX_CONTEXT = 2  # sentences to go back for what a leaning opening refers to
MAX_QUOTE_SENTENCES = 6  # a quotation left open longer than this was a stray mark, not a quote

_CONTENT = re.compile(r"[^\W_]+")
_ENDS_SENTENCE = re.compile(r"[.!?…]+(?:\s?[\"”’'»)\]])*$")  # 'again. "' too: some pages space the mark
_DATELINE = re.compile(
    r"""^(?:
        (?:[A-Z0-9][\w.'’-]*,?\s+){0,4}      # a place (and date): "New Delhi, India ", "LONDON, March 3 "
        \([A-Z][\w.&'’ -]{0,30}\)            # the agency: "(CNN)", "(Reuters)", "(Kurdistan 24)"
        (?:\s*(?:--?|–|—)\s*|(?=[A-Z0-9"“‘']))  # a dash, or the sentence glued on: "(CNN)Sofia"
      | [A-Z][A-Z.'’-]+(?:,?\s+[A-Z][\w.'’-]*){0,3}\s+(?:--|–|—)\s+  # "WASHINGTON — ", "KABUL, Afghanistan -- "
    )""",
    re.VERBOSE,
)
_NAME = r"[A-Z][\w.'’-]*"
_BYLINE = re.compile(
    rf"""^\(?(?:
        By\s*\.\s                                                     # "By . Daily Mail Reporter ."
      | By\s+{_NAME}(?:\s+{_NAME}){{0,3}}                                # "By Jane Smith"
        (?:\s*(?:,|and|&|\||-|–|—|for|of|in|at|the)\s*{_NAME}?(?:\s+{_NAME}){{0,3}})*\W*$  # ", BBC News"
      | (?:Additional\s+)?(?:Reporting|Writing|Editing)\s+by\s
      | (?:Follow|Email|E-mail|Contact)\s.{{0,60}}(?:@|Twitter)
    )""",
    re.VERBOSE,
)
_CONTRIBUTED = re.compile(r"\bcontributed (?:reporting )?to this (?:report|story|article)\b", re.IGNORECASE)

_LEANING_WORDS = frozenset({
    "he", "she", "it", "they", "him", "her", "his", "its", "their", "them", "this", "that", "these", "those",
    "such", "but", "and", "or", "yet", "so", "however", "meanwhile", "also", "still", "instead",
    "nevertheless", "nonetheless", "moreover", "furthermore", "besides", "thus", "therefore", "hence",
    "otherwise", "likewise", "similarly", "then", "consequently", "additionally", "indeed",
})  # fmt: skip
_NOT_LEANING_AFTER_DEMONSTRATIVE = frozenset({
    "year", "week", "month", "morning", "afternoon", "evening", "night", "weekend", "season", "summer",
    "winter", "spring", "autumn", "time",
})  # fmt: skip
_LEANING_START = re.compile(
    r"""^(?:in\ addition|as\ a\ result|at\ the\ same\ time|even\ so|on\ the\ other\ hand|in\ contrast|by\ contrast
      |despite\ this|that\ said|the\ (?:move|decision|comments?|remarks|announcement|incident|pair|couple)\b
      |the\ \d+-year-old\b|\w+(?:\ \w+)?\ (?:comes?|came)\ (?:after|as|amid|days|weeks|just)\b)""",
    re.IGNORECASE | re.VERBOSE,
)
_QUOTE_SAID_BY_PRONOUN = re.compile(r"^[\"“‘'].*?[,.!?…][\"”’']\s+(?:he|she|they)\s+[a-z]+", re.IGNORECASE)
_TAIL = re.compile(r"[a-z]+\b(?![-’'])|[,;:.)\]]")  # "and he scored twice.", ", their families…" (not "eBay", "iPod")
_MISPLACED_OPENING = re.compile(r"\s[\"“]$")
_MISPLACED_CLOSING = re.compile(r"[\"”]\s")
_FIRST_WORDS = re.compile(r"[^\W_]+(?:-[^\W_]+)*")  # "So-called" is one word, "She's" two


@dataclass(frozen=True, slots=True)
class Judged:
    """A sentence of the article and why it may not be a bullet (None: it may)."""

    sentence: Sentence
    refused: str | None


def content_words(text: str) -> set[str]:
    """Lower-cased words that carry meaning: numbers, and words of two letters or more that are no stopwords."""
    return {w for w in _CONTENT.findall(text.casefold()) if w.isdigit() or (len(w) > 1 and w not in STOPWORDS)}


def repeats(a: str, b: str, share: float = REPEAT_SHARE) -> bool:
    """Whether the shorter of two sentences says little the longer does not: ``share`` of its content words, and
    every number it states, are in the longer (words, not embeddings: "Officials in district 4 said…" is news
    after "Officials in district 3 said…")."""
    shorter, longer = sorted((content_words(a), content_words(b)), key=len)
    numbers = {w for w in shorter if w.isdigit()}
    return bool(shorter) and numbers <= longer and len(shorter & longer) >= share * len(shorter)


def as_bullet(text: str) -> str:
    """A sentence as a summary shows it: without its dateline. Backends score the sentence as the article has it."""
    return strip_dateline(text).strip()


def strip_dateline(text: str) -> str:
    """The sentence without a leading dateline; unchanged when what follows would not start a sentence."""
    match = _DATELINE.match(text)
    if not match:
        return text
    rest = text[match.end() :].lstrip()
    return rest if rest[:1].isupper() or rest[:1].isdigit() or rest[:1] in "\"“‘'" else text


def _is_heading(text: str, title: str | None) -> bool:
    if not _ENDS_SENTENCE.search(text.rstrip()):
        return True
    if not title:
        return False
    words, title_words = content_words(text), content_words(title)
    longer_by = len(_CONTENT.findall(text)) - len(_CONTENT.findall(title))
    return bool(words) and longer_by <= 3 and len(words & title_words) >= TITLE_SHARE * len(words)


def _is_byline(text: str) -> bool:
    return _BYLINE.match(text) is not None or _CONTRIBUTED.search(text) is not None


def _quote_fragments(sentences: list[Sentence]) -> set[int]:
    """Indexes of sentences that are only quotation, with no one saying it (quotes followed paragraph by paragraph).

    A sentence is read with the quotation marks it opens and closes, starting inside a quotation that an earlier
    sentence of its paragraph left open; the words outside every quotation are the narrator's. A sentence with a
    quotation in it and fewer than two narrator words is a fragment: ``"We have to see what happens.`` or
    ``I would never do it again."``, but not ``He said: "We have to see.`` nor ``Not now," he said.``.
    """
    fragments: set[int] = set()
    open_since: int | None = None  # position in ``sentences`` where the quotation now open began
    double = single = False
    carried = ""  # an opening mark the splitter left at the end of the sentence before: 'again. "And then'
    for position, sentence in enumerate(sentences):
        new_paragraph = position == 0 or sentences[position - 1].paragraph != sentence.paragraph
        text = ("" if new_paragraph else carried) + sentence.text
        carried = ""
        if _MISPLACED_OPENING.search(text):
            carried, text = text[-1], text[:-1]
        if _MISPLACED_CLOSING.match(text):  # '" Then he left.': the mark closes the sentence before
            double, text = False, text[1:]
        stray = open_since is not None and position - open_since > MAX_QUOTE_SENTENCES
        if new_paragraph or stray or text[:1] in "\"“‘'":  # a sentence that opens a quote starts afresh
            double = single = False
            open_since = None
        quoted = double or single
        narrator: list[str] = []
        for i, char in enumerate(text):
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if char == "“" or (char == '"' and not double):
                double = quoted = True
            elif char == "”" or (char == '"' and double):
                double = False
            elif (char == "‘" or (char == "'" and not after.isspace())) and (before.isspace() or before in '([{—–-"“'):
                single = quoted = True
            elif char in "’'" and single and not after.isalnum():
                single = False
            elif not (double or single):
                narrator.append(char)
        if quoted and len(_CONTENT.findall("".join(narrator))) < 2:
            fragments.add(sentence.index)
        if (double or single) and open_since is None:
            open_since = position
        elif not (double or single):
            open_since = None
    return fragments


def _sub_headlines(sentences: list[Sentence]) -> set[int]:
    """One-sentence paragraphs among the first few that a later sentence repeats."""
    per_paragraph: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        per_paragraph.setdefault(sentence.paragraph, []).append(sentence)
    first_paragraphs = sorted(per_paragraph)[:SUB_HEADLINE_PARAGRAPHS]
    found = set()
    for paragraph in first_paragraphs:
        if len(per_paragraph[paragraph]) != 1:
            continue
        (head,) = per_paragraph[paragraph]
        later = (s for s in sentences if s.paragraph > paragraph)
        if any(
            len(content_words(s.text)) >= len(content_words(head.text)) and repeats(head.text, s.text) for s in later
        ):
            found.add(head.index)
    return found


def judge(sentences: list[Sentence], title: str | None = None) -> list[Judged]:
    """Every sentence with the rule (if any) that keeps it from being a bullet; rules read it without its dateline."""
    fragments = _quote_fragments(sentences)
    sub_headlines = _sub_headlines(sentences)
    judged = []
    for sentence in sentences:
        text = strip_dateline(sentence.text)
        refused = (
            "heading"
            if _is_heading(text, title)
            else "sentence tail"
            if _TAIL.match(text)
            else "sub-headline"
            if sentence.index in sub_headlines
            else "byline"
            if _is_byline(text)
            else "quote fragment"
            if sentence.index in fragments
            else None
        )
        judged.append(Judged(sentence, refused))
    return judged


def bullet_candidates(sentences: list[Sentence], title: str | None = None) -> list[Sentence]:
    """The sentences that may be a bullet, in article order, as the article has them (``as_bullet`` cuts datelines)."""
    return [j.sentence for j in judge(sentences, title) if j.refused is None]


def leans_on_previous(text: str) -> bool:
    """Whether a sentence needs the one before it to be understood (see the module doc for the list)."""
    text = strip_dateline(text).strip()
    if _QUOTE_SAID_BY_PRONOUN.match(text):
        return True
    words = [w.casefold() for w in _FIRST_WORDS.findall(text[:60])[:2]]
    if not words:
        return False
    if words[0] in {"this", "that", "these", "those"} and words[1:2] and words[1] in _NOT_LEANING_AFTER_DEMONSTRATIVE:
        return False  # "This year…"
    return words[0] in _LEANING_WORDS or _LEANING_START.match(text) is not None


def _context(opener: Sentence, by_index: dict[int, Sentence]) -> list[Sentence] | None:
    """The sentences just before a leaning opening that it refers to, earliest first; None when they cannot be
    bullets or lean on more than ``MAX_CONTEXT`` sentences."""
    context: list[Sentence] = []
    current = opener
    while len(context) < MAX_CONTEXT:
        before = by_index.get(current.index - 1)
        if before is None:
            return None
        context.insert(0, before)
        if before.index == 0 or not leans_on_previous(before.text):
            return context
        current = before
    return None


def open_with_context(ranked: list[Sentence], usable: list[Sentence], count: int) -> list[Sentence]:
    """``count`` sentences, best first, whose opening (the earliest) does not lean on a sentence left out.

    ``ranked`` are the backend's picks, best first, and may run past ``count``: the spare ones stand in for an
    opening that leans on a sentence that cannot be a bullet. ``usable`` are the article's sentences that may be
    bullets; the first of them opens the article and is kept as it is.
    """
    chosen, spare = list(ranked[:count]), list(ranked[count:])
    by_index = {s.index: s for s in usable}
    while chosen:
        opener = min(chosen, key=lambda s: s.index)
        if opener.index == 0 or not leans_on_previous(opener.text):
            return chosen
        context = _context(opener, by_index)
        if context is not None:
            logger.debug("opening %r leans on %r", opener.text[:60], context[0].text[:60])
            if len(context) >= count:
                return context[:count]
            others = [s for s in chosen if s is not opener][: count - len(context) - 1]  # the best of the rest
            return [
                item for s in chosen for item in ([*context, opener] if s is opener else [s] if s in others else [])
            ]
        if not spare:
            break
        chosen = [s for s in chosen if s is not opener] + [spare.pop(0)]
    return list(ranked[:count])
