"""Admin commands through the fake Bot API: only admins, validated, persistent, audited, never leaking secrets."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.admin import ADMIN_COMMANDS, ADMIN_HANDLERS
from bot.replies import utf16_len
from tests.bot.conftest import stop
from tests.conftest import SEED_ARTICLE
from tests.helpers.fake_telegram import FakeBotAPI
from tests.helpers.servers import PageServer
from tests.helpers.telegram_html import html_errors

ADMIN, USER, OTHER = 1, 2, 3
SECRET_DB = "sqlite+aiosqlite:///{path}"


async def reply_to(telegram: FakeBotAPI, user: int, text: str, contains: str) -> Any:
    start = len(telegram.calls)
    telegram.send_text(user, text)
    return await telegram.wait_for(
        lambda c: c in telegram.calls[start:] and c.method in ("sendMessage", "editMessageText")
        and c.chat_id == user and contains in c.text
    )  # fmt: skip


@pytest.fixture
async def admin_bot(make_bot: Any) -> Any:
    return await make_bot(bot={"admin_ids": [ADMIN], "rate_limit_per_minute": 1000})


@pytest.mark.parametrize(
    "command",
    ["/admin", "/config", "/set summarizer.sentences 1", "/unset summarizer.sentences", "/sources add https://x.example/rss",
     "/stats", "/access allowlist", "/allow 3", "/block 3", "/broadcast hello all", "/audit"],
)  # fmt: skip
async def test_non_admins_are_refused_and_nothing_changes(admin_bot: Any, telegram: FakeBotAPI, command: str) -> None:
    services = admin_bot.bot_data["services"]
    before = (services.settings, dict(services.access), await services.storage.overrides())
    await reply_to(telegram, USER, command, "only for this bot's admins")
    assert (services.settings, dict(services.access), await services.storage.overrides()) == before
    assert await services.storage.audit_log(10) == []
    assert not [c for c in telegram.calls if "Send to" in c.text]  # no broadcast was even offered


def test_every_admin_command_is_covered_above() -> None:
    assert set(ADMIN_COMMANDS) | {"admin"} == {"admin", "config", "set", "unset", "sources", "stats", "access",
                                                "allow", "block", "broadcast", "audit"}  # fmt: skip


def test_every_admin_command_has_a_handler_and_every_handler_a_help_line() -> None:
    assert list(ADMIN_HANDLERS) == list(ADMIN_COMMANDS)  # bot.app registers the handlers; /admin lists the help


async def test_a_group_with_an_admin_in_it_is_not_an_admin(admin_bot: Any, telegram: FakeBotAPI) -> None:
    telegram.send_text(USER, "/set summarizer.sentences 1", chat_id=-5, chat_type="group")
    await telegram.wait_for(lambda c: c.chat_id == -5 and "only for this bot's admins" in c.text)


async def test_set_changes_the_next_summary_and_survives_a_restart(
    make_bot: Any, telegram: FakeBotAPI, server: PageServer
) -> None:
    app = await make_bot(bot={"admin_ids": [ADMIN]})
    url = server.page("/a.html", (SEED_ARTICLE).read_bytes())
    telegram.send_text(USER, url)
    before = await telegram.wait_for_reply(USER, "Key facts")
    assert before.text.count("\n• ") - before.text.count("\n• NATO") == 3

    await reply_to(
        telegram, ADMIN, "/set summarizer.sentences 2", "OK, set <code>summarizer.sentences</code> (applied now)"
    )
    telegram.send_text(OTHER, url)  # the cached story is re-summarised at the new length
    after = await telegram.wait_for_reply(OTHER, "Key facts")
    assert after.text.count("\n• ") - after.text.count("\n• NATO") == 2

    await reply_to(telegram, ADMIN, "/set fetch.timeout_s 9", "(takes effect after restart)")
    await stop(app)
    restarted = await make_bot(bot={"admin_ids": [ADMIN]})
    assert restarted.bot_data["services"].settings.summarizer.sentences == 2
    assert restarted.bot_data["services"].fetcher.config.timeout_s == 9
    shown = await reply_to(telegram, ADMIN, "/config summarizer", "[summarizer]")
    assert "sentences = 2</code> <i>(set here)</i>" in shown.text
    await reply_to(telegram, ADMIN, "/unset summarizer.sentences", "removed the override")
    assert restarted.bot_data["services"].settings.summarizer.sentences == 3


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("/set summarizer.sentences 0", "greater than or equal to 1"),
        ("/set summarizer.sentences lots", "valid integer"),
        ("/set summarizer.colour blue", "unknown key 'summarizer.colour'"),
        ("/set nonsense 1", "unknown key 'nonsense'"),
        ("/set telegram.token 1:x", "only be changed in the config file"),
        ("/set bot.admin_ids [2]", "only be changed in the config file"),
        ("/set bot.access closed", "'open' or 'allowlist'"),
        ("/unset summarizer.sentences", "no override to remove"),
    ],
)
async def test_invalid_changes_are_refused_with_the_reason(
    admin_bot: Any, telegram: FakeBotAPI, command: str, reason: str
) -> None:
    services = admin_bot.bot_data["services"]
    before = services.settings
    reply = await reply_to(telegram, ADMIN, command, "Not changed:")
    assert reason in reply.text
    assert services.settings == before and await services.storage.overrides() == {}


async def test_config_never_shows_secrets(make_bot: Any, telegram: FakeBotAPI, tmp_path: Any) -> None:
    await make_bot(bot={"admin_ids": [ADMIN]})
    reply = await reply_to(telegram, ADMIN, "/config", "[telegram]")
    assert "TEST-TOKEN" not in reply.text and "123456:" not in reply.text
    assert 'token = "***"' in reply.text


async def test_block_and_allowlist(admin_bot: Any, telegram: FakeBotAPI, server: PageServer) -> None:
    url = server.page("/a.html", (SEED_ARTICLE).read_bytes())
    await reply_to(telegram, ADMIN, f"/block {USER}", f"User {USER} is now blocked")
    hits = len(server.hits)
    await reply_to(telegram, USER, url, "not open to you")
    assert len(server.hits) == hits  # the blocked user's link was never fetched
    await reply_to(telegram, OTHER, url, "Key facts")  # others are fine

    await reply_to(telegram, ADMIN, "/access allowlist", "OK, set <code>bot.access</code> (applied now)")
    await reply_to(telegram, OTHER, "/help", "not open to you")
    await reply_to(telegram, ADMIN, f"/allow {OTHER}", f"User {OTHER} is now allowed")
    await reply_to(telegram, OTHER, "/help", "key facts")
    await reply_to(telegram, ADMIN, "/help", "key facts")  # admins are never locked out
    log = await reply_to(telegram, ADMIN, "/audit 5", "<b>Audit</b>")
    assert f"allow {OTHER}" in log.text and f"block {USER}" in log.text and "bot.access" in log.text


async def test_sources_stats_and_broadcast(admin_bot: Any, telegram: FakeBotAPI) -> None:
    await reply_to(telegram, ADMIN, "/sources add https://feeds.example/world.xml", "news.feeds")
    assert admin_bot.bot_data["services"].settings.news.feeds == ["https://feeds.example/world.xml"]
    await reply_to(telegram, ADMIN, "/sources", "https://feeds.example/world.xml")
    telegram.send_text(OTHER, "hi")
    await telegram.wait_for_reply(OTHER, "Send me a link")
    stats = await reply_to(telegram, ADMIN, "/stats", "<b>Stats</b>")
    assert "users 2, chats 2, subscriptions 0" in stats.text

    offer = await reply_to(telegram, ADMIN, "/broadcast Maintenance at 22:00 <UTC>", "Send this to 2 chats?")
    send, _cancel = offer.params["reply_markup"]["inline_keyboard"][0]
    message = {"message_id": offer.result["message_id"], "date": 0, "chat": {"id": ADMIN, "type": "private"}}
    telegram.press(OTHER, message, send["callback_data"])  # a non-admin cannot confirm it
    await telegram.wait_for(lambda c: c.method == "answerCallbackQuery" and "only for this bot's admins" in c.text)
    telegram.press(ADMIN, message, send["callback_data"])
    await telegram.wait_for(lambda c: c.method == "editMessageText" and "Broadcast sent to 2 chats" in c.text)
    delivered = [c for c in telegram.calls_to("sendMessage") if c.text == "Maintenance at 22:00 &lt;UTC&gt;"]
    assert sorted(c.chat_id for c in delivered) == [ADMIN, OTHER]


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("/set fetch.allow_private_hosts true", "can only be changed in the config file or the environment"),
        ("/set fetch.max_bytes 10000000000", "less than or equal to 50000000"),
        ("/set fetch.timeout_s 100000", "less than or equal to 120"),
        ("/set bot.queue_size 1000000", "less than or equal to 1000"),
        ("/set bot.workers 64", "less than or equal to 16"),
    ],
)
async def test_security_switches_are_protected_and_sizes_bounded(
    admin_bot: Any, telegram: FakeBotAPI, command: str, reason: str
) -> None:
    await reply_to(telegram, ADMIN, command, "Not changed")
    assert reason in telegram.calls[-1].text
    assert await admin_bot.bot_data["services"].storage.overrides() == {}


async def test_start_up_parts_follow_the_effective_settings(make_bot: Any, telegram: FakeBotAPI) -> None:
    app = await make_bot(bot={"admin_ids": [ADMIN]}, fetch={"allow_private_hosts": False})
    services = app.bot_data["services"]
    await services.storage.set_override("fetch.allow_private_hosts", True, ADMIN)  # stored by an older release
    await reply_to(telegram, ADMIN, "/set bot.workers 2", "(takes effect after restart)")
    shown = await reply_to(telegram, ADMIN, "/config bot", "[bot]")
    assert "workers = 1</code> <i>(set here: 2 after restart)</i>" in shown.text  # the live value, and what's next
    await stop(app)
    restarted = (await make_bot(bot={"admin_ids": [ADMIN]}, fetch={"allow_private_hosts": False})).bot_data["services"]
    assert restarted.settings.fetch.allow_private_hosts is False
    assert restarted.fetcher.policy.allow_private is False
    assert restarted.workers.executor._max_workers == 2
    shown = await reply_to(telegram, ADMIN, "/config bot", "[bot]")
    assert "workers = 2</code> <i>(set here)</i>" in shown.text


async def test_audit_of_fifty_long_entries_fits(admin_bot: Any, telegram: FakeBotAPI) -> None:
    storage = admin_bot.bot_data["services"].storage
    for _ in range(50):
        await storage.audit(ADMIN, "set", "news.feeds = " + "&" * 1000)
    reply = await reply_to(telegram, ADMIN, "/audit 50", "Audit")
    assert html_errors(reply.text) == [] and utf16_len(reply.text) <= 4096
    assert reply.text.endswith("more not shown.</i>")


async def test_only_the_author_of_a_broadcast_confirms_it(make_bot: Any, telegram: FakeBotAPI) -> None:
    second_admin = 9
    await make_bot(bot={"admin_ids": [ADMIN, second_admin]})
    offer = await reply_to(telegram, ADMIN, "/broadcast Hello", "Send this to")
    send, _cancel = offer.params["reply_markup"]["inline_keyboard"][0]
    message = {"message_id": offer.result["message_id"], "date": 0, "chat": {"id": ADMIN, "type": "private"}}
    telegram.press(second_admin, message, send["callback_data"])
    await telegram.wait_for(lambda c: c.method == "answerCallbackQuery" and "Only the admin who wrote" in c.text)
    assert not [c for c in telegram.calls_to("sendMessage") if c.text == "Hello"]
    for data in ("broadcast:", "broadcast:x:y:z", "broadcast::send", "broadcast:nope:send"):  # malformed: one line
        telegram.press(ADMIN, message, data)
    await telegram.wait_for(
        lambda c: len([x for x in telegram.calls_to("answerCallbackQuery") if "already sent" in x.text]) == 4
    )
    telegram.press(ADMIN, message, send["callback_data"])
    await telegram.wait_for(lambda c: c.method == "editMessageText" and "Broadcast sent to" in c.text)
    assert not [c for c in telegram.calls_to("sendMessage") if "something went wrong" in c.text]


async def test_config_hides_credentials_in_urls(make_bot: Any, telegram: FakeBotAPI) -> None:
    app = await make_bot(bot={"admin_ids": [ADMIN]}, news={"feeds": ["https://reader:hunter2@feeds.example/x.xml"]})
    shown = await reply_to(telegram, ADMIN, "/config", "[telegram]")
    assert "hunter2" not in shown.text and "***@feeds.example" in shown.text
    settings = app.bot_data["services"].settings
    from summarizer.settings import masked

    with_credentials = settings.model_copy(update={"telegram": settings.telegram.model_copy(
        update={"base_url": "https://user:pa55word@bots.example/bot"})})  # fmt: skip
    assert masked(with_credentials)["telegram"]["base_url"] == "https://***@bots.example/bot"


async def test_posting_as_a_channel_does_not_dodge_a_block(make_bot: Any, telegram: FakeBotAPI) -> None:
    await make_bot(bot={"admin_ids": [ADMIN]})
    channel, group = -100123, -555
    await reply_to(telegram, ADMIN, f"/block {channel}", f"User {channel} is now blocked")
    telegram.send_text(USER, "/help", chat_id=group, chat_type="supergroup", sender_chat=channel)
    telegram.send_text(USER, "/help", chat_id=group, chat_type="supergroup")  # a person in the same group
    await telegram.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == group)
    await reply_to(telegram, ADMIN, "/help", "key facts")
    await asyncio.sleep(1)  # updates run concurrently: give the channel's message time to be (not) answered
    assert len(telegram.calls_to("sendMessage", chat_id=group)) == 1


async def test_unsetting_a_live_key_leaves_restart_only_overrides_pending(admin_bot: Any, telegram: FakeBotAPI) -> None:
    services = admin_bot.bot_data["services"]
    await reply_to(telegram, ADMIN, "/set fetch.timeout_s 9", "(takes effect after restart)")
    await reply_to(telegram, ADMIN, "/set summarizer.sentences 2", "(applied now)")
    await reply_to(telegram, ADMIN, "/unset summarizer.sentences", "removed the override")
    assert services.settings.summarizer.sentences == 3
    assert services.settings.fetch.timeout_s == services.fetcher.config.timeout_s != 9  # still pending, not live
