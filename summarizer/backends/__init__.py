"""Summariser backends: one small contract and a name → factory registry that the config selects from.

A backend takes clean article text and returns the sentences it picks, best first; it never fetches or
formats. Factories are imported lazily so that choosing a backend never loads another one's model.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from summarizer.backend_names import BACKENDS

if TYPE_CHECKING:
    from summarizer.embeddings import SentenceEncoder
    from summarizer.settings import SummarizerConfig

logger = logging.getLogger(__name__)

__all__ = [
    "Backend",
    "BackendError",
    "RankedSentence",
    "available_backends",
    "create_backend",
    "in_article_order",
    "summarize_each",
]


@dataclass(frozen=True, slots=True)
class RankedSentence:
    """A summary sentence: its text, its position in the article (None if generated) and its score."""

    text: str
    index: int | None
    score: float


def in_article_order(ranked: list[RankedSentence]) -> list[str]:
    """Chosen sentences as the reader meets them in the article; generated ones keep their own order, last."""
    return [s.text for s in sorted(ranked, key=lambda s: (s.index is None, s.index or 0))]


class Backend(Protocol):
    name: str

    def summarize(self, text: str, count: int, *, title: str | None = None) -> list[RankedSentence]:
        """Pick or write ``count`` sentences for the article, best first."""
        ...

    def summarize_many(
        self, texts: list[str], count: int, *, titles: list[str | None] | None = None
    ) -> list[list[RankedSentence]]:
        """Several articles at once (digests): a backend that batches its model work does it here."""
        ...


def summarize_each(
    backend: Backend, texts: list[str], count: int, titles: list[str | None] | None
) -> list[list[RankedSentence]]:
    """``summarize_many`` for a backend with nothing to batch: one article after another."""
    titles = titles or [None] * len(texts)
    return [backend.summarize(text, count, title=title) for text, title in zip(texts, titles, strict=True)]


class BackendError(RuntimeError):
    """A backend cannot be created (missing model, bad path); the message is one line for the user."""


_REGISTRY = BACKENDS  # name -> "module:Class", kept in summarizer.backend_names for the settings to read too


def available_backends() -> list[str]:
    return sorted(_REGISTRY)


def _instantiate(config: SummarizerConfig, encoder: SentenceEncoder | None) -> Backend:
    module_name, _, class_name = _REGISTRY[config.backend].partition(":")
    factory = getattr(importlib.import_module(module_name), class_name)
    backend: Backend = factory(config, encoder=encoder)
    return backend


def create_backend(config: SummarizerConfig, encoder: SentenceEncoder | None = None) -> Backend:
    """Instantiate the configured backend (loads its model). ``encoder`` is the pipeline's sentence encoder,
    which a backend that embeds sentences uses rather than loading a second copy.

    A backend whose model cannot be loaded raises BackendError (one line); with ``summarizer.fallback`` the
    embedded extractive backend is used instead, and the reason is logged once.
    """
    try:
        return _instantiate(config, encoder)
    except BackendError as error:
        if not config.fallback or config.backend == "extractive":
            raise
        logger.warning("%s; using the extractive backend instead (summarizer.fallback = true)", error)
        return _instantiate(config.model_copy(update={"backend": "extractive", "model": ""}), encoder)
