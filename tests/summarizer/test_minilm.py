"""Our MiniLM forward passes (torch, numpy) against transformers' BertModel on the same weights: the same
embeddings; and the torch batches, cut by tokens, never change a text's vector."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from summarizer.embeddings import MAX_TOKENS, SentenceEncoder, bundled_model_path, length_batches
from summarizer.sentences import split_sentences


@pytest.fixture(scope="module")
def numpy_encoder() -> SentenceEncoder:
    return SentenceEncoder(runtime="numpy")


def reference(texts: list[str]) -> np.ndarray:
    """What the encoder gave before: transformers' tokenizer and BertModel, mean-pooled, normalised."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    folder = bundled_model_path()
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModel.from_pretrained(folder, local_files_only=True, use_safetensors=True).eval()
    with torch.inference_mode():
        batch = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        return torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1).numpy()


@pytest.mark.parametrize("runtime", ["torch", "numpy"])
def test_the_encoder_gives_transformers_embeddings_on_the_sample(
    runtime: str, encoder: Any, numpy_encoder: SentenceEncoder, seed_text: str
) -> None:
    chosen = encoder if runtime == "torch" else numpy_encoder
    assert chosen.runtime == runtime
    texts = [s.text for s in split_sentences(seed_text.splitlines())]
    texts += ["", "Ü", "word " * 400]  # empty, one odd character, longer than the model's 256 tokens
    ours = chosen.encode(texts)
    assert ours.shape == (len(texts), 384) and ours.dtype == np.float32
    assert np.abs(ours - reference(texts)).max() < 1e-5


def test_batches_of_sorted_lengths_keep_the_order_given(encoder: Any, numpy_encoder: SentenceEncoder) -> None:
    texts = ["A much longer sentence about troops in Iraq and Syria, with many words.", "Short.", "Middle one here."]
    alone = np.stack([encoder.encode([text])[0] for text in texts])
    for together in (encoder.encode(texts, batch_tokens=20), numpy_encoder.encode(texts)):
        assert np.abs(together - alone).max() < 1e-5


def test_batches_are_cut_by_padded_tokens_shortest_first() -> None:
    lengths = [40, 10, 12, 11, 76, 39]
    assert length_batches(lengths, 64) == [[1, 3, 2], [5], [0], [4]]  # 3 x 12 = 36 fits; 4 x 39 would not
    assert length_batches(lengths, 400) == [[1, 3, 2, 5, 0], [4]]  # 6 x 76 = 456 would not
    assert length_batches(lengths, 1) == [[1], [3], [2], [5], [0], [4]]  # a text longer than the budget goes alone
    assert length_batches([], 512) == []


def test_a_numpy_encoder_moves_to_a_device_as_torch(numpy_encoder: SentenceEncoder, encoder: Any) -> None:
    """The GPU guard's copy (here on the CPU): a torch network, the same vectors, the same tokenizer."""
    moved = numpy_encoder.on("cpu")
    assert moved.runtime == "torch" and numpy_encoder.runtime == "numpy"
    assert moved.tokenizer is numpy_encoder.tokenizer
    texts = ["Germany has 130 soldiers in Iraq.", "Sweden 70."]
    assert np.abs(moved.encode(texts) - numpy_encoder.encode(texts)).max() < 1e-5


def test_an_empty_sequence_is_refused_not_pooled_from_its_neighbour(numpy_encoder: SentenceEncoder) -> None:
    with pytest.raises(ValueError, match="at least one token"):
        numpy_encoder.model.pooled([[101, 102], []])
