"""What the verify hot path keeps and reads instead of asking again (migration 0012).

* A worker keeps speakers between requests (:mod:`app.speaker_cache`) and
  sees a change made by another worker, or by SQL outside the service, at
  its next request.
* Word-pair counts are exact on both databases: ``pair_counts`` (PostgreSQL
  migration 0012, SQLite 0013), kept by triggers through single writes,
  edits, retractions, deletions, and by the import itself for imports, and
  counted for the quotes already stored when the migration runs.
* The candidates' rows read on the driver's cursor are what a Core query gives.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import event, select, text

from app import migrate, passage_reads, retrieval, search_keys
from app.db import get_engine, get_session, make_engine
from app.models import Quote

from .helpers import create, scratch_pg_engine

ADA = "That brain of mine is something more than merely mortal, as time will show, said the analyst."


def _verify(client, **claim):
    r = client.post("/api/v1/verify", json=claim)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _speaker_statements(app):
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if any(t in statement for t in ("FROM speakers", "speaker_keys", "speaker_aliases")):
            seen.append(statement)

    event.listen(get_engine(app), "before_cursor_execute", note)
    return seen


def test_a_worker_keeps_speakers_and_sees_what_others_change(client, write_headers, second_app, database_url):
    quote = create(client, write_headers, text=ADA, speaker="Ada Lovelace", spoken_at="1843-07-01",
                   location=None, event=None, sources=None)
    other = second_app.test_client()  # another worker on the same database
    claim = {"text": ADA, "speaker": "Augusta King"}
    before = _verify(other, **claim)
    assert before["verdict"] != "verified"  # nobody of that name on record yet

    read = _speaker_statements(second_app)
    assert _verify(other, **claim) == before
    assert read == [], "the second verify read speakers again instead of keeping them"

    # The first worker gives the speaker the name as an alias: the other sees it at once.
    r = client.patch(f"/api/v1/speakers/{quote['speaker_id']}", json={"add_aliases": ["Augusta King"]},
                     headers=write_headers)
    assert r.status_code == 200, r.get_json()
    assert _verify(other, **claim)["verdict"] == "verified"
    assert read, "the change was not read"

    # SQL written by no worker at all (a maintenance script): seen too.
    outside = make_engine(database_url)
    with outside.begin() as conn:
        conn.execute(text("DELETE FROM speaker_aliases WHERE alias = 'Augusta King'"))
        conn.execute(text("DELETE FROM speaker_keys WHERE speaker_id = :s AND (key LIKE '%augusta%' "
                          "OR key LIKE '%king%')"), {"s": quote["speaker_id"]})
    outside.dispose()
    assert _verify(other, **claim)["verdict"] == before["verdict"]


def _counts(conn) -> dict:
    column = "key" if conn.dialect.name == "postgresql" else "term"
    return {k: n for k, n in conn.execute(text(f"SELECT {column}, n FROM pair_counts WHERE n <> 0"))}


def _recount(conn) -> dict:
    """Every stored quote's pairs counted from scratch, in Python."""
    if conn.dialect.name == "postgresql":
        return {k: n for k, n in conn.execute(text(
            "SELECT k, count(*) FROM quotes, unnest(quotes.pair_keys) AS k GROUP BY k"))}
    counts: dict = {}
    for (shingles,) in conn.execute(text("SELECT shingles FROM quotes")):
        for t in set((shingles or "").split()):
            counts[t] = counts.get(t, 0) + 1
    return counts


def _deferred(conn) -> int:
    """SQLite: 1 if the import left the insert trigger dropped."""
    return int(conn.execute(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                 "AND name = 'quotes_pairs_ai'")).scalar_one() == 0)


