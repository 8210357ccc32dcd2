"""Everything a client can send gets a 4xx, never a 500 (and never a half-write)."""
import io
import json
import logging

import pytest

from .helpers import assert_error, create

DEEP_ARRAY = "[" * 1000 + "]" * 1000
DEEP_FIELD = '{"text": ' + "[" * 1000 + "]" * 1000 + "}"

JSON_ROUTES = [
    ("post", "/api/v1/verify"), ("post", "/api/v1/verify/batch"), ("post", "/api/v1/articles/check"),
    ("post", "/api/v1/quotes"), ("post", "/api/v1/speakers"), ("post", "/api/v1/sources/ingest"),
    ("patch", "/api/v1/quotes/1"), ("patch", "/api/v1/speakers/1"), ("post", "/api/v1/keys"),
    ("post", "/api/v1/jobs/verify"), ("post", "/api/v1/quotes/import"),
]


@pytest.fixture
def admin_headers(make_key):
    return make_key("admin", name="admin")


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_FIELD], ids=["array", "field"])
@pytest.mark.parametrize("method,path", JSON_ROUTES)
def test_json_nested_a_thousand_deep_is_400(client, admin_headers, method, path, body):
    create(client, admin_headers)
    client.post("/api/v1/speakers", json={"name": "Someone Else"}, headers=admin_headers)
    r = getattr(client, method)(path, data=body, content_type="application/json", headers=admin_headers)
    assert 400 <= r.status_code < 500, r.get_data(as_text=True)[:300]
    assert r.get_json()["code"] == r.status_code


def test_a_nested_line_in_an_import_is_that_lines_error(client, admin_headers):
    body = json.dumps({"text": "A fine quote about the sea.", "speaker": "Ann Lee"}) + "\n" + DEEP_FIELD + "\n"
    r = client.post("/api/v1/quotes/import", data=body, headers={**admin_headers,
                                                                "Content-Type": "application/x-ndjson"})
    assert r.status_code == 200
    assert r.get_json()["imported"] == 1 and r.get_json()["errors"][0]["line"] == 2


SURROGATE = "\ud800"


@pytest.mark.parametrize("method,path,body", [
    ("post", "/api/v1/quotes", {"text": f"Lone {SURROGATE} surrogate.", "speaker": "Ann Lee"}),
    ("post", "/api/v1/quotes", {"text": "A quote.", "speaker": f"Ann {SURROGATE}"}),
    ("post", "/api/v1/quotes", {"text": "A quote.", "speaker": "Ann Lee", "event": SURROGATE}),
    ("post", "/api/v1/quotes", {"text": "A quote.", "speaker": "Ann Lee", "sources": [{"title": SURROGATE}]}),
    ("post", "/api/v1/speakers", {"name": f"Bo {SURROGATE}"}),
    ("post", "/api/v1/speakers", {"name": "Bo Dee", "aliases": [SURROGATE]}),
    ("post", "/api/v1/keys", {"name": SURROGATE}),
    ("patch", "/api/v1/quotes/1", {"context": SURROGATE}),
    ("post", "/api/v1/verify", {"text": f"hello {SURROGATE} there", "speaker": SURROGATE}),
    ("post", "/api/v1/articles/check", {"text": f'He said: "hello {SURROGATE} there my friends."'}),
    ("post", "/api/v1/sources/ingest", {"text": f'Ann Lee said: "hello {SURROGATE} there my friends."',
                                        "publisher": "AP"}),
])
def test_a_lone_surrogate_in_any_field_is_422(app, client, admin_headers, method, path, body):
    create(client, admin_headers)
    before = client.get("/api/v1/quotes?status=all", headers=admin_headers).get_json()["total"]
    # ensure_ascii keeps "\ud800" as JSON's own escape, as a client would send it.
    r = getattr(client, method)(path, data=json.dumps(body), content_type="application/json", headers=admin_headers)
    err = assert_error(r, 422)
    assert "surrogate" in json.dumps(err)
    assert client.get("/api/v1/quotes?status=all", headers=admin_headers).get_json()["total"] == before


def test_a_surrogate_line_in_an_import_is_reported_and_the_rest_stored(client, admin_headers):
    """The probe's case: a bad line at 2,600 of 3,100 (2,000 were stored, then a 500)."""
    lines = [json.dumps({"text": f"Surrogate probe line {i} about the dam.", "speaker": "Ann Lee"})
             for i in range(3100)]
    lines[2599] = json.dumps({"text": f"Broken {SURROGATE} line.", "speaker": "Ann Lee"})
    r = client.post("/api/v1/quotes/import", data="\n".join(lines) + "\n",
                    headers={**admin_headers, "Content-Type": "application/x-ndjson"})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    out = r.get_json()
    assert out["imported"] == 3099 and [e["line"] for e in out["errors"]] == [2600]


@pytest.mark.parametrize("body", [
    {"text": "hello there my friend", "date": "last week", "reference_date": "0001-01-01"},
    {"text": "hello there my friend", "date": "on Wednesday", "reference_date": "9999-12-31"},
])
def test_a_relative_date_anchored_off_the_calendar_is_422(client, body):
    err = assert_error(client.post("/api/v1/verify", json=body), 422)
    assert "reference_date" in err["errors"]


