"""An import stores every valid line or none, and its answer stays bounded."""
import io
import json

import pytest
from sqlalchemy import func, select

from .helpers import assert_error

NDJSON = {"Content-Type": "application/x-ndjson"}


def ndjson(*objs):
    return "\n".join(o if isinstance(o, str) else json.dumps(o) for o in objs) + "\n"


def quote_lines(n, start=0):
    return [{"text": f"Atomic import line {i} about the harbour wall.", "speaker": "Ann Lee"}
            for i in range(start, start + n)]


def stored_quotes(app):
    from app.db import get_session
    from app.models import Quote

    with app.app_context():
        session = get_session()
        return session.scalar(select(func.count()).select_from(Quote))


@pytest.fixture
def app_config(request):
    return {"IMPORT_CHUNK_SIZE": 100, **getattr(request, "param", {})}


@pytest.mark.parametrize("terminated", [False, True], ids=["werkzeug", "gunicorn"])
def test_a_client_that_hangs_up_half_way_stores_nothing(app, client, write_headers, terminated):
    """The body ends before its Content-Length: nothing is stored (the
    chunks already written were committed one by one). Werkzeug's server
    raises on the short body; gunicorn (``wsgi.input_terminated``) just
    ends it, which used to look like a complete file."""
    body = ndjson(*quote_lines(1000)).encode()
    cut = body[: len(body) // 2]
    environ = {"CONTENT_LENGTH": str(len(body))}
    if terminated:
        environ["wsgi.input_terminated"] = True
    r = client.post("/api/v1/quotes/import", input_stream=io.BytesIO(cut), environ_overrides=environ,
                    headers={**write_headers, **NDJSON})
    assert_error(r, 400)
    assert stored_quotes(app) == 0
    # The retry stores each line once.
    r = client.post("/api/v1/quotes/import", data=body, headers={**write_headers, **NDJSON})
    assert r.status_code == 200 and r.get_json()["imported"] == 1000
    assert stored_quotes(app) == 1000


def test_the_database_going_away_mid_import_is_503_and_stores_nothing(app, client, write_headers,
                                                                      database_url, monkeypatch):
    """PostgreSQL: the importing connection is terminated by the server
    (what a restart or failover does) after its second chunk."""
    if database_url.startswith("sqlite"):
        pytest.skip("terminates a PostgreSQL backend")
    from sqlalchemy import text

    from app import repository
    from app.db import make_engine

    real = repository.speakers_with_exact_keys
    calls = []

    def killing(session, keys):
        calls.append(1)
        if len(calls) == 3:
            pid = session.scalar(text("SELECT pg_backend_pid()"))
            admin = make_engine(database_url)
            with admin.connect() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
                conn.commit()
            admin.dispose()
        return real(session, keys)

    monkeypatch.setattr(repository, "speakers_with_exact_keys", killing)
    body = ndjson(*quote_lines(500))
    r = client.post("/api/v1/quotes/import", data=body, headers={**write_headers, **NDJSON})
    err = assert_error(r, 503)
    assert "database" in err["message"].lower()
    assert r.headers.get("Retry-After")
    monkeypatch.setattr(repository, "speakers_with_exact_keys", real)
    assert stored_quotes(app) == 0


def test_the_error_list_is_bounded_and_counted(client, write_headers):
    """5,000 bad lines: the answer lists the first 1,000 by line and counts
    them all; the good lines are stored."""
    lines = []
    for i in range(5200):
        lines.append('""' if i % 26 else {"text": f"Kept line {i} about the ferry.", "speaker": "Ann Lee"})
    r = client.post("/api/v1/quotes/import", data=ndjson(*lines), headers={**write_headers, **NDJSON})
    out = r.get_json()
    assert r.status_code == 200
    assert out["imported"] == 200
    assert out["rejected"] == 5000
    assert len(out["errors"]) == 1000
    got = [e["line"] for e in out["errors"]]
    assert got == sorted(got) and got[0] == 2 and got[-1] == 1040
    assert len(r.data) < 200_000


def test_speaker_errors_found_late_still_come_first_by_line(client, write_headers):
    """Errors found a chunk later (an ambiguous speaker) still take their
    place among the first 1,000 by line number."""
    for name in ("Bill Clinton", "Hillary Clinton"):
        client.post("/api/v1/speakers", json={"name": name}, headers=write_headers)
    lines = [{"text": f"Early line {i} about taxes.", "speaker": "Clinton"} for i in range(5)]
    lines += ['""'] * 1500
    out = client.post("/api/v1/quotes/import", data=ndjson(*lines), headers={**write_headers, **NDJSON}).get_json()
    assert out["rejected"] == 1505 and len(out["errors"]) == 1000
    assert [e["line"] for e in out["errors"][:6]] == [1, 2, 3, 4, 5, 6]
    assert "several speakers" in json.dumps(out["errors"][0])
