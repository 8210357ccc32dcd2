"""Initial schema: speakers, quotes, sources, revisions, API keys, full-text index.

The full-text index differs per database and is created here by hand:

* SQLite: an FTS5 table ``quotes_fts`` over ``quotes.search_text``
  (external content, so the text is stored once) kept in sync by triggers.
* PostgreSQL: a generated ``tsvector`` column ``quotes.search_vector``
  ('simple' configuration: no stemming, no stopword removal, so it indexes
  exactly the words the engine compares) with a GIN index.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "speakers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("wikidata_id", sa.String(20)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_speakers_wikidata_id", "speakers", ["wikidata_id"])

    op.create_table(
        "speaker_aliases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("speaker_id", sa.Integer(), sa.ForeignKey("speakers.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.UniqueConstraint("speaker_id", "alias", name="uq_speaker_aliases_speaker_id_alias"),
    )
    op.create_index("ix_speaker_aliases_speaker_id", "speaker_aliases", ["speaker_id"])

    op.create_table(
        "speaker_keys",
        sa.Column("speaker_id", sa.Integer(), sa.ForeignKey("speakers.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("exact", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_speaker_keys_key", "speaker_keys", ["key"])

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("prefix", sa.String(20), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime()),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )

    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(40), nullable=False),
        sa.Column("speaker_id", sa.Integer(), sa.ForeignKey("speakers.id"), nullable=False),
        sa.Column("spoken_at", sa.String(40)),
        sa.Column("spoken_on_start", sa.Date()),
        sa.Column("spoken_on_end", sa.Date()),
        sa.Column("date_precision", sa.String(10)),
        sa.Column("tz_offset", sa.String(6)),
        sa.Column("location", sa.String(300)),
        sa.Column("place_name", sa.String(200)),
        sa.Column("place_kind", sa.String(20)),
        sa.Column("city", sa.String(200)),
        sa.Column("region", sa.String(200)),
        sa.Column("region_code", sa.String(20)),
        sa.Column("country_code", sa.String(2)),
        sa.Column("country", sa.String(200)),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("event", sa.String(500)),
        sa.Column("language", sa.String(20)),
        sa.Column("context", sa.Text()),
        sa.Column("status", sa.String(20), nullable=False, server_default="approved"),
        sa.Column("retraction_reason", sa.Text()),
        sa.Column("retracted_at", sa.DateTime()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_quotes_text_hash", "quotes", ["text_hash"])
    op.create_index("ix_quotes_speaker_id", "quotes", ["speaker_id"])
    op.create_index("ix_quotes_spoken_on_start", "quotes", ["spoken_on_start"])
    op.create_index("ix_quotes_country_code", "quotes", ["country_code"])
    op.create_index("ix_quotes_status", "quotes", ["status"])

    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("quote_id", sa.Integer(), sa.ForeignKey("quotes.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("url", sa.String(2000)),
        sa.Column("publisher", sa.String(300)),
        sa.Column("title", sa.String(1000)),
        sa.Column("published_at", sa.String(40)),
    )
    op.create_index("ix_sources_quote_id", "sources", ["quote_id"])

    op.create_table(
        "quote_revisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("quote_id", sa.Integer(), sa.ForeignKey("quotes.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), sa.ForeignKey("api_keys.id")),
        sa.UniqueConstraint("quote_id", "revision", name="uq_quote_revisions_quote_id_revision"),
    )
    op.create_index("ix_quote_revisions_api_key_id", "quote_revisions", ["api_key_id"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # unicode61 with remove_diacritics 2 folds case and accents; the
        # column is already normalised, this only makes query terms safe too.
        op.execute(
            "CREATE VIRTUAL TABLE quotes_fts USING fts5("
            "search_text, content='quotes', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        # Document frequencies per term, read to pick a claim's rarest words.
        op.execute("CREATE VIRTUAL TABLE quotes_fts_vocab USING fts5vocab(quotes_fts, 'row')")
        op.execute(
            "CREATE TRIGGER quotes_fts_ai AFTER INSERT ON quotes BEGIN "
            "INSERT INTO quotes_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER quotes_fts_ad AFTER DELETE ON quotes BEGIN "
            "INSERT INTO quotes_fts(quotes_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END"
        )
        # Only a change of the indexed text touches the index (not status
        # changes, which the query filters by joining quotes).
        op.execute(
            "CREATE TRIGGER quotes_fts_au AFTER UPDATE OF search_text ON quotes BEGIN "
            "INSERT INTO quotes_fts(quotes_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO quotes_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "ALTER TABLE quotes ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
        )
        op.execute("CREATE INDEX ix_quotes_search_vector ON quotes USING gin (search_vector)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("quotes_fts_ai", "quotes_fts_ad", "quotes_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS quotes_fts_vocab")
        op.execute("DROP TABLE IF EXISTS quotes_fts")
    op.drop_table("quote_revisions")
    op.drop_table("sources")
    op.drop_table("quotes")
    op.drop_table("api_keys")
    op.drop_table("speaker_keys")
    op.drop_table("speaker_aliases")
    op.drop_table("speakers")
