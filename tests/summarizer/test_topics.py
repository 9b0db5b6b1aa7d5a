import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from summarizer.errors import PipelineError
from summarizer.facts import extract_facts
from summarizer.feeds import Item, parse_feed, parse_gdelt
from summarizer.pipeline import Pipeline
from summarizer.settings import load_settings
from summarizer.topics import TopicFinder, disagreements, keywords
from tests.helpers.news import Entry, gdelt, rss

NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_rss_atom_and_gdelt_are_parsed() -> None:
    items = parse_feed(rss([Entry("Troops leave", "https://a.example/1?utm_source=rss", "<b>Teaser</b> text")]), "f")
    assert [(i.title, i.url, i.summary) for i in items] == [("Troops leave", "https://a.example/1", "Teaser text")]
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Atom story</title>'
            '<link href="https://b.example/2"/><updated>2024-05-01T10:00:00Z</updated></entry></feed>')  # fmt: skip
    (entry,) = parse_feed(atom, "atom")
    assert entry.url == "https://b.example/2" and entry.published == datetime(2024, 5, 1, 10, tzinfo=UTC)
    (found,) = parse_gdelt(gdelt([Entry("GDELT story", "https://c.example/3")]), "g")
    assert found.outlet == "c.example" and found.published is not None
    with pytest.raises(PipelineError):
        parse_feed("<html><body>not a feed</body>", "x")


def test_keywords() -> None:
    assert keywords("The latest news on Iraq troops") == ["iraq", "troop"]


async def test_ranking_clusters_same_story_from_two_outlets_and_drops_the_irrelevant(encoder: Any) -> None:
    finder = TopicFinder(Pipeline(load_settings(None), encoder=encoder), sources=[])
    items = [
        Item("Coalition members suspend Iraq operations after general's killing", "https://rt.example/a",
             "Germany and Sweden pause missions in Iraq", NOW - timedelta(hours=2)),
        Item("Coalition suspends operations in Iraq after killing of Iranian general", "https://dw.example/b",
             "Troops in Iraq on lockdown", NOW - timedelta(hours=1)),
        Item("Cat show draws record crowds", "https://pets.example/c", "Cats everywhere", NOW),
        Item("NATO pauses its training mission in Iraq", "https://nato.example/d", "", NOW - timedelta(hours=30)),
    ]  # fmt: skip
    stories = await finder.rank_and_cluster("Iraq troops", items, now=NOW)
    assert [sorted(s.outlets) for s in stories] == [["dw.example", "rt.example"], ["nato.example"]]


def test_disagreements_between_outlets() -> None:
    per_outlet = {
        "rt.example": extract_facts("There are around 130 German soldiers in Iraq. Sweden has 70 soldiers there."),
        "dw.example": extract_facts("About 150 German soldiers are in Iraq. Sweden has 70 soldiers there."),
    }
    assert disagreements(per_outlet) == ["Germany (troops): 130 (rt.example) vs 150 (dw.example)"]


async def test_digests_embedding_at_once_never_lose_each_others_vectors(
    monkeypatch: pytest.MonkeyPatch, encoder: Any
) -> None:
    """The embeddings are awaited (on a worker, maybe): meanwhile another digest may fill the cache and evict."""
    import summarizer.topics as topics_module

    monkeypatch.setattr(topics_module, "EMBEDDING_CACHE", 2)
    first_started, release = asyncio.Event(), asyncio.Event()

    class SlowPipeline:
        async def embed(self, texts: list[str]) -> Any:
            if "first" in texts[0] and not first_started.is_set():
                first_started.set()
                await release.wait()
            return encoder.encode(texts)

    finder = TopicFinder(SlowPipeline(), sources=[])  # type: ignore[arg-type]
    await finder._embed_cached(["shared"])
    first = asyncio.create_task(finder._embed_cached(["first one", "shared"]))
    await first_started.wait()
    await finder._embed_cached(["other one", "other two", "other three"])  # evicts "shared"
    release.set()
    assert (await first).shape == (2, 384)
