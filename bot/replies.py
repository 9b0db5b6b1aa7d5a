"""What the bot says: Telegram HTML, everything escaped, never over Telegram's 4,096 characters.

Replies are built from whole lines of finished HTML. Shortening drops or trims lines of plain text before
they are escaped and wrapped, so a cut can never fall inside a tag or an entity. Lengths are counted as
Telegram counts them, in UTF-16 code units (an emoji is two), over the HTML itself, which is never shorter
than the text Telegram measures. A link too long to be worth its room is shown without its address.
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from summarizer.aggregate import amount, flag, group_facts
from summarizer.errors import ErrorKind, PipelineError
from summarizer.pipeline import Result
from summarizer.topics import Digest, Story

__all__ = [
    "HELP",
    "MAX_MESSAGE",
    "digest_html",
    "digests_html",
    "escape_text",
    "facts_html",
    "failure_line",
    "nothing_new_line",
    "reading_line",
    "summary_html",
    "summary_keyboard",
    "utf16_len",
    "within_limit",
]

MAX_MESSAGE = 4096
MAX_FACT_LINES = 8
MAX_HREF = 1000  # longer addresses are not linked: two of them would leave no room for the summary

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


def utf16_len(value: str) -> int:
    """The length Telegram's limits count: UTF-16 code units."""
    return len(value.encode("utf-16-le")) // 2


def _linked(url: str | None, text_html: str) -> str:
    """``text_html`` linked to ``url``, or left plain when there is no usable address."""
    href = escape(url, quote=True) if url else ""
    if not href or len(href) > MAX_HREF:  # measured escaped: a path of quotes or ampersands grows fivefold
        return text_html
    return f'<a href="{href}">{text_html}</a>'


def within_limit(lines: list[str], limit: int = MAX_MESSAGE, separator: str = "\n") -> str:
    """Whole lines of finished HTML, as many as fit, then a note of how many were left out."""
    kept = list(lines)
    html = separator.join(kept)
    while utf16_len(html) > limit and kept:
        kept.pop()
        html = separator.join([*kept, f"<i>… {len(lines) - len(kept)} more not shown.</i>"])
    return html


def _header(result: Result) -> list[str]:
    article = result.article
    title = _text(article.title or "Untitled article", 300)
    lines = [f"<b>{_linked(article.url, title)}</b>"]
    meta = " · ".join(part for part in (article.site, article.published) if part)
    if meta:
        lines.append(f"<i>{_text(meta, 200)}</i>")
    return lines


def _fact_lines(result: Result, *, biggest_first: bool = False) -> list[str]:
    """One line per owner; for a long list (a factbox), the owners with the biggest figures come first."""
    groups = group_facts(result.facts)
    if biggest_first:
        groups.sort(key=lambda group: max((f.quantity or 0 for f in group.facts), default=0), reverse=True)
    lines = []
    for group in groups:
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
    facts = _fact_lines(result, biggest_first=len(group_facts(result.facts)) > MAX_FACT_LINES)
    hidden = max(0, len(facts) - MAX_FACT_LINES)
    facts = facts[:MAX_FACT_LINES]
    source = _linked(result.article.url, "Source")
    footer = [f"🔗 {source}"] if source != "Source" else []
    if result.article.language not in (None, "en") and not facts:
        footer.insert(0, "<i>Key facts are only extracted from English articles for now.</i>")

    def render() -> str:
        more = [f"<i>… and {hidden} more: tap Facts.</i>"] if hidden else []
        return _assemble(header, [_text(s, 1000) for s in summary], facts + more, footer)

    html = render()
    while utf16_len(html) > limit and facts:  # the Facts button still shows them all
        facts.pop()
        hidden += 1
        html = render()
    while utf16_len(html) > limit and len(summary) > 1:
        summary.pop()
        html = render()
    while utf16_len(html) > limit and summary and len(summary[0]) > 21:  # one enormous sentence: trim its text
        overflow = utf16_len(html) - limit + 1
        summary[0] = summary[0][: max(20, len(summary[0]) - overflow - 1)].rstrip("…") + "…"  # always shorter
        html = render()
    return html if utf16_len(html) <= limit else _bare(result, limit)


