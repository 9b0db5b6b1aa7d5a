"""Which sentences may be a bullet, and how a summary may open (summarizer/bullets.py): each rule on a small article."""

from __future__ import annotations

import pytest

from summarizer.bullets import (
    as_bullet,
    bullet_candidates,
    judge,
    leans_on_previous,
    open_with_context,
    repeats,
)
from summarizer.sentences import Sentence, split_sentences


def sentences_of(*paragraphs: str) -> list[Sentence]:
    return split_sentences(list(paragraphs))


def refusals(*paragraphs: str, title: str | None = None) -> dict[str, str | None]:
    """Each sentence of the article and the rule that keeps it from being a bullet (None: it may be one)."""
    return {j.sentence.text: j.refused for j in judge(sentences_of(*paragraphs), title)}


def test_a_heading_repeated_in_the_body_is_no_bullet() -> None:
    found = refusals(
        "Julian Assange: Sweden drops rape investigation",
        "Swedish prosecutors have dropped an investigation into a rape allegation against WikiLeaks founder "
        "Julian Assange.",
        "What happens next",
        "Mr Assange, who denies the allegation, is in prison in London for skipping bail.",
        title="Julian Assange: Sweden drops rape investigation - BBC News",
    )
    assert found["Julian Assange: Sweden drops rape investigation"] == "heading"
    assert found["What happens next"] == "heading"  # a sub-head: no sentence ends there
    assert found["Mr Assange, who denies the allegation, is in prison in London for skipping bail."] is None


def test_the_title_again_is_no_bullet_even_with_a_full_stop() -> None:
    found = refusals(
        "Sweden drops Assange rape investigation.",
        "The decision was announced by deputy chief prosecutor Eva-Marie Persson in Stockholm on Tuesday.",
        title="Sweden drops Julian Assange rape investigation",
    )
    assert found["Sweden drops Assange rape investigation."] == "heading"
    assert (
        found["The decision was announced by deputy chief prosecutor Eva-Marie Persson in Stockholm on Tuesday."]
        is None
    )


def test_a_sub_headline_that_the_body_repeats_gives_way_to_the_fuller_sentence() -> None:
    standfirst = "Swedish prosecutors have dropped their rape investigation into Julian Assange."
    repeated = (
        "Swedish prosecutors said on Tuesday they have dropped their rape investigation into WikiLeaks founder "
        "Julian Assange because the evidence had weakened."
    )
    found = refusals(
        standfirst,
        f"{repeated} The complainant's lawyer said she was disappointed.",
        "Mr Assange is serving a 50-week sentence in Belmarsh prison in London.",
    )
    assert found[standfirst] == "sub-headline"
    assert found[repeated] is None
    # a one-sentence lead that no later sentence repeats stays
    assert (
        refusals(standfirst, "The complainant's lawyer said she was disappointed by the decision.")[standfirst] is None
    )


def test_a_dateline_is_cut_from_the_bullet_not_the_sentence_dropped() -> None:
    text = "ERBIL (Kurdistan 24) – Kurdish officials said on Sunday that the border crossing would reopen next week."
    (judged,) = judge(sentences_of(text))
    assert judged.refused is None
    assert as_bullet(judged.sentence.text) == (
        "Kurdish officials said on Sunday that the border crossing would reopen next week."
    )
    assert as_bullet("New Delhi, India (CNN)As the earth shook in Nepal, tremors were felt in India.").startswith(
        "As the"
    )
    assert as_bullet("WASHINGTON — The Senate passed the bill on Friday.") == "The Senate passed the bill on Friday."
    for not_a_dateline in (
        "The Environment Agency (EA) suspended the firm from accepting waste after the fire.",
        "EADS - Airbus' majority owner - admitted the project was running late.",
    ):
        assert as_bullet(not_a_dateline) == not_a_dateline


def test_bylines_are_no_bullets_but_sentences_starting_with_by_are() -> None:
    found = refusals(
        "By Jane Smith, Home Affairs Correspondent",
        "Reporting by Ahmed Aboulenein; Editing by Alison Williams.",
        "By Monday, India was in full-scale crisis mode as planes flew in loaded with aid.",
        "CNN's Sam Stringer contributed to this report.",
    )
    assert found["By Jane Smith, Home Affairs Correspondent"] == "heading"  # no full stop: caught first as a heading
    assert refusals("By Jane Smith.")["By Jane Smith."] == "byline"
    assert found["Reporting by Ahmed Aboulenein; Editing by Alison Williams."] == "byline"
    assert found["CNN's Sam Stringer contributed to this report."] == "byline"
    assert found["By Monday, India was in full-scale crisis mode as planes flew in loaded with aid."] is None


