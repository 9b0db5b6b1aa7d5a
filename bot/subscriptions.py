"""Topics and subscriptions: /topic, /subscribe, /subscriptions, /unsubscribe, /digest, /timezone.

Parsing is pure (``parse_subscribe``) so its rules are tested alone; the handlers parse, call the services
(``bot.subscribers`` holds the rules) and the scheduler, and reply.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot import schedule
from bot.chat import OVERLOADED, SLOW_DOWN, message_of, overload_line, sender_of, services, typing
from bot.replies import digest_html, within_limit
from bot.replies import escape_text as escape
from bot.services import TOPIC_COST, Services
from bot.subscribers import DEFAULT_EVERY, DEFAULT_HOUR, SubscribeRequest, TooMany, UnknownZone

logger = logging.getLogger(__name__)


__all__ = [
    "SubscribeRequest",
    "answer_topic",
    "on_digest",
    "on_subscribe",
    "on_subscriptions",
    "on_timezone",
    "on_topic",
    "on_unsubscribe",
    "parse_subscribe",
]

USAGE = "Usage: /subscribe <topic> [at HH:MM] [every N h] [quiet], e.g. /subscribe Iraq troops at 08:00 every 12 h"
_AT = re.compile(r"\s+at\s+(?P<hour>\d{1,2})[:.h](?P<minute>\d{2})\b", re.IGNORECASE)
_EVERY = re.compile(r"\s+every\s+(?P<hours>\d{1,3})\s*(?:h|hours?)\b", re.IGNORECASE)
_QUIET = re.compile(r"\s+quiet\b", re.IGNORECASE)


def parse_subscribe(text: str, max_topic_chars: int) -> SubscribeRequest | str:
    """The request, or the one line that says what is wrong with it."""
    rest = f" {text.strip()}"
    hour, minute, every, quiet = DEFAULT_HOUR, 0, DEFAULT_EVERY, False
    if match := _AT.search(rest):
        hour, minute = int(match["hour"]), int(match["minute"])
        rest = rest[: match.start()] + rest[match.end() :]
        if hour > 23 or minute > 59:
            return f"{match.group(0).strip()!r} is not a time of day: use HH:MM, 00:00 to 23:59."
    if match := _EVERY.search(rest):
        every = int(match["hours"])
        rest = rest[: match.start()] + rest[match.end() :]
        if not 1 <= every <= 168:
            return "The interval must be between 1 and 168 hours."
    if match := _QUIET.search(rest):
        quiet = True
        rest = rest[: match.start()] + rest[match.end() :]
    topic = " ".join(rest.split())
    if re.search(r"\b(?:at|every)\s+\S+", topic, re.IGNORECASE) and re.search(r"\d", topic):
        return f"I couldn't read the schedule. {USAGE}"
    if not topic:
        return USAGE
    if len(topic) > max_topic_chars:
        return f"Topics are at most {max_topic_chars} characters."
    return SubscribeRequest(topic, hour=hour, minute=minute, every_hours=every, quiet=quiet)


def _when(moment: datetime | None, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") + f" {zone}" if moment else "paused"


async def answer_topic(message: Message, topic: str, service: Services) -> None:
    """A topic query: the latest stories, clustered and summarised, in one message."""
    limit = service.settings.news.max_topic_chars
    if len(topic) > limit:
        await message.reply_text(f"Topics are at most {limit} characters.")
        return
    if not await service.admit(sender_of(message), TOPIC_COST):
        await message.reply_text(SLOW_DOWN)
        return
    status = await message.reply_text(f"Looking for the latest on <b>{escape(topic)}</b>…")
    async with typing(message):
        try:
            digest = await service.topic_digest(topic)
        except OVERLOADED as error:
            await status.edit_text(overload_line(error))
            return
    await status.edit_text(digest_html(digest))


async def on_topic(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/topic <words>"""
    topic = " ".join(context.args or [])
    if not topic:
        await message_of(update).reply_text("Usage: /topic <words>, e.g. /topic Iraq troops")
        return
    await answer_topic(message_of(update), topic, services(context))


