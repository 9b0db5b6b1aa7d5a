"""The larger deployment, end to end and for real: two ``newsbot run`` processes in webhook mode behind the fake
Bot API (updates spread between them as a load balancer would), one ``newsbot worker``, PostgreSQL and Redis on
loopback. Every link is answered exactly once, a subscription's digest is delivered once, and a worker killed
mid-job costs its user one line while the next worker takes over."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.chat import WORKER_LOST
from bot.webhook import SECRET_HEADER
from tests.bot.test_topics import news_site
from tests.bot.test_webhook import scrape
from tests.helpers.fake_telegram import TOKEN, FakeBotAPI
from tests.helpers.news import article_page
from tests.helpers.postgres import PostgresServer, free_port
from tests.helpers.servers import PageServer

SECRET = "scale-out-secret-for-tests"
LINKS, USERS = 50, 20
START_S = 120.0  # three processes importing torch and loading a model on two cores


class Process:
    """A ``newsbot`` subprocess whose output goes to a file (a pipe nobody reads would fill and stall it)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], folder: Path) -> None:
        self.name, self.args, self.env = name, args, env
        self.log = folder / f"{name}.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> Process:
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", *self.args, stdout=log, stderr=log, env={**os.environ, **self.env}
            )
        return self

    def tail(self) -> str:
        return self.log.read_text("utf-8", "replace")[-3000:] if self.log.exists() else ""

    async def stop(self, sig: int = signal.SIGTERM) -> int | None:
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(sig)
        try:
            return await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            return await self.process.wait()


@pytest.fixture
async def processes() -> AsyncIterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        await process.stop()


async def healthy(port: int) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(int(START_S * 10)):
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise AssertionError(f"no bot answered /healthz on port {port}")


async def worker_alive(redis: Redis, count: int) -> None:
    for _ in range(int(START_S * 10)):
        if len([key async for key in redis.scan_iter("newsbot:worker:*")]) >= count:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"fewer than {count} workers beat")


def first_run() -> datetime:
    """The next minute at least 10 s away (both replicas have it scheduled by then): the digest's first run, due
    while the links are answered and the worker is killed, or soon after."""
    return datetime.now(UTC) + timedelta(seconds=70)  # HH:MM drops the seconds: 10 to 70 s from now


async def post(session: aiohttp.ClientSession, port: int, telegram: FakeBotAPI, user: int, text: str) -> None:
    """What Telegram does when ``user`` writes ``text``: one POST, here to the replica the balancer picked."""
    telegram.send_text(user, text)
    (update,) = telegram.take_updates()
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    async with session.post(f"http://127.0.0.1:{port}/telegram", data=json.dumps(update), headers=headers) as sent:
        assert sent.status == 200


def answers(telegram: FakeBotAPI, url: str) -> list[Any]:
    """The summaries sent for ``url``: the status line edited into the result, its Source link pointing there."""
    return [call for call in telegram.calls_to("editMessageText") if f'href="{url}"' in call.text]


