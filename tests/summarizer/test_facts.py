from typing import Any

import pytest

from summarizer.clean import from_html, from_text
from summarizer.facts import Fact, extract_facts


def as_expected(fact: Fact) -> dict[str, Any]:
    keys = ("who", "country_code", "quantity", "approx", "unit", "where")
    return {key: getattr(fact, key) for key in keys}


def expected_facts(expected: dict[str, Any]) -> list[dict[str, Any]]:
    keys = ("who", "country_code", "quantity", "approx", "unit", "where")
    return [{key: fact[key] for key in keys} for fact in expected["facts"]]


@pytest.mark.parametrize("kind", ["html", "text"])
def test_sample_article_gives_exactly_its_troop_facts(
    kind: str, seed_html: str, seed_text: str, expected: dict[str, Any]
) -> None:
    article = from_html(seed_html) if kind == "html" else from_text(seed_text)
    facts = extract_facts(article.text, article.language)
    assert [as_expected(f) for f in facts] == expected_facts(expected)
    for fact, wanted in zip(facts, expected["facts"], strict=True):
        assert wanted["evidence"] in fact.evidence
        assert fact.category == "troops"
        assert fact.part_of == wanted.get("part_of")
    nato = facts[-1]
    assert nato.quantity is None and nato.quantity_text == "hundreds"


def test_figures_that_are_not_troops_are_ignored(seed_html: str) -> None:
    facts = extract_facts(from_html(seed_html).text)
    assert {f.quantity for f in facts} == {130, 27, 70, 140, None}  # no 30 (km), 18 (miles), 35, 5000, 312


@pytest.mark.parametrize(
    ("sentence", "who", "code", "quantity", "where"),
    [
        ("Spain keeps 350 personnel in Iraq.", "Spain", "ES", 350, "Iraq"),
        ("About 300 Dutch soldiers are based in Lithuania.", "Netherlands", "NL", 300, "Lithuania"),
        ("The Pentagon said 2,500 troops would remain in Iraq.", "United States", "US", 2500, "Iraq"),
        ("Ottawa has sent 200 trainers to Ukraine.", "Canada", "CA", 200, "Ukraine"),
        ("Britain's 900 troops in Estonia lead the battlegroup.", "United Kingdom", "GB", 900, "Estonia"),
        ("A contingent of 1,200 peacekeepers from Ghana arrived in Mali.", "Ghana", "GH", 1200, "Mali"),
    ],
)
def test_attribution(sentence: str, who: str, code: str, quantity: int, where: str) -> None:
    (fact,) = extract_facts(sentence)
    assert (fact.who, fact.country_code, fact.quantity, fact.where) == (who, code, quantity, where)


def test_the_country_refers_back_to_the_last_country_named() -> None:
    text = "Norway's defence minister spoke on Monday.\nHe said 60 soldiers the country has in Mali would stay."
    (fact,) = extract_facts(text)
    assert (fact.country_code, fact.where) == ("NO", "Mali")


@pytest.mark.parametrize(
    "sentence",
    [
        "The base lies 30km (18 miles) north of Baghdad.",
        "The war began in 2003 and lasted 8 years.",
        "Turnout was 45 percent.",
        "The article drew 312 comments.",
    ],
)
def test_non_counts(sentence: str) -> None:
    assert extract_facts(sentence) == []


def test_other_languages_give_no_facts_yet() -> None:
    assert extract_facts("Rund 130 deutsche Soldaten sind im Irak.", language="de") == []
