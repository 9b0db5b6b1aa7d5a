"""What makes two links one page: the scheme and host checked, tracking parameters and the fragment dropped.

Every cache key, sent-history entry and digest de-duplication goes through ``canonical_url``, so one story has
one key whichever newsletter or share button the link came from.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["canonical_url", "is_url"]


def is_url(source: str) -> bool:
    """A web link, as opposed to a file name or ``-`` (the command line accepts all three)."""
    return source.lower().startswith(("http://", "https://"))


_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ref|ref_src|igshid|smid)$", re.I)


def canonical_url(url: str | None) -> str | None:
    """The URL without tracking parameters and fragment, so one story has one cache key."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", query, ""))
