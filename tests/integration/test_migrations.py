"""The migrations themselves: up from nothing, down to nothing, up again."""

import pytest
from sqlalchemy import inspect, text

from app import migrate
from app.db import make_engine


def _roundtrip(engine):
    migrate.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"quotes", "speakers", "sources", "quote_revisions", "api_keys"} <= tables
    assert migrate.current_revision(engine) == migrate.head_revision()
    migrate.downgrade(engine, "base")
    left = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert left == set(), left
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_sqlite_from_scratch_and_back(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh' / 'db.sqlite'}")  # the directory is created
    try:
        _roundtrip(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
    finally:
        engine.dispose()


def test_postgresql_from_scratch_and_back(request):
    url = request.getfixturevalue("pg_schema_url")  # skips without TEST_DATABASE_URL
    from .helpers import scratch_pg_engine

    with scratch_pg_engine(url, "vb_migr") as engine:
        _roundtrip(engine)


def test_sqlite_fts_triggers_follow_the_quotes(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO speakers (name, created_at, updated_at) VALUES ('A', '2025-01-01', '2025-01-01')"))
        conn.execute(text(
            "INSERT INTO quotes (text, search_text, text_hash, speaker_id, status, created_at, updated_at) "
            "VALUES ('x', 'alpha beta', 'h', 1, 'approved', '2025-01-01', '2025-01-01')"))
    def hits(word):
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH :w"), {"w": word}).scalar()
    assert hits("alpha") == 1
    with engine.begin() as conn:
        conn.execute(text("UPDATE quotes SET search_text = 'gamma delta' WHERE id = 1"))
    assert hits("alpha") == 0 and hits("gamma") == 1
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM quotes WHERE id = 1"))
    assert hits("gamma") == 0
    engine.dispose()


@pytest.mark.parametrize("url,expected", [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_url_normalisation(url, expected):
    from app.config import normalize_database_url

    assert normalize_database_url(url) == expected


def test_models_match_the_migrations(database_url):
    """What the ORM models describe is what the migrations built (autogenerate finds nothing)."""
    import os

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.models import Base

    # include_object from migrations/env.py, without running env.py itself.
    path = os.path.join(migrate.ROOT, "migrations", "env.py")
    source = open(path, encoding="utf-8").read()
    namespace: dict = {}
    exec(source[source.index("_MANUAL_TABLE_PREFIXES"):source.index("def _configure")], namespace)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"include_object": namespace["include_object"],
                                                         "compare_type": True})
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        engine.dispose()
