"""Small helpers shared by the API tests."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

PUTIN_MOSCOW = ("(US President) Donald (Trump) asked me if I could possibly arrange such a meeting. "
                "I replied that yes, it's possible. Ultimately, if Zelenskyy is ready, let him come to "
                "Moscow \u2013 then the meeting will take place.")


def quote_body(**overrides):
    body = {
        "text": "We shall fight on the beaches, we shall fight on the landing grounds.",
        "speaker": "Winston Churchill",
        "spoken_at": "1940-06-04",
        "location": "London, United Kingdom",
        "event": "Speech to the House of Commons",
        "language": "en",
        "sources": [{"url": "https://example.org/hansard", "publisher": "Hansard",
                     "title": "War Situation", "published_at": "1940-06-04"}],
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def create(client, headers, **overrides):
    r = client.post("/api/v1/quotes", json=quote_body(**overrides), headers=headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def cited(quote):
    """A quote's sources as they were given (without the record's id and the position in it)."""
    return [{k: s[k] for k in ("url", "publisher", "title", "published_at")} for s in quote["sources"]]


@contextmanager
def scratch_pg_engine(admin_url: str, prefix: str):
    """An engine on a new, empty PostgreSQL schema of its own (dropped afterwards)."""
    from sqlalchemy import text

    from app.db import make_engine
    from tests.conftest import _pg_url_with_schema

    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(admin_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(_pg_url_with_schema(os.environ["TEST_DATABASE_URL"], schema))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def assert_error(response, code):
    """Every error is JSON {code, status, message, errors?}."""
    assert response.status_code == code, (response.status_code, response.get_data(as_text=True)[:500])
    body = response.get_json()
    assert body is not None, response.get_data(as_text=True)[:500]
    assert body["code"] == code
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"code", "status", "message", "errors"}
    return body
