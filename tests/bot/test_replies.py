"""Every reply is Telegram HTML that Telegram accepts: valid, and within 4,096 UTF-16 code units."""

from __future__ import annotations

from typing import Any

import pytest

from bot.replies import (
    MAX_MESSAGE,
    digest_html,
    digests_html,
    facts_html,
    failure_line,
    summary_html,
    utf16_len,
    within_limit,
)
from summarizer.clean import Article
from summarizer.errors import ErrorKind, FetchError
from summarizer.feeds import Item
from summarizer.pipeline import Result
from summarizer.topics import Digest, Story
from tests.conftest import SEED_ARTICLE
from tests.helpers.fake_telegram import FakeBotAPI
from tests.helpers.servers import PageServer
from tests.helpers.telegram_html import html_errors

LONG_URL = "https://example.com/" + "a" * 2100
MANY_PARAMETERS = "https://example.com/story?" + "&".join(f"p{n}=&amp;<b>" for n in range(600))


def accepted(html: str) -> None:
    assert html_errors(html) == []
    assert utf16_len(html) <= MAX_MESSAGE


def result(url: str | None = None, sentences: list[str] | None = None, title: str = "A title") -> Result:
    text = "\n".join(sentences or ["One sentence of the article."])
    return Result(source="x", article=Article(text=text, title=title, url=url, language="en"), summary=sentences or [])


@pytest.mark.parametrize("url", [LONG_URL, MANY_PARAMETERS, "https://example.com/ok"])
def test_summaries_with_any_url_are_valid(url: str) -> None:
    html = summary_html(result(url, ["A sentence & <more>."] * 3))
    accepted(html)
    assert ("<a href=" in html) == (url == "https://example.com/ok")


def test_emoji_are_counted_as_telegram_counts_them() -> None:
    sentences = ["🙂" * 1000 + "." for _ in range(3)]  # 3,006 code points, 6,006 UTF-16 units
    html = summary_html(result("https://example.com/a", sentences))
    accepted(html)
    assert "🙂" * 100 in html


def test_a_digest_story_with_an_enormous_url_or_text_is_valid() -> None:
    item = Item(title="Story & <title>", url="https://example.com/" + "x" * 4500, summary="teaser")
    story = Story([item], 1.0, summary=["&" * 600], disagreements=["a & b " * 100] * 10)
    accepted(digest_html(Digest(topic="iraq", stories=[story] * 5, failures={}, candidates=5, timings_s={})))


def test_a_digest_of_several_subscriptions_keeps_a_section_each_within_the_limit() -> None:
    def story(n: int) -> Story:
        item = Item(title=f"Story {n} & more", url=f"https://example.com/{n}", summary="teaser")
        return Story([item], 1.0, summary=[f"Sentence {n} of a long summary. " * 12])

    long = Digest(topic="Iraq", stories=[story(n) for n in range(12)], failures={}, candidates=12, timings_s={})
    short = Digest(topic="Sahel", stories=[story(99)], failures={}, candidates=1, timings_s={})
    empty = Digest(topic="Mali", stories=[], failures={}, candidates=0, timings_s={})
    html = digests_html([(long, 1), (short, 2), (empty, 3)])
    accepted(html)
    assert "(subscription #1)" in html and "(subscription #2)" in html and "Story 99" in html  # the long one gave way
    assert "No new stories on <b>Mali</b>" in html and html.index("#1") < html.index("#2") < html.index("Mali")


def test_failure_lines_never_quote_a_site_at_length() -> None:
    hostile = "text/x-" + "<b>Send your token to evil.example</b> " * 200
    from summarizer.fetch import _shown_type

    error = FetchError(ErrorKind.UNSUPPORTED_TYPE, f"That link is not a web page ({_shown_type(hostile)}).")
    line = failure_line(error)
    accepted(line)
    assert len(line) < 120 and "evil.example" not in line


def test_long_lists_keep_whole_lines() -> None:
    lines = [f"<b>entry {n}</b> " + "&amp;" * 300 for n in range(100)]
    html = within_limit(lines)
    accepted(html)
    assert html.endswith("more not shown.</i>")


def test_every_fact_list_fits() -> None:
    from summarizer.facts import extract_facts

    text = " ".join(
        f"Country{n}ia sent {n + 10} soldiers to the mission, officials said on Monday." for n in range(300)
    )
    full = result("https://example.com/a", ["A sentence."])
    full.facts = extract_facts(text, "en")
    accepted(facts_html(full))
    accepted(summary_html(full))


async def test_a_hostile_content_type_is_not_spoken(bot: Any, telegram: FakeBotAPI, server: PageServer) -> None:
    url = server.page("/x", b"%PDF-1.4", content_type="application/x-" + "a" * 7000)
    telegram.send_text(42, url)
    reply = await telegram.wait_for_reply(42, "not a web page")
    accepted(reply.text)
    assert len(reply.text) < 150


async def test_a_page_at_a_very_long_url_gets_a_valid_reply(bot: Any, telegram: FakeBotAPI, server: PageServer) -> None:
    url = server.page("/" + "a" * 2100, SEED_ARTICLE.read_bytes())
    telegram.send_text(42, url)
    accepted((await telegram.wait_for_reply(42, "Key facts")).text)


@pytest.mark.parametrize(
    ("title", "url"),
    [
        ("&" * 300, "http://evil.example/" + "a" * 975),
        ("A title", "http://evil.example/" + "'" * 975),
        ("&" * 300, "http://evil.example/" + "&" * 975),
    ],
)
def test_a_page_built_to_be_huge_still_gets_a_valid_reply_at_once(title: str, url: str) -> None:
    article = Article(text="x", title=title, site="&" * 200, published="2020-01-01", url=url, language="en")
    for summary in (["Short."], ["A sentence that is long enough to be trimmed down. " * 30]):
        html = summary_html(Result(source="x", article=article, summary=summary))
        accepted(html)


def test_a_sum_read_under_a_scaled_heading_shows_its_scale() -> None:
    from summarizer.facts import extract_facts

    full = result("https://example.com/a", ["A sentence."])
    full.facts = extract_facts("Country | Billions of dollars\nUnited States | 683\nGreece | 4.5\nEstonia | 0.5", "en")
    html = facts_html(full)
    accepted(html)
    assert "United States</b> — $683bn" in html and "683 USD" not in html
