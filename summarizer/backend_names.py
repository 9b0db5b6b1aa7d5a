"""The summariser backends by name, each with the class that implements it, spelled as strings.

The settings validate ``summarizer.backend`` against these names and ``summarizer.backends`` builds from them;
it lives apart from both so that neither imports the other, and so that checking a config loads no model.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = ["BACKENDS"]

BACKENDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "abstractive": "summarizer.backends.abstractive:AbstractiveBackend",
        "extractive": "summarizer.backends.extractive:ExtractiveBackend",
        "textrank": "summarizer.backends.textrank:TextRankBackend",
    }
)
