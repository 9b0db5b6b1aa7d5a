"""``newsbot run`` as an operator starts it: a real process, pointed at the fake Bot API server."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
import time
from pathlib import Path

from tests.bot.test_topics import news_site
from tests.conftest import SEED_ARTICLE
from tests.helpers.fake_telegram import TOKEN, FakeBotAPI
from tests.helpers.servers import PageServer


async def start_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env={**os.environ, **env},
    )  # fmt: skip


async def test_newsbot_run_answers_a_link(telegram: FakeBotAPI, server: PageServer, tmp_path: Path) -> None:
    url = server.page("/a.html", (SEED_ARTICLE).read_bytes())
    process = await start_bot({
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "NEWSBOT_TELEGRAM__BASE_URL": telegram.base_url,
        "NEWSBOT_FETCH__ALLOW_PRIVATE_HOSTS": "true",
        "NEWSBOT_DATABASE__DATA_DIR": str(tmp_path / "data"),
    })  # fmt: skip
    try:
        await telegram.wait_for(lambda c: c.method == "setMyCommands", timeout=90)  # the model is loaded by now
        telegram.send_text(42, url)
        reply = await telegram.wait_for_reply(42, "Key facts", timeout=30)
        assert "Germany — ~130 soldiers in Iraq" in reply.text
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, err.decode()[-2000:]
    assert (tmp_path / "data" / "newsbot.db").is_file()


async def test_no_token_is_one_line_and_exit_2() -> None:
    process = await start_bot({})
    out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2 and out == b""
    assert (
        err.decode().strip() == "newsbot: no Telegram token: set TELEGRAM_BOT_TOKEN (or telegram.token in your config)"
    )


async def test_a_refused_token_is_one_line_and_exit_2(telegram: FakeBotAPI, tmp_path: Path) -> None:
    process = await start_bot({
        "TELEGRAM_BOT_TOKEN": "999:WRONG",
        "NEWSBOT_TELEGRAM__BASE_URL": telegram.base_url,
        "NEWSBOT_DATABASE__DATA_DIR": str(tmp_path),
    })  # fmt: skip
    _out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    assert err.decode().strip().splitlines()[-1] == "newsbot: Telegram refused the token: check TELEGRAM_BOT_TOKEN"
    assert "Traceback" not in err.decode()


async def test_health_follows_the_running_bot(telegram: FakeBotAPI, tmp_path: Path) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "NEWSBOT_TELEGRAM__BASE_URL": telegram.base_url,
        "NEWSBOT_DATABASE__DATA_DIR": str(tmp_path / "data"),
    }
    assert (await health(env))[0] == 1  # nothing running yet
    process = await start_bot(env)
    try:
        await telegram.wait_for(lambda c: c.method == "setMyCommands", timeout=90)
        status, line = await health(env)
        assert status == 0 and line.startswith("ok: heartbeat"), line
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.communicate(), timeout=30)
    stale = time.time() - 600
    os.utime(tmp_path / "data" / "heartbeat", (stale, stale))
    status, line = await health(env)
    assert status == 1 and re.search(r"last heartbeat was 60\d s ago", line), line


async def test_an_unwritable_data_folder_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    process = await start_bot({"TELEGRAM_BOT_TOKEN": TOKEN, "NEWSBOT_DATABASE__DATA_DIR": str(blocker / "data")})
    _out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    (line,) = err.decode().strip().splitlines()
    assert line.startswith(f"newsbot: the data folder {blocker / 'data'} is not writable by user id")


async def health(env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "health",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env={**os.environ, **env},
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode is not None
    return process.returncode, (out + err).decode().strip()


async def test_a_corrupt_database_is_one_line_at_start(telegram: FakeBotAPI, tmp_path: Path) -> None:
    (tmp_path / "newsbot.db").write_bytes(b"not a database at all " * 500)
    process = await start_bot({
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "NEWSBOT_TELEGRAM__BASE_URL": telegram.base_url,
        "NEWSBOT_DATABASE__DATA_DIR": str(tmp_path),
    })  # fmt: skip
    _out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode == 1
    lines = [line for line in err.decode().splitlines() if " INFO " not in line]
    assert lines == [f"newsbot: the database at sqlite+aiosqlite:///{tmp_path / 'newsbot.db'} cannot be used: "
                     "file is not a database"], err.decode()[-3000:]  # fmt: skip


async def test_the_token_never_reaches_the_log(telegram: FakeBotAPI, tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "-vv",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "NEWSBOT_TELEGRAM__BASE_URL": telegram.base_url,
             "NEWSBOT_DATABASE__DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    try:
        await telegram.wait_for(lambda c: c.method == "setMyCommands", timeout=90)
    finally:
        process.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    log = (out + err).decode()
    assert "Set Bot API URL" in log  # PTB's line that used to carry the token
    assert TOKEN not in log and TOKEN.split(":")[1] not in log


async def test_a_crash_while_a_digest_is_in_flight_never_sends_it_twice(
    telegram: FakeBotAPI, server: PageServer, tmp_path: Path
) -> None:
    site = news_site(server)
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "NEWSBOT_TELEGRAM__BASE_URL": telegram.base_url,
        "NEWSBOT_FETCH__ALLOW_PRIVATE_HOSTS": "true",
        "NEWSBOT_DATABASE__DATA_DIR": str(tmp_path),
        "NEWSBOT_NEWS__FEEDS": json.dumps(site["feeds"]),
        "NEWSBOT_NEWS__SEARCH_URLS": "[]",
    }
    chat = 77
    process = await start_bot(env)
    release = telegram.hold("sendMessage", "📰")
    try:
        await telegram.wait_for(lambda c: c.method == "setMyCommands", timeout=90)
        telegram.send_text(chat, "/subscribe Iraq troops")
        await telegram.wait_for_reply(chat, "Subscribed (#1)")
        telegram.send_text(chat, "/digest")
        await telegram.wait_for(lambda c: c.method == "held:sendMessage" and c.chat_id == chat, timeout=60)
    finally:
        process.kill()  # kill -9 while Telegram has not yet answered the digest's sendMessage
        await process.wait()
    release.set()
    restarted = await start_bot(env)
    try:
        await telegram.wait_for(lambda c: len(telegram.calls_to("setMyCommands")) == 2, timeout=90)
        telegram.send_text(chat, "/digest")
        await telegram.wait_for_reply(chat, "No new stories on <b>Iraq troops</b>", timeout=60)
    finally:
        restarted.send_signal(signal.SIGINT)
        await asyncio.wait_for(restarted.communicate(), timeout=30)
    digests = [c for c in telegram.calls if c.method in ("sendMessage", "held:sendMessage") and "📰" in c.text]
    assert len(digests) == 1  # the one in flight at the crash; never again
