"""Everything the bot keeps: the one module that knows the database (SQLAlchemy; SQLite by default, PostgreSQL too).

Summaries are cached by canonical URL, and the link a user actually sent is kept as an alias, so the same
story sent again, by anyone and with any tracking parameters, is answered without fetching it again.
Subscriptions, the stories already sent to each, and each chat's time zone live here too.

The schema is migrated by Alembic (``bot/migrations``): ``open()`` upgrades the database to the newest revision
in one transaction, so a database written by an older newsbot is upgraded in place and keeps its data. One
written before Alembic (a ``schema_version`` table holding 1, 2 or 3) is first stamped at the matching revision.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    delete,
    event,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from summarizer.urls import canonical_url

logger = logging.getLogger(__name__)

MAX_ALIAS_CHARS = 2048  # the alias column's width; longer links are found by their key (a hash) alone

__all__ = [
    "HEAD",
    "LEGACY_REVISIONS",
    "AuditInfo",
    "Storage",
    "StorageError",
    "SubscriptionInfo",
    "cache_key",
    "topic_key",
]


class Base(DeclarativeBase):
    pass


class CachedSummary(Base):
    __tablename__ = "summary_cache"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class UrlAlias(Base):
    """A link as users send it → the cache entry of the story behind it."""

    __tablename__ = "url_alias"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), index=True)


def topic_key(topic: str) -> str:
    """How topics compare within a chat: "Iraq  troops" and "iraq troops" are one subscription."""
    return " ".join(topic.casefold().split())[:300]


class Subscription(Base):
    __tablename__ = "subscription"
    __table_args__ = (Index("uq_subscription_chat_topic", "chat_id", "topic_key", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    topic: Mapped[str] = mapped_column(String(300))
    topic_key: Mapped[str] = mapped_column(String(300))
    hour: Mapped[int] = mapped_column(Integer)
    minute: Mapped[int] = mapped_column(Integer)
    every_hours: Mapped[int] = mapped_column(Integer)
    quiet: Mapped[bool] = mapped_column(Boolean, default=False)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SentStory(Base):
    """A story URL already delivered to a chat, by any of its subscriptions: never sent to it again."""

    __tablename__ = "chat_sent_story"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProcessedUpdate(Base):
    """A Telegram update already handled: one redelivered (after a crash, or to a second replica) is skipped."""

    __tablename__ = "processed_update"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class DigestRun(Base):
    """A chat's scheduled digest run claimed by one job of one bot process: the row's key lets exactly one send it,
    with every subscription of the chat due then."""

    __tablename__ = "digest_run"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    slot: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)  # the run's time, in UTC


class ChatSettings(Base):
    __tablename__ = "chat_settings"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")


class ConfigOverride(Base):
    """A setting changed by an admin from Telegram; applied over the files and environment at start."""

    __tablename__ = "config_override"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON
    set_by: Mapped[int] = mapped_column(BigInteger)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AccessRule(Base):
    __tablename__ = "access_rule"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16))  # "allowed" | "blocked"


class KnownUser(Base):
    __tablename__ = "known_user"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnownChat(Base):
    __tablename__ = "known_chat"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


HEAD = "0005"  # the newest revision in bot/migrations/versions
LEGACY_REVISIONS = {1: "0001", 2: "0002", 3: "0003"}  # schema_version of the home-made scheme → Alembic revision


def _alembic_config(connection: Connection) -> Any:
    """Alembic's settings in code: the migrations ship inside the package, so no alembic.ini is needed."""
    from alembic.config import Config  # here, not at import: Alembic logs as it loads, before the CLI's checks

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    config.attributes["connection"] = connection
    return config


MIGRATION_LOCK = 0x6E657773626F74  # "newsbot": the advisory lock the migrating replica holds until it commits


