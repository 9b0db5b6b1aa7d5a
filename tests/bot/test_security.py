"""What a stranger can send must not read local files, poison another link's answer, or stall other users."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from telegram.ext import Application

from bot.handlers import ONLY_WEB_LINKS
from bot.links import vet_link
from summarizer.errors import PipelineError
from summarizer.inputs import load_document
from tests.bot.test_topics import news_site
from tests.conftest import SEED_ARTICLE
from tests.helpers.fake_telegram import FakeBotAPI, _utf16_len
from tests.helpers.servers import PageServer
from tests.helpers.telegram_html import html_errors

USER = 42
ROOT = Path(__file__).resolve().parents[2]


def text_link(text: str, url: str) -> list[dict[str, object]]:
    return [{"type": "text_link", "offset": 0, "length": _utf16_len(text), "url": url}]


@pytest.mark.parametrize(
    "url",
    ["/proc/self/environ", "/etc/passwd", "README.md", "file:///etc/passwd", "bot.db", "../../etc/hostname",
     "tg://resolve?domain=x", "javascript:alert(1)", "http:///nohost", "\\\\server\\share"],
)  # fmt: skip
async def test_a_text_link_to_anything_but_the_web_reads_nothing(
    bot: Application, telegram: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:SECRET-TOKEN")
    monkeypatch.chdir(ROOT)  # README.md exists here, as it did for the reviewer
    telegram.send_text(USER, "click here", entities=text_link("click here", url))
    reply = await telegram.wait_for_reply(USER, "web links")
    assert reply.text == ONLY_WEB_LINKS  # the same words whether or not such a file exists
    assert not telegram.calls_to("editMessageText", chat_id=USER)


async def test_a_command_with_only_a_file_link_is_refused_the_same_way(bot: Application, telegram: FakeBotAPI) -> None:
    telegram.send_text(USER, "/summarize here", entities=text_link("/summarize here", "/etc/passwd"))
    assert (await telegram.wait_for_reply(USER, "web links")).text == ONLY_WEB_LINKS


def test_only_absolute_web_urls_pass() -> None:
    assert vet_link("https://example.com/a?b=1") == "https://example.com/a?b=1"
    assert vet_link("example.com/news", bare=True) == "http://example.com/news"
    for bad in ("/etc/passwd", "README.md", "file:///etc/passwd", "ftp://example.com/", "https://", "x" * 3000,
                "http://exa\nmple.com/"):  # fmt: skip
        assert vet_link(bad) is None, bad
    assert vet_link("/etc/passwd", bare=True) is None


async def test_the_pipeline_reads_files_only_when_asked(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TELEGRAM_BOT_TOKEN=123:abc " * 20)
    for source in (str(secret), str(tmp_path / "missing.txt")):
        with pytest.raises(PipelineError) as refused:
            await load_document(source, None)
        assert str(refused.value) == "Only http:// and https:// links can be read."
    document = await load_document(str(secret), None, local_files=True)
    assert "TELEGRAM_BOT_TOKEN" in document.text


async def test_a_page_cannot_claim_another_links_cache_entry(
    bot: Application, telegram: FakeBotAPI, server: PageServer
) -> None:
    victim = server.url("/real-story.html")
    seed = SEED_ARTICLE.read_text("utf-8")
    claims = f'<link rel="canonical" href="{victim}"><meta property="og:url" content="{victim}">'
    attacker = server.page("/attacker.html", seed.replace("<head>", "<head>" + claims, 1))
    other = seed.replace("Germany", "Austria").replace("German ", "Austrian ")
    server.page("/real-story.html", other.replace("<title>", "<title>The real story: ", 1))

    telegram.send_text(USER, attacker)
    first = await telegram.wait_for_reply(USER, "Key facts")
    assert "/attacker.html" in first.text  # the title links where the text came from
    telegram.send_text(USER, victim)
    second = await telegram.wait_for(lambda c: c.method == "editMessageText" and c is not first and "Austria" in c.text)
    assert "/real-story.html" in second.text
    assert server.hits.count("/real-story.html") == 1  # the victim's server was asked


async def test_topics_digests_and_more_count_against_the_rate_limit(
    make_bot: Any, telegram: FakeBotAPI, server: PageServer
) -> None:
    site = news_site(server)
    app = await make_bot(bot={"rate_limit_per_minute": 6}, news={"feeds": site["feeds"], "search_urls": []})
    for _ in range(30):
        telegram.send_text(USER, "Iraq troops")
    await telegram.wait_for(lambda c: len(telegram.calls_to("sendMessage", chat_id=USER)) == 30, timeout=60)
    await telegram.wait_for(lambda c: len([e for e in telegram.calls_to("editMessageText") if "📰" in e.text]) == 2)
    refused = [c for c in telegram.calls_to("sendMessage", chat_id=USER) if "faster than I can read" in c.text]
    assert len(refused) == 28  # 6 per minute, a topic costs 3: two digests, not thirty
    assert server.hits.count("/feeds/world.xml") <= 2

    service = app.bot_data["services"]
    assert not await service.admit(USER, 1)  # the window is full: the More and Facts buttons and /digest are refused
    message = {"message_id": 1, "date": 0, "chat": {"id": USER, "type": "private"}, "text": "a summary"}
    for button in ("more:whatever", "facts:whatever"):
        telegram.press(USER, message, button)
    await telegram.wait_for(
        lambda c: (
            len([x for x in telegram.calls_to("answerCallbackQuery") if "faster" in x.params.get("text", "")]) == 2
        )
    )
    await service.storage.add_subscription(USER, "Iraq", 8, 0, 24, False)
    telegram.send_text(USER, "/digest")
    await telegram.wait_for(lambda c: len(telegram.calls_to("sendMessage", chat_id=USER)) == 31, timeout=30)
    assert "faster than I can read" in telegram.calls_to("sendMessage", chat_id=USER)[-1].text


async def test_digest_articles_are_cached_like_links(make_bot: Any, telegram: FakeBotAPI, server: PageServer) -> None:
    site = news_site(server)
    await make_bot(news={"feeds": site["feeds"], "search_urls": []})
    for round_ in (1, 2):
        telegram.send_text(USER, "Iraq troops")
        await telegram.wait_for(
            lambda c, n=round_: len([e for e in telegram.calls_to("editMessageText") if "📰" in e.text]) == n
        )
    assert server.hits.count("/rt/coalition.html") == 1 and server.hits.count("/feeds/world.xml") == 2
    telegram.send_text(USER, site["links"]["rt"])  # a user's link to a page a digest read: no second fetch either
    await telegram.wait_for_reply(USER, "Key facts")
    assert server.hits.count("/rt/coalition.html") == 1


async def test_a_long_link_cannot_take_the_cache_entry_of_its_own_prefix(
    bot: Application, telegram: FakeBotAPI, server: PageServer
) -> None:
    seed = SEED_ARTICLE.read_text("utf-8")
    victim_path = "/v" + "a" * (2048 - len(server.url("/v")))
    victim = server.page(victim_path, seed.replace("Germany", "Austria").replace("German ", "Austrian "))
    assert len(victim) == 2048
    attacker = server.page(victim_path + "b" * 100, seed)
    telegram.send_text(USER, attacker)
    await telegram.wait_for_reply(USER, "Germany")
    telegram.send_text(USER, victim)
    await telegram.wait_for_reply(USER, "Austria")
    assert server.hits.count(victim_path) == 1


async def test_a_full_disk_still_answers_and_loses_nothing(
    bot: Application, telegram: FakeBotAPI, server: PageServer
) -> None:
    services = bot.bot_data["services"]
    first = server.page("/first.html", SEED_ARTICLE.read_bytes())
    telegram.send_text(USER, first)
    await telegram.wait_for_reply(USER, "Key facts")
    engine = services.storage._engine
    async with services.storage.sessions() as session:
        pages = (await session.execute(sqlalchemy.text("PRAGMA page_count"))).scalar()
    await engine.dispose()  # new connections get the cap: the database file cannot grow any more
    sqlalchemy.event.listen(
        engine.sync_engine, "connect", lambda connection, _record: connection.execute(f"PRAGMA max_page_count={pages}")
    )
    seed = SEED_ARTICLE.read_text("utf-8")
    big = seed.replace("</p>", " More words to fill the page. " * 300 + "</p>")
    for n in range(3):
        telegram.send_text(USER + 1 + n, server.page(f"/full-{n}.html", big.replace("Germany", f"Germany{n}")))
        reply = await telegram.wait_for_reply(USER + 1 + n, "Key facts")  # answered although it cannot be cached
        assert html_errors(reply.text) == []
    assert await services.storage.cached_for_link(first) is not None  # what was stored is still there
    assert (await services.storage.purge_expired()) == 0


async def test_expired_summaries_are_purged_on_a_schedule(bot: Application) -> None:
    assert bot.job_queue is not None
    (job,) = bot.job_queue.get_jobs_by_name("purge-cache")
    assert job.job.trigger.interval.total_seconds() == 6 * 3600


def test_bare_links_with_a_port_are_web_links() -> None:
    assert vet_link("example.com:8080/a", bare=True) == "http://example.com:8080/a"


async def test_channel_posts_do_not_share_one_rate_limit(make_bot: Any, telegram: FakeBotAPI) -> None:
    await make_bot(bot={"rate_limit_per_minute": 1})
    group = -700
    for channel in (-1001, -1002):  # both arrive with Telegram's one placeholder user in "from"
        telegram.send_text(
            1, "@newsbot_test_bot Iraq troops", chat_id=group, chat_type="supergroup", sender_chat=channel
        )
    await telegram.wait_for(lambda c: len(telegram.calls_to("sendMessage", chat_id=group)) == 2)
    assert not [c for c in telegram.calls_to("sendMessage", chat_id=group) if "faster than I can read" in c.text]
