"""Alembic upgrades every released schema in place, on SQLite and PostgreSQL, and keeps the rows.

The DDL below is what the released newsbots wrote (the home-made ``schema_version`` scheme, v1 to v3), kept
verbatim as fixtures: the revisions in bot/migrations must adopt such a database, never rebuild it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

import bot.storage
from bot.storage import HEAD, Base, Storage, StorageError, cache_key
from tests.helpers.postgres import PostgresServer

# Each release's tables, as SQLAlchemy's create_all wrote them; {serial}/{bigserial}/{when} per database.
RELEASED_TABLES = {
    1: [
        "CREATE TABLE summary_cache (key VARCHAR(32) NOT NULL, url TEXT NOT NULL, payload TEXT NOT NULL,"
        " created_at {when} NOT NULL, PRIMARY KEY (key))",
        "CREATE INDEX ix_summary_cache_created_at ON summary_cache (created_at)",
        "CREATE TABLE url_alias (url VARCHAR(2048) NOT NULL, key VARCHAR(32) NOT NULL, PRIMARY KEY (url))",
        "CREATE INDEX ix_url_alias_key ON url_alias (key)",
    ],
    2: [
        "CREATE TABLE subscription (id {serial} NOT NULL, chat_id BIGINT NOT NULL, topic VARCHAR(300) NOT NULL,"
        " hour INTEGER NOT NULL, minute INTEGER NOT NULL, every_hours INTEGER NOT NULL, quiet BOOLEAN NOT NULL,"
        " paused BOOLEAN NOT NULL, created_at {when} NOT NULL, PRIMARY KEY (id))",
        "CREATE INDEX ix_subscription_chat_id ON subscription (chat_id)",
        "CREATE TABLE sent_story (subscription_id INTEGER NOT NULL, url VARCHAR(2048) NOT NULL,"
        " sent_at {when} NOT NULL, PRIMARY KEY (subscription_id, url))",
        "CREATE TABLE chat_settings (chat_id {bigserial} NOT NULL, timezone VARCHAR(64) NOT NULL,"
        " PRIMARY KEY (chat_id))",
    ],
    3: [
        "CREATE TABLE config_override (key VARCHAR(100) NOT NULL, value TEXT NOT NULL, set_by BIGINT NOT NULL,"
        " set_at {when} NOT NULL, PRIMARY KEY (key))",
        "CREATE TABLE access_rule (user_id {bigserial} NOT NULL, status VARCHAR(16) NOT NULL, PRIMARY KEY (user_id))",
        "CREATE TABLE known_user (user_id {bigserial} NOT NULL, first_seen {when} NOT NULL, PRIMARY KEY (user_id))",
        "CREATE TABLE known_chat (chat_id {bigserial} NOT NULL, kind VARCHAR(16) NOT NULL,"
        " first_seen {when} NOT NULL, PRIMARY KEY (chat_id))",
        "CREATE TABLE audit (id {serial} NOT NULL, user_id BIGINT NOT NULL, action VARCHAR(40) NOT NULL,"
        " detail TEXT NOT NULL, at {when} NOT NULL, PRIMARY KEY (id))",
        "CREATE INDEX ix_audit_at ON audit (at)",
    ],
}
TYPES = {
    "sqlite": {"serial": "INTEGER", "bigserial": "BIGINT", "when": "DATETIME"},
    "postgresql": {"serial": "SERIAL", "bigserial": "BIGSERIAL", "when": "TIMESTAMP WITH TIME ZONE"},
}
WHEN = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)


def released_ddl(version: int, dialect: str) -> list[str]:
    """The statements a release at ``version`` had run on an empty database."""
    statements = [f"CREATE TABLE schema_version (version {TYPES[dialect]['serial']} NOT NULL, PRIMARY KEY (version))"]
    for step in range(1, version + 1):
        statements += [ddl.format(**TYPES[dialect]) for ddl in RELEASED_TABLES[step]]
        statements.append(f"INSERT INTO schema_version (version) VALUES ({step})")
    return statements


async def put_rows(connection: AsyncConnection, version: int) -> None:
    """A row in every table the release had, written through today's table definitions (the same types)."""
    tables = Base.metadata.tables
    key = cache_key("https://example.com/a")
    await connection.execute(
        tables["summary_cache"].insert(),
        [{"key": key, "url": "https://example.com/a", "payload": '{"text": "t"}', "created_at": datetime.now(UTC)}],
    )
    await connection.execute(tables["url_alias"].insert(), [{"url": "https://example.com/a?utm=x", "key": key}])
    if version >= 2:
        await connection.execute(
            tables["subscription"].insert(),
            [
                {
                    "chat_id": -100,
                    "topic": "Sahel",
                    "hour": 8,
                    "minute": 0,
                    "every_hours": 24,
                    "quiet": False,
                    "paused": False,
                    "created_at": WHEN,
                }
            ],
        )
        await connection.execute(  # a table of releases before schema 5, gone from today's models
            text("INSERT INTO sent_story (subscription_id, url, sent_at) VALUES (1, :url, :at)"),
            {"url": "https://a.example/1", "at": WHEN},
        )
        await connection.execute(tables["chat_settings"].insert(), [{"chat_id": -100, "timezone": "Africa/Dakar"}])
    if version >= 3:
        await connection.execute(
            tables["config_override"].insert(),
            [{"key": "bot.rate_limit_per_minute", "value": "5", "set_by": 1, "set_at": WHEN}],
        )
        await connection.execute(tables["access_rule"].insert(), [{"user_id": 2, "status": "blocked"}])
        await connection.execute(tables["known_user"].insert(), [{"user_id": 2, "first_seen": WHEN}])
        await connection.execute(
            tables["known_chat"].insert(), [{"chat_id": -100, "kind": "group", "first_seen": WHEN}]
        )
        await connection.execute(
            tables["audit"].insert(), [{"user_id": 1, "action": "set", "detail": "rate limit", "at": WHEN}]
        )


