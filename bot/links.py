"""Finding the links in a Telegram message: URL entities, hidden text links, and bare URLs in plain text.

Everything here is untrusted: a ``text_link`` entity's URL is whatever the sender's client put there
(``/proc/self/environ``, ``file:///etc/passwd``, ``tg://…``). Only absolute http(s) URLs with a host, parsed
here, ever leave this module; the rest are counted as refused so the user hears why nothing happened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from telegram import Message, MessageEntity
from yarl import URL

__all__ = ["Links", "find_links", "mentions_bot", "vet_link"]

_BARE_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}»”’'\""
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)  # "example.com:8080/a" has a port, not a scheme
MAX_LINK_CHARS = 4000  # a message holds 4,096 characters; tracking parameters make real links long


@dataclass(slots=True)
class Links:
    """The vetted links of a message, in order, and how many others it carried that cannot be read."""

    urls: list[str] = field(default_factory=list)
    refused: int = 0


def vet_link(raw: str, *, bare: bool = False) -> str | None:
    """The link as an absolute http(s) URL, or None. ``bare`` text ("example.com/a") may omit its scheme."""
    raw = raw.strip()
    if not raw or len(raw) > MAX_LINK_CHARS or any(ord(char) < 32 for char in raw):
        return None
    if bare and not _SCHEME.match(raw) and not raw.startswith(("/", "\\", ".")):
        raw = f"http://{raw}"
    try:
        url = URL(raw)
    except ValueError:
        return None
    if not url.is_absolute() or url.scheme.lower() not in ("http", "https") or not url.host:
        return None
    return str(url)


def find_links(message: Message) -> Links:
    """Links in order of appearance, without duplicates; anything but http(s) is refused, never passed on."""
    candidates: list[str | None] = []
    entities = message.parse_entities([MessageEntity.URL, MessageEntity.TEXT_LINK])
    entities |= message.parse_caption_entities([MessageEntity.URL, MessageEntity.TEXT_LINK])
    for entity, text in sorted(entities.items(), key=lambda item: item[0].offset):
        if entity.type == MessageEntity.TEXT_LINK:
            candidates.append(vet_link(entity.url or ""))
        else:
            candidates.append(vet_link(text, bare=True))
    if not candidates:  # messages built without entities (forwarded text, some clients)
        text = message.text or message.caption or ""
        candidates = [vet_link(match.group(0).rstrip(_TRAILING)) for match in _BARE_URL.finditer(text)]
    urls = [url for url in candidates if url is not None]
    return Links(urls=list(dict.fromkeys(urls)), refused=len(candidates) - len(urls))


def mentions_bot(message: Message, username: str | None) -> bool:
    """True when a group message is addressed to the bot: an @mention of it, or a reply to it."""
    replied = message.reply_to_message
    if replied and replied.from_user and username and replied.from_user.username == username:
        return True
    if not username:
        return False
    mentions = message.parse_entities([MessageEntity.MENTION])
    return any(text.lstrip("@").casefold() == username.casefold() for text in mentions.values())
