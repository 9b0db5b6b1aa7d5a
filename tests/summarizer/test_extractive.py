"""The default backend, on the real bundled model."""

from pathlib import Path
from typing import Any

import pytest

from summarizer.backends import RankedSentence
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
