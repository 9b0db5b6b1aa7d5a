from typing import Any

import pytest
from trafilatura.settings import Document

from summarizer.clean import choose_candidate, clean_lines, from_html, from_text
from summarizer.errors import ArticleError, ErrorKind, PipelineError
from summarizer.urls import canonical_url


def assert_clean(text: str, expected: dict[str, Any]) -> None:
    for junk in expected["must_not_appear_in_clean_text"]:
        assert junk not in text, junk
    assert not text.startswith(expected["title"])  # the body carries no title, nor its repeat as standfirst


def test_sample_page(seed_html: str, expected: dict[str, Any]) -> None:
    article = from_html(seed_html, "http://127.0.0.1:8080/article.html")
    assert article.title == expected["title"]
    assert article.published == expected["published"]
    assert article.site == "RT International"
    assert article.url == "http://127.0.0.1:8080/article.html"  # where it came from, not what it says of itself
    assert from_html(seed_html).url == "https://www.rt.com/news/477400-coalition-suspend-iraq-operations/"  # a file
    assert article.language == "en"
    assert_clean(article.text, expected)
    assert article.text.startswith("Members of the international coalition")
    assert article.text.endswith("pre-emptive self-defense.")


def test_raw_scrape_goes_through_the_same_filters(seed_text: str, seed_html: str, expected: dict[str, Any]) -> None:
    article = from_text(seed_text)
    assert article.title == expected["title"]
    assert article.published == expected["published"]
    assert_clean(article.text, expected)
    assert article.text == from_html(seed_html).text


@pytest.mark.parametrize(
    "junk",
    [
        "Share this story!",
        "Think your friends would be interested? Share this story!",
        "Also on rt.com Five things you missed",
        "READ MORE: Something else happened",
        "0:00",
        "12:03 45:10",
        "Comments (42)",
        "© 2024 Example News. All rights reserved.",
        "icon fb icon tw icon mail icon share",
        "Advertisement",
        "SEE MORE: Hong Kong protests: 800 students under siege in university",
        "DON'T MISS",
        "China furious at Macron for Hong Kong protest jibe [INSIGHT]|",
        "Lakers vs Nets: NBA make final decision on game amid China turmoil [VIDEO]",
        "[CNET]",
    ],
)
def test_boilerplate_lines_are_dropped(junk: str) -> None:
    body = "This is a real sentence of the article, long enough to count."
    assert clean_lines(f"{body}\n{junk}\n{body}") == [body, body]


def test_teaser_header_takes_its_headline_with_it() -> None:
    body = "A sentence that belongs to the story and stays."
    assert clean_lines(f"{body}\nAlso on rt.com\nHeadline of another story\n{body}") == [body, body]


def test_real_sentences_that_mention_sharing_stay() -> None:
    line = (
        "Investors who share this view say the central bank will have to act sooner than markets expect, "
        "and that the decision could come as early as next month when the board meets again in Frankfurt."
    )
    assert clean_lines(line) == [line]


def test_page_without_an_article() -> None:
    with pytest.raises(ArticleError):
        from_html("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    with pytest.raises(ArticleError):
        from_html("<html><body><main><p>Please enable JavaScript to view this page.</p></main></body></html>")


def test_a_one_line_news_brief_is_an_article() -> None:
    brief = "Sweden will send 70 more soldiers to the Taji base in Iraq, the defence ministry said on Monday."
    article = from_html(
        f"<html><head><title>Sweden</title></head><body><article><p>{brief}</p></article></body></html>"
    )
    assert article.text == brief


def test_pasted_text_too_short_to_summarise_says_so() -> None:
    with pytest.raises(PipelineError) as refused:
        from_text("Germany has 130 soldiers in Iraq. Sweden has 70 there.")
    assert refused.value.kind is ErrorKind.TOO_SHORT
    assert refused.value.message == "That text is too short to summarise; send the whole article or its link."


def _document(text: str) -> Document:
    document = Document()
    document.text = text
    return document


def test_the_recall_first_extraction_wins_only_when_the_precise_one_lost_the_article() -> None:
    story, sidebar, tail = "A story paragraph. " * 100, "Other headlines. " * 20, "A comment. " * 30
    assert choose_candidate(_document(sidebar), _document(story)).text == story  # the wrong block, or an intro
    assert choose_candidate(_document(story), _document(story + tail)).text == story  # boilerplate is not worth it
    assert choose_candidate(None, _document(story)).text == story
    assert choose_candidate(_document(story), None).text == story
    assert choose_candidate(None, None) is None


def test_non_english_text_is_labelled() -> None:
    text = "Die Bundeswehr setzt ihre Ausbildungsmission im Irak vorerst aus, teilte das Ministerium mit. " * 5
    assert from_text(text).language == "de"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Example.com/a?utm_source=x&id=3#top", "https://example.com/a?id=3"),
        ("https://example.com", "https://example.com/"),
        ("ftp://example.com/x", None),
        ("", None),
    ],
)
def test_canonical_url(url: str, expected: str | None) -> None:
    assert canonical_url(url) == expected
