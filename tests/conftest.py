"""Shared fixtures: the application on a fresh database per test.

``app`` is parametrised over the backends: ``sqlite`` always, ``postgresql``
when ``TEST_DATABASE_URL`` points at a reachable server (otherwise those
tests are skipped, saying why). Each test gets an empty, migrated database:

* SQLite: the migrations run once per session into a template file, which
  each test copies (a fresh file per test, no shared state).
* PostgreSQL: the migrations run once per session (per xdist worker) into a
  schema of its own; each test starts from TRUNCATE ... RESTART IDENTITY.

Either way the schema comes from the Alembic migrations, never create_all,
so the migrations themselves are what is tested.
"""
from __future__ import annotations

import os
import shutil
import threading
import uuid
from urllib.parse import quote as urlquote

import pytest
from sqlalchemy.pool import NullPool

PG_ENV = "TEST_DATABASE_URL"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session", autouse=True)
def gazetteer_index():
    """The gazetteer's index, built once per machine (a few seconds to half a
    minute) before any test needs it: a server the tests start loads it
    before it answers (``wsgi.py``), within the time they wait for it."""
    from verification.places.gazetteer_file import ensure_built

    ensure_built()


# --- backends ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated, empty SQLite database to copy for each test."""
    from app.db import make_engine
    from app.migrate import upgrade

    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _pg_url_with_schema(url: str, schema: str) -> str:
    from app.config import normalize_database_url

    url = normalize_database_url(url)
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={urlquote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def pg_schema_url():
    """A migrated schema of this worker's own on TEST_DATABASE_URL's server."""
    raw = os.environ.get(PG_ENV)
    if not raw:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test); "
                    "it is not set")
    from sqlalchemy import text

    from app.config import normalize_database_url
    from app.db import make_engine
    from app.migrate import upgrade

    admin = make_engine(normalize_database_url(raw), connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # unreachable server: skip, with the reason
        admin.dispose()
        pytest.skip(f"PostgreSQL at {PG_ENV} is unreachable: {type(exc).__name__}: {exc}".splitlines()[0])
    schema = f"vb_test_{_worker()}_{uuid.uuid4().hex[:8]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _pg_url_with_schema(raw, schema)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


# Children first. DELETE is much faster than TRUNCATE on tables this small.
_TABLES = ("idempotency_keys", "quote_revisions", "quote_sources", "sources", "quotes", "speaker_keys",
           "speaker_aliases", "speakers",
           "api_keys")
_SEQUENCES = ("quote_revisions", "sources", "quotes", "speaker_aliases", "speakers", "api_keys")


def _empty_pg(url: str) -> None:
    from app.db import make_engine

    engine = make_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        for table in _TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")
        for table in _SEQUENCES:
            conn.exec_driver_sql(f"ALTER SEQUENCE {table}_id_seq RESTART WITH 1")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, migrated, empty database for one test."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "verbatim.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_schema_url")
    _empty_pg(url)
    return url


# --- the application -------------------------------------------------------------


def make_app(database_url: str, **config):
    from app import create_app

    # No periodic job sweep: a test application left behind must not take
    # over the jobs a later test leaves unfinished on purpose (the tests of
    # takeover turn it on).
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING",
                       "JOBS_SWEEP_INTERVAL": 0, **config})


@pytest.fixture
def app_config():
    """Override in a test module (or parametrize) to change settings."""
    return {}


@pytest.fixture
def app(database_url, app_config):
    application = make_app(database_url, **app_config)
    yield application
    from app.db import get_engine

    get_engine(application).dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def second_app(database_url, app_config):
    """Another instance on the same database: what another gunicorn worker sees."""
    application = make_app(database_url, **app_config)
    yield application
    from app.db import get_engine

    get_engine(application).dispose()


def _create_key(app, scopes, name="test"):
    from app import auth
    from app.db import get_session

    with app.app_context():
        session = get_session()
        _, secret = auth.create_key(session, name, scopes)
        session.commit()
    return secret


@pytest.fixture
def make_key(app):
    """make_key("write") -> the Authorization headers of a new key."""

    def make(*scopes, name="test"):
        return {"Authorization": f"Bearer {_create_key(app, scopes or ('read',), name)}"}

    return make


@pytest.fixture
def write_headers(make_key):
    return make_key("write", name="writer")


@pytest.fixture
def demo(app, runner):
    """The seed article's speakers and quotes (data/demo), loaded via the CLI."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return app


# --- a real server, for browser tests ----------------------------------------------


@pytest.fixture
def live_server(app):
    """The app served over HTTP on a free port in a thread; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
