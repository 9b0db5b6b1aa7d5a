"""Schema 2: subscriptions, the stories already sent to each, and each chat's time zone."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.String(300), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("every_hours", sa.Integer(), nullable=False),
        sa.Column("quiet", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_subscription_chat_id", "subscription", ["chat_id"])
    op.create_table(
        "sent_story",
        sa.Column("subscription_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("url", sa.String(2048), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "chat_settings",
        sa.Column("chat_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("timezone", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("chat_settings")
    op.drop_table("sent_story")
    op.drop_table("subscription")
