"""Many users at once, slow sites, Telegram's flood limits, and failures that must not stop the bot."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiohttp import web
from telegram.ext import Application

from bot.services import Services
from bot.workers import Busy, ModelWorkers
from tests.conftest import SEED_ARTICLE
from tests.helpers.fake_telegram import FakeBotAPI
from tests.helpers.servers import PageServer
from tests.helpers.telegram_html import html_errors

ARTICLE = (SEED_ARTICLE).read_bytes()


def unique_article(n: int) -> bytes:
    """The sample page under its own canonical URL, so the cache does not merge the copies."""
    return ARTICLE.replace(b"477400-coalition-suspend-iraq-operations", f"story-{n}".encode())


async def test_a_slow_site_holds_up_nobody_else(bot: Application, telegram: FakeBotAPI, server: PageServer) -> None:
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await release.wait()  # held open until the end of the test, however long the others take
        return web.Response(body=ARTICLE, content_type="text/html")

    slow_url = server.route("/slow.html", slow)
    fast_url = server.page("/fast.html", unique_article(1))
    telegram.send_text(1, slow_url)
    await telegram.wait_for_reply(1, "Reading")
    telegram.send_text(2, "/help")
    telegram.send_text(3, fast_url)
    await telegram.wait_for_reply(2, "key facts", timeout=10)
    await telegram.wait_for_reply(3, "Key facts", timeout=20)
    assert not [c for c in telegram.calls_to("editMessageText", chat_id=1) if "Key facts" in c.text]
    release.set()
    await telegram.wait_for_reply(1, "Key facts", timeout=20)


async def test_twenty_users_at_once_are_all_answered(
    bot: Application, telegram: FakeBotAPI, server: PageServer
) -> None:
    users = range(1, 21)
    for user in users:
        telegram.send_text(user, server.page(f"/story-{user}.html", unique_article(user)))
    for user in users:
        reply = await telegram.wait_for_reply(user, "Key facts", timeout=90)
        assert "Germany — ~130 soldiers" in reply.text
    assert len(server.hits) == 20


async def test_retry_after_is_honoured(bot: Application, telegram: FakeBotAPI) -> None:
    telegram.fail_next("sendMessage", retry_after=1)
    started = time.monotonic()
    telegram.send_text(7, "/help")
    reply = await telegram.wait_for_reply(7, "key facts", timeout=15)
    assert reply.at - started >= 1.0  # it waited as told, then sent


async def test_groups_answer_only_when_addressed(bot: Application, telegram: FakeBotAPI, server: PageServer) -> None:
    group = -100
    url = server.page("/g.html", ARTICLE)
    telegram.send_text(5, f"look {url}", chat_id=group, chat_type="supergroup")
    telegram.send_text(5, f"/summarize {url}", chat_id=group, chat_type="supergroup")
    await telegram.wait_for_reply(group, "Key facts")
    telegram.send_text(6, f"@newsbot_test_bot {url}?again", chat_id=group, chat_type="supergroup")
    await telegram.wait_for(lambda c: len([x for x in telegram.calls_to("editMessageText", chat_id=group)]) == 2)
    telegram.send_text(5, "/summarize", chat_id=group, chat_type="supergroup")
    await telegram.wait_for_reply(group, "Usage: /summarize")
    readings = [c for c in telegram.calls_to("sendMessage", chat_id=group) if c.text.startswith("Reading")]
    assert len(readings) == 2  # the plain "look <link>" was not for the bot


async def test_a_long_article_stays_under_the_limit_and_valid(
    bot: Application, telegram: FakeBotAPI, server: PageServer
) -> None:
    countries = ["German", "French", "Italian", "Spanish", "Polish", "Dutch", "Danish", "Swedish", "Norwegian",
                 "Finnish", "Czech", "Greek", "Turkish", "Canadian", "Australian", "Japanese"]  # fmt: skip
    paragraphs = [
        f"<p>There are around {100 + n} {c} soldiers deployed in Iraq at the moment, a figure that officials "
        f"in the capital said could change within weeks as the security situation &amp; politics evolve "
        f"&lt;quickly&gt;, according to several people familiar with the plans. " * 3 + "</p>"
        for n, c in enumerate(countries)
    ]
    page = (
        "<html><head><title>A <very> long & detailed story</title></head><body><article><h1>A long story</h1>"
        + "".join(paragraphs * 3) + "</article></body></html>"
    )  # fmt: skip
    telegram.send_text(8, server.page("/long.html", page))
    reply = await telegram.wait_for_reply(8, "Key facts", timeout=30)
    assert len(reply.text) <= 4096 and html_errors(reply.text) == []
    assert "tap Facts" in reply.text  # facts beyond the first eight are one tap away


async def test_an_unexpected_error_is_one_line_and_the_bot_carries_on(
    bot: Application, telegram: FakeBotAPI, server: PageServer, monkeypatch: Any
) -> None:
    services: Services = bot.bot_data["services"]
    original = services.summarize_link

    async def broken(link: str, user_id: int | None = None) -> Any:
        if "boom" in link:
            raise RuntimeError("database on fire\nTraceback (most recent call last): ...")
        return await original(link, user_id)

    monkeypatch.setattr(services, "summarize_link", broken)
    telegram.send_text(9, "http://127.0.0.1:1/boom")
    reply = await telegram.wait_for_reply(9, "something went wrong")
    assert "Traceback" not in reply.text and "fire" not in reply.text
    telegram.send_text(9, server.page("/ok.html", ARTICLE))
    await telegram.wait_for_reply(9, "Key facts")


async def test_a_full_queue_says_busy() -> None:
    workers = ModelWorkers(workers=1, queue_size=1)
    gate = asyncio.Event()
    loop = asyncio.get_running_loop()

    def blocked() -> str:
        asyncio.run_coroutine_threadsafe(gate.wait(), loop).result(timeout=10)
        return "done"

    first = asyncio.create_task(workers.run(blocked))
    second = asyncio.create_task(workers.run(blocked))
    await asyncio.sleep(0.05)
    with pytest.raises(Busy):
        await workers.run(blocked)
    gate.set()
    assert await first == await second == "done"
    assert workers.pending == 0
    workers.shutdown()


async def test_a_crowd_at_one_slow_site_waits_its_turn_without_timing_out(
    make_bot: Any, telegram: FakeBotAPI, server: PageServer
) -> None:
    """24 users, 24 pages of one site that takes 1.5 s each, a 3 s fetch timeout: waiting for a turn is not
    fetch time, so every user gets the article (the pool used to count the wait, and most were told "too long")."""
    await make_bot(fetch={"allow_private_hosts": True, "timeout_s": 3.0}, bot={"queue_size": 64})

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(1.5)
        number = int(request.path.removeprefix("/crowd/").removesuffix(".html"))
        return web.Response(body=unique_article(number), content_type="text/html")

    users = range(100, 124)
    for user in users:
        telegram.send_text(user, server.route(f"/crowd/{user}.html", slow))
    for user in users:
        reply = await telegram.wait_for(
            lambda c, u=user: c.method == "editMessageText" and c.chat_id == u and not c.text.startswith("Reading"),
            timeout=60,
        )
        assert "Key facts" in reply.text, reply.text


async def test_one_users_slow_links_leave_room_for_everyone_else(
    make_bot: Any, telegram: FakeBotAPI, server: PageServer
) -> None:
    """6 users send 12 never-ending links each, to 12 slowloris sites; another user's page on another site still
    comes back at once: each user has a few fetches at a time, not the whole pool."""
    await make_bot(fetch={"allow_private_hosts": True, "timeout_s": 30.0}, bot={"rate_limit_per_minute": 100})
    release = asyncio.Event()

    slow_sites = [await PageServer(host=f"127.0.0.{n}").start() for n in range(2, 14)]
    try:
        fast = server.page("/fast.html", unique_article(999))
        for user in range(1, 7):
            for batch in range(4):
                links = [site.stalled(f"/slow/{user}-{batch}.html", release)
                         for site in slow_sites[batch * 3 : batch * 3 + 3]]  # fmt: skip
                telegram.send_text(user, " ".join(links))
        await telegram.wait_for(lambda c: len(telegram.calls_to("sendMessage")) >= 72, timeout=30)
        started = time.monotonic()
        telegram.send_text(50, fast)
        await telegram.wait_for_reply(50, "Key facts", timeout=20)
        assert time.monotonic() - started < 10  # the slow links hold their fetches for 30 s
    finally:
        release.set()
        for site in slow_sites:
            await site.stop()
