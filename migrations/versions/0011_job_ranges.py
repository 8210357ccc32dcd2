"""Jobs that finish themselves: ranges of a verify job, each with its runner's heartbeat.

``job_ranges`` splits a verify job's items into slices ``[start, stop)``
that runners answer independently (several RQ workers on one job): each
range has its own ``done`` (a prefix of the range, moved by compare-and-set)
and verdict counters, the runner holding it (``owner``) and its last sign of
life (``heartbeat_at``); a range whose heartbeat is older than
``JOBS_STALE_AFTER`` is taken over by a live runner. ``jobs.answered`` counts
the answers of every range, where ``jobs.done`` stays the answered prefix in
input order. Ranges are made when a job is first offered to the runners, so
a job stored before this migration gets them then (its answered prefix as
one finished range). See app/job_processing.py and docs/jobs.md.

Revision ID: 0011
Revises: 0012 (hot-path counts)
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0011"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both databases (SQLite >= 3.35): recreating ``jobs``
    # in a batch would cascade-delete the items of every job.
    op.add_column("jobs", sa.Column("answered", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE jobs SET answered = done")
    op.create_table(
        "job_ranges",
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("stop", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("verified", sa.Integer(), nullable=False),
        sa.Column("mismatch", sa.Integer(), nullable=False),
        sa.Column("unverified", sa.Integer(), nullable=False),
        sa.Column("errored", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(64), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("job_id", "start"),
    )


def downgrade() -> None:
    op.drop_table("job_ranges")
    op.drop_column("jobs", "answered")
