"""Running a bot's JobQueue jobs by hand, as the JobQueue would at their time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.ext import Application, Job

__all__ = ["run_job"]

# A run's slot is its subscription's grid point nearest the moment it fires: at most half of 168 hours ahead.
_LATEST_SLOT = timedelta(days=4)


async def run_job(app: Application, job: Job, *, next_run: bool = False) -> None:  # type: ignore[type-arg]
    """What the JobQueue does at the job's time, but failing the test when the job raises: PTB's ``Job.run``
    hands an exception to the error handlers and returns normally, so a broken delivery would pass unseen.

    ``next_run``: this call stands for a later run of the job than the last one, so that run's claim is forgotten
    first (run twice in one moment, a digest job is the same run: its second firing finds the run claimed).
    """
    if next_run:
        await app.bot_data["services"].storage.purge_digest_runs(before=datetime.now(UTC) + _LATEST_SLOT)
    errors: list[BaseException | None] = []

    async def record(_update: object, context: Any) -> None:
        errors.append(context.error)

    app.add_error_handler(record)
    try:
        await job.run(app)  # awaits the error handlers too
    finally:
        app.remove_error_handler(record)
    assert errors == [], f"the job raised {errors[0]!r}"
