"""The subscription rules on a real SQLite file, without Telegram: limits, zones, pausing, resuming, sent marks."""

from __future__ import annotations

import pytest

from bot.storage import Storage
from bot.subscribers import ChatSubscriptions, Subscribed, SubscribeRequest, Subscribers, TooMany, UnknownZone
from summarizer.feeds import Item
from summarizer.topics import Digest, Story

CHAT, OTHER = 10, 11


def digest_of(*stories: list[str]) -> Digest:
    """A digest whose stories are carried by the given outlet URLs (the rest of a digest does not matter here)."""
    return Digest(
        topic="Sahel",
        stories=[Story(items=[Item(title=f"story {url}", url=url) for url in urls], relevance=1.0) for urls in stories],
        failures={},
        candidates=len(stories),
        timings_s={},
    )


async def subscribed(subscribers: Subscribers, chat_id: int, topic: str) -> Subscribed:
    outcome = await subscribers.subscribe(chat_id, SubscribeRequest(topic))
    assert isinstance(outcome, Subscribed)
    return outcome


async def test_a_chat_may_have_up_to_the_limit_read_at_each_subscribe(storage: Storage) -> None:
    limit = 2
    subscribers = Subscribers(storage, limit=lambda: limit)
    first = await subscribed(subscribers, CHAT, "Iraq")
    assert (first.added.topic, first.added.hour, first.added.every_hours, first.zone) == ("Iraq", 8, 24, "UTC")
    assert first.resumed is None
    await subscribed(subscribers, CHAT, "Sahel")
    assert await subscribers.subscribe(CHAT, SubscribeRequest("Mali")) == TooMany(count=2)
    await subscribed(subscribers, OTHER, "Mali")  # the limit is per chat
    limit = 3  # an admin's /set: no restart needed
    await subscribed(subscribers, CHAT, "Mali")


async def test_paused_subscriptions_count_towards_the_limit(storage: Storage) -> None:
    subscribers = Subscribers(storage, limit=lambda: 1)
    await subscribed(subscribers, CHAT, "Iraq")
    await subscribers.pause(CHAT)
    assert await subscribers.subscribe(CHAT, SubscribeRequest("Sahel")) == TooMany(count=1)
    assert (await subscribers.listing(CHAT)).subscriptions[0].paused  # a refused subscribe resumes nothing


async def test_subscribing_resumes_a_paused_chat_and_says_what_to_schedule_again(storage: Storage) -> None:
    subscribers = Subscribers(storage, limit=lambda: 5)
    iraq = await subscribed(subscribers, CHAT, "Iraq")
    assert await subscribers.pause(CHAT) == [iraq.added.id]
    assert await subscribers.active(CHAT) == []
    sahel = await subscribed(subscribers, CHAT, "Sahel")
    assert sahel.resumed is not None
    assert [s.id for s in sahel.resumed.subscriptions] == [iraq.added.id]  # the new one is scheduled on its own
    assert [s.id for s in await subscribers.active(CHAT)] == [iraq.added.id, sahel.added.id]


async def test_resume_returns_nothing_when_nothing_was_paused(storage: Storage) -> None:
    subscribers = Subscribers(storage, limit=lambda: 5)
    await subscribed(subscribers, CHAT, "Iraq")
    assert await subscribers.resume(CHAT) is None
    await subscribers.pause(CHAT)
    resumed = await subscribers.resume(CHAT)
    assert resumed is not None and resumed.chat_id == CHAT and resumed.zone == "UTC"
    assert [s.topic for s in resumed.subscriptions] == ["Iraq"]
    assert await subscribers.resume(CHAT) is None  # once only


async def test_a_new_time_zone_reschedules_only_the_chats_active_subscriptions(storage: Storage) -> None:
    subscribers = Subscribers(storage, limit=lambda: 5)
    await subscribed(subscribers, CHAT, "Iraq")
    await subscribed(subscribers, OTHER, "Sahel")
    chat = await subscribers.set_timezone(CHAT, "Europe/Berlin")
    assert (chat.chat_id, chat.zone, [s.topic for s in chat.subscriptions]) == (CHAT, "Europe/Berlin", ["Iraq"])
    assert await subscribers.timezone(CHAT) == "Europe/Berlin"
    assert await subscribers.timezone(OTHER) == "UTC"
    await subscribers.pause(CHAT)
    assert (await subscribers.set_timezone(CHAT, "Asia/Tokyo")).subscriptions == ()  # paused: nothing to schedule


