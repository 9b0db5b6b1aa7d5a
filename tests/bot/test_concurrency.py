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

    async def broken(link: str) -> Any:
        if "boom" in link:
            raise RuntimeError("database on fire\nTraceback (most recent call last): ...")
        return await original(link)

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
