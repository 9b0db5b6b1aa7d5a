"""Turning document bytes into text: declared charset, then the page's own meta tag, then detection."""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

logger = logging.getLogger(__name__)

__all__ = ["decode_document", "looks_like_html"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|article|div|p)\b",
    re.IGNORECASE | re.DOTALL,
)
DETECTION_MIN_BYTES = 512
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def looks_binary(body: bytes) -> bool:
    """An executable, image, PDF or archive rather than text: NUL bytes, or many control bytes, near the start."""
    head = body[:8192]
    if head.startswith(tuple(bom for bom, _codec in _BOMS)):  # UTF-16/32 text is full of NUL bytes
        return False
    if b"\x00" in head:
        return True
    control = sum(byte < 32 and byte not in b"\t\n\r\f\x1b" for byte in head)
    return control > len(head) * 0.05


def looks_like_html(body: bytes) -> bool:
    """Sniff the start of a body, for responses and files that do not say what they are."""
    return bool(_HTML_START.match(body[:2048]))


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        logger.info("ignoring unknown charset %r", name)
        return None


def _single_byte(codec: str) -> bool:
    """Latin-1, windows-125x and the like: a declaration mislabelled servers often send for UTF-8 pages."""
    return codec.startswith(("iso8859", "cp125", "ascii", "mac-", "koi8", "cp437", "cp850"))


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeError, LookupError):  # "charset=undefined" raises a bare UnicodeError, not a decode error
        return None


def decode_document(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return ``(text, codec)``. A declared charset that does not fit the bytes is not trusted."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace"), codec
    meta = _META_CHARSET.search(body[:4096])
    candidates = [_known_codec(declared), _known_codec(meta.group(1).decode("ascii") if meta else None)]
    if any(codec and _single_byte(codec) for codec in candidates) and not body.isascii():
        text = _strict(body, "utf-8")  # multi-byte UTF-8 that fits is never an accident of a single-byte page
        if text is not None:
            return text, "utf-8"
    for codec in filter(None, candidates):
        text = _strict(body, codec)
        if text is not None:
            return text, codec
    text = _strict(body, "utf-8")
    if text is not None:
        return text, "utf-8"
    if len(body) >= DETECTION_MIN_BYTES:  # detection needs a few sentences to be right
        best = from_bytes(body[:200_000]).best()
        if best is not None and best.encoding:
            return body.decode(best.encoding, errors="replace"), best.encoding
    # What browsers assume for undeclared legacy pages: windows-1252, which decodes nearly any byte.
    return body.decode("cp1252", errors="replace"), "cp1252"
