"""Migration 0009 moves every quote's sources into shared source records without loss, and back."""
from __future__ import annotations

import os

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app import migrate
from app.db import make_engine
from app.sources import source_key

from .helpers import scratch_pg_engine

NOW = "2025-01-01 00:00:00"
AP = ("https://apnews.com/a", "AP", "Talks", "2025-09-04")
# (quote, [its source copies, in order]): identical copies across quotes,
# the same URL with other metadata, sources without a URL, two per quote, none.
COPIES = {
    1: [AP, (None, "Anadolu Agency", "Zelenskyy says", "2025-09-04")],
    2: [AP],
    3: [("https://apnews.com/a", "AP", "Talks (updated)", "2025-09-04")],
    4: [(None, "Anadolu Agency", "Zelenskyy says", "2025-09-04"), (None, "BBC", None, None)],
    5: [],
    6: [(None, "BBC", None, None), AP, (None, "BBC", None, None)],  # a copy twice in one list
}


def _revision_before_0009() -> str:
    return ScriptDirectory.from_config(migrate.alembic_config()).get_revision("0009").down_revision


def _fill_old_schema(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO speakers (id, name, created_at, updated_at) VALUES (1, 'Ann Lee', :t, :t)"),
                     {"t": NOW})
        for qid, copies in COPIES.items():
            conn.execute(text(
                "INSERT INTO quotes (id, text, search_text, text_hash, speaker_id, status, created_at, updated_at) "
                "VALUES (:i, :x, :x, :h, 1, 'approved', :t, :t)"), {"i": qid, "x": f"quote {qid}", "h": str(qid), "t": NOW})
            # Stored out of id order, positions given: the order is the position's.
            for pos, (url, publisher, title, published) in reversed(list(enumerate(copies))):
                conn.execute(text(
                    "INSERT INTO sources (quote_id, position, url, publisher, title, published_at) "
                    "VALUES (:q, :p, :u, :pub, :ti, :d)"),
                    {"q": qid, "p": pos, "u": url, "pub": publisher, "ti": title, "d": published})


def _old_rows(engine) -> dict[int, list[tuple]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT quote_id, url, publisher, title, published_at FROM sources "
                                 "ORDER BY quote_id, position, id")).all()
    out: dict[int, list[tuple]] = {}
    for qid, *fields in rows:
        out.setdefault(qid, []).append(tuple(fields))
    return out


def _check(engine) -> None:
    before = _revision_before_0009()
    migrate.upgrade(engine, before)
    _fill_old_schema(engine)
    assert _old_rows(engine) == {q: c for q, c in COPIES.items() if c}

    migrate.upgrade(engine)
    with engine.connect() as conn:
        links = conn.execute(text(
            "SELECT l.quote_id, s.url, s.publisher, s.title, s.published_at, s.id, s.key, l.position "
            "FROM quote_sources l JOIN sources s ON s.id = l.source_id ORDER BY l.quote_id, l.source_order")).all()
        n_sources = conn.execute(text("SELECT count(*) FROM sources")).scalar()
    after: dict[int, list[tuple]] = {}
    for qid, url, publisher, title, published, *_ in links:
        after.setdefault(qid, []).append((url, publisher, title, published))
    assert after == {q: c for q, c in COPIES.items() if c}  # every quote's sources, in order
    # Identical copies are one record; anything that differs is a record of its own.
    assert n_sources == len({c for cs in COPIES.values() for c in cs}) == 4
    ids = {}
    for _qid, url, publisher, title, published, sid, key, position in links:
        assert ids.setdefault((url, publisher, title, published), sid) == sid
        assert key == source_key(url, publisher, title)
        assert position is None  # no sequence is invented
    # The sequence goes on after the migrated ids (PostgreSQL's setval).
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sources (key, url, created_at, updated_at) VALUES ('k', 'https://x.org', :t, :t)"),
                     {"t": NOW})
        assert conn.execute(text("SELECT max(id) FROM sources")).scalar() == n_sources + 1
        conn.execute(text("DELETE FROM sources WHERE key = 'k'"))

    migrate.downgrade(engine, before)
    assert _old_rows(engine) == {q: c for q, c in COPIES.items() if c}
    migrate.upgrade(engine)


def test_sqlite_sources_migrate_without_loss(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        _check(engine)
    finally:
        engine.dispose()


def test_postgresql_sources_migrate_without_loss(request):
    url = request.getfixturevalue("pg_schema_url")  # skips without TEST_DATABASE_URL
    with scratch_pg_engine(url, "vb_srcmig") as engine:
        _check(engine)


@pytest.mark.parametrize("url,publisher,title", [
    ("https://a.org/x", "AP", "T"), ("  https://a.org/x ", None, None), (None, " Anadolu  Agency", "Title"),
    (None, None, None), ("", "BBC", None),
])
def test_the_migration_keys_sources_as_the_application_does(url, publisher, title):
    import importlib.util

    path = os.path.join(migrate.ROOT, "migrations", "versions", "0009_source_records.py")
    spec = importlib.util.spec_from_file_location("m0009", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.source_key(url, publisher, title) == source_key(url, publisher, title)
