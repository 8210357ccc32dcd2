"""What the verify hot path reads instead of guessing: a version of the speakers,
and (PostgreSQL) how many quotes hold each word pair.

* ``cache_versions``: one row per thing a web worker may keep in memory
  (``speakers``: names, aliases, lookup keys, genders and roles). Triggers on
  ``speakers``, ``speaker_aliases`` and ``speaker_keys`` add one to it in the
  transaction that changes them, whoever writes (the API, an import, the
  CLI, SQL by hand). A worker reads it once per request and drops what it
  kept when it moved (:mod:`app.speaker_cache`).
* ``pair_counts`` (PostgreSQL): for each word-pair key (``quotes.pair_keys``),
  how many quotes hold it. Before, the planner's statistics stood in for the
  counts: they know only the commonest pairs, so at a million quotes a pair
  in hundreds of quotes, or in none, looked rare and 5% of one-word edits
  lost their quote. Statement-level triggers keep it exact: each ``INSERT``,
  ``UPDATE`` or ``DELETE`` of quotes adds or removes its rows' pairs,
  aggregated, in one upsert in key order. A bulk import (one transaction of
  many ``COPY`` chunks) sets ``verbatim.import_counts_pairs`` and counts its
  quotes' pairs itself, once, before it commits: upserting the same rows
  chunk after chunk in one transaction leaves a chain of row versions that
  every later upsert walks (100,000 quotes imported at 95/s). Every quote
  counts, whatever its status, as in SQLite's FTS5 vocabulary, which SQLite
  reads instead (a retraction changes no count). Existing quotes are counted
  here.

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-30
"""
from __future__ import annotations

import random

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None

SPEAKER_TABLES = ("speakers", "speaker_aliases", "speaker_keys")

_PG_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION verbatim_speakers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cache_versions SET version = version + 1 WHERE name = 'speakers';
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION verbatim_pairs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('verbatim.import_counts_pairs', true) = 'on' THEN
    RETURN NULL;  -- a bulk import counts its quotes' pairs once, before it commits
  END IF;
  INSERT INTO pair_counts AS c (key, n)
  SELECT k, count(*) FROM new_quotes, unnest(new_quotes.pair_keys) AS k GROUP BY k ORDER BY k
  ON CONFLICT (key) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION verbatim_pairs_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE pair_counts AS c SET n = c.n - d.n
  FROM (SELECT k, count(*) AS n FROM old_quotes, unnest(old_quotes.pair_keys) AS k GROUP BY k ORDER BY k) AS d
  WHERE c.key = d.k;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION verbatim_pairs_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO pair_counts AS c (key, n)
  SELECT k, sum(d) FROM (
      SELECT k, -1 AS d FROM old_quotes o JOIN new_quotes q ON q.id = o.id, unnest(o.pair_keys) AS k
       WHERE o.pair_keys IS DISTINCT FROM q.pair_keys
      UNION ALL
      SELECT k, 1 FROM old_quotes o JOIN new_quotes q ON q.id = o.id, unnest(q.pair_keys) AS k
       WHERE o.pair_keys IS DISTINCT FROM q.pair_keys) AS changes
  GROUP BY k HAVING sum(d) <> 0 ORDER BY k
  ON CONFLICT (key) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION verbatim_pairs_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM pair_counts;
  RETURN NULL;
END $$;
"""


def upgrade() -> None:
    op.create_table(
        "cache_versions",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False, server_default="0"),
    )
    # A random start: a worker that kept speakers of a database deleted and
    # made again under the same URL does not take the new one's for the old.
    op.execute(f"INSERT INTO cache_versions (name, version) VALUES ('speakers', {random.randrange(1, 2 ** 48)})")
    if op.get_bind().dialect.name == "sqlite":
        for table in SPEAKER_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"CREATE TRIGGER {table}_changed_{event} AFTER {event.upper()} ON {table} BEGIN "
                           "UPDATE cache_versions SET version = version + 1 WHERE name = 'speakers'; END")
        return
    op.execute("CREATE TABLE pair_counts (key bigint PRIMARY KEY, n integer NOT NULL)")
    op.execute(_PG_FUNCTIONS)
    for table in SPEAKER_TABLES:
        op.execute(f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION verbatim_speakers_changed()")
    op.execute("CREATE TRIGGER quotes_pairs_inserted AFTER INSERT ON quotes REFERENCING NEW TABLE AS new_quotes "
               "FOR EACH STATEMENT EXECUTE FUNCTION verbatim_pairs_inserted()")
    op.execute("CREATE TRIGGER quotes_pairs_deleted AFTER DELETE ON quotes REFERENCING OLD TABLE AS old_quotes "
               "FOR EACH STATEMENT EXECUTE FUNCTION verbatim_pairs_deleted()")
    op.execute("CREATE TRIGGER quotes_pairs_updated AFTER UPDATE ON quotes "
               "REFERENCING OLD TABLE AS old_quotes NEW TABLE AS new_quotes "
               "FOR EACH STATEMENT EXECUTE FUNCTION verbatim_pairs_updated()")
    op.execute("CREATE TRIGGER quotes_pairs_truncated AFTER TRUNCATE ON quotes "
               "FOR EACH STATEMENT EXECUTE FUNCTION verbatim_pairs_truncated()")
    # The quotes stored so far, counted once.
    op.execute("INSERT INTO pair_counts (key, n) SELECT k, count(*) FROM quotes, unnest(quotes.pair_keys) AS k "
               "GROUP BY k")
    op.execute("ANALYZE pair_counts")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in SPEAKER_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_changed_{event}")
    else:
        for trigger in ("quotes_pairs_inserted", "quotes_pairs_deleted", "quotes_pairs_updated",
                        "quotes_pairs_truncated"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON quotes")
        for table in SPEAKER_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}")
        for fn in ("verbatim_pairs_inserted", "verbatim_pairs_deleted", "verbatim_pairs_updated",
                   "verbatim_pairs_truncated", "verbatim_speakers_changed"):
            op.execute(f"DROP FUNCTION IF EXISTS {fn}()")
        op.execute("DROP TABLE IF EXISTS pair_counts")
    op.drop_table("cache_versions")
