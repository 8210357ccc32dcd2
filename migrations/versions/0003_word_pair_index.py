"""A second full-text index over word pairs (shingles) of each quote.

``quotes.shingles`` holds one token per pair of consecutive words of the
search text (see :func:`app.repository.shingle_text`): a 10-hex-digit hash,
so the token is a plain letters-and-digits word on both backends. A pair is
far rarer than either of its words, so a claim's rarest pairs find the quote
it comes from with short posting lists, and counting how many pairs a quote
shares ranks the right quote first even for a fragment or a one-word edit.

* SQLite: an external-content FTS5 table ``quotes_shingles`` over
  ``quotes.shingles`` kept in sync by triggers, and its vocabulary
  ``quotes_shingles_vocab`` (document frequencies).
* PostgreSQL: a generated ``tsvector`` column ``quotes.shingle_vector`` with a
  GIN index.

Existing rows get their pairs from ``flask --app wsgi quotes reindex``
(run after this upgrade on a store that already has quotes).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("quotes", sa.Column("shingles", sa.Text(), nullable=False, server_default=""))
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE quotes_shingles USING fts5("
            "shingles, content='quotes', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 0', detail='none')"
        )
        op.execute("CREATE VIRTUAL TABLE quotes_shingles_vocab USING fts5vocab(quotes_shingles, 'row')")
        op.execute(
            "CREATE TRIGGER quotes_shingles_ai AFTER INSERT ON quotes BEGIN "
            "INSERT INTO quotes_shingles(rowid, shingles) VALUES (new.id, new.shingles); END"
        )
        op.execute(
            "CREATE TRIGGER quotes_shingles_ad AFTER DELETE ON quotes BEGIN "
            "INSERT INTO quotes_shingles(quotes_shingles, rowid, shingles) "
            "VALUES ('delete', old.id, old.shingles); END"
        )
        op.execute(
            "CREATE TRIGGER quotes_shingles_au AFTER UPDATE OF shingles ON quotes BEGIN "
            "INSERT INTO quotes_shingles(quotes_shingles, rowid, shingles) "
            "VALUES ('delete', old.id, old.shingles); "
            "INSERT INTO quotes_shingles(rowid, shingles) VALUES (new.id, new.shingles); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "ALTER TABLE quotes ADD COLUMN shingle_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, shingles)) STORED"
        )
        op.execute("CREATE INDEX ix_quotes_shingle_vector ON quotes USING gin (shingle_vector)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("quotes_shingles_ai", "quotes_shingles_ad", "quotes_shingles_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS quotes_shingles_vocab")
        op.execute("DROP TABLE IF EXISTS quotes_shingles")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_quotes_shingle_vector")
        op.execute("ALTER TABLE quotes DROP COLUMN IF EXISTS shingle_vector")
    if dialect == "sqlite":
        op.execute("ALTER TABLE quotes DROP COLUMN shingles")
    else:
        op.drop_column("quotes", "shingles")