def _migrate(connection: Connection) -> str:
    """Upgrade to the newest revision, adopting a database of the home-made scheme first; returns the revision."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = _alembic_config(connection)
    if connection.dialect.name == "postgresql":  # replicas starting together: one migrates, the others wait for it
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    tables = set(inspect(connection).get_table_names())
    if "schema_version" in tables and "alembic_version" not in tables:
        old = connection.execute(text("SELECT max(version) FROM schema_version")).scalar() or 0
        if old not in LEGACY_REVISIONS and old != 0:
            raise StorageError(f"the database is at schema version {old}, newer than this newsbot knows")
        if old:
            logger.info("database at schema version %d: stamped as Alembic revision %s", old, LEGACY_REVISIONS[old])
            command.stamp(config, LEGACY_REVISIONS[old])
        connection.execute(text("DROP TABLE schema_version"))
    before = MigrationContext.configure(connection).get_current_revision()
    command.upgrade(config, "head")
    after = MigrationContext.configure(connection).get_current_revision() or ""
    if after != before:
        logger.info("database migrated from revision %s to %s", before or "(empty)", after)
    return after


@dataclass(frozen=True, slots=True)
class SubscriptionInfo:
    id: int
    chat_id: int
    topic: str
    hour: int
    minute: int
    every_hours: int
    quiet: bool
    paused: bool


@dataclass(frozen=True, slots=True)
class AuditInfo:
    user_id: int
    action: str
    detail: str
    at: datetime


def _info(row: Subscription) -> SubscriptionInfo:
    return SubscriptionInfo(
        row.id, row.chat_id, row.topic, row.hour, row.minute, row.every_hours, row.quiet, row.paused
    )


def cache_key(url: str) -> str:
    """Short and stable: it also travels in button callback data (64 bytes at most)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:24]


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


