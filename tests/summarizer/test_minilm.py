"""Our MiniLM forward pass against transformers' BertModel on the same weights: the same embeddings."""

from __future__ import annotations

from typing import Any

import numpy as np

from summarizer.embeddings import MAX_TOKENS, bundled_model_path
from summarizer.sentences import split_sentences


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


def test_the_encoder_gives_transformers_embeddings_on_the_sample(encoder: Any, seed_text: str) -> None:
    texts = [s.text for s in split_sentences(seed_text.splitlines())]
    texts += ["", "Ü", "word " * 400]  # empty, one odd character, longer than the model's 256 tokens
    ours = encoder.encode(texts)
    assert ours.shape == (len(texts), 384) and ours.dtype == np.float32
    assert np.abs(ours - reference(texts)).max() < 1e-5


def test_batches_of_sorted_lengths_keep_the_order_given(encoder: Any) -> None:
    texts = ["A much longer sentence about troops in Iraq and Syria, with many words.", "Short.", "Middle one here."]
    together = encoder.encode(texts, batch_size=2)
    alone = np.stack([encoder.encode([text])[0] for text in texts])
    assert np.abs(together - alone).max() < 1e-5
