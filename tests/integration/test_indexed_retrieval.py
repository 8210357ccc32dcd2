"""Verification is index-based: no statement it runs scans a whole table.

Every SELECT issued while verifying (and while listing with filters) is
re-run under EXPLAIN; a full scan of quotes, speakers or speaker_keys fails
the test. On PostgreSQL sequential scans are disabled for the EXPLAIN so the
planner shows whether an index *can* serve the query, even on a tiny table.
"""
import json
import re

from sqlalchemy import event

from app.db import get_engine

from .helpers import create

FULL_SCAN = {
    "sqlite": re.compile(r"^SCAN (quotes|speakers|speaker_keys|sources)\b(?! USING)"),
    "postgresql": re.compile(r"Seq Scan on (quotes|speakers|speaker_keys|sources)\b"),
}


def _plans(app, statements):
    engine = get_engine(app)
    plans = []
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")
        for stmt, params in statements:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + stmt if engine.dialect.name == "sqlite"
                                        else "EXPLAIN " + stmt, params).all()
            plan = [r[-1] for r in rows]
            plans.append((stmt, plan))
    return engine.dialect.name, plans


def _capture(app, action):
    statements = []
    engine = get_engine(app)

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return statements


def test_verification_never_scans_a_table(demo, client, write_headers):
    # Enough rows (and, on PostgreSQL, fresh statistics: a large import runs
    # ANALYZE) for the planner to choose as it would in production.
    filler = "\n".join(json.dumps({
        "text": f"Filler quote {i} about harbours{i % 50}, budgets{i % 7} and the weather{i}.",
        "speaker": f"Person Number{i % 4}", "location": "Kyiv, Ukraine"}) for i in range(1500))
    r = client.post("/api/v1/quotes/import", data=filler,
                    headers={**write_headers, "Content-Type": "application/x-ndjson"})
    assert r.get_json()["imported"] == 1500
    create(client, write_headers, text="Budgets and the weather decide the harvest.", speaker="Bill Clinton")
    create(client, write_headers, text="The weather was kind to us this year.", speaker="Hillary Clinton")
    statements = _capture(demo, lambda: [
        client.post("/api/v1/verify", json={"text": "if Zelenskyy is ready, let him come to Moscow",
                                            "speaker": "Putin", "location": "Paris"}),
        client.post("/api/v1/verify", json={"text": "invite me to Moscow", "speaker": "Vladimir Putin"}),
        client.post("/api/v1/verify/batch", json={"claims": [{"text": "budgets and the weather",
                                                              "speaker": "Clinton"}]}),
        # One word: no word pair, so the single-word query runs.
        client.post("/api/v1/verify", json={"text": "harvest"}),
    ])
    assert statements
    dialect, plans = _plans(demo, statements)
    scans = [(stmt, plan) for stmt, plan in plans if any(FULL_SCAN[dialect].search(line) for line in plan)]
    assert scans == [], scans
    # And the candidate queries really go through the full-text indexes:
    # the word-pair index first, the single-word one for a one-word claim.
    joined = "\n".join(line for _, plan in plans for line in plan)
    if dialect == "sqlite":
        assert "SCAN quotes_shingles VIRTUAL TABLE INDEX" in joined
        assert "SCAN quotes_fts VIRTUAL TABLE INDEX" in joined
    else:
        assert "ix_quotes_pair_keys" in joined
        assert "ix_quotes_search_vector" in joined


def test_passages_and_context_never_scan_a_table(demo, client, write_headers):
    """The boundary index, the sequences around candidates and the context
    come from indexes too (quote_sources by quote, by source and position,
    by boundary key)."""
    lines = "\n".join(json.dumps({
        "text": f"Sentence {i} of speech {i // 20} about harbours{i % 50} and budgets{i % 7}.",
        "speaker": f"Person Number{i % 4}", "sources": [{"url": f"https://example.org/speech/{i // 20}"}]})
        for i in range(1500))
    r = client.post("/api/v1/quotes/import", data=lines,
                    headers={**write_headers, "Content-Type": "application/x-ndjson"})
    assert r.get_json()["imported"] == 1500
    transcript = {"text": "PUTIN: I have never refused this. I replied that yes, it's possible.\n"
                          "Q: When?\nPUTIN: Let him come to Moscow. Then the meeting will take place.",
                  "title": "News conference", "url": "https://kremlin.example/x"}
    assert client.post("/api/v1/sources", json=transcript, headers=write_headers).status_code == 201
    statements = _capture(demo, lambda: [
        client.post("/api/v1/verify", json={"text": "I have never refused this. I replied that yes"}),
        client.post("/api/v1/verify", json={"text": "Let him come to Moscow. Then the meeting will take plaice"}),
        client.post("/api/v1/verify", json={"text": "of speech 3 about harbours13 and budgets2. Sentence 14"}),
        client.get("/api/v1/sources?url=https://kremlin.example/x"),
    ])
    dialect, plans = _plans(demo, statements)
    full_scan = {"sqlite": re.compile(r"^SCAN (quotes|quote_sources|sources|speakers|speaker_keys)\b(?! USING)"),
                 "postgresql": re.compile(r"Seq Scan on (quotes|quote_sources|sources|speakers|speaker_keys)\b")}
    scans = [(stmt, plan) for stmt, plan in plans if any(full_scan[dialect].search(line) for line in plan)]
    assert scans == [], scans
    assert any("boundary_key" in stmt for stmt, _ in plans)
