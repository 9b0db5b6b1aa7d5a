"""Subscriptions on PTB's JobQueue: one repeating job per subscription, restored from the database at start.

A subscription runs every ``every_hours`` hours, anchored at HH:MM in the chat's time zone. Delivery sends
only stories not sent to that subscription before (by URL, across restarts), and marks them sent once
Telegram has accepted the message. A chat that blocked the bot has its subscriptions paused, not retried.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, ContextTypes, JobQueue

from bot.replies import digest_html, nothing_new_line
from bot.services import Services
from bot.storage import SubscriptionInfo
from bot.subscribers import ChatSubscriptions
from bot.workers import Busy, JobTimeout

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 300.0  # a scheduled digest that meets a full model pool is tried again this much later

__all__ = ["deliver", "job_name", "next_run", "reschedule", "restore", "schedule", "unschedule"]


def job_name(subscription_id: int) -> str:
    return f"digest:{subscription_id}"


def next_run(hour: int, minute: int, every_hours: int, zone: str, now: datetime | None = None) -> datetime:
    """The first moment after ``now`` on the grid HH:MM + k × every_hours (in the chat's zone)."""
    now = now or datetime.now(UTC)
    local_now = now.astimezone(ZoneInfo(zone))
    anchor = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    step = timedelta(hours=every_hours)
    steps = math.floor((now - anchor) / step) + 1
    return (anchor + steps * step).astimezone(UTC)


def schedule(job_queue: JobQueue, subscription: SubscriptionInfo, zone: str) -> datetime:
    """(Re)schedule one subscription; returns its next run."""
    unschedule(job_queue, subscription.id)
    first = next_run(subscription.hour, subscription.minute, subscription.every_hours, zone)
    job_queue.run_repeating(
        _job,
        interval=timedelta(hours=subscription.every_hours),
        first=first,
        name=job_name(subscription.id),
        data=subscription.id,
        chat_id=subscription.chat_id,
    )
    return first


def reschedule(job_queue: JobQueue, chat: ChatSubscriptions) -> None:
    """(Re)schedule a chat's subscriptions in its zone (after a resume, a new zone, or at start)."""
    for subscription in chat.subscriptions:
        schedule(job_queue, subscription, chat.zone)


def unschedule(job_queue: JobQueue, subscription_id: int) -> None:
    for job in job_queue.get_jobs_by_name(job_name(subscription_id)):
        job.schedule_removal()


async def restore(application: Application) -> int:
    """Schedule every active subscription in the database (at start-up)."""
    service: Services = application.bot_data["services"]
    assert application.job_queue is not None
    chats = await service.subscribers.running()
    for chat in chats:
        reschedule(application.job_queue, chat)
    restored = sum(len(chat.subscriptions) for chat in chats)
    logger.info("restored %d subscriptions", restored)
    return restored


PURGE_EVERY_S = 6 * 3600.0


def start_housekeeping(application: Application) -> None:
    """Expired cache entries are deleted every few hours, so the database does not grow without end."""
    assert application.job_queue is not None
    application.job_queue.run_repeating(_purge, interval=PURGE_EVERY_S, first=60, name="purge-cache")


async def _purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    service: Services = context.application.bot_data["services"]
    removed = await service.administration.purge_expired()
    if removed is not None:  # else the database was busy or full (logged there): next time, then
        logger.info("purged %d expired summaries", removed)


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    assert context.job is not None
    service: Services = context.application.bot_data["services"]
    subscription_id = context.job.data
    assert isinstance(subscription_id, int)
    subscription = await service.subscribers.due(subscription_id)
    if subscription is None:  # removed, or its chat blocked the bot
        context.job.schedule_removal()
        return
    try:
        await deliver(context, subscription)
    except (Busy, JobTimeout) as error:  # the pool is full or slow now: try this digest again a little later
        assert context.job_queue is not None
        context.job_queue.run_once(_job, RETRY_AFTER_S, data=subscription_id, name=job_name(subscription_id))
        logger.warning(
            "digest for subscription %s postponed %.0f s: %s", subscription_id, RETRY_AFTER_S, type(error).__name__
        )


async def deliver(context: ContextTypes.DEFAULT_TYPE, subscription: SubscriptionInfo) -> bool:
    """Build and send one digest; returns False when there was nothing new (or the chat is gone).

    At most once: the stories are marked sent *before* the message goes out. A crash (or kill -9) between the
    two, or a network error that leaves us unsure whether Telegram got it, loses that digest rather than
    sending its stories twice; a certain refusal (a bad request, a blocked bot) takes the marks back.
    """
    service: Services = context.application.bot_data["services"]
    digest = await service.subscription_digest(subscription)
    if digest.stories:
        await service.subscribers.mark_delivered(subscription, digest)
    try:
        if not digest.stories:
            if not subscription.quiet:
                await context.bot.send_message(subscription.chat_id, nothing_new_line(subscription.topic))
            return False
        await context.bot.send_message(subscription.chat_id, digest_html(digest, subscription.id))
    except (BadRequest, Forbidden) as error:
        if digest.stories:
            await service.subscribers.unmark_delivered(subscription, digest)
        if not isinstance(error, Forbidden):
            raise
        paused = await service.subscribers.pause(subscription.chat_id)
        assert context.job_queue is not None
        for subscription_id in paused:
            unschedule(context.job_queue, subscription_id)
        logger.info("chat %s blocked the bot: paused subscriptions %s", subscription.chat_id, paused)
        return False
    return True
