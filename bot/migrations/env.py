"""Alembic's entry point: migrate the connection Storage.open() hands over in ``config.attributes``.

Run by hand (``alembic -x url=sqlite:///path.db upgrade head``, an ini file naming this folder), it opens
its own synchronous engine on that URL instead.
"""

from __future__ import annotations

import logging

from alembic import context
from sqlalchemy import Connection, create_engine

from bot.storage import Base

logger = logging.getLogger(__name__)


def run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


given: Connection | None = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    engine = create_engine(context.get_x_argument(as_dictionary=True)["url"])
    with engine.connect() as connection:
        run(connection)
    engine.dispose()
