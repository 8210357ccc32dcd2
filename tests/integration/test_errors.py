"""Every error is JSON {code, status, message, errors?}; bad input is never a 500."""
import json

import pytest

from .helpers import assert_error, create


def test_malformed_json_is_400(client, write_headers):
    for path in ("/api/v1/verify", "/api/v1/verify/batch"):
        err = assert_error(client.post(path, data="{not json", content_type="application/json"), 400)
        assert "json" in err["message"].lower()
    assert_error(client.post("/api/v1/quotes", data='{"text": "a",', content_type="application/json",
                             headers=write_headers), 400)
    assert_error(client.post("/api/v1/verify", data=b"\xff\xfe\x00", content_type="application/json"), 400)


def test_json_without_content_type_is_accepted(client):
    r = client.post("/api/v1/verify", data=json.dumps({"text": "hello there"}),
                    content_type="application/x-www-form-urlencoded")
    assert r.status_code == 200
    assert_error(client.post("/api/v1/verify", data="text=hello", content_type="application/x-www-form-urlencoded"),
                 400)


def test_wrong_json_shapes_are_422(client):
    for body in ([], "text", 5, None, [{"text": "a"}]):
        assert_error(client.post("/api/v1/verify", data=json.dumps(body), content_type="application/json"), 422)
    assert_error(client.post("/api/v1/verify", data="", content_type="application/json"), 422)


def test_not_found_and_method_not_allowed(client):
    assert_error(client.get("/api/v1/nothing-here"), 404)
    assert_error(client.get("/no/such/page"), 404)
    err = assert_error(client.put("/api/v1/quotes", json={}), 405)
    assert "405" not in err["message"]
    assert_error(client.get("/api/v1/verify"), 405)


def test_body_too_large_is_413(client, write_headers):
    big = {"text": "word " * 300_000}  # ~1.5 MB, over the 1 MB default
    assert_error(client.post("/api/v1/verify", json=big), 413)
    assert_error(client.post("/api/v1/quotes", json={**big, "speaker": "X"}, headers=write_headers), 413)
    assert_error(client.post("/api/v1/verify/batch", json={"claims": [big]}), 413)


def test_422_lists_each_field(client):
    err = assert_error(client.post("/api/v1/verify", json={"speaker": 1, "unknown": 2}), 422)
    assert set(err["errors"]) == {"text", "speaker", "unknown"}
    assert "text" in err["message"]


WEIRD_TEXT = [
    "\u0000", "\ud7ff", "\U0001F600" * 50, "\u202e\u202dreversed", "\u00a0\u2003\u3000", "...", "\u2026",
    "[", "]", "[[[]]]", "(((", "\\", "\\\\\"'", "%", "_", "%_%", "\t\n\r", "a" * 9999, "0" * 500,
    "\u0646\u0635 \u0639\u0631\u0628\u064a", "\u4e2d\u6587\u5f15\u8a00", "\u00e9\u0301\u0301\u0301",
    "NEAR(a b)", "a*", "^a", "col:val", "{a b}", "a + b", "AND", "OR NOT", "\"unterminated",
    "DROP TABLE quotes; --", "' OR '1'='1", "\u2013\u2014\u2212", "1,000.50 3.5% $5", "I'm don't won't",
]


@pytest.mark.parametrize("text", WEIRD_TEXT)
def test_strange_text_never_500(demo, client, write_headers, text):
    r = client.post("/api/v1/verify", json={"text": text, "speaker": text, "date": text, "location": text})
    assert r.status_code in (200, 422), r.get_data(as_text=True)[:300]
    r = client.get("/api/v1/quotes", query_string={"q": text, "speaker": text, "location": text})
    assert r.status_code in (200, 422), r.get_data(as_text=True)[:300]
    r = client.get("/api/v1/speakers", query_string={"q": text})
    assert r.status_code in (200, 422)
    r = client.post("/api/v1/quotes", json={"text": text, "speaker": text[:200], "location": text[:300]},
                    headers=write_headers)
    assert r.status_code in (201, 422), r.get_data(as_text=True)[:300]


def test_errors_in_the_openapi_document(client):
    spec = client.get("/openapi.json").get_json()
    assert "Error" in spec["components"]["schemas"]
    responses = spec["paths"]["/api/v1/quotes"]["post"]["responses"]
    assert "422" in responses


def test_retracting_and_verifying_in_the_same_second(client, write_headers):
    q = create(client, write_headers)
    client.delete(f"/api/v1/quotes/{q['id']}?reason=x", headers=write_headers)
    assert client.post("/api/v1/verify", json={"text": q["text"]}).status_code == 200


@pytest.mark.parametrize("path", [
    "/api/v1/quotes/99999999999999999999", "/api/v1/quotes/2147483648", "/api/v1/quotes/0",
    "/api/v1/quotes/9223372036854775808/revisions", "/api/v1/speakers/99999999999999999999",
    "/api/v1/quotes/-1",
])
def test_impossible_ids_are_404(client, path):
    assert_error(client.get(path), 404)


def test_huge_numeric_speaker_filter_is_empty(client):
    r = client.get("/api/v1/quotes?speaker=99999999999999999999")
    assert r.status_code == 200 and r.get_json()["total"] == 0


@pytest.mark.parametrize("app_config", [{"SQLITE_BUSY_TIMEOUT_MS": 50}])
def test_a_write_lock_held_elsewhere_is_a_503_to_retry(client, write_headers, database_url, app_config):
    """SQLite: a writer whose BEGIN IMMEDIATE waits past the busy timeout
    (another process holds the write lock) gets a JSON 503 with Retry-After,
    not a 500, and nothing is stored."""
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL writers do not wait for one lock")
    import sqlite3

    other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        r = client.post("/api/v1/quotes", json={"text": "Stored while the lock was held elsewhere.",
                                                "speaker": "Ann Lee"}, headers=write_headers)
    finally:
        other.execute("ROLLBACK")
        other.close()
    err = assert_error(r, 503)
    assert r.headers.get("Retry-After")
    assert "lock" in err["message"].lower() or "database" in err["message"].lower()
    assert client.get("/api/v1/quotes").get_json()["total"] == 0
