"""Background imports: the body of a large import, kept until a job runner imports it.

``quote_imports`` is one row per import job (its format, size, and how many
quotes it stored); ``quote_import_chunks`` holds the body in order, 1 MB a
row, so any runner (a thread of a web process, an RQ worker on another
machine) can read it. Both go with their ``jobs`` row (ON DELETE CASCADE);
the chunks are deleted in the transaction that stores the quotes. See
app/import_jobs.py.

Revision ID: 0007b
Revises: 0007 (idempotency keys)
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0007b"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quote_imports",
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=True),
    )
    op.create_table(
        "quote_import_chunks",
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "seq"),
    )


def downgrade() -> None:
    op.drop_table("quote_import_chunks")
    op.drop_table("quote_imports")