async def test_two_replicas_one_worker_postgres_and_redis(
    telegram: FakeBotAPI,
    server: PageServer,
    postgres: PostgresServer,
    redis_url: str,
    tmp_path: Path,
    processes: list[Process],
) -> None:
    site = news_site(server)
    links = [article_page(server, f"/story/{n}.html", f"story-{n}") for n in range(LINKS)]
    ports = [free_port(), free_port()]
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "NEWSBOT_TELEGRAM__BASE_URL": telegram.base_url,
        "NEWSBOT_DATABASE__URL": await postgres.create_database(),
        "NEWSBOT_QUEUE__URL": redis_url,
        "NEWSBOT_QUEUE__HEARTBEAT_S": "0.5",
        "NEWSBOT_FETCH__ALLOW_PRIVATE_HOSTS": "true",
        "NEWSBOT_NEWS__FEEDS": json.dumps(site["feeds"]),
        "NEWSBOT_NEWS__SEARCH_URLS": json.dumps(site["search_urls"]),
        "NEWSBOT_BOT__RATE_LIMIT_PER_MINUTE": "1000",
        "NEWSBOT_BOT__SYNC_S": "5",
        "NEWSBOT_BOT__MODE": "webhook",
        "NEWSBOT_BOT__WEBHOOK_URL": "https://bot.example.org/telegram",
        "NEWSBOT_BOT__WEBHOOK_SECRET": SECRET,
        "NEWSBOT_DATABASE__DATA_DIR": str(tmp_path / "data"),
    }
    processes.append(await Process("worker-1", ["worker"], env, tmp_path).start())
    for index, port in enumerate(ports):
        replica_env = env | {"NEWSBOT_BOT__WEBHOOK_PORT": str(port)}
        processes.append(await Process(f"bot-{index + 1}", ["run"], replica_env, tmp_path).start())
    redis = Redis.from_url(redis_url)
    try:
        await asyncio.gather(*(healthy(port) for port in ports), worker_alive(redis, 1))
        async with aiohttp.ClientSession() as session:
            # A subscription made on one replica; both schedule it (the other through its sync), one sends it.
            await post(session, ports[0], telegram, 500, f"/subscribe iraq at {first_run():%H:%M}")
            await telegram.wait_for_reply(500, "Subscribed", timeout=30)
            # 50 links from 20 users, every other one to each replica.
            await asyncio.gather(*(
                post(session, ports[n % 2], telegram, 100 + n % USERS, link) for n, link in enumerate(links)
            ))  # fmt: skip
            for link in links:
                await telegram.wait_for(lambda call, link=link: bool(answers(telegram, link)), timeout=120)
            assert all(len(answers(telegram, link)) == 1 for link in links), "a link answered twice"
            assert all("Key facts" in answers(telegram, link)[0].text for link in links)

            # A second worker joins; the one that takes the next job dies holding it: that user gets one line, and
            # the other worker takes the next job.
            processes.append(await Process("worker-2", ["worker"], env, tmp_path).start())
            await worker_alive(redis, 2)
            victim = article_page(server, "/story/victim.html", "story-victim")
            await post(session, ports[1], telegram, 777, victim)
            holder = None
            for _ in range(3000):  # bounded: a summary takes a few hundred milliseconds
                if keys := [key async for key in redis.scan_iter("newsbot:job:*")]:
                    holder = (await redis.get(keys[0]) or b"").decode()
                    break
                await asyncio.sleep(0.002)
            assert holder, "no worker took the job"
            (dying,) = [p for p in processes if p.process and f"-{p.process.pid}-" in holder]  # host-pid-id
            await dying.stop(signal.SIGKILL)
            lost = await telegram.wait_for(lambda c: c.chat_id == 777 and c.method == "editMessageText", 30)
            assert lost.text == WORKER_LOST
            await post(session, ports[1], telegram, 777, victim)
            await telegram.wait_for(lambda call: bool(answers(telegram, victim)), timeout=START_S)
            assert len([c for c in telegram.calls_to("editMessageText", chat_id=777) if c.text == WORKER_LOST]) == 1
            metrics = await scrape(ports[1])  # that replica counted the lost job, by kind
            assert metrics['newsbot_failures_total{kind="worker_lost"}'] == 1
            assert metrics["newsbot_shared_queue_waiting"] >= 0 and metrics["newsbot_model_queue_depth"] == 0

            # Meanwhile the digest's minute has come, or comes now (a worker is running again to build it).
            digest = await telegram.wait_for(lambda c: c.chat_id == 500 and "coalition" in c.text.lower(), 120)
            await asyncio.sleep(max(0.0, digest.at + 6 - time.monotonic()))  # a second copy would be here by now
            digests = [c for c in telegram.calls_to("sendMessage", chat_id=500) if "coalition" in c.text.lower()]
            assert digests == [digest]
    except BaseException:
        for process in processes:
            print(f"--- {process.name}\n{process.tail()}")
        raise
    finally:
        await redis.aclose()
