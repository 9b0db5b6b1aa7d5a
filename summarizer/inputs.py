"""What a user hands the pipeline: a URL (through the safe fetcher), a local file, or standard input.

Not to be confused with ``feeds.Source``, a news source a digest searches."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

from summarizer.encoding import decode_document, looks_binary, looks_like_html
from summarizer.errors import ErrorKind, PipelineError
from summarizer.fetch import Fetcher
from summarizer.urls import is_url

logger = logging.getLogger(__name__)

__all__ = ["Document", "load_document"]

MAX_FILE_BYTES = 20_000_000


@dataclass(frozen=True, slots=True)
class Document:
    """Raw text of a source before cleaning."""

    source: str
    text: str
    is_html: bool
    url: str | None
    load_ms: float


def _read_bytes(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    path = Path(source)
    if path.is_dir():
        raise PipelineError(ErrorKind.BAD_INPUT, f"{source} is a folder, not a file")
    if not path.is_file():
        raise PipelineError(ErrorKind.BAD_INPUT, f"No such file: {source}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise PipelineError(ErrorKind.BAD_INPUT, f"File too large: {source}")
    return path.read_bytes()


def _is_html_file(source: str, body: bytes) -> bool:
    suffix = Path(source).suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return True
    if suffix == ".txt":
        return False
    return looks_like_html(body)


async def load_document(
    source: str, fetcher: Fetcher | None, *, local_files: bool = False, owner: Hashable | None = None
) -> Document:
    """Fetch or read a source; raises PipelineError with a one-line reason.

    Files are read only with ``local_files`` (the command line, where the user owns the machine); the bot
    never sets it, and its refusal is the same words whether or not such a path exists.
    """
    started = time.perf_counter()
    if is_url(source):
        if fetcher is None:
            raise PipelineError(ErrorKind.INVALID_URL, "Links cannot be read here.")
        page = await fetcher.fetch(source, owner=owner)
        return Document(source, page.text, page.is_html, page.url, page.elapsed_ms)
    if "://" in source or not local_files:
        raise PipelineError(ErrorKind.UNSUPPORTED_SCHEME)
    body = await asyncio.to_thread(_read_bytes, source)
    if len(body) > MAX_FILE_BYTES:
        raise PipelineError(ErrorKind.BAD_INPUT, "Input too large.")
    if not body.strip():
        raise PipelineError(ErrorKind.BAD_INPUT, "The input is empty.")
    if looks_binary(body):
        raise PipelineError(ErrorKind.BAD_INPUT, "Not a text or HTML file.")
    text, _codec = decode_document(body)
    elapsed = (time.perf_counter() - started) * 1000
    return Document(source, text, _is_html_file(source, body), None, elapsed)