async def build_released(url: str, version: int) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        for statement in released_ddl(version, engine.dialect.name):
            await connection.exec_driver_sql(statement)
        await put_rows(connection, version)
    await engine.dispose()


def schema_state(connection: Connection) -> tuple[str | None, set[str], list[object]]:
    """(Alembic revision, table names, differences between the database and today's models)."""
    context = MigrationContext.configure(connection)
    return (
        context.get_current_revision(),
        set(inspect(connection).get_table_names()),
        compare_metadata(context, Base.metadata),
    )


async def inspect_schema(url: str) -> tuple[str | None, set[str], list[object]]:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        state = await connection.run_sync(schema_state)
    await engine.dispose()
    return state


def test_head_is_the_newest_revision() -> None:
    scripts = ScriptDirectory(str(Path(bot.storage.__file__).with_name("migrations")))
    assert scripts.get_current_head() == HEAD
    assert [s.revision for s in scripts.walk_revisions("base", "heads")] == ["0005", "0004", "0003", "0002", "0001"]


async def test_a_new_database_is_created_at_head_and_matches_the_models(database_url: str) -> None:
    storage = Storage(database_url, timedelta(hours=1))
    await storage.open()
    assert storage.revision == HEAD
    await storage.close()
    await storage.open()  # a second start finds nothing to do
    assert storage.revision == HEAD
    await storage.close()
    revision, tables, differences = await inspect_schema(database_url)
    assert (revision, differences) == (HEAD, [])
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


@pytest.mark.parametrize("version", [1, 2, 3])
async def test_a_released_database_is_adopted_and_keeps_its_rows(database_url: str, version: int) -> None:
    await build_released(database_url, version)
    storage = Storage(database_url, timedelta(days=3650))
    await storage.open()
    assert storage.revision == HEAD
    found = await storage.cached_for_link("https://example.com/a?utm=x")
    assert found is not None and found[1] == {"text": "t"}
    if version >= 2:
        (subscription,) = await storage.subscriptions(-100)
        assert subscription.topic == "Sahel"
        assert await storage.sent_urls(-100) == {"https://a.example/1"}
        assert await storage.timezone(-100) == "Africa/Dakar"
    if version >= 3:
        assert await storage.overrides() == {"bot.rate_limit_per_minute": 5}
        assert await storage.access_status(2) == "blocked"
        assert await storage.counts() == {"users": 1, "chats": 1, "subscriptions": 1}
        assert [(e.action, e.at) for e in await storage.audit_log(5)] == [("set", WHEN)]
    added = await storage.add_subscription(-200, "Arctic", 9, 0, 24, False)  # new ids follow the old ones
    await storage.audit(1, "unset", "x")
    assert [s.topic for s in await storage.subscriptions(-200)] == ["Arctic"] and added.id >= 1
    await storage.close()

    revision, tables, _differences = await inspect_schema(database_url)
    assert revision == HEAD
    assert "schema_version" not in tables and set(Base.metadata.tables) <= tables


