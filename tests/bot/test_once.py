"""A chat gets each story once: a topic subscribed to again, overlapping topics, and updates delivered twice."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from telegram import Update

from bot.services import Services
from bot.subscribers import SubscribeRequest, TooMany
from tests.bot.test_topics import news_site
from tests.helpers.fake_telegram import FakeBotAPI
from tests.helpers.jobs import run_job
from tests.helpers.servers import PageServer

CHAT = 600
# The story every topic below finds, carried by two outlets: its numbered heading links to either's page.
COALITION = re.compile(r'\d+\. <b><a href="[^"]*/coalition\.html"')


def digests_to(telegram: FakeBotAPI, chat: int) -> list[str]:
    return [c.text for c in telegram.calls_to("sendMessage", chat_id=chat) if "📰" in c.text]


async def test_subscribing_three_times_keeps_one_subscription_and_sends_the_story_once(
    make_bot: Any, telegram: FakeBotAPI, server: PageServer
) -> None:
    site = news_site(server)
    app = await make_bot(news={"feeds": site["feeds"], "search_urls": site["search_urls"]})
    telegram.send_text(CHAT, "/subscribe iraq")
    await telegram.wait_for_reply(CHAT, "Subscribed (#1) to <b>iraq</b>")
    telegram.send_text(CHAT, "/subscribe Iraq")
    telegram.send_text(CHAT, "/subscribe  IRAQ  at 07:00")
    await telegram.wait_for_reply(CHAT, "Already subscribed (#1) to <b>iraq</b>; now at 07:00 every 24 h")
    service: Services = app.bot_data["services"]
    (subscription,) = await service.storage.subscriptions(CHAT)
    assert (subscription.id, subscription.hour) == (1, 7)
    assert [job.name for job in app.job_queue.jobs() if job.name.startswith("digest:")] == ["digest:1"]

    (job,) = app.job_queue.get_jobs_by_name("digest:1")
    await run_job(app, job)
    await telegram.wait_for_reply(CHAT, "📰")
    await asyncio.sleep(0.2)
    (digest,) = digests_to(telegram, CHAT)
    assert len(COALITION.findall(digest)) == 1


async def test_overlapping_topics_due_together_make_one_message_with_each_story_once(
    make_bot: Any, telegram: FakeBotAPI, server: PageServer
) -> None:
    site = news_site(server)
    app = await make_bot(news={"feeds": site["feeds"], "search_urls": site["search_urls"]})
    telegram.send_text(CHAT, "/subscribe Iraq troops at 08:00")
    await telegram.wait_for_reply(CHAT, "Subscribed (#1)")
    telegram.send_text(CHAT, "/subscribe Iraq coalition at 08:00")
    await telegram.wait_for_reply(CHAT, "Subscribed (#2)")
    telegram.send_text(CHAT, "/subscribe NATO Iraq at 20:00")
    await telegram.wait_for_reply(CHAT, "Subscribed (#3)")

    jobs = {name: app.job_queue.get_jobs_by_name(name)[0] for name in ("digest:1", "digest:2", "digest:3")}
    await run_job(app, jobs["digest:1"])  # 08:00: #1 and #2 are due together, in one message
    await run_job(app, jobs["digest:2"])  # its own job, at the same moment: already sent with #1
    await telegram.wait_for_reply(CHAT, "📰")
    await asyncio.sleep(0.2)
    (merged,) = digests_to(telegram, CHAT)
    assert "(subscription #1)" in merged and len(COALITION.findall(merged)) == 1
    assert "(subscription #2)" in merged or "No new stories on <b>Iraq coalition</b>" in merged

    await run_job(app, jobs["digest:3"])  # 20:00: a third topic, and the coalition story was sent this morning
    await asyncio.sleep(0.2)
    assert sum(len(COALITION.findall(text)) for text in digests_to(telegram, CHAT)) == 1
    sent = await app.bot_data["services"].subscribers.sent(CHAT)
    assert site["links"]["rt"] in sent and site["links"]["dw"].replace("127.0.0.1", "localhost") in sent


async def test_an_update_delivered_twice_takes_effect_once(make_bot: Any, telegram: FakeBotAPI) -> None:
    app = await make_bot()
    telegram.send_text(CHAT, "/subscribe earthquakes")
    update = json.loads(json.dumps(telegram.updates[-1]))  # as delivered, update id included
    await telegram.wait_for_reply(CHAT, "Subscribed (#1)")
    for _ in range(2):  # Telegram again after a crash, and a webhook retry reaching another replica
        await app.process_update(Update.de_json(update, app.bot))
    await asyncio.sleep(0.2)
    replies = [c for c in telegram.calls_to("sendMessage", chat_id=CHAT) if "earthquakes" in c.text]
    assert len(replies) == 1  # no "Already subscribed": the second delivery never reached the handler
    telegram.send_text(CHAT, "/subscribe earthquakes")  # the user sending it again is a new update, and answered
    await telegram.wait_for_reply(CHAT, "Already subscribed (#1)")


async def test_subscriptions_due_together_firing_at_once_still_make_one_message(
    make_bot: Any, telegram: FakeBotAPI, server: PageServer
) -> None:
    """The JobQueue fires both jobs at the same moment (and another replica may fire them too): the chat's run is
    claimed once, by whichever job comes first, and that job carries both subscriptions."""
    site = news_site(server)
    app = await make_bot(news={"feeds": site["feeds"], "search_urls": site["search_urls"]})
    for n, topic in enumerate(["Iraq troops", "Iraq coalition"], 1):
        telegram.send_text(CHAT, f"/subscribe {topic} at 08:00")
        await telegram.wait_for_reply(CHAT, f"Subscribed (#{n})")
    jobs = [app.job_queue.get_jobs_by_name(f"digest:{n}")[0] for n in (1, 2)]
    await asyncio.gather(*(run_job(app, job) for job in jobs))
    await telegram.wait_for_reply(CHAT, "📰")
    await asyncio.sleep(0.2)
    (merged,) = digests_to(telegram, CHAT)
    assert len(COALITION.findall(merged)) == 1 and "(subscription #" in merged


async def test_a_postponed_run_survives_a_reschedule_and_goes_with_its_subscription(make_bot: Any) -> None:
    from bot import schedule

    app = await make_bot()
    service: Services = app.bot_data["services"]
    outcome = await service.subscribers.subscribe(CHAT, SubscribeRequest("volcanoes"))
    assert not isinstance(outcome, TooMany)
    schedule.schedule(app.job_queue, outcome.added, "UTC")
    (job,) = app.job_queue.get_jobs_by_name("digest:1")
    schedule.postpone(app.job_queue, job.data, delay_s=3600)
    schedule.schedule(app.job_queue, outcome.added, "Europe/Berlin")  # the sync job, a /timezone, a resume…
    await asyncio.sleep(0.1)
    assert len(app.job_queue.get_jobs_by_name("digest-retry:1")) == 1  # the claimed run is still to be sent
    schedule.unschedule(app.job_queue, 1)  # unsubscribed: both go
    await asyncio.sleep(0.1)
    assert not app.job_queue.get_jobs_by_name("digest-retry:1") and not app.job_queue.get_jobs_by_name("digest:1")