def _insert_new(session: Any, model: type[Base], **values: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING in the database's own dialect: two replicas seeing one user both succeed."""
    insert = postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    return insert(model).values(**values).on_conflict_do_nothing()


class StorageError(Exception):
    """The database cannot be opened or used; the message is the one line an operator sees."""


def _sqlite_for_many_writers(connection: Any, _record: Any) -> None:
    """WAL lets readers and one writer work at once; the busy timeout makes writers queue instead of failing
    with "database is locked" (300 concurrent writes gave 10 such errors without it)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _make_sqlite_folder(url: str) -> None:
    """SQLite creates the file but not its folder (the data directory on a first run)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


class Storage:
    """Open with ``await storage.open()`` (in the bot's post_init), close with ``await storage.close()``."""

    def __init__(self, url: str, cache_ttl: timedelta) -> None:
        self.url = url
        self.cache_ttl = cache_ttl
        self._engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[Any] | None = None
        self.revision = ""  # the Alembic revision the database is at, once open

    async def open(self) -> None:
        parsed = make_url(self.url)
        shown = parsed.render_as_string(hide_password=True)
        await asyncio.to_thread(_make_sqlite_folder, self.url)
        self._engine = create_async_engine(self.url, pool_pre_ping=True)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self._engine.sync_engine, "connect", _sqlite_for_many_writers)
        self._sessions = async_sessionmaker(self._engine, expire_on_commit=False)
        try:
            async with self._engine.begin() as connection:
                self.revision = await connection.run_sync(_migrate)
        except DBAPIError as error:  # a corrupt file, a full disk, a server that refuses us: one line, no traceback
            await self._engine.dispose()
            reason = str(error.orig).splitlines()[0] if error.orig else type(error).__name__
            raise StorageError(f"the database at {shown} cannot be used: {reason}") from None
        except StorageError as error:
            await self._engine.dispose()
            raise StorageError(f"the database at {shown} cannot be used: {error}") from None
        logger.info("database ready at %s", shown)

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    @property
    def sessions(self) -> async_sessionmaker[Any]:
        if self._sessions is None:
            raise RuntimeError("Storage used before open()")
        return self._sessions

    async def cached_for_link(self, link: str) -> tuple[str, dict[str, Any]] | None:
        """(key, stored result) for a link a user sent, if a fresh entry exists."""
        normal = canonical_url(link) or link
        async with self.sessions() as session:
            alias = await session.get(UrlAlias, normal) if len(normal) <= MAX_ALIAS_CHARS else None
            key = alias.key if alias else cache_key(normal)
        found = await self.cached(key)
        return (key, found) if found is not None else None

    async def cached(self, key: str) -> dict[str, Any] | None:
        """A stored result by its key, unless it is older than the cache lifetime."""
        async with self.sessions() as session:
            entry = await session.get(CachedSummary, key)
            if entry is None or _now() - _aware(entry.created_at) > self.cache_ttl:
                return None
            data: dict[str, Any] = json.loads(entry.payload)
            return data

    async def store(self, result: dict[str, Any], *links: str) -> str:
        """Cache a result under its canonical URL (or the first link) and alias every link to it."""
        canonical = result.get("url") or canonical_url(links[0]) or links[0]
        key = cache_key(canonical)
        payload = json.dumps(result, ensure_ascii=False)
        aliases = {canonical, *(canonical_url(link) or link for link in links)}
        for attempt in (1, 2):  # merge is select-then-insert: two writers of one new key race, and one retries
            try:
                async with self.sessions.begin() as session:
                    await session.merge(CachedSummary(key=key, url=canonical, payload=payload, created_at=_now()))
                    for link in aliases:
                        if len(link) <= MAX_ALIAS_CHARS:  # never a cut one: it could be another link's whole address
                            await session.merge(UrlAlias(url=link, key=key))
                return key
            except IntegrityError:
                if attempt == 2:
                    raise
        return key

    async def purge_expired(self) -> int:
        """Drop cache entries past their lifetime; returns how many."""
        cutoff = _now() - self.cache_ttl
        async with self.sessions.begin() as session:
            stale = (await session.scalars(select(CachedSummary).where(CachedSummary.created_at < cutoff))).all()
            for entry in stale:
                await session.delete(entry)
            return len(stale)

    # --- subscriptions ------------------------------------------------------------------------------------

    async def add_subscription(
        self, chat_id: int, topic: str, hour: int, minute: int, every_hours: int, quiet: bool
    ) -> SubscriptionInfo | None:
        """The new subscription, or None when the chat has one on this topic already (unique per chat and key)."""
        try:
            async with self.sessions.begin() as session:
                row = Subscription(
                    chat_id=chat_id,
                    topic=topic,
                    topic_key=topic_key(topic),
                    hour=hour,
                    minute=minute,
                    every_hours=every_hours,
                    quiet=quiet,
                    paused=False,
                    created_at=_now(),
                )
                session.add(row)
                await session.flush()
                return _info(row)
        except IntegrityError:
            return None

    async def subscriptions(self, chat_id: int | None = None, *, active: bool = False) -> list[SubscriptionInfo]:
        query = select(Subscription).order_by(Subscription.id)
        if chat_id is not None:
            query = query.where(Subscription.chat_id == chat_id)
        if active:
            query = query.where(Subscription.paused.is_(False))
        async with self.sessions() as session:
            return [_info(row) for row in (await session.scalars(query)).all()]

    async def subscription_on(self, chat_id: int, topic: str) -> SubscriptionInfo | None:
        """The chat's subscription to ``topic`` (compared as ``topic_key`` does), if it has one."""
        query = select(Subscription).where(Subscription.chat_id == chat_id, Subscription.topic_key == topic_key(topic))
        async with self.sessions() as session:
            row = (await session.scalars(query)).first()
            return _info(row) if row else None

    async def change_schedule(
        self, subscription_id: int, *, hour: int, minute: int, every_hours: int, quiet: bool
    ) -> SubscriptionInfo | None:
        """A new time, period and quietness for a subscription; None if it is gone."""
        async with self.sessions.begin() as session:
            row = await session.get(Subscription, subscription_id)
            if row is None:
                return None
            row.hour, row.minute, row.every_hours, row.quiet = hour, minute, every_hours, quiet
            return _info(row)

    async def subscription(self, subscription_id: int) -> SubscriptionInfo | None:
        async with self.sessions() as session:
            row = await session.get(Subscription, subscription_id)
            return _info(row) if row else None

    async def remove_subscriptions(self, chat_id: int, id_or_topic: str) -> list[SubscriptionInfo]:
        """Remove by id or by topic (case-insensitive), only within the chat; returns what was removed."""
        async with self.sessions.begin() as session:
            rows = (await session.scalars(select(Subscription).where(Subscription.chat_id == chat_id))).all()
            wanted = id_or_topic.strip().lstrip("#")
            gone = [r for r in rows if str(r.id) == wanted or r.topic_key == topic_key(wanted)]
            for row in gone:  # the chat's sent-history stays: another subscription may bring the story again
                await session.delete(row)
            return [_info(row) for row in gone]

    async def pause_chat(self, chat_id: int) -> list[int]:
        """A chat that blocked the bot: its subscriptions stop until it writes again."""
        async with self.sessions.begin() as session:
            rows = (await session.scalars(select(Subscription).where(Subscription.chat_id == chat_id))).all()
            for row in rows:
                row.paused = True
            return [row.id for row in rows]

    async def resume_chat(self, chat_id: int) -> list[int]:
        async with self.sessions.begin() as session:
            query = select(Subscription).where(Subscription.chat_id == chat_id, Subscription.paused.is_(True))
            rows = (await session.scalars(query)).all()
            for row in rows:
                row.paused = False
            return [row.id for row in rows]

    async def sent_urls(self, chat_id: int) -> set[str]:
        """Every story URL the chat was sent, by any of its subscriptions."""
        async with self.sessions() as session:
            query = select(SentStory.url).where(SentStory.chat_id == chat_id)
            return set((await session.scalars(query)).all())

    async def mark_sent(self, chat_id: int, urls: set[str]) -> None:
        async with self.sessions.begin() as session:
            for url in urls:
                await session.execute(_insert_new(session, SentStory, chat_id=chat_id, url=url[:2048], sent_at=_now()))

    async def unmark_sent(self, chat_id: int, urls: set[str]) -> None:
        """Take back marks for a delivery that failed for certain (Telegram refused the message)."""
        async with self.sessions.begin() as session:
            await session.execute(
                delete(SentStory).where(SentStory.chat_id == chat_id, SentStory.url.in_([url[:2048] for url in urls]))
            )

    async def first_handling(self, update_id: int) -> bool:
        """Whether this update is handled here for the first time (True once, whoever asks, however often)."""
        async with self.sessions.begin() as session:
            claim = _insert_new(session, ProcessedUpdate, update_id=update_id, at=_now())
            return (await session.execute(claim.returning(ProcessedUpdate.update_id))).first() is not None

    async def purge_updates(self, before: datetime) -> int:
        """Forget handled updates older than ``before`` (Telegram redelivers for a day at most)."""
        async with self.sessions.begin() as session:
            gone = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.at < before.astimezone(UTC)))
            return int(gone.rowcount)

    async def active_with_zones(self) -> list[tuple[SubscriptionInfo, str]]:
        """Every active subscription with its chat's zone, in one query (each replica's sync job asks often)."""
        query = (
            select(Subscription, ChatSettings.timezone)
            .outerjoin(ChatSettings, ChatSettings.chat_id == Subscription.chat_id)
            .where(Subscription.paused.is_(False))
            .order_by(Subscription.id)
        )
        async with self.sessions() as session:
            return [(_info(row), zone or "UTC") for row, zone in (await session.execute(query)).all()]

    async def claim_digest(self, chat_id: int, slot: datetime) -> bool:
        """Whether this job sends the chat's digest due at ``slot``: of any number of jobs asking, in any process,
        exactly one gets True (its insert makes the row; the others' find it there and do nothing)."""
        async with self.sessions.begin() as session:
            claim = _insert_new(session, DigestRun, chat_id=chat_id, slot=slot.astimezone(UTC))
            return (await session.execute(claim.returning(DigestRun.slot))).first() is not None

    async def purge_digest_runs(self, before: datetime) -> int:
        """Forget claims of runs due before ``before`` (no replica asks about a run that long past)."""
        async with self.sessions.begin() as session:
            gone = await session.execute(delete(DigestRun).where(DigestRun.slot < before.astimezone(UTC)))
            return int(gone.rowcount)

    async def timezone(self, chat_id: int) -> str:
        async with self.sessions() as session:
            row = await session.get(ChatSettings, chat_id)
            return row.timezone if row else "UTC"

    async def set_timezone(self, chat_id: int, zone: str) -> None:
        async with self.sessions.begin() as session:
            await session.merge(ChatSettings(chat_id=chat_id, timezone=zone))

    # --- admin: overrides, access, known users and chats, audit ----------------------------------------------

    async def overrides(self) -> dict[str, Any]:
        async with self.sessions() as session:
            rows = (await session.scalars(select(ConfigOverride).order_by(ConfigOverride.key))).all()
            return {row.key: json.loads(row.value) for row in rows}

    async def set_override(self, key: str, value: Any, by: int) -> None:
        async with self.sessions.begin() as session:
            await session.merge(ConfigOverride(key=key, value=json.dumps(value), set_by=by, set_at=_now()))

    async def unset_override(self, key: str) -> bool:
        async with self.sessions.begin() as session:
            row = await session.get(ConfigOverride, key)
            if row is not None:
                await session.delete(row)
            return row is not None

    async def access_status(self, user_id: int) -> str | None:
        """ "allowed", "blocked" or None."""
        async with self.sessions() as session:
            row = await session.get(AccessRule, user_id)
            return row.status if row else None

    async def access_rules(self) -> dict[int, str]:
        async with self.sessions() as session:
            return {row.user_id: row.status for row in (await session.scalars(select(AccessRule))).all()}

    async def set_access(self, user_id: int, status: str) -> None:
        async with self.sessions.begin() as session:
            await session.merge(AccessRule(user_id=user_id, status=status))

    async def remember(self, user_id: int | None, chat_id: int | None, chat_kind: str) -> None:
        """Record a user and a chat the first time they are seen (for /stats and /broadcast)."""
        async with self.sessions.begin() as session:
            if user_id is not None and await session.get(KnownUser, user_id) is None:
                await session.execute(_insert_new(session, KnownUser, user_id=user_id, first_seen=_now()))
            if chat_id is not None and await session.get(KnownChat, chat_id) is None:
                await session.execute(
                    _insert_new(session, KnownChat, chat_id=chat_id, kind=chat_kind, first_seen=_now())
                )

    async def known_chats(self) -> list[int]:
        async with self.sessions() as session:
            return list((await session.scalars(select(KnownChat.chat_id).order_by(KnownChat.chat_id))).all())

    async def counts(self) -> dict[str, int]:
        async with self.sessions() as session:
            return {
                "users": await session.scalar(select(func.count()).select_from(KnownUser)) or 0,
                "chats": await session.scalar(select(func.count()).select_from(KnownChat)) or 0,
                "subscriptions": await session.scalar(select(func.count()).select_from(Subscription)) or 0,
            }

    async def audit(self, user_id: int, action: str, detail: str) -> None:
        async with self.sessions.begin() as session:
            session.add(AuditEntry(user_id=user_id, action=action, detail=detail[:1000], at=_now()))

    async def audit_log(self, limit: int) -> list[AuditInfo]:
        async with self.sessions() as session:
            rows = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))).all()
            return [AuditInfo(r.user_id, r.action, r.detail, _aware(r.at)) for r in rows]
