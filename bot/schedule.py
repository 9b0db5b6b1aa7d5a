"""Subscriptions on PTB's JobQueue: one repeating job per subscription, restored from the database at start.

A subscription runs every ``every_hours`` hours, anchored at HH:MM in the chat's time zone. Delivery sends
only stories not sent to that subscription before (by URL, across restarts), and marks them sent once
Telegram has accepted the message. A chat that blocked the bot has its subscriptions paused, not retried.

Several bot processes (replicas on one database) each hold every job, and each is kept in step with the others by
a sync job every ``bot.sync_s``; a run is sent by the one replica whose claim of it (a database row) succeeds.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, ContextTypes, JobQueue

from bot.replies import digest_html, digests_html, nothing_new_line
from bot.services import Services
from bot.storage import SubscriptionInfo
from bot.subscribers import ChatSubscriptions
from bot.workers import Busy, JobTimeout, WorkerLost
from summarizer.topics import Digest

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 300.0  # a scheduled digest that meets a full model pool is tried again this much later

__all__ = [
    "Scheduled",
    "deliver",
    "job_name",
    "next_run",
    "postpone",
    "reschedule",
    "restore",
    "resync",
    "schedule",
    "slot_of",
    "start_sync",
    "sync",
    "unschedule",
]


@dataclass(frozen=True, slots=True)
class Scheduled:
    """What a digest job carries: the subscription and zone it was scheduled with (the sync job compares them with
    the database), and whether its run is claimed already (a postponed retry must not claim it a second time)."""

    subscription: SubscriptionInfo
    zone: str
    claimed: bool = False
    together: tuple[SubscriptionInfo, ...] = ()  # the chat's others due at the same time, claimed with it


def job_name(subscription_id: int) -> str:
    return f"digest:{subscription_id}"


def retry_name(subscription_id: int) -> str:
    """A postponed run's own name, so that rescheduling the subscription (sync, /timezone…) leaves it be."""
    return f"digest-retry:{subscription_id}"


def next_run(hour: int, minute: int, every_hours: int, zone: str, now: datetime | None = None) -> datetime:
    """The first moment after ``now`` on the grid HH:MM + k × every_hours (in the chat's zone)."""
    now = now or datetime.now(UTC)
    local_now = now.astimezone(ZoneInfo(zone))
    anchor = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    step = timedelta(hours=every_hours)
    steps = math.floor((now - anchor) / step) + 1
    return (anchor + steps * step).astimezone(UTC)


def slot_of(subscription: SubscriptionInfo, zone: str, now: datetime | None = None) -> datetime:
    """The run a job firing at ``now`` stands for: the subscription's grid point nearest to it. Replicas whose
    timers fire seconds apart (up to half a period) name the same run, so their claims meet on one row."""
    now = now or datetime.now(UTC)
    step = timedelta(hours=subscription.every_hours)
    return next_run(subscription.hour, subscription.minute, subscription.every_hours, zone, now - step / 2)


def schedule(job_queue: JobQueue, subscription: SubscriptionInfo, zone: str) -> datetime:
    """(Re)schedule one subscription; returns its next run. A postponed retry of a run already claimed stays."""
    _remove(job_queue, job_name(subscription.id))
    first = next_run(subscription.hour, subscription.minute, subscription.every_hours, zone)
    job_queue.run_repeating(
        _job,
        interval=timedelta(hours=subscription.every_hours),
        first=first,
        name=job_name(subscription.id),
        data=Scheduled(subscription, zone),
        chat_id=subscription.chat_id,
    )
    return first


def reschedule(job_queue: JobQueue, chat: ChatSubscriptions) -> None:
    """(Re)schedule a chat's subscriptions in its zone (after a resume, a new zone, or at start)."""
    for subscription in chat.subscriptions:
        schedule(job_queue, subscription, chat.zone)


def unschedule(job_queue: JobQueue, subscription_id: int) -> None:
    """A subscription removed or paused: its job goes, and any retry of its runs."""
    _remove(job_queue, job_name(subscription_id))
    _remove(job_queue, retry_name(subscription_id))


def _remove(job_queue: JobQueue, name: str) -> None:
    for job in job_queue.get_jobs_by_name(name):
        job.schedule_removal()


async def restore(application: Application) -> int:
    """Schedule every active subscription in the database (at start-up)."""
    service: Services = application.bot_data["services"]
    assert application.job_queue is not None
    restored = resync(application.job_queue, await service.subscribers.scheduled())
    logger.info("restored %d subscriptions", restored)
    return restored


def resync(job_queue: JobQueue, wanted: list[tuple[SubscriptionInfo, str]]) -> int:
    """Make the JobQueue's digest jobs match ``wanted`` (subscriptions with their zones): new or changed ones are
    (re)scheduled, removed or paused ones unscheduled; returns how many changed."""
    held = {
        job.data.subscription.id: job.data
        for job in job_queue.jobs()
        if isinstance(job.data, Scheduled) and not job.data.claimed
    }
    wanted_by_id = {subscription.id: Scheduled(subscription, zone) for subscription, zone in wanted}
    changed = [scheduled for sub_id, scheduled in wanted_by_id.items() if held.get(sub_id) != scheduled]
    for scheduled in changed:
        schedule(job_queue, scheduled.subscription, scheduled.zone)
    gone = held.keys() - wanted_by_id.keys()
    for subscription_id in gone:
        unschedule(job_queue, subscription_id)
    return len(changed) + len(gone)


