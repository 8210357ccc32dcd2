"""Index only the quotes that are not approved.

Nearly every quote is approved, so an index on all statuses tells the
database nothing when looking for approved quotes, yet on a small table
PostgreSQL's planner would walk it (every approved row) instead of the
full-text index. A partial index keeps the useful part: finding the few
pending or retracted quotes.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_WHERE = sa.text("status <> 'approved'")


def upgrade() -> None:
    op.drop_index("ix_quotes_status", table_name="quotes")
    op.create_index("ix_quotes_status_not_approved", "quotes", ["status"],
                    postgresql_where=_WHERE, sqlite_where=_WHERE)


def downgrade() -> None:
    op.drop_index("ix_quotes_status_not_approved", table_name="quotes")
    op.create_index("ix_quotes_status", "quotes", ["status"])