def _import(client, headers, rows):
    r = client.post("/api/v1/quotes/import", data="\n".join(json.dumps(r) for r in rows),
                    headers={**headers, "Content-Type": "application/x-ndjson"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["imported"] == len(rows)


def test_pair_counts_follow_every_write(app, client, write_headers, database_url):
    engine = get_engine(app)
    pg = database_url.startswith("postgresql")

    def check():
        with engine.connect() as conn:
            counts, recount = _counts(conn), _recount(conn)
            if not pg:
                assert _deferred(conn) == 0, "an import left the triggers deferred"
        assert counts == recount
        return {search_keys.pair_key(k) if not pg else k: n for k, n in counts.items()}

    assert check() == {}
    first = create(client, write_headers, text="The grain ships can reach the quay at every tide.")
    second = create(client, write_headers, text="The grain ships wait outside the harbour for the tide.",
                    speaker="Ada Lovelace")
    counts = check()
    assert counts[search_keys.pair_key(search_keys.pair_tokens("grain ships")[0])] == 2

    # An import of more than one chunk (each chunk one COPY, counted in one upsert).
    _import(client, write_headers, [{"text": f"Report {i}: the grain ships reached berth {i % 7} at dawn.",
                                     "speaker": "Winston Churchill"} for i in range(1205)])
    counts = check()
    assert counts[search_keys.pair_key(search_keys.pair_tokens("grain ships")[0])] == 1207

    r = client.patch(f"/api/v1/quotes/{first['id']}", json={"text": "Barges can reach the quay at low tide."},
                     headers=write_headers)
    assert r.status_code == 200, r.get_json()
    check()
    r = client.delete(f"/api/v1/quotes/{second['id']}", json={"reason": "misheard"}, headers=write_headers)
    assert r.status_code == 200, r.get_json()
    check()  # a retracted quote is still stored, and still counted, as in SQLite's vocabulary
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM quote_revisions WHERE quote_id < 100"))
        conn.execute(text("DELETE FROM quote_sources WHERE quote_id < 100"))
        conn.execute(text("DELETE FROM quotes WHERE id < 100"))
    check()


def test_pair_frequencies_are_exact_on_both_databases(app, client, write_headers):
    for i in range(3):
        create(client, write_headers, text=f"Number {i}: the grain ships can reach the quay.")
    create(client, write_headers, text="Nothing about boats here at all, said the minister.")
    common = search_keys.pair_tokens("grain ships")[0]
    once = search_keys.pair_tokens("about boats")[0]
    absent = search_keys.pair_tokens("zebra quokka")[0]
    with app.app_context():
        found = retrieval._pair_frequencies(get_session(), [common, once, absent])
    assert found == {common: 3.0, once: 1.0, absent: 0.0}


def test_candidate_rows_are_what_a_core_query_gives(app, client, write_headers):
    q = create(client, write_headers)
    create(client, write_headers, text="Another one.", spoken_at="2025-09-03T10:00:00+08:00", location="Beijing")
    with app.app_context():
        session = get_session()
        got = passage_reads.quote_rows(session, [q["id"], q["id"] + 1])
        cols = [c for c in Quote.__table__.c if c.name not in ("search_text", "shingles", "text_hash")]
        want = {r["id"]: dict(r) for r in session.execute(select(*cols)).mappings()}
    assert {i: {k: v for k, v in vars(r).items() if k != "speaker_name"} for i, r in got.items()} == want
    assert got[q["id"]].speaker_name == "Winston Churchill"


def _fill_at_0009(engine):
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO speakers (id, name, created_at, updated_at) "
                          "VALUES (1, 'Ann Lee', '2025-01-01', '2025-01-01')"))
        for i, words in enumerate(["grain ships reach the quay", "grain ships wait", "barges reach the quay"]):
            conn.execute(text(
                "INSERT INTO quotes (id, text, search_text, shingles, text_hash, speaker_id, status, "
                "created_at, updated_at) VALUES (:i, :w, :w, :s, :h, 1, 'approved', '2025-01-01', '2025-01-01')"),
                {"i": i + 1, "w": words, "s": search_keys.shingle_text(words), "h": str(i)})


