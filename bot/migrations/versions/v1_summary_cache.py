"""Schema 1 (the first release): the summary cache and the links that point at its entries."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "summary_cache",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_summary_cache_created_at", "summary_cache", ["created_at"])
    op.create_table(
        "url_alias",
        sa.Column("url", sa.String(2048), primary_key=True),
        sa.Column("key", sa.String(32), nullable=False),
    )
    op.create_index("ix_url_alias_key", "url_alias", ["key"])


def downgrade() -> None:
    op.drop_table("url_alias")
    op.drop_table("summary_cache")
