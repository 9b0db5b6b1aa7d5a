"""The lines of a text as the facts read them: hard-wrapped paragraphs joined again, and the heading a list row
stands under."""

from __future__ import annotations

import re

__all__ = ["heading_of", "is_row", "unwrapped"]

_WRAPPED = re.compile(r"^[a-z(]|^\d")


def unwrapped(lines: list[str]) -> list[str]:
    """Paragraphs hard-wrapped at a fixed width ("The Pentagon planned to reduce the number of American troops to /
    about 110,000 by mid-2004.") joined again, so a sentence is read whole. A line joins the one before when that
    one ends mid-sentence and it goes on in lower case; list rows and headings start upper case and stay apart."""
    joined: list[str] = []
    target = -1  # the line the next continuation would join
    for line in lines:
        previous = joined[target].rstrip() if target >= 0 else ""
        if previous and previous[-1] not in '.:;!?"”’)' and _WRAPPED.match(line.lstrip()) and not _BULLETED.match(line):
            joined[target] = f"{previous} {line.strip()}"
            joined.append("")  # keep line numbers: a list row's line still names the same row
        else:
            joined.append(line)
            target = len(joined) - 1
    return joined


_BULLETED = re.compile(r"^\s*(?:[-–—•*_·]|\d{1,2}[.)]\s)")


def is_row(line: str) -> bool:
    """A short line that reads as a list or table row, not as prose."""
    stripped = line.strip()
    return 0 < len(stripped) < 160 and ("|" in stripped or not stripped.endswith(".") or ":" in stripped[:40])


MAX_HEADING = 200  # characters of a heading read: a longer "heading" is prose, and each of its words costs


def heading_of(lines: list[str], number: int) -> str:
    """The line that introduces the list a row belongs to ("The main contributors:") or its table's header row;
    "" for prose, and for a row under anything else."""
    if not is_row(lines[number]):
        return ""
    for back in range(number - 1, max(-1, number - 60), -1):
        line = lines[back].strip()
        if not line:
            continue  # a blank line between rows, or one a wrapped paragraph was joined from
        if line.endswith(":") or ("|" in line and (back == 0 or "|" not in lines[back - 1])):
            return line[:MAX_HEADING]
        if not is_row(line):
            return ""
    return ""
