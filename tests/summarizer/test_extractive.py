"""The default backend, on the real bundled model."""

from pathlib import Path
from typing import Any

import pytest

from summarizer.backends import RankedSentence, in_article_order
from summarizer.clean import from_html
from summarizer.embeddings import BUNDLED_SHA256, EmbeddingModelError, bundled_model_path, verify_weights


def test_bundled_weights_are_the_vetted_file() -> None:
    assert verify_weights(bundled_model_path()).name == "model.safetensors"


def test_other_weights_are_refused(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the model")
    with pytest.raises(EmbeddingModelError, match="refusing"):
        verify_weights(tmp_path, BUNDLED_SHA256)
    with pytest.raises(EmbeddingModelError, match="not found"):
        verify_weights(tmp_path / "missing")


def test_embeddings_are_unit_length_and_meaningful(encoder: Any) -> None:
    vectors = encoder.encode(["Troops were withdrawn from Iraq.", "Soldiers left Iraq.", "I like apple pie."])
    assert vectors.shape == (3, 384)
    assert abs(float((vectors[0] ** 2).sum()) - 1) < 1e-4
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_summary_of_the_sample(extractive: Any, seed_html: str) -> None:
    article = from_html(seed_html)
    ranked: list[RankedSentence] = extractive.summarize(article.text, 3, title=article.title)
    assert 2 <= len(ranked) <= 4
    assert len({s.index for s in ranked}) == len(ranked)
    assert all(s.text in article.text for s in ranked)  # extractive: never a word the article lacks
    joined = " ".join(s.text for s in ranked)
    assert "suspended operations in Iraq" in joined  # the story's point is in the summary


def test_near_duplicates_are_not_picked_twice(extractive: Any) -> None:
    text = "\n".join(
        [
            "The government announced a new tax on imported cars on Monday in the capital.",
            "The government announced a new tax on imported cars on Monday, in the capital.",
            "Car dealers warned that prices would rise by as much as a fifth next year.",
            "Opposition parties said they would fight the measure in parliament this autumn.",
        ]
    )
    ranked = extractive.summarize(text, 3)
    assert not {0, 1} <= {s.index for s in ranked}


def test_requested_length_is_respected(extractive: Any, seed_html: str) -> None:
    article = from_html(seed_html)
    assert len(extractive.summarize(article.text, 1)) == 1
    assert len(extractive.summarize(article.text, 5)) == 5


def test_the_sample_summary_is_the_one_the_opening_rules_leave_alone(extractive: Any, seed_html: str) -> None:
    article = from_html(seed_html)
    assert in_article_order(extractive.summarize(article.text, 3, title=article.title)) == [
        "Members of the international coalition gathered to fight Islamic State (IS, formerly ISIS) have suspended "
        "operations in Iraq after the targeted assassination of a top Iranian general by the US.",
        "Germany’s Bundeswehr will put on pause all military missions in Iraq, it announced late on Friday night.",
        "That includes both operations aimed against IS and training of Kurdish troops.",
    ]


PAGE_WITH_ITS_HEADING = "\n".join(
    [
        "Julian Assange: Sweden drops rape investigation",
        "By Jane Smith",
        "STOCKHOLM (Reuters) - Swedish prosecutors on Tuesday dropped their investigation into a rape allegation "
        "against WikiLeaks founder Julian Assange, saying the evidence had weakened over the years.",
        "Deputy chief prosecutor Eva-Marie Persson said the complainant's account was credible but that witnesses' "
        "memories had faded since the alleged attack in 2010.",
        '"I would like to emphasise that the injured party has submitted a credible and reliable version of events," '
        "she told reporters in Stockholm.",
        "Mr Assange, who has always denied the allegation, is serving a 50-week sentence in Belmarsh prison in London "
        "for skipping bail.",
        "He also faces extradition to the United States, where he is charged under the Espionage Act over the "
        "publication of classified documents.",
    ]
)


@pytest.mark.parametrize("count", [1, 2, 3])
def test_a_heading_left_in_the_text_never_opens_the_summary(extractive: Any, count: int) -> None:
    # the code before issue #14 opened every one of these summaries with the heading
    title = "Julian Assange: Sweden drops rape investigation - BBC News"
    summary = in_article_order(extractive.summarize(PAGE_WITH_ITS_HEADING, count, title=title))
    assert len(summary) == count
    assert summary[0].startswith("Swedish prosecutors on Tuesday dropped")  # the lead, its dateline cut
    assert not {"Julian Assange: Sweden drops rape investigation", "By Jane Smith"} & set(summary)
    assert all(bullet in PAGE_WITH_ITS_HEADING for bullet in summary)


LEAD = (
    "Police in the West Yorkshire city of Leeds said late on Tuesday evening that detectives who have spent the past "
    "two months investigating a long series of night-time burglaries at small independent jewellery shops across the "
    "county had arrested three men and a woman in dawn raids at four addresses in Harehills and Chapeltown and were "
    "still questioning all four of them at a police station in the city centre on Wednesday."
)
LEANING = (
    "This comes after jewellery shop owners in Leeds complained that the burglaries of their shops had gone unsolved "
    "for weeks."
)


def test_an_opening_that_leans_on_the_lead_gives_way_to_the_lead(extractive: Any) -> None:
    text = "\n".join(
        [
            LEAD,
            LEANING,
            "Jewellery shop owners in Leeds said the burglaries had cost them more than £200,000 in stolen watches "
            "and rings.",
            "The shops' association said its members would reopen on Saturday with new alarms.",
            "Officers recovered stolen watches and rings from a garage in Harehills.",
        ]
    )
    title = "Jewellery shop burglaries: arrests in Leeds"
    assert in_article_order(extractive.summarize(text, 1, title=title)) == [LEAD]  # the code before chose LEANING
    assert in_article_order(extractive.summarize(text, 2, title=title)) == [LEAD, LEANING]