async def on_subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, service = message_of(update), services(context)
    request = parse_subscribe(" ".join(context.args or []), service.settings.news.max_topic_chars)
    if isinstance(request, str):
        await message.reply_text(escape(request))
        return
    outcome = await service.subscribers.subscribe(message.chat_id, request)
    if isinstance(outcome, TooMany):
        await message.reply_text(
            f"This chat has {outcome.count} subscriptions, the most allowed. /unsubscribe one first."
        )
        return
    assert context.job_queue is not None
    if outcome.resumed is not None:
        schedule.reschedule(context.job_queue, outcome.resumed)
    added, zone = outcome.added, outcome.zone
    first = schedule.schedule(context.job_queue, added, zone)
    if outcome.again:
        await message.reply_text(
            f"Already subscribed (#{added.id}) to <b>{escape(added.topic)}</b>; now at "
            f"{added.hour:02d}:{added.minute:02d} every {added.every_hours} h{', quiet' if added.quiet else ''}, "
            f"next at {_when(first, zone)}."
        )
        return
    await message.reply_text(
        f"Subscribed (#{added.id}) to <b>{escape(added.topic)}</b>: every {added.every_hours} h from "
        f"{added.hour:02d}:{added.minute:02d}, next at {_when(first, zone)}. /digest sends one now."
    )


async def on_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, service = message_of(update), services(context)
    await _resume(context, message.chat_id)
    chat = await service.subscribers.listing(message.chat_id)
    if not chat.subscriptions:
        await message.reply_text("No subscriptions yet. " + USAGE.replace("Usage: ", "Try "))
        return
    zone = chat.zone
    assert context.job_queue is not None
    lines = ["<b>Subscriptions</b>"]
    for sub in chat.subscriptions:
        jobs = context.job_queue.get_jobs_by_name(schedule.job_name(sub.id))
        upcoming = jobs[0].next_t if jobs else None
        quiet = ", quiet" if sub.quiet else ""
        lines.append(
            f"#{sub.id} <b>{escape(sub.topic)}</b> — every {sub.every_hours} h from "
            f"{sub.hour:02d}:{sub.minute:02d}{quiet}; next: {_when(upcoming, zone)}"
        )
    await message.reply_text(within_limit(lines))


async def on_unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, service = message_of(update), services(context)
    wanted = " ".join(context.args or [])
    if not wanted:
        await message.reply_text("Usage: /unsubscribe <id or topic> (see /subscriptions)")
        return
    removed = await service.subscribers.unsubscribe(message.chat_id, wanted)
    assert context.job_queue is not None
    for sub in removed:
        schedule.unschedule(context.job_queue, sub.id)
    if removed:
        await message.reply_text("Unsubscribed from " + ", ".join(f"#{s.id} {escape(s.topic)}" for s in removed) + ".")
    else:
        await message.reply_text(f"No subscription {escape(wanted[:40])!r} in this chat. /subscriptions lists them.")


async def on_digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/digest: every subscription of the chat, now (only stories not sent before)."""
    message, service = message_of(update), services(context)
    await _resume(context, message.chat_id)
    found = await service.subscribers.active(message.chat_id)
    if not found:
        await message.reply_text("No subscriptions in this chat. " + USAGE.replace("Usage: ", "Try "))
        return
    if not await service.admit(sender_of(message), TOPIC_COST * len(found)):
        await message.reply_text(SLOW_DOWN)
        return
    async with typing(message):
        try:
            await schedule.deliver(context, found)  # one message, a section per subscription
        except OVERLOADED as error:
            await message.reply_text(overload_line(error))


async def on_timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/timezone Area/City — digests are scheduled in the chat's zone."""
    message, service = message_of(update), services(context)
    zone = " ".join(context.args or []).strip()
    if not zone:
        current = await service.subscribers.timezone(message.chat_id)
        await message.reply_text(f"This chat's time zone is {current}. Change it with /timezone Europe/Berlin.")
        return
    try:
        chat = await service.subscribers.set_timezone(message.chat_id, zone)
    except UnknownZone:
        await message.reply_text(f"I don't know the time zone {escape(zone[:40])!r}. Use a name like Europe/Berlin.")
        return
    assert context.job_queue is not None
    schedule.reschedule(context.job_queue, chat)
    await message.reply_text(f"Time zone set to {zone}; digests follow it from now on.")


async def _resume(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """Put the chat's subscriptions back on the JobQueue when writing again resumed them."""
    resumed = await services(context).subscribers.resume(chat_id)
    if resumed is not None:
        assert context.job_queue is not None
        schedule.reschedule(context.job_queue, resumed)
