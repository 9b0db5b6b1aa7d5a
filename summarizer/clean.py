"""From a page or a pasted text to a clean article: the body, its title and its metadata.

trafilatura finds the main text and metadata; the filters here remove what still slips through on news
sites (icon-font runs, "Also on <site>" teasers, share prompts, player timestamps, comment counters, a
title repeated as the lead). Pasted and scraped text goes through the same filters.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import trafilatura
from dateutil import parser as dateparser
from trafilatura.settings import Document

from summarizer.errors import ArticleError, ErrorKind, PipelineError
from summarizer.urls import canonical_url

logger = logging.getLogger(__name__)

__all__ = ["Article", "choose_candidate", "clean_lines", "detect_language", "from_html", "from_text"]

# Pasted text is all article, so it must hold enough to summarise. A page is judged by what its main block says,
# not by its length: a one-line news brief is an article; "Please enable JavaScript" (_STUB) is not.
MIN_TEXT_CHARS = 200
STUB_CHARS = 300
_STUB = re.compile(
    r"\b(?:enable (?:javascript|cookies)|javascript (?:is )?(?:required|disabled)|access denied|forbidden|"
    r"(?:page|article) (?:not found|unavailable|no longer available)|404|are you a robot|captcha|"
    r"verify you are (?:a )?human|(?:sign|log) in to (?:continue|read)|subscribe to (?:continue|read)|"
    r"subscribers only|cookie (?:policy|settings|consent))\b",
    re.IGNORECASE,
)
# A precision-first extraction this much shorter than the recall-first one has kept the wrong block (a sidebar, a
# synopsis, an intro): the recall-first one is the article. Past RECALL_CHECK_CHARS it is long enough to trust.
LOST_ARTICLE_RATIO = 0.25
RECALL_CHECK_CHARS = 5_000
# A long read is 30,000-60,000 characters; anything past this is cut at a paragraph (1.9 MB of text took 185 s).
MAX_ARTICLE_CHARS = 100_000


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: ``text`` is the body without the title, one paragraph per line."""

    text: str
    title: str | None = None
    site: str | None = None
    published: str | None = None  # YYYY-MM-DD
    url: str | None = None
    language: str | None = None
    paragraphs: list[str] = field(default_factory=list)


# --- line filters ---------------------------------------------------------------------------------

