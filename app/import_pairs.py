"""How a bulk import keeps ``pair_counts`` exact: it counts its own quotes.

``pair_counts`` (PostgreSQL: migration 0012, keyed by ``pair_keys``' integers;
SQLite: migration 0013, keyed by the tokens of ``quotes.shingles``) says how
many quotes hold each word pair, which candidate retrieval reads to choose a
claim's rarest pairs. Triggers keep it where quotes are written one at a
time. An import of many quotes would make them upsert the same rows chunk
after chunk (PostgreSQL: each update walking the row versions the earlier
ones left in the transaction, 95 quotes/s at 100,000; SQLite: 40 random keys
per row, ~9,700 -> ~2,300 rows/s), so for the length of its one transaction
the import :func:`defer`\\ s them, and :func:`add`\\ s what its worker processes
counted where they prepared the rows, once, in key order, before it commits.

The deferral ends with the transaction whatever happens. PostgreSQL's is a
``SET LOCAL`` the insert trigger reads. SQLite's drops the insert trigger in
the import's transaction and :func:`add` creates it again from the SQL it
had: SQLite's schema is transactional, so a rollback puts it back too, and
with one writer at a time no other writer's quotes are written meanwhile.
(A ``WHEN`` on a flag row cost the import 10 us per quote: a trigger's
program still runs for every row to test it.)
"""
from __future__ import annotations

from collections import Counter
from typing import Optional, Sequence

from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from .bulk_rows import _copy, _driver_executemany

SQLITE_INSERT_TRIGGER = "quotes_pairs_ai"  # migration 0013


def defer(session: Session) -> Optional[str]:
    """Leave the quotes written from now on in this transaction to :func:`add`;
    what to give :func:`add` (SQLite: the dropped trigger's SQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql_text("SET LOCAL verbatim.import_counts_pairs = 'on'"))
        return None
    trigger = session.execute(sql_text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"),
                              {"n": SQLITE_INSERT_TRIGGER}).scalar()
    if trigger is not None:
        session.execute(sql_text(f"DROP TRIGGER {SQLITE_INSERT_TRIGGER}"))
    return trigger


def add(session: Session, deferred: Optional[str], counts: Counter, recount_ids: Sequence[int]) -> None:
    """Add the imported quotes' pairs: ``counts`` (a pair's key on PostgreSQL,
    its token on SQLite -> how many imported quotes hold it), and the pairs of
    the quotes ``recount_ids`` (stored one by one after the database refused
    their chunk) counted from their stored rows. Ends the deferral
    (``deferred``: what :func:`defer` gave)."""
    if session.get_bind().dialect.name == "postgresql":
        _add_postgresql(session, counts, recount_ids)
    else:
        _add_sqlite(session, counts, recount_ids)
        if deferred is not None:
            session.execute(sql_text(deferred))


def _add_postgresql(session: Session, counts: Counter, recount_ids: Sequence[int]) -> None:
    """The counts go to the server once, by ``COPY`` into a temporary table,
    and one aggregated upsert in key order adds them, so the server does not
    unnest the imported quotes again (which was 23% of a 100,000-quote
    import)."""
    if not counts and not recount_ids:
        return
    session.execute(sql_text("CREATE TEMPORARY TABLE verbatim_import_pairs (key bigint, n integer) ON COMMIT DROP"))
    _copy(session, "verbatim_import_pairs", ("key", "n"), "".join(f"{k}\t{n}\n" for k, n in counts.items()))
    if recount_ids:
        session.execute(sql_text(
            "INSERT INTO verbatim_import_pairs (key, n) SELECT k, count(*) FROM quotes, unnest(quotes.pair_keys) AS k "
            "WHERE quotes.id = ANY(CAST(:ids AS bigint[])) GROUP BY k"), {"ids": list(recount_ids)})
    session.execute(sql_text(
        "INSERT INTO pair_counts AS c (key, n) SELECT key, sum(n) FROM verbatim_import_pairs GROUP BY key ORDER BY key "
        "ON CONFLICT (key) DO UPDATE SET n = c.n + EXCLUDED.n"))
    session.execute(sql_text("DROP TABLE verbatim_import_pairs"))


_SQLITE_UPSERT = "INSERT INTO pair_counts (term, n) VALUES (?, ?) ON CONFLICT (term) DO UPDATE SET n = n + excluded.n"
# The distinct pair tokens of the quotes whose ids are a JSON array.
_SQLITE_RECOUNT = (
    "SELECT t.value, count(*) FROM (SELECT DISTINCT q.id, t.value FROM quotes q, "
    "json_each('[\"' || replace(q.shingles, ' ', '\",\"') || '\"]') t "
    "WHERE q.id IN (SELECT value FROM json_each(:ids)) AND t.value <> '') t GROUP BY t.value")


def _add_sqlite(session: Session, counts: Counter, recount_ids: Sequence[int]) -> None:
    """One ``executemany`` upsert in key order (pages of the table's B-tree
    visited once each, in order)."""
    import json

    if recount_ids:
        counts = Counter(counts)
        counts.update(dict(session.execute(sql_text(_SQLITE_RECOUNT), {"ids": json.dumps(list(recount_ids))}).all()))
    if counts:
        _driver_executemany(session, _SQLITE_UPSERT, sorted(counts.items()))
