"""Storing, listing, changing and retracting canonical quotes."""
import pytest

from .helpers import assert_error, cited, create, quote_body


def test_create_returns_the_stored_quote(client, write_headers):
    q = create(client, write_headers)
    assert isinstance(q["id"], int)
    assert q["text"].startswith("We shall fight")
    assert q["speaker"] == "Winston Churchill"
    assert q["spoken_at"] == "1940-06-04"
    assert q["when"] == {"start": "1940-06-04", "end": "1940-06-04", "precision": "day", "tz_offset": None}
    assert q["location"] == "London, United Kingdom"
    assert q["place"]["country_code"] == "GB"
    assert q["place"]["city"] == "London"
    assert q["status"] == "approved"
    assert cited(q) == [{"url": "https://example.org/hansard", "publisher": "Hansard",
                             "title": "War Situation", "published_at": "1940-06-04"}]
    got = client.get(f"/api/v1/quotes/{q['id']}")
    assert got.status_code == 200
    assert got.get_json() == q


def test_minimal_quote_needs_only_text_and_speaker(client, write_headers):
    r = client.post("/api/v1/quotes", json={"text": "Not bad.", "speaker": "Someone Else"}, headers=write_headers)
    assert r.status_code == 201
    q = r.get_json()
    assert q["spoken_at"] is None and q["when"] is None and q["place"] is None and q["sources"] == []


@pytest.mark.parametrize("spoken_at,precision,start,end,tz", [
    ("2025", "year", "2025-01-01", "2025-12-31", None),
    ("2025-09", "month", "2025-09-01", "2025-09-30", None),
    ("2024-02", "month", "2024-02-01", "2024-02-29", None),
    ("2025-09-03", "day", "2025-09-03", "2025-09-03", None),
    ("2025-09-03T23:30:00+08:00", "timestamp", "2025-09-03", "2025-09-03", "+08:00"),
    ("2025-09-03T01:30:00Z", "timestamp", "2025-09-03", "2025-09-03", "+00:00"),
    ("2025-09-03T20:00:00-05:00", "timestamp", "2025-09-03", "2025-09-03", "-05:00"),
])
def test_spoken_at_precisions(client, write_headers, spoken_at, precision, start, end, tz):
    q = create(client, write_headers, spoken_at=spoken_at)
    assert q["spoken_at"] == spoken_at
    assert q["when"] == {"start": start, "end": end, "precision": precision, "tz_offset": tz}


@pytest.mark.parametrize("bad", ["yesterday", "2025-13", "2025-02-30", "03/09/2025",
                                 "2025-09-03T10:00:00", "20255"])
def test_bad_spoken_at_is_422(client, write_headers, bad):
    body = assert_error(client.post("/api/v1/quotes", json=quote_body(spoken_at=bad), headers=write_headers), 422)
    assert "spoken_at" in body["errors"]


@pytest.mark.parametrize("body,field", [
    ({"speaker": "X"}, "text"),
    ({"text": "Words"}, "speaker"),
    ({"text": "   ", "speaker": "X"}, "text"),
    ({"text": "Words", "speaker": ""}, "speaker"),
    ({"text": 5, "speaker": "X"}, "text"),
    ({"text": "Words", "speaker": "X", "sources": [{"url": "not a url"}]}, "sources"),
    ({"text": "Words", "speaker": "X", "sources": [{}]}, "sources"),
    ({"text": "Words", "speaker": "X", "sources": "AA"}, "sources"),
    ({"text": "Words", "speaker": "X", "language": "English!"}, "language"),
    ({"text": "Words", "speaker": "X", "status": "retracted"}, "status"),
    ({"text": "Words", "speaker": "X", "speakr": "typo"}, "speakr"),
    ({"text": "x" * 10001, "speaker": "X"}, "text"),
])
def test_invalid_fields_are_422(client, write_headers, body, field):
    err = assert_error(client.post("/api/v1/quotes", json=body, headers=write_headers), 422)
    assert field in err["errors"], err


