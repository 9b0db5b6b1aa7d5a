"""Webhook mode and metrics: the real Application behind its aiohttp server on loopback, the fake Bot API
recording what the bot says, updates POSTed the way Telegram does."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import build_application
from bot.webhook import MAX_UPDATE_BYTES, SECRET_HEADER, WebhookBot
from summarizer.settings import ConfigError, load_settings, validate_override
from tests.bot.conftest import AppFactory, bot_settings
from tests.helpers.fake_telegram import TOKEN, FakeBotAPI

SECRET = "s3cret_token-for-tests"
HELP_WORDS = "summarises news with a model"
WEBHOOK = {"mode": "webhook", "webhook_url": "https://bot.example.org/telegram", "webhook_secret": SECRET,
           "webhook_port": 0}  # fmt: skip
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_]\w*="[^"\\]*",?)*)\})? (\S+)$')

WebhookFactory = Callable[..., Awaitable[WebhookBot]]


@pytest.fixture
async def make_webhook(telegram: FakeBotAPI, tmp_path: Path, extractive: Any) -> AsyncIterator[WebhookFactory]:
    """Start bots in webhook mode (``make_webhook(bot={...})``); any still running are stopped at the end."""
    started: list[WebhookBot] = []

    async def factory(**sections: dict[str, Any]) -> WebhookBot:
        sections["bot"] = WEBHOOK | {"rate_limit_per_minute": 1000} | sections.get("bot", {})
        settings = bot_settings(telegram, tmp_path, **sections)
        webhook = WebhookBot(build_application(settings, backend=extractive), settings)
        await webhook.start()
        started.append(webhook)
        return webhook

    yield factory
    for webhook in started:
        if webhook.application.running:
            await webhook.stop()


def base(webhook: WebhookBot) -> str:
    return f"http://127.0.0.1:{webhook.server.port}"


async def post(webhook: WebhookBot, body: bytes, secret: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"} | ({SECRET_HEADER: secret} if secret is not None else {})
    url = base(webhook) + "/telegram"
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as response:
        return response.status


def update_from(telegram: FakeBotAPI, user_id: int, text: str) -> bytes:
    """The update Telegram would POST when ``user_id`` writes ``text``."""
    telegram.send_text(user_id, text)
    (update,) = telegram.take_updates()
    return json.dumps(update).encode()


async def scrape(port: int) -> dict[str, float]:
    """GET /metrics, parsed strictly as Prometheus text: every line a comment or a sample, names declared."""
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = await response.text()
    assert text.endswith("\n")
    declared: dict[str, str] = {}
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("counter", "gauge", "histogram", "summary", "untyped") and name not in declared
            declared[name] = kind
            continue
        match = SAMPLE.match(line)
        assert match is not None, f"not a Prometheus sample: {line!r}"
        name, labels, value = match.groups()
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in declared else name
        assert family in declared, f"{name} has no # TYPE line"
        samples[f"{name}{{{labels}}}" if labels else name] = float(value)
    return samples


async def test_an_update_with_the_secret_is_answered_through_the_bot_api(
    make_webhook: WebhookFactory, telegram: FakeBotAPI
) -> None:
    webhook = await make_webhook()
    (registered,) = telegram.calls_to("setWebhook")
    assert registered.params["url"] == "https://bot.example.org/telegram"
    assert registered.params["secret_token"] == SECRET
    assert registered.params["allowed_updates"] == ["message", "callback_query"]
    before = await scrape(webhook.server.port)
    assert before["newsbot_updates_total"] == 0

    assert await post(webhook, update_from(telegram, 42, "/help")) == 200
    reply = await telegram.wait_for_reply(42, HELP_WORDS, timeout=30)
    assert "up to 3 per message" in reply.text

    after = await scrape(webhook.server.port)
    assert after["newsbot_updates_total"] == 1
    assert after["newsbot_reply_seconds_count"] == 1
    assert after['newsbot_reply_seconds_bucket{le="+Inf"}'] == 1
    assert after['newsbot_webhook_requests_total{status="200"}'] == 1
    assert after['newsbot_failures_total{kind="timeout"}'] == 0
    assert after["newsbot_model_queue_depth"] == 0 and after["newsbot_pending_updates"] == 0


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-of-enough-length", SECRET[:-1], SECRET + "x", "ü" * 20])
async def test_a_wrong_or_missing_secret_is_403_and_nothing_is_handled(
    make_webhook: WebhookFactory, telegram: FakeBotAPI, secret: str | None
) -> None:
    webhook = await make_webhook()
    assert await post(webhook, update_from(telegram, 7, "/help"), secret=secret) == 403
    # a good update after the refused one: once it is answered, the refused one would have been too
    assert await post(webhook, update_from(telegram, 8, "/help")) == 200
    await telegram.wait_for_reply(8, HELP_WORDS, timeout=30)
    assert telegram.calls_to("sendMessage", chat_id=7) == []
    metrics = await scrape(webhook.server.port)
    assert metrics["newsbot_updates_total"] == 1
    assert metrics['newsbot_webhook_requests_total{status="403"}'] == 1


async def test_an_oversized_or_malformed_body_is_refused(make_webhook: WebhookFactory, telegram: FakeBotAPI) -> None:
    webhook = await make_webhook()
    huge = json.dumps({"update_id": 1, "padding": "x" * MAX_UPDATE_BYTES}).encode()
    assert await post(webhook, huge) == 413
    assert await post(webhook, b"{not json") == 400
    assert await post(webhook, b"[1, 2]") == 400
    async with aiohttp.ClientSession() as session:  # a chunked body, with no length to refuse it by
        chunks = (bytes(65536) for _ in range(MAX_UPDATE_BYTES // 65536 + 2))

        async def stream() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield chunk

        async with session.post(base(webhook) + "/telegram", data=stream(), headers={SECRET_HEADER: SECRET}) as r:
            assert r.status == 413
    metrics = await scrape(webhook.server.port)
    assert metrics["newsbot_updates_total"] == 0
    assert metrics['newsbot_webhook_requests_total{status="413"}'] == 2
    assert metrics['newsbot_webhook_requests_total{status="400"}'] == 2


async def test_healthz_says_ok_while_running(make_webhook: WebhookFactory) -> None:
    webhook = await make_webhook()
    async with aiohttp.ClientSession() as session:
        async with session.get(base(webhook) + "/healthz") as response:
            assert response.status == 200
            assert await response.json() == {"ok": True, "mode": "webhook", "pending_updates": 0}
        async with session.get(base(webhook) + "/telegram") as response:
            assert response.status == 405  # the webhook path takes POSTs only
    await webhook.stop()
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(base(webhook) + "/healthz")


async def test_stopping_handles_every_update_already_received(
    make_webhook: WebhookFactory, telegram: FakeBotAPI
) -> None:
    webhook = await make_webhook()
    release = telegram.hold("sendMessage", HELP_WORDS)
    users = range(100, 105)
    for user in users:
        assert await post(webhook, update_from(telegram, user, "/help")) == 200
    await telegram.wait_for(lambda c: c.method == "held:sendMessage", timeout=30)
    stopping = asyncio.create_task(webhook.stop())
    await asyncio.sleep(0.3)
    assert not stopping.done()  # waiting for the replies in progress
    async with aiohttp.ClientSession() as session:  # no longer accepting
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(base(webhook) + "/healthz")
    release.set()
    await asyncio.wait_for(stopping, timeout=30)
    answered = {c.chat_id for c in telegram.calls if c.method in ("held:sendMessage", "sendMessage")}
    assert answered >= set(users)
    assert telegram.calls_to("deleteWebhook") == []  # the other replicas keep the URL


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_polling_serves_metrics_on_metrics_port(make_bot: AppFactory, telegram: FakeBotAPI) -> None:
    port = free_port()
    await make_bot(bot={"metrics_port": port})
    assert (await scrape(port))["newsbot_updates_total"] == 0
    telegram.send_text(5, "/help")
    await telegram.wait_for_reply(5, HELP_WORDS, timeout=30)
    for _ in range(50):  # the update is counted when its handler returns, just after the reply
        if (await scrape(port))["newsbot_updates_total"] == 1:
            break
        await asyncio.sleep(0.05)
    assert (await scrape(port))["newsbot_updates_total"] == 1


async def test_newsbot_run_in_webhook_mode_stops_on_sigterm(telegram: FakeBotAPI, tmp_path: Path) -> None:
    port = free_port()
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "NEWSBOT_TELEGRAM__BASE_URL": telegram.base_url,
        "NEWSBOT_DATABASE__DATA_DIR": str(tmp_path / "data"),
        "NEWSBOT_BOT__MODE": "webhook",
        "NEWSBOT_BOT__WEBHOOK_URL": "https://bot.example.org/hook",
        "NEWSBOT_BOT__WEBHOOK_SECRET": SECRET,
        "NEWSBOT_BOT__WEBHOOK_PORT": str(port),
        "NEWSBOT_BOT__WEBHOOK_PATH": "/hook",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env={**os.environ, **env},
    )  # fmt: skip
    try:
        await telegram.wait_for(lambda c: c.method == "setWebhook", timeout=90)
        async with aiohttp.ClientSession() as session:
            for _ in range(100):  # the server starts just after the webhook is registered
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.1)
            body = update_from(telegram, 42, "/help")
            headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
            async with session.post(f"http://127.0.0.1:{port}/hook", data=body, headers=headers) as response:
                assert response.status == 200
        await telegram.wait_for_reply(42, HELP_WORDS, timeout=30)
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, err.decode()[-2000:]
    assert SECRET not in err.decode()


@pytest.mark.parametrize(
    ("bot", "problem"),
    [
        ({"mode": "webhook", "webhook_secret": SECRET}, "needs bot.webhook_url"),
        ({"mode": "webhook", "webhook_url": "https://x.org/t"}, "needs bot.webhook_secret"),
        ({"mode": "webhook", "webhook_url": "https://x.org/t", "webhook_secret": "short"}, "16 to 256 characters"),
        ({"webhook_secret": "has spaces in it, sixteen+"}, "16 to 256 characters"),
        ({"webhook_url": "ftp://x.org/t"}, "webhook_url"),
        ({"mode": "webhooks"}, "bot.mode"),
        ({"webhook_path": "/metrics"}, "must not be /healthz or /metrics"),
    ],
)
def test_webhook_settings_are_validated(bot: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(problem)) as raised:
        load_settings(None, bot=bot)
    assert "short" not in str(raised.value) and "has spaces" not in str(raised.value)  # secrets are never echoed


def test_webhook_settings_are_for_the_operator_only() -> None:
    settings = load_settings(None, bot=WEBHOOK)
    assert settings.bot.mode == "webhook" and settings.bot.webhook_secret.get_secret_value() == SECRET
    for key in ("bot.mode", "bot.webhook_url", "bot.webhook_secret", "bot.listen", "bot.metrics_port"):
        with pytest.raises(ConfigError, match="only be changed in the config file"):
            validate_override(settings, key, "x")
    assert load_settings(None).bot.mode == "polling"
