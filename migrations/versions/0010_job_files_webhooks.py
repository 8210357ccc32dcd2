"""Jobs for the data desk: a name, a callback URL and its webhook deliveries; key webhook secrets.

* ``api_keys.webhook_secret``: the secret a key's job webhooks are signed
  with (HMAC-SHA256). It must be kept readable to sign, so it is stored as
  is; it is shown once, when created (``keys create --webhook-secret``).
* ``jobs.name`` (the client's label), ``jobs.callback_url`` (where to POST
  the summary when the job ends) and ``jobs.base_url`` (the address the job
  was submitted to, for absolute results URLs in the summary).
* ``job_webhooks``: one delivery per job and event (``job.finished``,
  ``job.failed``; unique), its state, attempts and the next one's time.
* ``ix_jobs_api_key_created``: a key's jobs, newest first (``GET /jobs``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN (SQLite 3.35+ has both): a batch copy of ``jobs``
    # would drop the table, and its claims with it (ON DELETE CASCADE).
    op.add_column("api_keys", sa.Column("webhook_secret", sa.String(100), nullable=True))
    op.add_column("jobs", sa.Column("name", sa.String(200), nullable=True))
    op.add_column("jobs", sa.Column("callback_url", sa.String(2000), nullable=True))
    op.add_column("jobs", sa.Column("base_url", sa.String(500), nullable=True))
    op.create_index("ix_jobs_api_key_created", "jobs", ["api_key_id", "created_at"])
    op.create_table(
        "job_webhooks",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("log", sa.JSON(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("give_up_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("job_id", "event", name="uq_job_webhooks_job_event"),
    )
    op.create_index("ix_job_webhooks_state_next", "job_webhooks", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_job_webhooks_state_next", table_name="job_webhooks")
    op.drop_table("job_webhooks")
    op.drop_index("ix_jobs_api_key_created", table_name="jobs")
    for column in ("base_url", "callback_url", "name"):
        op.drop_column("jobs", column)
    op.drop_column("api_keys", "webhook_secret")