def _bare(result: Result, limit: int) -> str:
    """The last resort for a page whose title, site and address are all built to be huge: no links, no meta,
    shorter and shorter text until it fits (escaping can make each character five)."""
    for size in (600, 300, 120, 40):
        lines = [f"<b>{_text(result.article.title or 'Untitled article', size // 3)}</b>", ""]
        lines += [f"• {_text(sentence, size)}" for sentence in result.summary[:3]]
        html = "\n".join(lines)
        if utf16_len(html) <= limit:
            return html
    return "<b>Summary</b>"


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
        figure = amount(fact) if fact.category == "money" else f"{fact.quantity_text} {fact.unit}"  # "$683bn": a
        entry = f"{marker} <b>{_text(who)}</b> — {_text(figure)}"  # table's "683" under "Billions of dollars"
        if fact.where:
            entry += f", {_text(fact.where)}"
        entry += f"\n<i>“{_text(fact.evidence, 700)}”</i>"
        if utf16_len("\n\n".join([*lines, entry])) > limit - 40:
            lines.append(f"<i>… {len(result.facts) - len(lines) + 1} more not shown.</i>")
            break
        lines.append(entry)
    return "\n\n".join(lines)


def _story_lines(number: int, story: Story) -> list[str]:
    outlets = story.outlets
    carried = f" · {_text(outlets[0])}" + (
        f" + {len(outlets) - 1} more outlet{'s' * (len(outlets) > 2)}" if len(outlets) > 1 else ""
    )
    lines = [f"{number}. <b>{_linked(story.url, _text(story.title, 200))}</b>{carried}"]
    if story.summary:
        lines.append(_text(" ".join(story.summary), 600))
    figures = [
        f"{flag(g.country_code) or '•'} {_text(g.who or 'Unattributed')} — {_text(g.line(), 200)}"
        for g in group_facts(story.facts)
    ][:3]
    lines += figures
    lines += [f"⚠️ Outlets differ: {_text(note, 300)}" for note in story.disagreements[:3]]
    return lines


def digest_html(digest: Digest, subscription_id: int | None = None, limit: int = MAX_MESSAGE) -> str:
    """One message for a topic: numbered stories with links, summaries and key figures; fits ``limit``."""
    if not digest.stories:
        return f"I found no recent stories on <b>{_text(digest.topic, 100)}</b>."
    heading = f"📰 <b>{_text(digest.topic, 100)}</b>"
    if subscription_id is not None:
        heading += f" <i>(subscription #{subscription_id})</i>"
    stories = ["\n".join(_story_lines(n, story)) for n, story in enumerate(digest.stories, 1)]
    while len(stories) > 1 and utf16_len("\n\n".join([heading, *stories])) > limit:
        stories.pop()  # whole stories go; none is cut in the middle
    html = "\n\n".join([heading, *stories])
    if utf16_len(html) > limit:  # one story of text full of entities (&amp; is five): its lines, as many as fit
        html = within_limit([heading, "", *_story_lines(1, digest.stories[0])], limit)
    return html


def digests_html(sections: list[tuple[Digest, int]], limit: int = MAX_MESSAGE) -> str:
    """One message for several subscriptions due together: a section per topic (a subscription with nothing new
    says so in one line); when too long, the longest section gives up its last story first."""
    parts: list[tuple[str, list[str]]] = []
    for digest, subscription_id in sections:
        if digest.stories:
            heading = f"📰 <b>{_text(digest.topic, 100)}</b> <i>(subscription #{subscription_id})</i>"
            parts.append((heading, ["\n".join(_story_lines(n, story)) for n, story in enumerate(digest.stories, 1)]))
        else:
            parts.append((nothing_new_line(digest.topic), []))

    def render() -> str:
        return "\n\n".join("\n\n".join([heading, *stories]) for heading, stories in parts)

    while utf16_len(render()) > limit:
        longest = max(parts, key=lambda part: len(part[1]))
        if len(longest[1]) <= 1:
            return within_limit(render().split("\n"), limit)
        longest[1].pop()
    return render()


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
    return f"Reading {_text(site or link, 60)}…"


_ICONS = {
    ErrorKind.TIMEOUT: "⏱",
    ErrorKind.BLOCKED: "🚫",
    ErrorKind.TOO_LARGE: "📦",
    ErrorKind.UNREACHABLE: "🔌",
    ErrorKind.BUSY: "⏳",
    ErrorKind.NOT_ARTICLE: "📰",
}


def failure_line(error: PipelineError) -> str:
    """One line for an expected failure: the pipeline's own words (they may quote a site: capped), with an icon."""
    icon = _ICONS.get(error.kind)
    return _text(f"{icon} {error.message}" if icon else error.message, 200)