def _version(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT version FROM cache_versions WHERE name = 'speakers'")).scalar_one()


def _migrated_twice(engine, grain_ships, speaker_change: str):
    """Migrate three quotes stored at 0009 to the head: the pair counts are a
    recount's ("grain ships" in two quotes), a change to the speakers moves
    their version; then down to 0009 and up again, counted again. The counts
    after the first and after the second upgrade."""
    migrate.upgrade(engine, "0009")
    _fill_at_0009(engine)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        counts = _counts(conn)
        assert counts == _recount(conn)
    assert counts[grain_ships] == 2
    v = _version(engine)
    with engine.begin() as conn:
        conn.execute(text(speaker_change))
    assert _version(engine) == v + 1
    migrate.downgrade(engine, "0009")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        again = _counts(conn)
        assert again == _recount(conn)
    return counts, again


def test_migration_counts_existing_quotes_and_versions_speakers_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    counts, again = _migrated_twice(engine, search_keys.pair_tokens("grain ships")[0],
                                    "UPDATE speakers SET name = 'Ann B. Lee' WHERE id = 1")
    assert again == counts
    engine.dispose()


def test_migration_counts_existing_quotes_and_versions_speakers_postgresql(request):
    url = request.getfixturevalue("pg_schema_url")  # skips without TEST_DATABASE_URL
    with scratch_pg_engine(url, "vb_0012") as engine:
        _migrated_twice(engine, search_keys.pair_key(search_keys.pair_tokens("grain ships")[0]),
                        "INSERT INTO speaker_aliases (speaker_id, alias) VALUES (1, 'A. Lee')")


def test_import_counts_equal_a_recount(app, client, write_headers, database_url):
    """An import counts its quotes' pairs where it prepares the rows (worker
    processes here) and adds them once; a chunk the database refuses is
    stored line by line, and only its stored lines count. Afterwards the
    counts are what counting every stored quote from scratch gives."""
    from app import bulk_import, importer

    create(client, write_headers, text="The grain ships can reach the quay at every tide.")
    lines = [json.dumps({"text": f"Shipment {i % 9}: the grain ships reached berth {i % 4} at dawn, "
                                 f"said harbour master {i % 3}.", "speaker": "Ann Lee"}) for i in range(40)]
    lines[27] = json.dumps({"text": "Please REFUSE the grain ships this one time.", "speaker": "Ann Lee"})
    engine = get_engine(app)
    pg = database_url.startswith("postgresql")
    refuse, allow = (
        ("ALTER TABLE quotes ADD CONSTRAINT refuse CHECK (text NOT LIKE '%REFUSE%')",
         "ALTER TABLE quotes DROP CONSTRAINT IF EXISTS refuse") if pg else
        ("CREATE TRIGGER refuse BEFORE INSERT ON quotes WHEN new.text LIKE '%REFUSE%' "
         "BEGIN SELECT RAISE(ABORT, 'refused'); END", "DROP TRIGGER IF EXISTS refuse"))
    with app.app_context():
        session = get_session()
        session.execute(text(refuse))
        session.commit()
        try:
            result = bulk_import.import_quotes(session, importer.iter_ndjson(lines), chunk_size=5, workers=1)
            assert (result.imported, result.rejected) == (39, 1)
        finally:  # PostgreSQL's schema outlives the test
            session.rollback()
            session.execute(text(allow))
            session.commit()
    with engine.connect() as conn:
        counts, recount = _counts(conn), _recount(conn)
        if not pg:
            assert _deferred(conn) == 0
    assert counts == recount
    key = search_keys.pair_tokens("grain ships")[0]
    assert counts[search_keys.pair_key(key) if pg else key] == 40


def test_an_import_that_fails_leaves_counts_and_triggers_as_they_were(app, client, write_headers, database_url):
    """An import cut off half-way stores nothing and counts nothing, and the
    quotes written after it are counted by the triggers again."""
    from app import bulk_import, importer

    engine = get_engine(app)
    lines = [json.dumps({"text": f"Cargo {i}: the grain ships reached berth {i} at dawn.", "speaker": "Ann Lee"})
             for i in range(30)]

    def broken():
        yield from importer.iter_ndjson(lines[:12])
        raise OSError("the upload was cut off")

    with app.app_context():
        with pytest.raises(OSError):
            bulk_import.import_quotes(get_session(), broken(), chunk_size=5)
    with engine.connect() as conn:
        assert _counts(conn) == {} == _recount(conn)
    create(client, write_headers, text="The grain ships can reach the quay at every tide.")
    with engine.connect() as conn:
        counts = _counts(conn)
        assert counts == _recount(conn) and counts
