"""Topics and digests end to end: local feed and search servers, the real Application, the fake Bot API."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import pytest
from aiohttp import web

from bot.services import Services
from bot.subscriptions import SubscribeRequest, parse_subscribe
from tests.bot.conftest import stop
from tests.helpers.fake_telegram import FakeBotAPI
from tests.helpers.jobs import run_job
from tests.helpers.news import Entry, article_page, as_other_outlet, gdelt, other_page, rss
from tests.helpers.servers import PageServer

CHAT = 500


def news_site(server: PageServer) -> dict[str, Any]:
    """Two feeds and a search endpoint; the coalition story is carried by two outlets with different figures."""
    rt = article_page(server, "/rt/coalition.html", "rt-coalition")
    dw = as_other_outlet(article_page(server, "/dw/coalition.html", "dw-coalition", german_troops=150))
    cats = other_page(server, "/pets/cats.html", "Cat show draws crowds", "Cats of every breed.")
    nato_text = "NATO said it paused its training mission in Iraq, where hundreds of its personnel serve."
    nato = other_page(server, "/nato/iraq.html", "NATO pauses Iraq training mission", nato_text)
    feeds = {
        "/feeds/world.xml": [
            Entry("US-led coalition members suspend Iraq operations after general's killing", rt,
                  "Germany, Sweden and Denmark pause missions in Iraq"),
            Entry("Cat show draws crowds", cats, "Cats everywhere"),
        ],
        "/feeds/europe.xml": [
            Entry("Coalition members suspend operations in Iraq after killing of Iranian general", dw,
                  "European troops in Iraq on lockdown"),
        ],
    }  # fmt: skip
    for path, entries in feeds.items():
        server.page(path, rss(entries), "application/rss+xml")
    server.page("/search", gdelt([Entry("NATO pauses Iraq training mission", nato)]), "application/json")
    return {
        "feeds": [server.url(p) for p in feeds],
        "search_urls": [server.url("/search") + "?q={query}"],
        "links": {"rt": rt, "dw": dw, "nato": nato, "cats": cats},
    }


async def test_a_topic_gets_clustered_summarised_stories(
    make_bot: Any, telegram: FakeBotAPI, server: PageServer
) -> None:
    site = news_site(server)
    await make_bot(news={"feeds": site["feeds"], "search_urls": site["search_urls"]})
    telegram.send_text(CHAT, "Iraq troops")
    reply = await telegram.wait_for_reply(CHAT, "📰 <b>Iraq troops</b>", timeout=60)
    text = reply.text
    assert text.count('<a href="') == 2  # the coalition story (two outlets) and the NATO story; no cats
    assert re.search(r"· (127\.0\.0\.1|localhost) \+ 1 more outlet", text)  # one story, two outlets
    assert "Members of the international coalition" in text  # summarised from the article itself
    assert re.search(r"Germany — ~1[35]0 soldiers in Iraq", text)
    differ = re.search(r"⚠️ Outlets differ: Germany \(troops\): (.+)", text)
    assert differ and "130 (127.0.0.1)" in differ.group(1) and "150 (localhost)" in differ.group(1)
    assert "NATO pauses Iraq training mission" in text
    assert "/search" in server.hits and "Cat" not in text


async def test_subscribe_then_scheduled_digests_never_repeat_even_after_restart(
    make_bot: Any, telegram: FakeBotAPI, server: PageServer
) -> None:
    site = news_site(server)
    news = {"feeds": site["feeds"], "search_urls": site["search_urls"]}
    app = await make_bot(news=news)
    telegram.send_text(CHAT, "/subscribe Iraq troops at 07:30 every 12 h")
    await telegram.wait_for_reply(CHAT, "Subscribed (#1) to <b>Iraq troops</b>: every 12 h from 07:30")
    (job,) = app.job_queue.get_jobs_by_name("digest:1")
    assert job.next_t is not None and (job.next_t.hour, job.next_t.minute) in {(7, 30), (19, 30)}

    await run_job(app, job)  # what the JobQueue does at 07:30
    first = await telegram.wait_for_reply(CHAT, "(subscription #1)")
    assert first.text.count('<a href="') == 2

    await run_job(app, job, next_run=True)  # at 19:30: nothing new since
    await telegram.wait_for_reply(CHAT, "No new stories on <b>Iraq troops</b>")

    await stop(app)  # restart on the same database, with one new story in a feed
    fresh = other_page(server, "/new/iraq.html", "Denmark to bring troops home from Iraq",
                       "Denmark will bring its 140 soldiers in Iraq home, the government said.")  # fmt: skip
    server.page("/feeds/europe.xml", rss([Entry("Denmark to bring troops home from Iraq", fresh),
                                           Entry("Coalition members suspend operations in Iraq", site["links"]["dw"])]),
                "application/rss+xml")  # fmt: skip
    restarted = await make_bot(news=news)
    (restored,) = restarted.job_queue.get_jobs_by_name("digest:1")
    before = len(telegram.calls_to("sendMessage", chat_id=CHAT))
    await run_job(restarted, restored, next_run=True)
    digest = await telegram.wait_for(
        lambda c: c.method == "sendMessage" and c.chat_id == CHAT and "(subscription #1)" in c.text and c is not first
    )
    assert "Denmark to bring troops home" in digest.text
    assert "US-led coalition" not in digest.text and "NATO pauses" not in digest.text  # sent before the restart
    assert len(telegram.calls_to("sendMessage", chat_id=CHAT)) == before + 1


async def test_quiet_subscriptions_stay_silent_when_nothing_is_new(make_bot: Any, telegram: FakeBotAPI) -> None:
    app = await make_bot()
    telegram.send_text(CHAT, "/subscribe volcanoes quiet")
    await telegram.wait_for_reply(CHAT, "Subscribed (#1)")
    sent = len(telegram.calls)
    (job,) = app.job_queue.get_jobs_by_name("digest:1")
    await run_job(app, job)  # quiet, not broken: the digest was built and found nothing new
    await asyncio.sleep(0.2)
    assert [c for c in telegram.calls[sent:] if c.method == "sendMessage"] == []


async def test_broken_sources_do_not_delay_the_digest_and_are_reported(
    make_bot: Any, telegram: FakeBotAPI, server: PageServer
) -> None:
    site = news_site(server)
    release = asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(text="late")

    server.route("/feeds/hang.xml", hang)
    server.page("/feeds/garbage.xml", b"\x00\x01 this is <not> a feed {", "application/rss+xml")
    server.route("/feeds/error.xml", lambda request: _status(500))
    feeds = [
        *site["feeds"],
        server.url("/feeds/hang.xml"),
        server.url("/feeds/garbage.xml"),
        server.url("/feeds/error.xml"),
    ]
    app = await make_bot(news={"feeds": feeds, "search_urls": [], "source_timeout_s": 1.0})
    started = time.monotonic()
    telegram.send_text(CHAT, "/topic Iraq troops")
    try:
        reply = await telegram.wait_for_reply(CHAT, "📰 <b>Iraq troops</b>", timeout=60)
    finally:
        release.set()
    assert reply.at - started < 20  # the hanging feed cost its 1 s timeout, not more
    assert "suspend" in reply.text and "more outlet" in reply.text  # the good feeds' story made it
    failing = app.bot_data["services"].stats.failing_sources
    assert set(failing) == {
        server.url("/feeds/hang.xml"),
        server.url("/feeds/garbage.xml"),
        server.url("/feeds/error.xml"),
    }
    assert failing[server.url("/feeds/hang.xml")] == "no answer within 1s"


async def _status(code: int) -> web.Response:
    return web.Response(status=code, text="oops")


async def test_a_chat_that_blocked_the_bot_is_paused(make_bot: Any, telegram: FakeBotAPI, server: PageServer) -> None:
    site = news_site(server)
    app = await make_bot(news={"feeds": site["feeds"], "search_urls": []})
    telegram.send_text(CHAT, "/subscribe Iraq troops")
    await telegram.wait_for_reply(CHAT, "Subscribed (#1)")
    telegram.blocked.add(CHAT)
    (job,) = app.job_queue.get_jobs_by_name("digest:1")
    await run_job(app, job)  # a blocked chat is paused, not an error
    services: Services = app.bot_data["services"]
    (sub,) = await services.storage.subscriptions(CHAT)
    assert sub.paused
    await asyncio.sleep(0.1)
    assert not app.job_queue.get_jobs_by_name("digest:1")
    assert await services.storage.sent_urls(CHAT) == set()  # nothing was delivered, so nothing is marked sent


async def test_subscription_commands(make_bot: Any, telegram: FakeBotAPI) -> None:
    await make_bot(news={"feeds": [], "search_urls": [], "max_subscriptions_per_chat": 2})
    for text, expected in [
        ("/subscribe", "Usage: /subscribe"),
        ("/subscribe Iraq at 25:00", "is not a time of day"),
        ("/subscribe Iraq every 500 h", "between 1 and 168 hours"),
        ("/subscribe " + "x" * 150, "at most 100 characters"),
        ("/subscribe Iraq troops at 08:00", "Subscribed (#1)"),
        ("/subscribe Sahel every 6 h", "Subscribed (#2)"),
        ("/subscribe Mali", "the most allowed"),
        ("/timezone Mars/Olympus", "I don't know the time zone"),
        ("/timezone Europe/Berlin", "Time zone set to Europe/Berlin"),
        ("/subscriptions", "#2 <b>Sahel</b> — every 6 h from 08:00; next: 20"),
        ("/unsubscribe sahel", "Unsubscribed from #2 Sahel"),
        ("/unsubscribe 7", "No subscription '7'"),
    ]:
        count = len(telegram.calls)
        telegram.send_text(CHAT, text)
        await telegram.wait_for(lambda c, n=count, e=expected: c in telegram.calls[n:] and c.method == "sendMessage"
                                and e in c.text)  # fmt: skip
    listing = await telegram.wait_for_reply(CHAT, "<b>Subscriptions</b>")
    assert "Europe/Berlin" in listing.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iraq troops", SubscribeRequest("Iraq troops")),
        ("Iraq troops at 7:05 every 6 h quiet", SubscribeRequest("Iraq troops", 7, 5, 6, True)),
        ("Sahel every 12 hours at 18:30", SubscribeRequest("Sahel", 18, 30, 12, False)),
        ("", "Usage: /subscribe"),
        ("Iraq at noon every 3", "couldn't read the schedule"),
    ],
)
def test_parse_subscribe(text: str, expected: SubscribeRequest | str) -> None:
    parsed = parse_subscribe(text, 100)
    if isinstance(expected, str):
        assert isinstance(parsed, str) and expected in parsed
    else:
        assert parsed == expected


@pytest.mark.parametrize("zone", ["America", "Europe/" + "x" * 300, "../../etc/passwd", "Etc/GMT+99"])
async def test_an_odd_time_zone_is_one_line(make_bot: Any, telegram: FakeBotAPI, zone: str) -> None:
    await make_bot()
    telegram.send_text(CHAT, f"/timezone {zone}")
    reply = await telegram.wait_for_reply(CHAT, "I don't know the time zone")
    assert len(reply.text) < 150
