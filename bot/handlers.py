"""Telegram handlers: parse the update, call the services, format the reply. Nothing else lives here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable

from telegram import Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes
from yarl import URL

from bot.chat import OVERLOADED, SLOW_DOWN, message_of, overload_line, query_of, sender_of, services, typing
from bot.links import find_links, mentions_bot
from bot.replies import HELP, facts_html, failure_line, reading_line, summary_html, summary_keyboard
from bot.services import FACTS_COST, MORE_COST, Answer, Services
from bot.subscriptions import answer_topic
from summarizer.errors import PipelineError

logger = logging.getLogger(__name__)

__all__ = [
    "on_button",
    "on_error",
    "on_group_text",
    "on_help",
    "on_summarize_command",
    "on_text",
    "on_unknown_command",
]

TOPIC_HINT = (
    "Send me a link to a news article, paste an article's text, or write a topic "
    "(e.g. Iraq troops) for the latest stories. /help tells more."
)
ONLY_WEB_LINKS = "I can only read web links (http:// or https://)."
INTERNAL = "Sorry, something went wrong on my side. Please try again."


async def skip_handled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first: an update already handled (Telegram redelivers what a crashed bot had not confirmed, and a
    retried webhook may reach another replica) is dropped, so a command never takes effect twice."""
    if not await services(context).first_handling(update.update_id):
        logger.info("update %s was handled before: skipped", update.update_id)
        raise ApplicationHandlerStop


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help."""
    max_links = services(context).settings.bot.max_links_per_message
    await message_of(update).reply_text(HELP.format(max_links=max_links))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A private message: links, a pasted article, or (for now) a hint."""
    message = message_of(update)
    links = find_links(message)
    if links.urls:
        await answer_links(message, links.urls, services(context))
    elif links.refused:
        await message.reply_text(ONLY_WEB_LINKS)
    elif _looks_like_text(message.text or "", services(context).settings.news.max_topic_chars):
        await answer_text(message, message.text or "", services(context))
    elif _looks_like_topic(message.text or ""):
        await answer_topic(message, _topic_of(message.text or "", context.bot.username), services(context))
    else:
        await message.reply_text(TOPIC_HINT)


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups the bot speaks only when addressed: a mention or a reply to it."""
    message = message_of(update)
    if mentions_bot(message, context.bot.username):
        await on_text(update, context)


async def on_summarize_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/summarize <link> — the way to ask in groups."""
    message = message_of(update)
    links = find_links(message)
    if not links.urls:
        await message.reply_text(ONLY_WEB_LINKS if links.refused else "Usage: /summarize <link>")
        return
    await answer_links(message, links.urls, services(context))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_text("I don't know that command. /help lists what I can do.")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The More and Facts buttons under a summary."""
    query = query_of(update)
    action, _, key = (query.data or "").partition(":")
    service = services(context)
    if not await service.admit(query.from_user.id, MORE_COST if action == "more" else FACTS_COST):
        await query.answer(SLOW_DOWN, show_alert=True)
        return
    try:
        result = await (service.longer(key) if action == "more" else service.cached(key))
    except OVERLOADED as error:
        await query.answer(overload_line(error), show_alert=True)
        return
    if result is None:
        await query.answer("That summary has expired. Please send the link again.", show_alert=True)
        return
    await query.answer()
    if action == "more":
        with contextlib.suppress(BadRequest):  # "message is not modified" when tapped twice
            await query.edit_message_text(summary_html(result), reply_markup=summary_keyboard(key))
    elif isinstance(query.message, Message):
        await query.message.reply_text(facts_html(result))
        chart = await service.facts_chart(result)
        if chart is not None:
            title, png = chart
            await query.message.reply_photo(png, caption=f"{title}, as the article states them")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception first, then tell the user one line; never a traceback."""
    logger.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        with contextlib.suppress(TelegramError):
            await message_of(update).reply_text(INTERNAL)


# --- the work behind a message -----------------------------------------------------------------------


async def answer_links(message: Message, links: list[str], service: Services) -> None:
    limit = service.settings.bot.max_links_per_message
    if len(links) > limit:
        await message.reply_text(f"I read up to {limit} links per message; here are the first {limit}.")
    await asyncio.gather(*(answer_link(message, link, service) for link in links[:limit]))


async def _allowed(message: Message, service: Services) -> bool:
    return await service.admit(sender_of(message))


async def answer_link(message: Message, link: str, service: Services) -> None:
    """One link → one reply: a "Reading <site>…" line that is edited into the result."""
    sender = sender_of(message)
    await _answer(message, service, reading_line(link, _host(link)), lambda: service.summarize_link(link, sender))


async def answer_text(message: Message, text: str, service: Services) -> None:
    await _answer(message, service, "Reading your text…", lambda: service.summarize_text(text))


async def _answer(message: Message, service: Services, reading: str, work: Callable[[], Awaitable[Answer]]) -> None:
    """Rate limit, a status line, typing while the work runs, then the summary or one friendly line."""
    if not await _allowed(message, service):
        await message.reply_text(SLOW_DOWN)
        return
    status = await message.reply_text(reading)
    async with typing(message):
        try:
            answer = await work()
        except PipelineError as error:
            await status.edit_text(failure_line(error))
            return
        except OVERLOADED as error:
            await status.edit_text(overload_line(error))
            return
    await status.edit_text(summary_html(answer.result), reply_markup=summary_keyboard(answer.key))


def _topic_of(text: str, username: str | None) -> str:
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", "", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def _looks_like_text(text: str, max_topic_chars: int) -> bool:
    """Pasted prose rather than a topic: longer than a topic may be, or two sentences. The pipeline then says
    whether there is enough of it to summarise."""
    return len(text) > max_topic_chars or len(re.findall(r"[.!?…](?:\s|$)", text)) >= 2


def _looks_like_topic(text: str) -> bool:
    """A few words with letters in them: "Iraq troops", not "hi" or "???"."""
    words = re.findall(r"[^\W\d_]{2,}", text)
    return bool(words) and not (len(words) == 1 and words[0].lower() in _GREETINGS)


_GREETINGS = frozenset({"hi", "hello", "hey", "thanks", "thank", "ok", "okay", "yes", "no", "help"})


def _host(link: str) -> str | None:
    try:
        host = URL(link).host
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None
