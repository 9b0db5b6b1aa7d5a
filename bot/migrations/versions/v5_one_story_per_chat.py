"""Schema 5: a chat gets each story once. Subscriptions are unique per chat and topic (compared without case or
extra spaces), duplicates from older releases merged into the oldest; the sent-history belongs to the chat, the
union of its subscriptions'; a digest run is claimed per chat (one message for all its subscriptions due then,
whichever replica's job fires first); and each Telegram update is recorded once handled, so a redelivered one is
skipped. Claims only live two days: those of schema 4 are dropped, not converted.

The topic key is written out here rather than imported: a migration must do tomorrow what it did today.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _key(topic: str) -> str:
    return " ".join(topic.casefold().split())[:300]


def upgrade() -> None:
    bind = op.get_bind()
    op.drop_table("digest_run")
    op.create_table(
        "digest_run",
        sa.Column("chat_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("slot", sa.DateTime(timezone=True), primary_key=True),
    )
    op.create_table(
        "chat_sent_story",
        sa.Column("chat_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("url", sa.String(2048), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    bind.execute(
        sa.text(
            "INSERT INTO chat_sent_story (chat_id, url, sent_at)"
            " SELECT s.chat_id, t.url, MIN(t.sent_at) FROM sent_story t JOIN subscription s ON s.id = t.subscription_id"
            " GROUP BY s.chat_id, t.url"
        )
    )
    op.drop_table("sent_story")
    op.add_column("subscription", sa.Column("topic_key", sa.String(300), nullable=True))
    first: dict[tuple[int, str], int] = {}
    for row in bind.execute(sa.text("SELECT id, chat_id, topic FROM subscription ORDER BY id")).all():
        kept = first.setdefault((row.chat_id, _key(row.topic)), row.id)
        if kept == row.id:
            bind.execute(sa.text("UPDATE subscription SET topic_key = :key WHERE id = :id"),
                         {"key": _key(row.topic), "id": row.id})  # fmt: skip
        else:  # its history is the chat's already; the oldest subscription keeps its schedule
            bind.execute(sa.text("DELETE FROM subscription WHERE id = :id"), {"id": row.id})
    with op.batch_alter_table("subscription") as batch:  # SQLite changes a column by copying its table
        batch.alter_column("topic_key", existing_type=sa.String(300), nullable=False)
    op.create_index("uq_subscription_chat_topic", "subscription", ["chat_id", "topic_key"], unique=True)
    op.create_table(
        "processed_update",
        sa.Column("update_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_table("digest_run")
    op.create_table(
        "digest_run",
        sa.Column("subscription_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("slot", sa.DateTime(timezone=True), primary_key=True),
    )
    op.drop_table("processed_update")
    op.drop_index("uq_subscription_chat_topic", table_name="subscription")
    with op.batch_alter_table("subscription") as batch:
        batch.drop_column("topic_key")
    op.create_table(
        "sent_story",
        sa.Column("subscription_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("url", sa.String(2048), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    bind.execute(
        sa.text(
            "INSERT INTO sent_story (subscription_id, url, sent_at)"
            " SELECT s.id, c.url, c.sent_at FROM chat_sent_story c JOIN subscription s ON s.chat_id = c.chat_id"
        )
    )
    op.drop_table("chat_sent_story")
