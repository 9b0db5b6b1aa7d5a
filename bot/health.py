"""Liveness for container health checks: the running bot touches a heartbeat file, ``newsbot health`` reads it.

A file, not a port: long polling opens no listening socket, and a file written by a JobQueue job on the bot's
own event loop proves what matters, that the loop is alive and not stuck.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from telegram.ext import Application, ContextTypes

from summarizer.settings import Settings

logger = logging.getLogger(__name__)

__all__ = ["INTERVAL_S", "check", "heartbeat_path", "start_heartbeat"]

INTERVAL_S = 30.0
STALE_AFTER_S = 3 * INTERVAL_S


def heartbeat_path(settings: Settings) -> Path:
    return settings.database.resolved_data_dir() / "heartbeat"


async def start_heartbeat(application: Application, settings: Settings) -> None:
    """Touch the heartbeat now and every INTERVAL_S seconds while the bot runs."""
    path = heartbeat_path(settings)

    async def beat(_context: ContextTypes.DEFAULT_TYPE | None) -> None:
        try:
            await asyncio.to_thread(path.touch)
        except OSError as error:
            logger.warning("cannot write the heartbeat %s: %s", path, error)

    await beat(None)  # the job context is not used
    assert application.job_queue is not None
    application.job_queue.run_repeating(beat, interval=INTERVAL_S, first=INTERVAL_S, name="heartbeat")


def check(settings: Settings, *, now: float | None = None) -> tuple[bool, str]:
    """(healthy, the one line to print)."""
    path = heartbeat_path(settings)
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return False, f"no heartbeat at {path}: is `newsbot run` running with this configuration?"
    if age > STALE_AFTER_S:
        return False, f"the bot's last heartbeat was {age:.0f} s ago (stale after {STALE_AFTER_S:.0f} s)"
    return True, f"ok: heartbeat {age:.0f} s ago"