def test_quote_fragments_are_no_bullets_but_quotes_with_a_speaker_are() -> None:
    # one paragraph, split as a splitter splits a quote that runs over sentences
    paragraph = [
        "Danish Prime Minister Mette Frederiksen said: “We will not take any risks with our soldiers.",
        "We will bring them home if we have to.”",
        "“We have to see what happens.",
        "We cannot go into details for safety reasons, but we have paused,” explained spokesperson Kristina Swaan.",
        "“It is a very serious situation.”",
        "NATO has hundreds of personnel under its aegis in the country.",
    ]
    article = [Sentence(text=text, index=i, paragraph=0) for i, text in enumerate(paragraph)]
    found = {j.sentence.text: j.refused for j in judge(article)}
    assert found[paragraph[0]] is None  # a speaker, then the quote
    assert found[paragraph[1]] == "quote fragment"  # the tail of that quote: nobody says it here
    assert found[paragraph[2]] == "quote fragment"  # a quote running on into the next sentence
    assert found[paragraph[3]] is None  # its tail, and who said it
    assert found[paragraph[4]] == "quote fragment"  # a quote with no one to say it
    assert found[paragraph[5]] is None


def test_a_quote_whose_opening_mark_the_splitter_left_behind_is_still_followed() -> None:
    # as in pages that join paragraphs: '... grounds. "And no fans ...' splits as '... grounds. "' | 'And no fans ...'
    found = refusals(
        'Palace stadium manager Kevin Corner warned: "Fans wearing them will be turned away on safety grounds. '
        '"And no fans wearing Cantona masks will be allowed entry to the stadium." The ban starts on Saturday.'
    )
    assert found['And no fans wearing Cantona masks will be allowed entry to the stadium."'] == "quote fragment"
    assert found["The ban starts on Saturday."] is None


def test_the_tail_of_a_sentence_cut_by_a_line_break_is_no_bullet() -> None:
    found = refusals(
        "The Dons loaned Smith, 21, to United in July",
        "and he has scored five goals for them this season.",
        "eBay said sales rose by a fifth in the last quarter of the year.",
    )
    assert found["The Dons loaned Smith, 21, to United in July"] == "heading"
    assert found["and he has scored five goals for them this season."] == "sentence tail"
    assert found["eBay said sales rose by a fifth in the last quarter of the year."] is None


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("This comes after police said three men had been arrested.", True),
        ("He said the plan would be ready by the end of the month.", True),
        ("But the minister said no decision had been taken.", True),
        ("However, the company said profits would fall.", True),
        ("Meanwhile, rescuers continued to search the rubble.", True),
        ("In addition, the council will hire 40 more inspectors.", True),
        ("The 25-year-old moved to the club from Somerset in 2013.", True),
        ("The move comes amid rising tension in the region.", True),
        ("“We are ready,” she said after the meeting.", True),
        ("This year the festival will run for ten days instead of seven.", False),
        ("Police said three men had been arrested in Leeds on Tuesday.", False),
        ("“We are ready,” said the mayor after the meeting.", False),
        ("So-called phishing attacks boomed in 2004, say security experts.", False),
        ("LONDON (Reuters) - Police said three men had been arrested.", False),
    ],
)
def test_what_leans_on_the_sentence_before(sentence: str, leans: bool) -> None:
    assert leans_on_previous(sentence) is leans


ARTICLE = [
    "Police in Leeds said on Tuesday that they had arrested three men over a series of jewellery shop burglaries.",
    "This comes after shop owners complained that the burglaries had gone unsolved for weeks.",
    "Officers recovered watches and rings worth more than £200,000 from a garage in Harehills.",
    "The shops' association said its members would reopen on Saturday.",
    "The three men are due to appear before Leeds magistrates on Thursday morning.",
]


def test_a_leaning_opening_is_preceded_by_what_it_refers_to_and_the_length_holds() -> None:
    article = sentences_of(" ".join(ARTICLE))
    picks = [article[1], article[2], article[4], article[3]]  # best first; the first does not open the article
    summary = open_with_context(picks, article, 3)
    assert sorted(s.index for s in summary) == [0, 1, 2]  # the lead comes in, the weakest pick makes room
    assert [s.index for s in open_with_context(picks, article, 1)] == [0]  # one sentence: the one it leans on
    # an opening that leans on nothing left out stays
    assert open_with_context([article[0], article[1]], article, 2) == [article[0], article[1]]


def test_the_article_s_own_first_sentence_may_open_a_summary() -> None:
    article = sentences_of("He was 87. His family said he died peacefully at home in Cambridge on Monday.")
    assert open_with_context(article, article, 2) == article


def test_a_leaning_opening_with_nothing_usable_before_it_gives_way_to_the_next_pick() -> None:
    article = sentences_of(
        "What happens next",  # a heading: it cannot be a bullet, so the sentence after it has nothing to lean on
        "He said the plan would be ready by the end of the month.",
        "The council approved the budget for the new bridge over the river on Monday.",
        "Work on the bridge will start in the spring and take two years.",
        "Residents said they had waited for a new crossing for more than a decade.",
    )
    usable = bullet_candidates(article)
    picks = [article[1], article[2], article[3], article[4]]
    assert [s.index for s in open_with_context(picks, usable, 2)] == [2, 3]


def test_repeats_are_judged_on_words_and_numbers() -> None:
    assert repeats(
        "Sweden's prosecutors have dropped an investigation into a rape allegation against WikiLeaks founder "
        "Julian Assange.",
        "Swedish prosecutors have dropped their investigation into a rape allegation against Julian Assange, the "
        "WikiLeaks founder.",
    )
    assert not repeats(
        "Officials in district 3 said 21 families had received aid.",
        "Officials in district 4 said 28 families had received aid.",
    )
