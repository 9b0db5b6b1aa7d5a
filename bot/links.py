"""Finding the links in a Telegram message: URL entities, hidden text links, and bare URLs in plain text."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity

__all__ = ["find_links", "mentions_bot"]

_BARE_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}»”’'\""


def _with_scheme(url: str) -> str:
    return url if re.match(r"^[a-z][a-z0-9+.-]*://", url, re.IGNORECASE) else f"http://{url}"


def find_links(message: Message) -> list[str]:
    """Links in order of appearance, without duplicates."""
    found: list[str] = []
    entities = message.parse_entities([MessageEntity.URL, MessageEntity.TEXT_LINK])
    entities |= message.parse_caption_entities([MessageEntity.URL, MessageEntity.TEXT_LINK])
    for entity, text in sorted(entities.items(), key=lambda item: item[0].offset):
        found.append(entity.url if entity.type == MessageEntity.TEXT_LINK and entity.url else _with_scheme(text))
    if not found:  # messages built without entities (forwarded text, some clients)
        text = message.text or message.caption or ""
        found = [match.group(0).rstrip(_TRAILING) for match in _BARE_URL.finditer(text)]
    return list(dict.fromkeys(found))


def mentions_bot(message: Message, username: str | None) -> bool:
    """True when a group message is addressed to the bot: an @mention of it, or a reply to it."""
    replied = message.reply_to_message
    if replied and replied.from_user and username and replied.from_user.username == username:
        return True
    if not username:
        return False
    mentions = message.parse_entities([MessageEntity.MENTION])
    return any(text.lstrip("@").casefold() == username.casefold() for text in mentions.values())
