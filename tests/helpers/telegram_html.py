"""Checks that a reply is HTML Telegram accepts: only its tags, balanced, attributes quoted, entities valid."""

from __future__ import annotations

from html.parser import HTMLParser

ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
           "blockquote", "span", "tg-emoji"}  # fmt: skip


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.errors.append(f"tag <{tag}> is not allowed")
        if tag == "a" and not dict(attrs).get("href"):
            self.errors.append("<a> without href")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close <{self.stack[-1] if self.stack else ''}>")
        else:
            self.stack.pop()


def html_errors(text: str) -> list[str]:
    checker = _Checker()
    checker.feed(text)
    checker.close()
    errors = checker.errors + [f"<{tag}> never closed" for tag in checker.stack]
    stripped = text
    for piece in ("&lt;", "&gt;", "&amp;", "&quot;"):
        stripped = stripped.replace(piece, "")
    if "<" not in text and ">" in stripped:
        errors.append("bare '>' outside tags")
    return errors
