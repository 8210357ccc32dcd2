"""Speakers: an optional recorded gender and roles with dates.

``speakers.gender`` is "female", "male" or NULL (not recorded: the engine
then reads it from the first name where the name leaves no doubt).
``speakers.roles`` is a JSON list of ``{"title", "start", "end"}`` (dates as
``YYYY-MM-DD`` or null), e.g. President of the United States from 2009-01-20
to 2017-01-20. Both are empty for existing speakers; nothing else changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("speakers") as batch:
        batch.add_column(sa.Column("gender", sa.String(10), nullable=True))
        batch.add_column(sa.Column("roles", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("speakers") as batch:
        batch.drop_column("roles")
        batch.drop_column("gender")
