"""End to end: a user talks to the real Application through the fake Bot API server."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from tests.conftest import SEED, SEED_ARTICLE
from tests.helpers.fake_telegram import FakeBotAPI
from tests.helpers.servers import PageServer
from tests.helpers.telegram_html import html_errors

USER = 42


def check_reply(call: Any) -> None:
    assert len(call.text) <= 4096
    assert html_errors(call.text) == []
    assert call.params.get("parse_mode") == "HTML"
    assert call.params.get("link_preview_options", {}).get("is_disabled") is True


async def test_start_up_sets_the_command_menu(bot: Application, telegram: FakeBotAPI) -> None:
    (commands,) = telegram.calls_to("setMyCommands")
    assert [c["command"] for c in commands.params["commands"]] == [
        "summarize", "topic", "subscribe", "subscriptions", "unsubscribe", "digest", "timezone", "help"
    ]  # fmt: skip


async def test_help(bot: Application, telegram: FakeBotAPI) -> None:
    telegram.send_text(USER, "/help")
    reply = await telegram.wait_for_reply(USER, "key facts")
    check_reply(reply)
    telegram.send_text(USER, "/start")
    await telegram.wait_for(lambda c: c.method == "sendMessage" and c.text == reply.text and c is not reply)


async def test_a_link_gets_summary_and_key_facts(bot: Application, telegram: FakeBotAPI, server: PageServer) -> None:
    url = server.page("/world/iraq.html", (SEED_ARTICLE).read_bytes(), "text/html; charset=utf-8")
    telegram.send_text(USER, f"what about this? {url}")
    status = await telegram.wait_for_reply(USER, "Reading 127.0.0.1")
    reply = await telegram.wait_for_reply(USER, "Key facts")
    assert reply.method == "editMessageText"
    assert int(reply.params["message_id"]) == status.result["message_id"]  # the "Reading…" line became the reply
    check_reply(reply)
    text = reply.text
    assert "🇩🇪 Germany — ~130 soldiers in Iraq (27 at Taji military base)" in text
    assert "🇸🇪 Sweden — 70 soldiers in Iraq" in text
    assert "🇩🇰 Denmark — 140 soldiers in Iraq" in text
    assert "NATO — hundreds of personnel in Iraq" in text
    assert f'<a href="{url}">' in text  # where the text was fetched from, not the page's own rel=canonical
    buttons = [b["callback_data"].split(":")[0] for b in reply.params["reply_markup"]["inline_keyboard"][0]]
    assert buttons == ["more", "facts"]
    assert telegram.calls_to("sendChatAction", chat_id=USER)


async def test_a_pasted_article_is_summarised(bot: Application, telegram: FakeBotAPI) -> None:
    telegram.send_text(USER, (SEED / "raw-scrape.txt").read_text("utf-8"))
    reply = await telegram.wait_for_reply(USER, "Key facts")
    check_reply(reply)
    for line in ("Germany — ~130 soldiers", "Sweden — 70 soldiers", "Denmark — 140 soldiers"):
        assert line in reply.text


async def test_a_pasted_text_too_short_to_summarise_says_so(bot: Application, telegram: FakeBotAPI) -> None:
    telegram.send_text(USER, "Germany has 130 soldiers in Iraq. Sweden has 70 there.")  # prose, not a topic
    reply = await telegram.wait_for_reply(USER, "too short to summarise")
    assert reply.text.endswith("send the whole article or its link.")


async def test_a_greeting_gets_a_hint(bot: Application, telegram: FakeBotAPI) -> None:
    telegram.send_text(USER, "hi")
    await telegram.wait_for_reply(USER, "Send me a link")


async def test_unknown_command(bot: Application, telegram: FakeBotAPI) -> None:
    telegram.send_text(USER, "/frobnicate")
    await telegram.wait_for_reply(USER, "I don't know that command")


async def test_failures_are_one_friendly_line(make_bot: Any, telegram: FakeBotAPI, server: PageServer) -> None:
    await make_bot()
    pdf = server.page("/report.pdf", b"%PDF-1.4 ...", "application/pdf")
    nav = server.page("/nav.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    cases = {101: (server.url("/gone"), "error (404)"), 102: (pdf, "not a web page"),
             103: (nav, "couldn't find an article")}  # fmt: skip
    for user, (link, _) in cases.items():
        telegram.send_text(user, link)
    for user, (_, words) in cases.items():
        reply = await telegram.wait_for_reply(user, words)
        assert "\n" not in reply.text and "Traceback" not in reply.text


async def test_private_addresses_are_refused(make_bot: Any, telegram: FakeBotAPI, server: PageServer) -> None:
    await make_bot(fetch={"allow_private_hosts": False})
    server.page("/a.html", (SEED_ARTICLE).read_bytes())
    telegram.send_text(USER, server.url("/a.html"))
    telegram.send_text(USER + 1, "http://169.254.169.254/latest/meta-data/")
    for user in (USER, USER + 1):
        await telegram.wait_for_reply(user, "not allowed")
    assert server.hits == []


async def test_the_same_link_is_answered_from_the_cache(
    bot: Application, telegram: FakeBotAPI, server: PageServer
) -> None:
    url = server.page("/a.html", (SEED_ARTICLE).read_bytes())
    telegram.send_text(USER, url)
    first = await telegram.wait_for_reply(USER, "Key facts")
    telegram.send_text(USER + 1, url + "?utm_source=telegram")
    second = await telegram.wait_for_reply(USER + 1, "Key facts")
    assert second.text == first.text
    assert server.hits == ["/a.html"]


async def test_buttons(bot: Application, telegram: FakeBotAPI, server: PageServer) -> None:
    url = server.page("/a.html", (SEED_ARTICLE).read_bytes())
    telegram.send_text(USER, url)
    reply = await telegram.wait_for_reply(USER, "Key facts")
    keyboard = reply.params["reply_markup"]["inline_keyboard"][0]
    message = {"message_id": int(reply.params["message_id"]), "date": 0, "chat": {"id": USER, "type": "private"},
               "text": reply.text}  # fmt: skip

    telegram.press(USER, message, keyboard[1]["callback_data"])  # Facts: every figure with its sentence
    facts = await telegram.wait_for_reply(USER, "“There are around 130 German soldiers")
    check_reply(facts)
    assert facts.method == "sendMessage" and "NATO has hundreds of personnel" in facts.text

    telegram.press(USER, message, keyboard[0]["callback_data"])  # More: the message grows
    bullets = reply.text.count("\n• ")
    longer = await telegram.wait_for(lambda c: c.method == "editMessageText" and c.text.count("\n• ") > bullets)
    check_reply(longer)
    assert "Key facts" in longer.text and longer.params["reply_markup"] == reply.params["reply_markup"]

    telegram.press(USER, message, "facts:0000000000000000dead")
    expired = await telegram.wait_for(lambda c: c.method == "answerCallbackQuery" and "expired" in c.text)
    assert expired.params.get("show_alert") in (True, "true", "True")


async def test_too_many_links(bot: Application, telegram: FakeBotAPI, server: PageServer) -> None:
    links = [server.page(f"/{n}.html", (SEED_ARTICLE).read_bytes()) for n in range(4)]
    telegram.send_text(USER, " ".join(links))
    await telegram.wait_for_reply(USER, "up to 3 links")
    await telegram.wait_for(
        lambda c: len([e for e in telegram.calls_to("editMessageText") if "Key facts" in e.text]) == 3
    )
    assert sorted(server.hits) == ["/0.html", "/1.html", "/2.html"]  # the fourth link is not read


async def test_rate_limit(make_bot: Any, telegram: FakeBotAPI, server: PageServer) -> None:
    await make_bot(bot={"rate_limit_per_minute": 2})
    url = server.page("/a.html", (SEED_ARTICLE).read_bytes())
    for _ in range(3):
        telegram.send_text(USER, url)
    await telegram.wait_for_reply(USER, "faster than I can read")
    telegram.send_text(USER + 1, url)  # another user is not affected
    await telegram.wait_for_reply(USER + 1, "Key facts")
