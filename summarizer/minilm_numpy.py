"""The all-MiniLM-L6-v2 network in numpy, for a process that embeds one article and exits.

Why a second forward pass: ``import torch`` costs 1.6 s on a 2-core machine, half of a ``newsbot summarize`` run
whose model work takes 0.1 s. numpy is loaded anyway. On one article it is as fast as torch, on the batches a
busy bot makes 1.3-2x slower (bench/encoder.py), so a long-running bot or worker keeps ``summarizer.minilm``; both
give transformers' numbers (the tests compare to 1e-5).

Texts are packed, not padded: every position-wise step (projections, feed-forward, norms) runs once over all
tokens of all texts, and only attention runs per text.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["NumpyMiniLM"]

_SQRT_HALF = np.float32(np.sqrt(0.5))


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7 in float64, ~5e-7 in float32): numpy has no erf, and GELU
    needs the exact one (a tanh GELU moves the embeddings by ~3e-4)."""
    magnitude = np.abs(x)
    t = 1.0 / (1.0 + np.float32(0.3275911) * magnitude)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.copysign(1.0 - poly * np.exp(-magnitude * magnitude), x)


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * _SQRT_HALF))


def _layer_norm(x: np.ndarray, norm: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    weight, bias = norm
    centred = x - x.mean(-1, keepdims=True)
    return centred / np.sqrt((centred * centred).mean(-1, keepdims=True) + np.float32(eps)) * weight + bias


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = np.exp(scores - scores.max(-1, keepdims=True))
    return scores / scores.sum(-1, keepdims=True)


class NumpyMiniLM:
    """BERT as configured in the model folder's config.json; ``pooled`` gives mean-pooled last hidden states."""

    def __init__(self, config: dict[str, Any], state: dict[str, np.ndarray]) -> None:
        self.hidden_size: int = config["hidden_size"]
        self.heads: int = config["num_attention_heads"]
        self.eps: float = config["layer_norm_eps"]
        self.words = state["embeddings.word_embeddings.weight"]
        self.positions = state["embeddings.position_embeddings.weight"]
        self.type_zero = state["embeddings.token_type_embeddings.weight"][0]
        self.norm = (state["embeddings.LayerNorm.weight"], state["embeddings.LayerNorm.bias"])
        self.layers = [_layer(state, f"encoder.layer.{i}.") for i in range(config["num_hidden_layers"])]

    @classmethod
    def load(cls, folder: Path, weights: Path) -> NumpyMiniLM:
        from safetensors.numpy import load_file

        return cls(json.loads((folder / "config.json").read_text("utf-8")), load_file(str(weights)))

    def pooled(self, sequences: list[list[int]]) -> np.ndarray:
        """One mean-pooled row per sequence of token ids (the tokenizer gives each at least [CLS] and [SEP])."""
        lengths = [len(ids) for ids in sequences]
        if not lengths or not all(lengths):  # an empty one would silently pool its neighbour's first token
            raise ValueError("every sequence needs at least one token")
        bounds = np.cumsum([0, *lengths])
        positions = np.concatenate([np.arange(length) for length in lengths])
        x = self.words[np.concatenate(sequences)] + self.positions[positions] + self.type_zero
        x = _layer_norm(x, self.norm, self.eps)
        for layer in self.layers:
            x = self._layer(layer, x, bounds)
        return np.add.reduceat(x, bounds[:-1], axis=0) / np.asarray(lengths, dtype=np.float32)[:, None]

    def _layer(self, layer: dict[str, Any], x: np.ndarray, bounds: np.ndarray) -> np.ndarray:
        heads, width = self.heads, self.hidden_size // self.heads
        qkv = x @ layer["qkv_weight"] + layer["qkv_bias"]
        attended = np.empty_like(x)
        scale = np.float32(1 / np.sqrt(width))
        for start, end in itertools.pairwise(bounds):  # attention stays within each text
            query, key, value = qkv[start:end].reshape(end - start, 3, heads, width).transpose(1, 2, 0, 3)
            weights = _softmax((query @ key.transpose(0, 2, 1)) * scale)
            attended[start:end] = (weights @ value).transpose(1, 0, 2).reshape(end - start, self.hidden_size)
        x = _layer_norm(x + attended @ layer["out_weight"] + layer["out_bias"], layer["attention_norm"], self.eps)
        hidden = _gelu(x @ layer["up_weight"] + layer["up_bias"])
        return _layer_norm(x + hidden @ layer["down_weight"] + layer["down_bias"], layer["norm"], self.eps)


def _layer(state: dict[str, np.ndarray], prefix: str) -> dict[str, Any]:
    """One layer's weights, transposed once for ``x @ weight`` and with query, key and value in one matrix."""

    def weight(name: str) -> np.ndarray:
        return np.ascontiguousarray(state[f"{prefix}{name}.weight"].T)

    parts = ("attention.self.query", "attention.self.key", "attention.self.value")
    return {
        "qkv_weight": np.concatenate([weight(part) for part in parts], axis=1),
        "qkv_bias": np.concatenate([state[f"{prefix}{part}.bias"] for part in parts]),
        "out_weight": weight("attention.output.dense"),
        "out_bias": state[f"{prefix}attention.output.dense.bias"],
        "attention_norm": (
            state[f"{prefix}attention.output.LayerNorm.weight"],
            state[f"{prefix}attention.output.LayerNorm.bias"],
        ),
        "up_weight": weight("intermediate.dense"),
        "up_bias": state[f"{prefix}intermediate.dense.bias"],
        "down_weight": weight("output.dense"),
        "down_bias": state[f"{prefix}output.dense.bias"],
        "norm": (state[f"{prefix}output.LayerNorm.weight"], state[f"{prefix}output.LayerNorm.bias"]),
    }