async def test_a_database_at_revision_0003_gains_the_digest_claims_and_keeps_its_rows(database_url: str) -> None:
    """What the last release before replicas wrote (Alembic at 0003) is upgraded to claims of digest runs."""
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.upgrade(bot.storage._alembic_config(sync), "0003"))
        await put_rows(connection, 3)
    await engine.dispose()
    assert (await inspect_schema(database_url))[0] == "0003"

    storage = Storage(database_url, timedelta(days=3650))
    await storage.open()
    assert storage.revision == HEAD
    (subscription,) = await storage.subscriptions(-100)
    assert await storage.sent_urls(-100) == {"https://a.example/1"}
    assert await storage.access_status(2) == "blocked"
    assert await storage.claim_digest(subscription.id, WHEN)
    assert not await storage.claim_digest(subscription.id, WHEN)
    await storage.close()
    revision, _tables, differences = await inspect_schema(database_url)
    assert (revision, differences) == (HEAD, [])


async def test_duplicate_subscriptions_of_older_releases_are_merged_keeping_all_they_were_sent(
    database_url: str,
) -> None:
    """Before schema 5 "/subscribe iraq" three times made three subscriptions, each with its own history."""
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.upgrade(bot.storage._alembic_config(sync), "0004"))
        for chat, topic in [(-100, "Iraq"), (-100, "iraq "), (-100, "Sahel"), (-100, " IRAQ"), (-200, "Iraq")]:
            await connection.execute(
                text(
                    "INSERT INTO subscription (chat_id, topic, hour, minute, every_hours, quiet, paused, created_at)"
                    " VALUES (:chat, :topic, 8, 0, 24, false, false, :at)"
                ),
                {"chat": chat, "topic": topic, "at": WHEN},
            )
        sent = [(1, "https://a.example/1"), (2, "https://a.example/2"), (4, "https://a.example/1"),
                (3, "https://s.example/1"), (5, "https://b.example/1")]  # fmt: skip
        for subscription_id, url in sent:
            await connection.execute(
                text("INSERT INTO sent_story (subscription_id, url, sent_at) VALUES (:id, :url, :at)"),
                {"id": subscription_id, "url": url, "at": WHEN},
            )
        await connection.execute(text("INSERT INTO digest_run (subscription_id, slot) VALUES (2, :at)"), {"at": WHEN})
    await engine.dispose()

    storage = Storage(database_url, timedelta(days=3650))
    await storage.open()
    assert storage.revision == HEAD
    assert [(s.id, s.topic) for s in await storage.subscriptions(-100)] == [(1, "Iraq"), (3, "Sahel")]
    assert [(s.id, s.topic) for s in await storage.subscriptions(-200)] == [(5, "Iraq")]
    assert await storage.sent_urls(-100) == {"https://a.example/1", "https://a.example/2", "https://s.example/1"}
    assert await storage.sent_urls(-200) == {"https://b.example/1"}
    assert await storage.claim_digest(2, WHEN)  # the merged one's claims went with it
    assert await storage.add_subscription(-100, "IRAQ", 9, 0, 24, False) is None  # one per chat and topic now
    await storage.close()
    revision, _tables, differences = await inspect_schema(database_url)
    assert (revision, differences) == (HEAD, [])


async def test_a_newer_schema_than_known_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'future.db'}"
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE schema_version (version INTEGER PRIMARY KEY)")
        await connection.exec_driver_sql("INSERT INTO schema_version VALUES (9)")
    await engine.dispose()
    with pytest.raises(StorageError) as failed:
        await Storage(url, timedelta(hours=1)).open()
    assert str(failed.value) == (
        f"the database at {url} cannot be used: the database is at schema version 9, newer than this newsbot knows"
    )
    async with create_async_engine(url).connect() as connection:  # and nothing was changed
        assert (await connection.execute(text("SELECT version FROM schema_version"))).scalar() == 9


async def test_a_postgresql_database_that_does_not_exist_is_one_line(postgres: PostgresServer) -> None:
    url = postgres.url("no_such_database")
    with pytest.raises(StorageError) as failed:
        await Storage(url, timedelta(hours=1)).open()
    assert str(failed.value).startswith(f"the database at {url} cannot be used: ")
    assert "no_such_database" in str(failed.value) and "\n" not in str(failed.value)