@pytest.mark.parametrize("path", ["/api/v1/articles/check", "/api/v1/sources/ingest"])
def test_a_publication_date_off_the_calendar_is_422(client, admin_headers, path):
    text = 'Putin said on Wednesday: "we will fight on the beaches and the hills and the towns."'
    r = client.post(path, json={"text": text, "published_at": "0001-01-01", "publisher": "AP"}, headers=admin_headers)
    err = assert_error(r, 422)
    assert "published_at" in err["errors"]


@pytest.mark.parametrize("quote_id", ["2147483648", "99999999999999999999", "0"])
def test_approving_an_impossible_id_is_404(client, admin_headers, quote_id):
    assert_error(client.post(f"/api/v1/quotes/{quote_id}/approve", headers=admin_headers), 404)


@pytest.mark.parametrize("path,limit_key", [("/api/v1/verify", "MAX_CONTENT_LENGTH"),
                                            ("/api/v1/verify/batch", "MAX_CONTENT_LENGTH"),
                                            ("/api/v1/quotes/import", "IMPORT_MAX_CONTENT_LENGTH")])
def test_a_chunked_body_over_the_limit_is_413_with_the_right_limit(app, client, admin_headers, path, limit_key):
    app.config.update(MAX_CONTENT_LENGTH=5000, IMPORT_MAX_CONTENT_LENGTH=20000)
    body = json.dumps({"text": "word " * 10_000}).encode()
    r = client.post(path, input_stream=io.BytesIO(body), content_type="application/json", headers=admin_headers,
                    environ_overrides={"wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"})
    err = assert_error(r, 413)
    assert f"{app.config[limit_key]} bytes" in err["message"]


def test_the_imports_413_names_the_imports_limit(app, client, admin_headers):
    app.config.update(MAX_CONTENT_LENGTH=1000, IMPORT_MAX_CONTENT_LENGTH=3000)
    r = client.post("/api/v1/quotes/import", data=b"x" * 4000, headers={**admin_headers,
                                                                        "Content-Type": "application/x-ndjson"})
    assert "3000 bytes" in assert_error(r, 413)["message"]


def test_a_null_claim_gets_its_own_error_entry(client):
    r = client.post("/api/v1/verify/batch", json={"claims": [None, {"text": "hello there"}, "text", 5]})
    assert r.status_code == 200, r.get_json()
    results = r.get_json()["results"]
    assert [x.get("code") for x in results] == [422, None, 422, 422]
    assert results[1]["verdict"] == "unverified"


@pytest.mark.parametrize("published_at", ["2025-09-04T25:00:00Z", "2025-09-04T10:00:00+99:99",
                                          "2025-09-04T10:61:00Z", "2025-09-04T10:00:00+05:99",
                                          "2025-09-04T10:00:00+15:00", "2025-02-30"])
def test_unreal_source_timestamps_are_422(client, admin_headers, published_at):
    body = {"text": "A quote about the dam.", "speaker": "Ann Lee",
            "sources": [{"publisher": "AP", "published_at": published_at}]}
    err = assert_error(client.post("/api/v1/quotes", json=body, headers=admin_headers), 422)
    assert "sources" in err["errors"]


@pytest.mark.parametrize("published_at", ["2025-09-04T10:00:00+05:30", "2025-09-04T10:00:00Z", "2025-09-04 10:00",
                                          "2025-09-04T10:00:00-12:00", "2025-09", "2025"])
def test_real_source_timestamps_are_accepted(client, admin_headers, published_at):
    body = {"text": f"A quote published {published_at}.", "speaker": "Ann Lee",
            "sources": [{"publisher": "AP", "published_at": published_at}]}
    assert client.post("/api/v1/quotes", json=body, headers=admin_headers).status_code == 201


def test_a_500_is_logged_once(app, client, caplog, monkeypatch):
    from app import services

    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args, **kwargs):
        raise RuntimeError("engine bug")

    monkeypatch.setattr(services, "verify_claim", broken)
    with caplog.at_level(logging.ERROR):
        r = client.post("/api/v1/verify", json={"text": "hello there"})
    assert_error(r, 500)
    logged = [rec for rec in caplog.records if rec.levelno >= logging.ERROR and rec.exc_info]
    assert len(logged) == 1, [rec.getMessage() for rec in logged]
    assert "engine bug" not in r.get_data(as_text=True)


def test_a_surrogate_client_id_in_a_job_is_that_lines_error(client, admin_headers):
    body = json.dumps({"id": SURROGATE, "text": "hello there"}) + "\n" + json.dumps({"text": "hello again"}) + "\n"
    r = client.post("/api/v1/jobs/verify", data=body, headers={**admin_headers, "Content-Type": "application/x-ndjson"})
    assert r.status_code == 202, r.get_data(as_text=True)[:300]
    out = r.get_json()
    assert out["rejected"] == 1 and out["errors"][0]["line"] == 1 and "id" in out["errors"][0]["errors"]
