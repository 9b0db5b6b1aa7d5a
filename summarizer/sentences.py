"""Sentence splitting that works offline (sentencex rules, no NLTK downloads), paragraph by paragraph."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sentencex import segment

logger = logging.getLogger(__name__)

__all__ = ["Sentence", "split_sentences"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence and where it stands: ``index`` over the article, ``paragraph`` it belongs to."""

    text: str
    index: int
    paragraph: int


def split_sentences(paragraphs: list[str], language: str | None = "en") -> list[Sentence]:
    """Split each paragraph on its own, so a sentence never spans two paragraphs."""
    sentences: list[Sentence] = []
    for number, paragraph in enumerate(paragraphs):
        for piece in segment(language or "en", paragraph):
            text = piece.strip()
            if text:
                sentences.append(Sentence(text=text, index=len(sentences), paragraph=number))
    return sentences