def start_sync(application: Application) -> None:
    """Every ``bot.sync_s`` each replica catches up with what the others wrote to the database (see ``sync``)."""
    service: Services = application.bot_data["services"]
    assert application.job_queue is not None
    every = service.settings.bot.sync_s
    application.job_queue.run_repeating(_sync, interval=every, first=every, name="sync")


async def sync(application: Application) -> int:
    """Take in what other replicas changed: access rules and live settings (``Services.sync``), and subscriptions
    added, removed, paused, resumed or moved to another zone there; returns how many jobs changed."""
    service: Services = application.bot_data["services"]
    assert application.job_queue is not None
    await service.sync()
    return resync(application.job_queue, await service.subscribers.scheduled())


async def _sync(context: ContextTypes.DEFAULT_TYPE) -> None:
    try:
        changed = await sync(context.application)
    except SQLAlchemyError as error:  # the database is away for a moment: next time, then
        logger.warning("could not sync with the database: %s", str(error).splitlines()[0])
        return
    if changed:
        logger.info("sync: %d subscription jobs changed after other replicas' changes", changed)


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
    scheduled = context.job.data
    assert isinstance(scheduled, Scheduled)
    subscription = await service.subscribers.due(scheduled.subscription.id)
    if subscription is None:  # removed, or its chat blocked the bot
        context.job.schedule_removal()
        return
    if scheduled.claimed:  # a retry: what is still due of what the run carried (one may be gone since)
        together = tuple([s for s in scheduled.together if await service.subscribers.due(s.id) is not None])
    else:
        zone = await service.subscribers.timezone(subscription.chat_id)
        slot = slot_of(subscription, zone)
        if not await _claim(service, subscription, slot):
            return
        together = tuple(await _due_with(service, subscription, zone, slot))
    try:
        await deliver(context, [subscription, *together])
    except (Busy, JobTimeout, WorkerLost) as error:  # the model work is full, slow or lost now: try again later
        assert context.job_queue is not None
        postpone(context.job_queue, replace(scheduled, subscription=subscription, together=together))
        logger.warning(
            "digest for subscription %s postponed %.0f s: %s", subscription.id, RETRY_AFTER_S, type(error).__name__
        )


async def _claim(service: Services, subscription: SubscriptionInfo, slot: datetime) -> bool:
    """Whether this job sends the chat's run due at ``slot``. The claim is the chat's, not the subscription's: the
    jobs of its other subscriptions due at the same time, here or on another replica, find it taken and leave the
    run to this one, which carries them all (``_due_with``)."""
    if await service.subscribers.claim(subscription.chat_id, slot):
        return True
    logger.info("digest of chat %s due %s is sent by another job", subscription.chat_id, slot.isoformat())
    return False


async def _due_with(
    service: Services, subscription: SubscriptionInfo, zone: str, slot: datetime
) -> list[SubscriptionInfo]:
    """The chat's other subscriptions due at this same run: one message carries them all."""
    return [
        other
        for other in await service.subscribers.active(subscription.chat_id)
        if other.id != subscription.id and slot_of(other, zone) == slot
    ]


def postpone(job_queue: JobQueue, scheduled: Scheduled, delay_s: float = RETRY_AFTER_S) -> None:
    """Try a claimed run again later (by this replica, which holds the claim)."""
    job_queue.run_once(
        _job,
        delay_s,
        data=replace(scheduled, claimed=True),
        name=retry_name(scheduled.subscription.id),
        chat_id=scheduled.subscription.chat_id,
    )


async def deliver(context: ContextTypes.DEFAULT_TYPE, subscriptions: list[SubscriptionInfo]) -> bool:
    """Build and send one message for a chat's subscriptions due together (a section each); returns False when
    there was nothing new (or the chat is gone).

    A story reaches a chat once: whatever the chat was sent before, by any subscription, is left out, and a story
    in an earlier section is left out of the later ones. At most once: the stories are marked sent *before* the
    message goes out. A crash (or kill -9) between the two, or a network error that leaves us unsure whether
    Telegram got it, loses that digest rather than sending its stories twice; a certain refusal (a bad request, a
    blocked bot) takes the marks back.
    """
    service: Services = context.application.bot_data["services"]
    chat_id = subscriptions[0].chat_id
    exclude = await service.subscribers.sent(chat_id)
    sections: list[tuple[SubscriptionInfo, Digest]] = []
    for subscription in subscriptions:
        digest = await service.topic_digest(subscription.topic, exclude)
        exclude = exclude | digest.urls
        sections.append((subscription, digest))
    found = [digest for _subscription, digest in sections if digest.stories]
    shown = [(digest, sub.id) for sub, digest in sections if digest.stories or not sub.quiet]
    if found:
        await service.subscribers.mark_delivered(chat_id, found)
    try:
        if not found:
            if shown:
                await context.bot.send_message(chat_id, "\n".join(nothing_new_line(d.topic) for d, _id in shown))
            return False
        if len(shown) == 1:
            await context.bot.send_message(chat_id, digest_html(*shown[0]))
        else:
            await context.bot.send_message(chat_id, digests_html(shown))
    except (BadRequest, Forbidden) as error:
        if found:
            await service.subscribers.unmark_delivered(chat_id, found)
        if not isinstance(error, Forbidden):
            raise
        paused = await service.subscribers.pause(chat_id)
        assert context.job_queue is not None
        for subscription_id in paused:
            unschedule(context.job_queue, subscription_id)
        logger.info("chat %s blocked the bot: paused subscriptions %s", chat_id, paused)
        return False
    return True