def test_speaker_is_resolved_through_names_and_aliases(client, write_headers):
    r = client.post("/api/v1/speakers", json={"name": "Vladimir Putin",
                                              "aliases": ["Russian President Vladimir Putin"]},
                    headers=write_headers)
    assert r.status_code == 201
    putin_id = r.get_json()["id"]
    for name in ("Vladimir Putin", "vladimir putin", "Russian President Vladimir Putin", "Putin"):
        q = create(client, write_headers, speaker=name, text=f"A line said by {name}.")
        assert q["speaker_id"] == putin_id and q["speaker"] == "Vladimir Putin", name
    other = create(client, write_headers, speaker="Dmitry Peskov", text="Another line.")
    assert other["speaker_id"] != putin_id
    names = [s["name"] for s in client.get("/api/v1/speakers").get_json()["items"]]
    assert sorted(names) == ["Dmitry Peskov", "Vladimir Putin"]


def test_ambiguous_speaker_is_refused_not_guessed(client, write_headers):
    for name in ("Bill Clinton", "Hillary Clinton"):
        assert client.post("/api/v1/speakers", json={"name": name}, headers=write_headers).status_code == 201
    err = assert_error(client.post("/api/v1/quotes", json=quote_body(speaker="Clinton"), headers=write_headers), 422)
    assert "several speakers" in err["errors"]["speaker"][0]
    q = create(client, write_headers, speaker="Hillary Clinton")
    assert q["speaker"] == "Hillary Clinton"


def test_unknown_quote_is_404(client, write_headers):
    assert_error(client.get("/api/v1/quotes/999"), 404)
    assert_error(client.patch("/api/v1/quotes/999", json={"event": "x"}, headers=write_headers), 404)
    assert_error(client.delete("/api/v1/quotes/999?reason=x", headers=write_headers), 404)
    assert_error(client.get("/api/v1/quotes/999/revisions"), 404)
    assert_error(client.get("/api/v1/quotes/abc"), 404)


def test_list_filters_and_pagination(client, write_headers):
    a = create(client, write_headers, text="The economy is growing faster than expected.", speaker="Ann Lee",
               spoken_at="2024-03-10", location="Paris, France")
    b = create(client, write_headers, text="Inflation is under control, the economy is strong.",
               speaker="Bob Stone", spoken_at="2025-09", location="Beijing, China")
    c = create(client, write_headers, text="We will build more houses next year.", speaker="Ann Lee",
               spoken_at="2025-09-03T10:00:00+02:00", location="West Palm Beach, Florida")

    def ids(query):
        r = client.get("/api/v1/quotes" + query)
        assert r.status_code == 200, r.get_json()
        return [q["id"] for q in r.get_json()["items"]]

    assert ids("") == [c["id"], b["id"], a["id"]]
    assert ids("?speaker=Ann Lee") == [c["id"], a["id"]]
    assert ids("?speaker=Lee") == [c["id"], a["id"]]
    assert ids(f"?speaker={b['speaker_id']}") == [b["id"]]
    assert ids("?speaker=Nobody Known") == []
    assert ids("?q=economy") == [b["id"], a["id"]]
    assert ids("?q=ECONOMY strong") == [b["id"]]
    assert ids("?from=2025") == [c["id"], b["id"]]
    assert ids("?to=2024-12-31") == [a["id"]]
    assert ids("?from=2025-09-03&to=2025-09-03") == [c["id"], b["id"]]  # b is "2025-09": overlaps
    assert ids("?location=China") == [b["id"]]
    assert ids("?location=CN") == [b["id"]]
    assert ids("?location=Paris") == [a["id"]]
    assert ids("?location=Florida") == [c["id"]]
    assert ids("?speaker=Ann Lee&q=houses&from=2025") == [c["id"]]
    page = client.get("/api/v1/quotes?per_page=2&page=2").get_json()
    assert page["total"] == 3 and page["pages"] == 2 and page["page"] == 2 and page["per_page"] == 2
    assert [q["id"] for q in page["items"]] == [a["id"]]
    assert_error(client.get("/api/v1/quotes?per_page=1000"), 422)
    assert_error(client.get("/api/v1/quotes?page=0"), 422)
    assert_error(client.get("/api/v1/quotes?from=soon"), 422)
    assert_error(client.get("/api/v1/quotes?status=deleted"), 422)


