"""A 25-country factbox end to end: a compact reply, every figure behind Facts, and a chart of them."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from telegram.ext import Application

from bot.replies import utf16_len
from summarizer.charts import bar_chart, comparable
from summarizer.facts import extract_facts
from tests.conftest import SEED_ARTICLE
from tests.helpers.fake_telegram import FakeBotAPI
from tests.helpers.servers import PageServer
from tests.helpers.telegram_html import html_errors

CONTRIBUTORS = [
    ("United States", 9800), ("Britain", 9500), ("Germany", 4341), ("Italy", 3950), ("France", 3800),
    ("Poland", 2600), ("Canada", 2500), ("Turkey", 1800), ("Romania", 1750), ("Spain", 1500),
    ("Australia", 1450), ("Georgia", 1400), ("Netherlands", 1300), ("Denmark", 1250), ("Bulgaria", 1200),
    ("Belgium", 1100), ("Norway", 1050), ("Sweden", 1000), ("Czech Republic", 950), ("Hungary", 900),
    ("Croatia", 850), ("Albania", 800), ("Lithuania", 750), ("Estonia", 700), ("Latvia", 650),
]  # fmt: skip


def factbox_page() -> str:
    rows = "".join(f"<li>{country}: {number:,}</li>" for country, number in CONTRIBUTORS)
    box = f"<h2>Here are the troop contributions by country:</h2><ul>{rows}</ul>"
    last = "pre-emptive self-defense.</p>"  # the factbox closes the article's body, as news pages place them
    return SEED_ARTICLE.read_text("utf-8").replace(last, last + box, 1)


def bars_in(png: bytes) -> int:
    """Horizontal bars in the chart: runs of the bar colour down the column just right of the axis."""
    from matplotlib import image

    pixels = np.asarray(image.imread(io.BytesIO(png), format="png"))[..., :3]
    bar = np.all(np.abs(pixels - np.array([0x2F, 0x6D, 0xB3]) / 255) < 0.02, axis=-1)
    columns = np.flatnonzero(bar.any(axis=0))
    column = bar[:, columns[0] + 2]
    return int(np.count_nonzero(column[1:] & ~column[:-1]) + column[0])


def test_the_chart_has_one_bar_per_country() -> None:
    text = "Here are the troop contributions by country:\n" + "\n".join(f"{c}: {n:,}" for c, n in CONTRIBUTORS)
    found = comparable(extract_facts(text))
    assert found is not None
    title, bars = found
    assert title == "Troops" and len(bars) == 25 and bars[0].value == 9800
    png = bar_chart(title, bars)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert bars_in(png) == 25


async def test_a_factbox_reply_is_compact_and_facts_shows_all_with_a_chart(
    bot: Application, telegram: FakeBotAPI, server: PageServer
) -> None:
    url = server.page("/factbox.html", factbox_page())
    telegram.send_text(42, url)
    reply = await telegram.wait_for_reply(42, "Key facts")
    assert html_errors(reply.text) == [] and utf16_len(reply.text) <= 4096
    assert "more: tap Facts" in reply.text
    shown = reply.text[reply.text.index("Key facts") :]
    assert shown.index("United States") < shown.index("United Kingdom") < shown.index("Germany")  # biggest first

    message: dict[str, Any] = {"message_id": int(reply.params["message_id"]), "date": 0,
                               "chat": {"id": 42, "type": "private"}, "text": reply.text}  # fmt: skip
    facts_button = reply.params["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
    telegram.press(42, message, facts_button)
    facts = await telegram.wait_for_reply(42, "Latvia")
    assert html_errors(facts.text) == [] and utf16_len(facts.text) <= 4096
    assert all(country in facts.text or country == "Britain" for country, _ in CONTRIBUTORS)
    photo = await telegram.wait_for(lambda c: c.method == "sendPhoto")
    assert bars_in(photo.params["photo"]) == 25
    assert photo.params["caption"].startswith("Troops")


def test_a_chart_of_sums_labels_each_bar_with_its_currency() -> None:
    text = (
        "Country | Per Cent | Billions of dollars\nUnited States | 3.58 | 683\nGreece | 2.32 | 4.5\nEstonia | 2.1 | 0.5"
    )
    found = comparable(extract_facts(text))
    assert found is not None
    title, bars = found
    assert (title, [bar.text for bar in bars]) == ("Money", ["$683bn", "$4.5bn", "$500m"])
