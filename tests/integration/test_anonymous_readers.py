"""What a reader without an API key sees: approved quotes, and no revision authorship."""
import pytest

from .helpers import assert_error, create


@pytest.fixture
def three(client, write_headers):
    approved = create(client, write_headers, text="An approved quote about the harbour.")
    pending = create(client, write_headers, text="A pending quote about the harbour.", status="pending_review")
    gone = create(client, write_headers, text="A retracted quote about the harbour.")
    r = client.delete(f"/api/v1/quotes/{gone['id']}", json={"reason": "Wrong transcript."}, headers=write_headers)
    assert r.status_code == 200
    return approved, pending, gone


def test_anonymous_lists_show_approved_quotes_only(client, three):
    approved, _, _ = three
    listed = client.get("/api/v1/quotes").get_json()
    assert [q["id"] for q in listed["items"]] == [approved["id"]] and listed["total"] == 1
    assert client.get("/api/v1/quotes?status=approved").get_json()["total"] == 1
    for status in ("pending_review", "retracted", "all"):
        err = assert_error(client.get(f"/api/v1/quotes?status={status}"), 401)
        assert "API key" in err["message"]
    found = client.post("/api/v1/quotes/search", json={"q": "harbour"}).get_json()
    assert [q["id"] for q in found["items"]] == [approved["id"]]


def test_anonymous_readers_cannot_open_pending_or_retracted_quotes(client, three, make_key):
    approved, pending, gone = three
    assert client.get(f"/api/v1/quotes/{approved['id']}").status_code == 200
    for q in (pending, gone):
        assert_error(client.get(f"/api/v1/quotes/{q['id']}"), 404)
        assert_error(client.get(f"/api/v1/quotes/{q['id']}/revisions"), 404)
        assert_error(client.get(f"/api/v1/quotes/{q['id']}", headers={"Accept": "application/ld+json"}), 404)
    reader = make_key("read")
    for q in (pending, gone):
        assert client.get(f"/api/v1/quotes/{q['id']}", headers=reader).status_code == 200
    assert client.get("/api/v1/quotes?status=all", headers=reader).get_json()["total"] == 3
    assert client.get("/api/v1/quotes", headers=reader).get_json()["total"] == 2  # not retracted


def test_revision_authorship_needs_a_write_key(client, three, write_headers, make_key):
    approved, _, _ = three
    url = f"/api/v1/quotes/{approved['id']}/revisions"
    for headers in ({}, make_key("read")):
        revs = client.get(url, headers=headers).get_json()
        assert revs[0]["action"] == "create" and revs[0]["api_key"] is None
    revs = client.get(url, headers=write_headers).get_json()
    assert revs[0]["api_key"]["name"] == "writer" and revs[0]["api_key"]["prefix"].startswith("vbt_")


def test_long_searches_go_by_post(client, write_headers):
    """A q of 1,000 Cyrillic characters is ~5,400 bytes percent-encoded in a
    URL, past a server's request-line limit (gunicorn: 4,094); the body has room."""
    from urllib.parse import quote

    create(client, write_headers, text="Шлюзы канала открываются на рассвете.")
    words = " ".join(["канала"] * 142)
    assert len(words) <= 1000 and len(quote(words)) > 5000
    r = client.post("/api/v1/quotes/search", json={"q": words, "per_page": 5})
    assert r.status_code == 200 and r.get_json()["total"] == 1
    assert_error(client.post("/api/v1/quotes/search", json={"q": "канала", "per_page": 500}), 422)