FTS_TRAPS = [
    '"AND" NEAR( * -',
    'He said "no" - AND then OR NOT NEAR(this, that) * ^ {col}: text:',
    "It's 100% (really) [sic] - the \u201cbest\u201d deal: AND/OR?",
    "NEAR(\"a\" \"b\", 3)",
    '""""',
    "*",
    "-",
    "' OR 1=1 --",
]


@pytest.mark.parametrize("text", FTS_TRAPS)
def test_text_that_looks_like_search_syntax_is_just_text(client, write_headers, text):
    q = create(client, write_headers, text=text, speaker="Trap Setter")
    assert client.get(f"/api/v1/quotes/{q['id']}").get_json()["text"] == text
    r = client.get("/api/v1/quotes", query_string={"q": text})
    assert r.status_code == 200
    r = client.post("/api/v1/verify", json={"text": text, "speaker": "Trap Setter"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["verdict"] in ("verified", "mismatch", "unverified")


def test_search_finds_words_not_operators(client, write_headers):
    q = create(client, write_headers, text='They wanted "AND" NEAR the river - not far.', speaker="Trap Setter")
    create(client, write_headers, text="Something else entirely about the sea.", speaker="Trap Setter")
    r = client.get("/api/v1/quotes", query_string={"q": "near river"}).get_json()
    assert [x["id"] for x in r["items"]] == [q["id"]]


def test_patch_changes_fields_and_keeps_revisions(client, write_headers):
    q = create(client, write_headers)
    r = client.patch(f"/api/v1/quotes/{q['id']}", json={
        "text": "We shall fight on the beaches.", "location": "Westminster, London",
        "sources": [{"publisher": "BBC"}], "spoken_at": "1940-06",
    }, headers=write_headers)
    assert r.status_code == 200, r.get_json()
    changed = r.get_json()
    assert changed["text"] == "We shall fight on the beaches."
    assert changed["spoken_at"] == "1940-06" and changed["when"]["precision"] == "month"
    assert cited(changed) == [{"url": None, "publisher": "BBC", "title": None, "published_at": None}]
    assert changed["event"] == q["event"]  # untouched
    assert changed["updated_at"] >= q["updated_at"]

    # Speaker change resolves the name like a new quote does.
    r = client.patch(f"/api/v1/quotes/{q['id']}", json={"speaker": "Clement Attlee"}, headers=write_headers)
    assert r.get_json()["speaker"] == "Clement Attlee"
    # A no-op patch records nothing.
    assert client.patch(f"/api/v1/quotes/{q['id']}", json={}, headers=write_headers).status_code == 200

    revs = client.get(f"/api/v1/quotes/{q['id']}/revisions", headers=write_headers).get_json()
    assert [r["revision"] for r in revs] == [1, 2, 3]
    assert [r["action"] for r in revs] == ["create", "update", "update"]
    assert revs[0]["changes"]["text"] == {"before": None, "after": q["text"]}
    assert revs[1]["changes"]["text"] == {"before": q["text"], "after": "We shall fight on the beaches."}
    assert revs[1]["changes"]["spoken_at"] == {"before": "1940-06-04", "after": "1940-06"}
    assert set(revs[1]["changes"]) == {"text", "location", "sources", "spoken_at"}
    assert revs[2]["changes"] == {"speaker": {"before": "Winston Churchill", "after": "Clement Attlee"}}
    assert revs[1]["api_key"]["name"] == "writer"
    assert revs[1]["created_at"]


def test_patch_validates_like_create(client, write_headers):
    q = create(client, write_headers)
    for body in ({"text": ""}, {"speaker": None}, {"spoken_at": "nope"}, {"id": 5}, {"status": "retracted"}):
        assert_error(client.patch(f"/api/v1/quotes/{q['id']}", json=body, headers=write_headers), 422)


def test_delete_retracts_with_reason_and_keeps_the_record(client, write_headers):
    q = create(client, write_headers)
    assert_error(client.delete(f"/api/v1/quotes/{q['id']}", headers=write_headers), 422)  # no reason
    r = client.delete(f"/api/v1/quotes/{q['id']}", json={"reason": "Misreported; see correction."},
                      headers=write_headers)
    assert r.status_code == 200, r.get_json()
    gone = r.get_json()
    assert gone["status"] == "retracted"
    assert gone["retraction_reason"] == "Misreported; see correction."
    assert gone["retracted_at"]
    # Kept: still readable (with a key), and its history says what happened.
    assert client.get(f"/api/v1/quotes/{q['id']}", headers=write_headers).get_json()["status"] == "retracted"
    revs = client.get(f"/api/v1/quotes/{q['id']}/revisions", headers=write_headers).get_json()
    assert revs[-1]["action"] == "retract"
    assert revs[-1]["changes"]["status"] == {"before": "approved", "after": "retracted"}
    assert revs[-1]["changes"]["retraction_reason"]["after"] == "Misreported; see correction."
    # Listed only on request, not counted, not matched.
    assert client.get("/api/v1/quotes").get_json()["total"] == 0
    assert [x["id"] for x in client.get("/api/v1/quotes?status=retracted",
                                        headers=write_headers).get_json()["items"]] == [q["id"]]
    assert client.get("/api/v1/quotes?status=all", headers=write_headers).get_json()["total"] == 1
    assert client.get("/api/v1/health").get_json()["quotes"] == 0
    v = client.post("/api/v1/verify", json={"text": q["text"]}).get_json()
    assert v["verdict"] == "unverified" and v["match"] is None
    # Retracting twice is a conflict; restoring is a revision too.
    assert_error(client.delete(f"/api/v1/quotes/{q['id']}?reason=again", headers=write_headers), 409)
    r = client.patch(f"/api/v1/quotes/{q['id']}", json={"status": "approved"}, headers=write_headers)
    assert r.get_json()["status"] == "approved" and r.get_json()["retraction_reason"] is None
    revs = client.get(f"/api/v1/quotes/{q['id']}/revisions").get_json()
    assert revs[-1]["changes"]["status"] == {"before": "retracted", "after": "approved"}
    assert client.post("/api/v1/verify", json={"text": q["text"]}).get_json()["verdict"] == "verified"


def test_reason_in_query_string(client, write_headers):
    q = create(client, write_headers)
    r = client.delete(f"/api/v1/quotes/{q['id']}?reason=duplicate", headers=write_headers)
    assert r.get_json()["retraction_reason"] == "duplicate"


def test_pending_review_quotes_are_stored_but_not_matched(client, write_headers):
    q = create(client, write_headers, status="pending_review")
    assert q["status"] == "pending_review"
    assert client.post("/api/v1/verify", json={"text": q["text"]}).get_json()["verdict"] == "unverified"
    client.patch(f"/api/v1/quotes/{q['id']}", json={"status": "approved"}, headers=write_headers)
    assert client.post("/api/v1/verify", json={"text": q["text"]}).get_json()["verdict"] == "verified"


def test_a_stored_quote_is_visible_at_once_to_another_worker(app, second_app, write_headers):
    """Two app instances on one database: nothing is cached per process."""
    first, second = app.test_client(), second_app.test_client()
    assert second.get("/api/v1/health").get_json()["quotes"] == 0
    # The second worker has already served a verification before the quote exists.
    body = {"text": "We shall fight on the beaches", "speaker": "Churchill"}
    assert second.post("/api/v1/verify", json=body).get_json()["verdict"] == "unverified"
    q = create(first, write_headers)
    assert second.get("/api/v1/health").get_json()["quotes"] == 1
    assert second.get(f"/api/v1/quotes/{q['id']}").get_json()["text"] == q["text"]
    v = second.post("/api/v1/verify", json=body).get_json()
    assert v["verdict"] == "verified" and v["match"]["quote"]["id"] == q["id"]
    # And a retraction by the second worker is seen by the first.
    second.delete(f"/api/v1/quotes/{q['id']}?reason=test", headers=write_headers)
    assert first.post("/api/v1/verify", json=body).get_json()["verdict"] == "unverified"