_TEASER = re.compile(
    r"^(?:also on \S+|read more|read also|see also|related(?: articles?| stories| news)?|recommended|"
    r"more on this|you may also like|trending|most read|watch|see more|don[’']t miss|must see|must read)\b\s*:?",
    re.IGNORECASE,
)
_TEASER_HEADER = re.compile(
    r"^(?:also on \S+|read more|related(?: articles?| stories)?|see also|tags|topics|filed under)\s*:?$", re.IGNORECASE
)
_SHARE = re.compile(
    r"(?:share (?:this|on|via)\b|think your friends|follow us on|subscribe to our|sign up for our|"
    r"click here to|tap here to|download (?:our|the) app|all rights reserved|^advertisement$|^©|tell us what you think|"
    r"^(?:updated|published|posted|last modified)(?: on| at)?\s*:?\s*\d|"
    r"^comments?\s*\(\d+\)$|^\d+\s+comments?$|^(?:facebook|twitter|telegram|whatsapp|email|print)(?:\s+\w+){0,2}$)",
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(r"^(?:\d{1,2}:){1,2}\d{2}(?:\s+(?:\d{1,2}:){1,2}\d{2})*$")
_SENTENCE_END = re.compile(r"[.!?…:;\"”’»)。！？」』]$")
_DATE_HINT = re.compile(r"\b(?:19|20)\d{2}\b")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")


def _normalise(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\u200b", "")
    return _SPACES.sub(" ", line).strip()


# a promoted headline tagged by its section, as some outlets list them inside the story: "… [INSIGHT]|", "[VIDEO]"
_TAGGED_PROMO = re.compile(r"^(?:.{0,200}\S\s)?\[[A-Z][A-Z ]{1,15}\]\s*\|?$")


def _is_junk(line: str) -> bool:
    """A line that is boilerplate wherever it stands."""
    if _TAGGED_PROMO.match(line):
        return True
    icons = line.casefold().count("icon")  # icon-font labels, often glued: "bookmarkicon camera"
    if icons >= 4 and icons >= len(line.split()) / 3:
        return True
    if len(line.split()) <= 12 and _SHARE.search(line):  # prompts are short; "who share this view" is prose
        return True
    return bool(_TIMESTAMP.match(line))


# "- Britain: 9,500", "| Italy | 2,795 |": a factbox or table row is short and no sentence, but it is the article
_LIST_ROW = re.compile(r"^(?:[-–•*|]\s*)?[A-Z][^\d:|]{1,40}[:|,(]?\s*[~≈]?\$?\d[\d,.]*\b")


def _is_fragment(line: str) -> bool:
    """A short line that is no sentence: a menu item, a section label, a caption stub."""
    return len(line) < 40 and len(line.split()) <= 4 and not _SENTENCE_END.search(line) and not _LIST_ROW.match(line)


def clean_lines(text: str) -> list[str]:
    """Paragraphs of a text with boilerplate removed: teasers with their headline, share prompts, stubs."""
    lines = [_normalise(line) for line in text.splitlines()]
    kept: list[str] = []
    skip_next = False
    for line in lines:
        if not line:
            continue
        if skip_next:  # the linked headline under a lone "Also on rt.com" / "Read more"
            skip_next = False
            if len(line) < 250:
                continue
        if _TEASER_HEADER.match(line):
            skip_next = True
            continue
        if _TEASER.match(line) and len(line) < 250 and not _SENTENCE_END.search(line.rstrip(")")):
            continue
        if _is_junk(line):
            continue
        kept.append(line)
    while kept and _is_fragment(kept[-1]):  # trailing menus ("Podcasts") and stubs
        kept.pop()
    while kept and _is_fragment(kept[0]) and not _parse_date(kept[0]):
        kept.pop(0)
    return kept


# --- metadata --------------------------------------------------------------------------------------


def _parse_date(line: str) -> str | None:
    """A line that is only a date (and maybe a time), as YYYY-MM-DD."""
    if len(line) > 40 or not _DATE_HINT.search(line) or len(line.split()) > 6:
        return None
    try:
        parsed = dateparser.parse(line, fuzzy=False, dayfirst=True)
    except (ValueError, OverflowError):
        return None
    return parsed.date().isoformat() if date(1990, 1, 1) <= parsed.date() <= date(2100, 1, 1) else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, offline."""
    if len(text) < 40:
        return None
    import py3langid

    code, _score = py3langid.classify(text[:5000])
    return str(code)


def _same(a: str, b: str) -> bool:
    return re.sub(r"\W+", " ", a).strip().casefold() == re.sub(r"\W+", " ", b).strip().casefold()


def _drop_title_lead(lines: list[str], title: str | None) -> list[str]:
    """Remove the title (and the title repeated as a standfirst) from the top of the body."""
    while lines and title and _same(lines[0], title):
        lines = lines[1:]
    return lines


def _bounded(lines: list[str]) -> list[str]:
    """Whole paragraphs up to MAX_ARTICLE_CHARS: what follows costs every later step time and memory."""
    kept: list[str] = []
    total = 0
    for line in lines:
        total += len(line) + 1
        if total > MAX_ARTICLE_CHARS:
            if not kept:
                kept.append(line[:MAX_ARTICLE_CHARS])
            break
        kept.append(line)
    return kept


def _build(lines: list[str], *, title: str | None, **meta: str | None) -> Article:
    body = _bounded(_drop_title_lead(lines, title))
    text = "\n".join(body)
    return Article(text=text, title=title, paragraphs=body, language=detect_language(text), **meta)


def _is_stub(text: str) -> bool:
    """A page's main block that is no article: nothing, or a short notice about scripts, cookies, access."""
    return not text.strip() or (len(text) < STUB_CHARS and _STUB.search(text) is not None)


# --- entry points ----------------------------------------------------------------------------------


def _extract(html: str, url: str | None, *, precision: bool) -> Document | None:
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        favor_precision=precision,
        favor_recall=not precision,
    )
    if doc is None or isinstance(doc, dict) or not doc.text:  # a dict only with as_dict=True, never asked here
        return None
    return doc


def _article_candidate(html: str, url: str | None) -> Document:
    precise = _extract(html, url, precision=True)
    if precise is not None and len(precise.text or "") >= RECALL_CHECK_CHARS:
        return precise  # long enough to be the article: the second extraction would cost time for nothing
    chosen = choose_candidate(precise, _extract(html, url, precision=False))
    if chosen is None:
        raise ArticleError
    return chosen


def choose_candidate(precise: Document | None, recalled: Document | None) -> Document | None:
    """The precision-first extraction (boilerplate hurts a summary more than a lost paragraph), unless the
    recall-first one shows it lost the article: it found nothing, or under LOST_ARTICLE_RATIO of the recall-first
    text (a 368-character sidebar instead of a 313-word story; a review's intro without the review)."""
    if precise is None or recalled is None:
        return precise or recalled
    if len(precise.text or "") < LOST_ARTICLE_RATIO * len(recalled.text or ""):
        return recalled
    return precise


def from_html(html: str, url: str | None = None) -> Article:
    """Extract and clean the article in an HTML page."""
    doc = _article_candidate(html, url)
    title = _normalise(doc.title) if doc.title else None
    lines = clean_lines(doc.text or "")
    published = doc.date[:10] if doc.date else None
    article = _build(
        lines,
        title=title,
        site=doc.sitename or doc.hostname,
        published=published,
        # where the page was fetched from wins over what it says of itself (rel=canonical, og:url): a page must not
        # be able to claim another site's address, and with it that address's place in the summary cache
        url=canonical_url(url) or canonical_url(doc.url),
    )
    if _is_stub(article.text):
        raise ArticleError
    return article


def from_text(text: str, url: str | None = None) -> Article:
    """Clean a pasted or scraped article: the first headline-like line is its title, a date line its date."""
    lines = clean_lines(text[: 2 * MAX_ARTICLE_CHARS])  # cleaning drops lines, so read a little past the bound
    published = None
    title = None
    head: list[str] = []
    for index, line in enumerate(lines[:6]):
        if published is None and (found := _parse_date(line)):
            published = found
            head.append(line)
        elif title is None and len(line) <= 200 and not line.endswith("."):
            title = line
            head.append(line)
        if title and (published or index >= 2):
            break
    body = [line for line in lines if line not in head or line == title]
    article = _build(body, title=title, published=published, url=canonical_url(url))
    if len(article.text) < MIN_TEXT_CHARS:
        raise PipelineError(ErrorKind.TOO_SHORT)
    return article
