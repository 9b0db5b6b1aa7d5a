"""The all-MiniLM-L6-v2 network: a 6-layer BERT encoder, its forward pass written out in torch.

Why not ``transformers.AutoModel``: importing transformers' BERT pulls in torch's compiler and distributed
packages, two seconds of a command-line run that needs none of them. These forty lines compute the same
numbers (the tests compare both to 1e-5) from the same safetensors file, with the same parameter names.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import functional

__all__ = ["MiniLM"]


class _Attention(nn.Module):
    def __init__(self, hidden: int, heads: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = (
            nn.Linear(hidden, hidden),
            nn.Linear(hidden, hidden),
            nn.Linear(hidden, hidden),
        )
        self.dense = nn.Linear(hidden, hidden)
        self.norm = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: Tensor, mask: Tensor) -> Tensor:
        batch, length, hidden = x.shape

        def split(projected: Tensor) -> Tensor:
            return projected.view(batch, length, self.heads, hidden // self.heads).transpose(1, 2)

        attended = functional.scaled_dot_product_attention(
            split(self.query(x)), split(self.key(x)), split(self.value(x)), attn_mask=mask
        )
        return self.norm(x + self.dense(attended.transpose(1, 2).reshape(batch, length, hidden)))


class _Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, intermediate: int, eps: float) -> None:
        super().__init__()
        self.attention = _Attention(hidden, heads, eps)
        self.up, self.down = nn.Linear(hidden, intermediate), nn.Linear(intermediate, hidden)
        self.norm = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: Tensor, mask: Tensor) -> Tensor:
        x = self.attention(x, mask)
        return self.norm(x + self.down(functional.gelu(self.up(x))))


class MiniLM(nn.Module):
    """BERT as configured in the model folder's config.json: embeddings, then the layers; last hidden states."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        hidden, eps = config["hidden_size"], config["layer_norm_eps"]
        self.words = nn.Embedding(config["vocab_size"], hidden)
        self.positions = nn.Embedding(config["max_position_embeddings"], hidden)
        self.types = nn.Embedding(config["type_vocab_size"], hidden)
        self.norm = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(
            _Layer(hidden, config["num_attention_heads"], config["intermediate_size"], eps)
            for _ in range(config["num_hidden_layers"])
        )
        self.hidden_size = hidden

    @classmethod
    def load(cls, folder: Path, weights: Path) -> MiniLM:
        from safetensors.torch import load_file

        model = cls(json.loads((folder / "config.json").read_text("utf-8")))
        model.load_state_dict(_renamed(load_file(str(weights))))
        return model.eval()

    def forward(self, ids: Tensor, attention: Tensor) -> Tensor:
        """``ids`` and ``attention`` (1 for a token, 0 for padding), both (batch, length)."""
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.norm(self.words(ids) + self.positions(positions) + self.types.weight[0])
        mask = attention[:, None, None, :].bool()  # padding is never attended to
        for layer in self.layers:
            x = layer(x, mask)
        return x


_NAMES = [  # the checkpoint's names (BertModel's) → ours
    ("embeddings.word_embeddings.", "words."),
    ("embeddings.position_embeddings.", "positions."),
    ("embeddings.token_type_embeddings.", "types."),
    ("embeddings.LayerNorm.", "norm."),
    ("encoder.layer.", "layers."),
    (".attention.self.", ".attention."),
    (".attention.output.dense.", ".attention.dense."),
    (".attention.output.LayerNorm.", ".attention.norm."),
    (".intermediate.dense.", ".up."),
    (".output.dense.", ".down."),
    (".output.LayerNorm.", ".norm."),
]


def _renamed(state: dict[str, Tensor]) -> dict[str, Tensor]:
    renamed = {}
    for name, tensor in state.items():
        if name.startswith("pooler.") or name.endswith("position_ids"):  # unused by mean pooling / recomputed
            continue
        for old, new in _NAMES:
            name = name.replace(old, new)
        renamed[name] = tensor
    return renamed
