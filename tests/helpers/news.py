"""Feeds, search endpoints and article pages for topic tests, served by a PageServer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

from tests.conftest import SEED_ARTICLE
from tests.helpers.servers import PageServer

ARTICLE = (SEED_ARTICLE).read_text("utf-8")


@dataclass(frozen=True)
class Entry:
    title: str
    link: str
    teaser: str = ""
    age_hours: float = 1.0


def rss(entries: list[Entry]) -> str:
    now = datetime.now(UTC)
    items = "".join(
        f"<item><title>{escape(e.title)}</title><link>{escape(e.link)}</link>"
        f"<description>{escape(e.teaser)}</description>"
        f"<pubDate>{format_datetime(now - timedelta(hours=e.age_hours))}</pubDate></item>"
        for e in entries
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


def gdelt(entries: list[Entry]) -> str:
    seen = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return json.dumps({"articles": [{"url": e.link, "title": e.title, "seendate": seen} for e in entries]})


def article_page(server: PageServer, path: str, story: str, *, german_troops: int = 130) -> str:
    """A copy of the sample article under its own canonical URL (and, if asked, another German figure)."""
    page = ARTICLE.replace("477400-coalition-suspend-iraq-operations", story)
    page = page.replace("around 130 German soldiers", f"around {german_troops} German soldiers")
    return server.page(path, page)


def other_page(server: PageServer, path: str, headline: str, sentence: str) -> str:
    body = f"<p>{escape(sentence)}</p>" * 8
    return server.page(path, f"<html><head><title>{escape(headline)}</title></head><body><article>"
                             f"<h1>{escape(headline)}</h1>{body}</article></body></html>")  # fmt: skip


def as_other_outlet(url: str) -> str:
    """The same local server under another host name: another outlet, for clustering."""
    return url.replace("127.0.0.1", "localhost")
