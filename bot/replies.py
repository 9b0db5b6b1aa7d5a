"""What the bot says: Telegram HTML, everything escaped, never over Telegram's 4,096 characters.

Replies are built from whole lines of finished HTML. Shortening drops or trims lines of plain text before
they are escaped and wrapped, so a cut can never fall inside a tag or an entity.
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from summarizer.aggregate import flag, group_facts
from summarizer.errors import FetchErrorKind, PipelineError
from summarizer.pipeline import Result
from summarizer.topics import Digest, Story

__all__ = [
    "HELP",
    "MAX_MESSAGE",
    "digest_html",
    "escape_text",
    "facts_html",
    "failure_line",
    "nothing_new_line",
    "reading_line",
    "summary_html",
    "summary_keyboard",
]

MAX_MESSAGE = 4096
MAX_FACT_LINES = 8

HELP = (
    "<b>newsbot</b> summarises news with a model running on its owner's machine.\n\n"
    "• Send a <b>link</b> (up to {max_links} per message) and get a short summary with the article's "
    "<b>key facts</b>: the figures it states, who they belong to, and where.\n"
    "• <b>Paste</b> an article's text to summarise it directly.\n"
    "• Write a <b>topic</b> (e.g. <i>Iraq troops</i>) or /topic &lt;words&gt; for the latest stories, "
    "de-duplicated across outlets.\n"
    "• /subscribe &lt;topic&gt; [at HH:MM] [every N h] [quiet] for digests; /subscriptions, /unsubscribe, "
    "/digest, /timezone.\n"
    "• In groups, use /summarize &lt;link&gt;, mention me, or reply to me.\n\n"
    "Buttons under a summary: <i>More</i> for a longer summary, <i>Facts</i> for every figure with the "
    "sentence it came from."
)


def escape_text(value: str) -> str:
    """Telegram HTML text: <, > and & escaped; quotes may stay as they are."""
    return escape(value, quote=False)


def _text(value: str, limit: int | None = None) -> str:
    if limit is not None and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return escape_text(value)


def _href(url: str) -> str:
    return escape(url, quote=True)


def _header(result: Result) -> list[str]:
    article = result.article
    title = _text(article.title or "Untitled article", 300)
    lines = [f'<b><a href="{_href(article.url)}">{title}</a></b>' if article.url else f"<b>{title}</b>"]
    meta = " · ".join(part for part in (article.site, article.published) if part)
    if meta:
        lines.append(f"<i>{_text(meta, 200)}</i>")
    return lines


def _fact_lines(result: Result) -> list[str]:
    lines = []
    for group in group_facts(result.facts):
        who = group.who or "Unattributed"
        marker = flag(group.country_code) or "•"
        lines.append(f"{marker} {_text(who)} — {_text(group.line(), 600)}")
    return lines


def _assemble(header: list[str], summary: list[str], facts: list[str], footer: list[str]) -> str:
    blocks = ["\n".join(header), "\n".join(f"• {s}" for s in summary)]
    if facts:
        blocks.append("<b>Key facts</b>\n" + "\n".join(facts))
    blocks.append("\n".join(footer))
    return "\n\n".join(block for block in blocks if block)


def summary_html(result: Result, limit: int = MAX_MESSAGE) -> str:
    """Title, site and date, the summary, key facts, the source link; shortened to fit ``limit``."""
    header = _header(result)
    summary = list(result.summary)
    facts = _fact_lines(result)
    hidden = max(0, len(facts) - MAX_FACT_LINES)
    facts = facts[:MAX_FACT_LINES]
    footer = [f'🔗 <a href="{_href(result.article.url)}">Source</a>'] if result.article.url else []
    if result.article.language not in (None, "en") and not facts:
        footer.insert(0, "<i>Key facts are only extracted from English articles for now.</i>")

    def render() -> str:
        more = [f"<i>… and {hidden} more: tap Facts.</i>"] if hidden else []
        return _assemble(header, [_text(s, 1000) for s in summary], facts + more, footer)

    html = render()
    while len(html) > limit and facts:  # the Facts button still shows them all
        facts.pop()
        hidden += 1
        html = render()
    while len(html) > limit and len(summary) > 1:
        summary.pop()
        html = render()
    if len(html) > limit:  # one enormous sentence: trim its plain text, then escape
        overflow = len(html) - limit + 1
        summary[0] = summary[0][: max(20, len(summary[0]) - overflow * 2)] + "…"
        html = render()
    return html if len(html) <= limit else html[: limit - 1]  # unreachable with the caps above


def facts_html(result: Result, limit: int = MAX_MESSAGE) -> str:
    """Every figure with the sentence it came from, as many as fit."""
    if not result.facts:
        if result.article.language not in (None, "en"):
            return "Key facts are only extracted from English articles for now."
        return "This article states no figures I could attribute."
    lines = ["<b>Key facts</b>"]
    for fact in result.facts:
        who = fact.who or "Unattributed"
        marker = flag(fact.country_code) or "•"
        entry = f"{marker} <b>{_text(who)}</b> — {_text(fact.quantity_text)} {_text(fact.unit)}"
        if fact.where:
            entry += f", {_text(fact.where)}"
        entry += f"\n<i>“{_text(fact.evidence, 700)}”</i>"
        if len("\n\n".join([*lines, entry])) > limit - 40:
            lines.append(f"<i>… {len(result.facts) - len(lines) + 1} more not shown.</i>")
            break
        lines.append(entry)
    return "\n\n".join(lines)


def _story_html(number: int, story: Story) -> str:
    outlets = story.outlets
    carried = f" · {_text(outlets[0])}" + (f" + {len(outlets) - 1} more outlet{'s' * (len(outlets) > 2)}"
                                           if len(outlets) > 1 else "")  # fmt: skip
    lines = [f'{number}. <b><a href="{_href(story.url)}">{_text(story.title, 200)}</a></b>{carried}']
    if story.summary:
        lines.append(_text(" ".join(story.summary), 600))
    figures = [f"{flag(g.country_code) or '•'} {_text(g.who or 'Unattributed')} — {_text(g.line(), 200)}"
               for g in group_facts(story.facts)][:3]  # fmt: skip
    lines += figures
    lines += [f"⚠️ Outlets differ: {_text(note, 300)}" for note in story.disagreements]
    return "\n".join(lines)


def digest_html(digest: Digest, subscription_id: int | None = None, limit: int = MAX_MESSAGE) -> str:
    """One message for a topic: numbered stories with links, summaries and key figures; fits ``limit``."""
    if not digest.stories:
        return f"I found no recent stories on <b>{_text(digest.topic, 100)}</b>."
    heading = f"📰 <b>{_text(digest.topic, 100)}</b>"
    if subscription_id is not None:
        heading += f" <i>(subscription #{subscription_id})</i>"
    stories = [_story_html(n, story) for n, story in enumerate(digest.stories, 1)]
    while len(stories) > 1 and len("\n\n".join([heading, *stories])) > limit:
        stories.pop()  # whole stories go; none is cut in the middle
    html = "\n\n".join([heading, *stories])
    return html if len(html) <= limit else html[:limit]  # one story over 4 KiB cannot happen with the caps above


def nothing_new_line(topic: str) -> str:
    return f"No new stories on <b>{_text(topic, 100)}</b> since the last digest."


def summary_keyboard(key: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("More", callback_data=f"more:{key}"),
                InlineKeyboardButton("Facts", callback_data=f"facts:{key}"),
            ]
        ]
    )


def reading_line(link: str, site: str | None) -> str:
    return f"Reading {_text(site or link, 100)}…"


_FAILURES = {
    FetchErrorKind.TIMEOUT: "⏱ The site took too long to answer. Try again later.",
    FetchErrorKind.BLOCKED: "🚫 That address is not allowed: it points to a private or local network.",
    FetchErrorKind.TOO_LARGE: "📦 That page is too large for me to read.",
    FetchErrorKind.UNREACHABLE: "🔌 I couldn't reach that site.",
}


def failure_line(error: PipelineError) -> str:
    """One friendly line for an expected failure."""
    if error.kind == "not_article":
        return "📰 I couldn't find an article on that page."
    return _text(_FAILURES.get(error.kind, error.message))  # type: ignore[call-overload]