@pytest.mark.parametrize("zone", ["America", "Mars/Olympus", "Europe/" + "x" * 300, "../../etc/passwd", "Etc/GMT+99"])
async def test_an_unknown_zone_is_refused_and_the_old_one_kept(storage: Storage, zone: str) -> None:
    subscribers = Subscribers(storage, limit=lambda: 5)
    await subscribers.set_timezone(CHAT, "Europe/Berlin")
    with pytest.raises(UnknownZone):
        await subscribers.set_timezone(CHAT, zone)
    assert await subscribers.timezone(CHAT) == "Europe/Berlin"


async def test_running_groups_every_active_subscription_by_chat_with_its_zone(storage: Storage) -> None:
    subscribers = Subscribers(storage, limit=lambda: 5)
    iraq = await subscribed(subscribers, CHAT, "Iraq")
    sahel = await subscribed(subscribers, CHAT, "Sahel")
    await subscribed(subscribers, OTHER, "Mali")
    await subscribers.set_timezone(CHAT, "Europe/Berlin")
    await subscribers.pause(OTHER)
    assert await subscribers.running() == [
        ChatSubscriptions(chat_id=CHAT, zone="Europe/Berlin", subscriptions=(iraq.added, sahel.added))
    ]


async def test_due_is_none_for_removed_or_paused_subscriptions(storage: Storage) -> None:
    subscribers = Subscribers(storage, limit=lambda: 5)
    iraq = await subscribed(subscribers, CHAT, "Iraq")
    sahel = await subscribed(subscribers, OTHER, "Sahel")
    assert await subscribers.due(iraq.added.id) == iraq.added
    await subscribers.pause(CHAT)
    assert await subscribers.due(iraq.added.id) is None
    assert await subscribers.unsubscribe(OTHER, "SAHEL") == [sahel.added]
    assert await subscribers.due(sahel.added.id) is None
    assert await subscribers.due(999) is None


async def test_unsubscribe_by_id_only_within_the_chat(storage: Storage) -> None:
    subscribers = Subscribers(storage, limit=lambda: 5)
    iraq = await subscribed(subscribers, CHAT, "Iraq")
    assert await subscribers.unsubscribe(OTHER, str(iraq.added.id)) == []
    assert await subscribers.unsubscribe(CHAT, f"#{iraq.added.id}") == [iraq.added]
    assert (await subscribers.listing(CHAT)).subscriptions == ()


async def test_every_outlet_of_a_delivered_story_is_marked_for_the_chat_and_can_be_taken_back(
    storage: Storage,
) -> None:
    subscribers = Subscribers(storage, limit=lambda: 5)
    await subscribed(subscribers, CHAT, "Sahel")
    await subscribed(subscribers, OTHER, "Sahel")
    digest = digest_of(["https://a.example/1", "https://b.example/1"], ["https://c.example/2"])
    await subscribers.mark_delivered(CHAT, [digest])
    expected = {"https://a.example/1", "https://b.example/1", "https://c.example/2"}
    assert await subscribers.sent(CHAT) == expected
    assert await subscribers.sent(OTHER) == set()
    await subscribers.unmark_delivered(CHAT, [digest_of(["https://c.example/2"])])
    assert await subscribers.sent(CHAT) == expected - {"https://c.example/2"}
    await subscribers.mark_delivered(CHAT, [digest_of()])  # an empty digest marks nothing
    assert await subscribers.sent(CHAT) == expected - {"https://c.example/2"}


async def test_subscribing_again_to_a_topic_changes_its_schedule_instead_of_adding_one(storage: Storage) -> None:
    subscribers = Subscribers(storage, limit=lambda: 2)
    first = await subscribed(subscribers, CHAT, "Iraq troops")
    await subscribed(subscribers, CHAT, "Sahel")  # the chat is at its limit now
    again = await subscribers.subscribe(CHAT, SubscribeRequest("  iraq   TROOPS ", hour=7, minute=30, quiet=True))
    assert isinstance(again, Subscribed) and again.again  # at the limit, yet no "too many": nothing is added
    assert (again.added.id, again.added.topic, again.added.hour, again.added.minute, again.added.quiet) == (
        first.added.id, "Iraq troops", 7, 30, True
    )  # fmt: skip
    assert [s.topic for s in (await subscribers.listing(CHAT)).subscriptions] == ["Iraq troops", "Sahel"]
    other = await subscribed(subscribers, OTHER, "Iraq troops")  # another chat has its own
    assert not other.again and other.added.id != first.added.id
