"""Idempotency-Key: a retried import returns the first answer and stores nothing twice."""
import io
import json
import threading

import pytest

from .helpers import assert_error

NDJSON = {"Content-Type": "application/x-ndjson"}


def body(n=30, word="harbour"):
    lines = [json.dumps({"text": f"Idempotent line {i} about the {word}.", "speaker": "Ann Lee"}) for i in range(n)]
    lines.append('"not an object"')
    return "\n".join(lines) + "\n"


def total(client):
    return client.get("/api/v1/health").get_json()["quotes"]


def test_a_retry_with_the_same_key_gets_the_first_answer(client, write_headers):
    headers = {**write_headers, **NDJSON, "Idempotency-Key": "5b9e2c1e-retry-1"}
    first = client.post("/api/v1/quotes/import", data=body(), headers=headers)
    assert first.status_code == 200 and first.get_json()["imported"] == 30
    assert "Idempotent-Replayed" not in first.headers
    again = client.post("/api/v1/quotes/import", data=body(), headers=headers)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert total(client) == 30
    # Without the key, the same body is a new import.
    client.post("/api/v1/quotes/import", data=body(), headers={**write_headers, **NDJSON})
    assert total(client) == 60


def test_the_same_key_with_another_body_is_422(client, write_headers):
    headers = {**write_headers, **NDJSON, "Idempotency-Key": "key-two"}
    assert client.post("/api/v1/quotes/import", data=body(), headers=headers).status_code == 200
    err = assert_error(client.post("/api/v1/quotes/import", data=body(word="bridge"), headers=headers), 422)
    assert "Idempotency-Key" in err["message"]
    assert total(client) == 30


def test_keys_belong_to_their_api_key(client, write_headers, make_key):
    other = make_key("write", name="other desk")
    key = {"Idempotency-Key": "shared-name"}
    assert client.post("/api/v1/quotes/import", data=body(), headers={**write_headers, **NDJSON, **key}).status_code == 200
    r = client.post("/api/v1/quotes/import", data=body(), headers={**other, **NDJSON, **key})
    assert r.status_code == 200 and "Idempotent-Replayed" not in r.headers
    assert total(client) == 60


def test_a_failed_first_attempt_is_not_remembered(client, write_headers):
    """A body cut off stores nothing and leaves the key free: the retry runs."""
    headers = {**write_headers, **NDJSON, "Idempotency-Key": "cut-then-retry"}
    data = body(200).encode()
    r = client.post("/api/v1/quotes/import", input_stream=io.BytesIO(data[: len(data) // 2]), headers=headers,
                    environ_overrides={"CONTENT_LENGTH": str(len(data)), "wsgi.input_terminated": True})
    assert_error(r, 400)
    r = client.post("/api/v1/quotes/import", data=data, headers=headers)
    assert r.status_code == 200 and r.get_json()["imported"] == 200 and "Idempotent-Replayed" not in r.headers
    assert total(client) == 200


@pytest.mark.parametrize("value", ["x" * 256, "has space", "caf\u00e9", "tab\there"])
def test_a_malformed_key_is_400(client, write_headers, value):
    r = client.post("/api/v1/quotes/import", data=body(), headers={**write_headers, **NDJSON,
                                                                   "Idempotency-Key": value})
    assert_error(r, 400)
    assert total(client) == 0


def test_two_copies_racing_store_once(app, client, write_headers, database_url, monkeypatch):
    """Both copies look the key up before either has stored (forced on
    PostgreSQL; SQLite's write lock serialises them anyway): one stores, the
    other waits on the unique key, then replays the first answer."""
    from app import idempotency

    if not database_url.startswith("sqlite"):
        real = idempotency.find
        gate = threading.Barrier(2, timeout=30)
        calls = []

        def together(*args, **kwargs):
            calls.append(1)
            found = real(*args, **kwargs)
            if len(calls) <= 2:
                gate.wait()
            return found

        monkeypatch.setattr(idempotency, "find", together)
    headers = {**write_headers, **NDJSON, "Idempotency-Key": "racing-copies"}
    answers = []

    def send():
        c = app.test_client()
        r = c.post("/api/v1/quotes/import", data=body(), headers=headers)
        answers.append((r.status_code, r.get_json(), r.headers.get("Idempotent-Replayed")))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(a[0] for a in answers) == [200, 200]
    assert answers[0][1] == answers[1][1]
    assert sorted(str(a[2]) for a in answers) == ["None", "true"]
    assert total(client) == 30


def test_the_openapi_document_describes_the_header(client):
    spec = client.get("/openapi.json").get_json()
    params = spec["paths"]["/api/v1/quotes/import"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in params)
