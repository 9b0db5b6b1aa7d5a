"""Everything the bot keeps: the one module that knows the database (SQLAlchemy, SQLite by default).

Summaries are cached by canonical URL, and the link a user actually sent is kept as an alias, so the same
story sent again, by anyone and with any tracking parameters, is answered without fetching it again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, String, Text, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from summarizer.clean import canonical_url

logger = logging.getLogger(__name__)

__all__ = ["Storage", "cache_key"]


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


def cache_key(url: str) -> str:
    """Short and stable: it also travels in button callback data (64 bytes at most)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:24]


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


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

    async def open(self) -> None:
        parsed = make_url(self.url)
        await asyncio.to_thread(_make_sqlite_folder, self.url)
        self._engine = create_async_engine(self.url, pool_pre_ping=True)
        self._sessions = async_sessionmaker(self._engine, expire_on_commit=False)
        async with self._engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        logger.info("database ready at %s", parsed.render_as_string(hide_password=True))

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
            alias = await session.get(UrlAlias, normal)
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
        async with self.sessions.begin() as session:
            await session.merge(
                CachedSummary(key=key, url=canonical, payload=json.dumps(result, ensure_ascii=False), created_at=_now())
            )
            for link in {canonical, *(canonical_url(link) or link for link in links)}:
                await session.merge(UrlAlias(url=link[:2048], key=key))
        return key

    async def purge_expired(self) -> int:
        """Drop cache entries past their lifetime; returns how many."""
        cutoff = _now() - self.cache_ttl
        async with self.sessions.begin() as session:
            stale = (await session.scalars(select(CachedSummary).where(CachedSummary.created_at < cutoff))).all()
            for entry in stale:
                await session.delete(entry)
            return len(stale)
