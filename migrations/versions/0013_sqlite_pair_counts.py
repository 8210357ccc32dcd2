"""SQLite: how many quotes hold each word pair, in a table of its own.

Until now SQLite read a claim's pair frequencies from the FTS5 vocabulary
(``quotes_shingles_vocab``), which keeps no counts: it reads each pair's
postings in every index segment to count them. For the 40 pairs of a claim
that was 0.77 ms of a 2.9 ms verify at 100,000 quotes, the largest single
cost of the hot path. ``pair_counts`` (``term``, the pair token as
``quotes.shingles`` holds it; ``n``, how many quotes hold it) is read with
one look-up of its primary key instead, as PostgreSQL's ``pair_counts``
(migration 0012) is.

Triggers keep it exact wherever quotes are written (the API, the CLI, SQL by
hand): an insert adds one for each distinct pair of the new row, a delete
takes one away, an update of ``shingles`` does both. Every quote counts,
whatever its status, as in the vocabulary it replaces and as on PostgreSQL.

A bulk import counts its own quotes instead: row triggers upserting 40
random keys per quote cut SQLite's import from ~9,700 to ~2,300 rows/s. The
import drops the insert trigger inside its one transaction, adds the counts
its worker processes made, once and in key order, and creates the trigger
again before it commits (:mod:`app.import_pairs`). SQLite's schema is
transactional: an import rolled back puts the trigger back with everything
else, and with one writer at a time no other writer's quotes are written
while it is gone.

Revision ID: 0013
Revises: 0011
Create Date: 2026-11-30
"""
from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

# The distinct tokens of a row's space-separated ``shingles`` (tokens are
# "s" and ten hex digits, so they can be put in a JSON array as they are).
_TOKENS = ("SELECT DISTINCT value FROM json_each('[\"' || replace({row}.shingles, ' ', '\",\"') || '\"]') "
           "WHERE value <> ''")

_TRIGGERS = {
    "quotes_pairs_ai": (
        "AFTER INSERT ON quotes BEGIN "
        f"INSERT INTO pair_counts (term, n) SELECT value, 1 FROM ({_TOKENS.format(row='new')}) WHERE true "
        "ON CONFLICT (term) DO UPDATE SET n = n + 1; END"),
    "quotes_pairs_ad": (
        "AFTER DELETE ON quotes BEGIN "
        f"UPDATE pair_counts SET n = n - 1 WHERE term IN ({_TOKENS.format(row='old')}); END"),
    "quotes_pairs_au": (
        "AFTER UPDATE OF shingles ON quotes WHEN old.shingles IS NOT new.shingles BEGIN "
        f"UPDATE pair_counts SET n = n - 1 WHERE term IN ({_TOKENS.format(row='old')}); "
        f"INSERT INTO pair_counts (term, n) SELECT value, 1 FROM ({_TOKENS.format(row='new')}) WHERE true "
        "ON CONFLICT (term) DO UPDATE SET n = n + 1; END"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL has had its pair_counts since 0012
    op.execute("CREATE TABLE pair_counts (term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
    for name, body in _TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    # The quotes stored so far, counted once.
    op.execute("INSERT INTO pair_counts (term, n) SELECT value, count(*) FROM ("
               "SELECT DISTINCT q.id, t.value FROM quotes q, json_each('[\"' || replace(q.shingles, ' ', '\",\"') "
               "|| '\"]') t WHERE t.value <> '') GROUP BY value")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS pair_counts")
