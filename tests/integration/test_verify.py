"""Verification over HTTP, on the seed article's record (data/demo)."""
import pytest

from .helpers import PUTIN_MOSCOW, assert_error, create

PUTIN_IN_PARIS = {"text": "if Zelenskyy is ready, let him come to Moscow", "speaker": "Putin", "location": "Paris"}


def verify(client, **body):
    r = client.post("/api/v1/verify", json=body)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_putin_moscow_line_in_paris_is_wrong_location_beijing(demo, client):
    v = verify(client, **PUTIN_IN_PARIS)
    assert v["verdict"] == "mismatch"
    assert [i["type"] for i in v["issues"]] == ["wrong_location"]
    issue = v["issues"][0]
    assert "Beijing" in issue["message"]
    assert issue["claimed"] == "Paris"
    assert issue["canonical"] == "Beijing, China"
    m = v["match"]
    assert m["quote"]["text"] == PUTIN_MOSCOW
    assert m["quote"]["speaker"] == "Vladimir Putin"
    assert m["quote"]["spoken_at"] == "2025-09-03"
    assert m["quote"]["location"] == "Beijing, China"
    assert isinstance(m["quote"]["id"], int)
    assert m["quote"]["sources"][0]["publisher"] == "Anadolu Agency"
    assert 0 <= m["score"] <= 100
    assert m["text"]["status"] == "fragment" and isinstance(m["text"]["diff"], list)
    assert m["speaker"]["status"] == "match"
    assert m["location"]["status"] == "mismatch"
    assert m["date"]["status"] == "not_claimed"
    assert isinstance(v["alternatives"], list)


def test_zelenskyys_line_given_to_putin_is_misattributed(demo, client):
    v = verify(client, text="invite me to Moscow", speaker="Putin")
    assert v["verdict"] == "mismatch"
    assert [i["type"] for i in v["issues"]] == ["misattributed"]
    assert v["issues"][0]["canonical"] == "Volodymyr Zelenskyy"
    assert v["match"]["quote"]["speaker"] == "Volodymyr Zelenskyy"


def test_a_correct_quote_is_verified(demo, client):
    v = verify(client, text="if Zelenskyy is ready, let him come to Moscow", speaker="Vladimir Putin",
               location="Beijing", date="2025-09-03")
    assert v["verdict"] == "verified" and v["issues"] == []
    v = verify(client, text="I have never refused this, provided the meeting is well-prepared",
               speaker="Putin", date="on Wednesday", reference_date="2025-09-04")
    assert v["verdict"] == "verified", v


def test_wrong_date(demo, client):
    v = verify(client, text="let him come to Moscow \u2013 then the meeting will take place",
               speaker="Putin", date="2025-09-05")
    assert [i["type"] for i in v["issues"]] == ["wrong_date"]


def test_altered_wording(demo, client):
    v = verify(client, text="Russia has started talking about a meeting, which is already bad",
               speaker="Zelenskyy")
    assert v["verdict"] == "mismatch"
    assert [i["type"] for i in v["issues"]] == ["altered_wording"]


def test_unknown_words_are_unverified(demo, client):
    v = verify(client, text="The quick brown fox jumps over the lazy dog")
    assert v["verdict"] == "unverified" and v["match"] is None and v["issues"] == []


def test_verify_on_an_empty_store(client):
    assert verify(client, text="anything at all")["verdict"] == "unverified"


def test_two_clintons_make_clinton_ambiguous(client, write_headers):
    create(client, write_headers, text="It depends on what the meaning of the word is is.",
           speaker="Bill Clinton", spoken_at="1998-08-17", location="Washington, D.C.")
    client.post("/api/v1/speakers", json={"name": "Hillary Clinton"}, headers=write_headers)
    v = verify(client, text="It depends on what the meaning of the word is is.", speaker="Clinton")
    assert v["match"]["speaker"]["status"] == "ambiguous"
    # Ambiguous never verifies: the best match is shown, with a sentence to paste.
    assert v["verdict"] == "unverified" and v["issues"] == []
    assert v["reason"] == "ambiguous_speaker"
    assert v["match"]["quote"]["speaker"] == "Bill Clinton"
    assert v["message"] == ("On record from Bill Clinton; \u201cClinton\u201d could also mean Hillary Clinton. "
                            "Name the speaker in full to verify.")
    v = verify(client, text="It depends on what the meaning of the word is is.", speaker="Hillary Clinton")
    assert [i["type"] for i in v["issues"]] == ["misattributed"]


def test_verification_uses_aliases_added_later(client, write_headers):
    q = create(client, write_headers, text="Our soldiers are holding the line in the east.",
               speaker="Volodymyr Zelenskyy")
    v = verify(client, text="Our soldiers are holding the line in the east.", speaker="Ukrainian leader")
    assert v["match"]["speaker"]["status"] != "match"
    r = client.patch(f"/api/v1/speakers/{q['speaker_id']}", json={"add_aliases": ["Ukrainian leader"]},
                     headers=write_headers)
    assert r.status_code == 200
    v = verify(client, text="Our soldiers are holding the line in the east.", speaker="Ukrainian leader")
    assert v["match"]["speaker"]["status"] == "match" and v["verdict"] == "verified"


@pytest.mark.parametrize("body,field", [
    ({}, "text"),
    ({"text": ""}, "text"),
    ({"text": "   "}, "text"),
    ({"text": ["list"]}, "text"),
    ({"text": "ok", "speaker": 5}, "speaker"),
    ({"text": "ok", "reference_date": "Tuesday"}, "reference_date"),
    ({"text": "ok", "extra": 1}, "extra"),
])
def test_invalid_verify_bodies_are_422(client, body, field):
    err = assert_error(client.post("/api/v1/verify", json=body), 422)
    assert field in err["errors"]


def test_batch_answers_each_claim_in_order(demo, client):
    claims = [
        PUTIN_IN_PARIS,
        {"text": ""},
        {"text": "invite me to Moscow", "speaker": "Putin"},
        "not an object",
        {"text": "nothing like this was ever said by anyone"},
        {"text": "ok", "bogus": True},
    ]
    r = client.post("/api/v1/verify/batch", json={"claims": claims})
    assert r.status_code == 200, r.get_json()
    results = r.get_json()["results"]
    assert len(results) == len(claims)
    assert results[0]["verdict"] == "mismatch" and results[0]["issues"][0]["type"] == "wrong_location"
    assert results[1]["code"] == 422 and "text" in results[1]["errors"]
    assert results[2]["issues"][0]["type"] == "misattributed"
    assert results[3]["code"] == 422
    assert results[4]["verdict"] == "unverified"
    assert results[5]["code"] == 422 and "bogus" in results[5]["errors"]
    # Identical to single verification.
    assert results[0] == client.post("/api/v1/verify", json=PUTIN_IN_PARIS).get_json()


def test_batch_limits(client):
    assert_error(client.post("/api/v1/verify/batch", json={"claims": []}), 422)
    assert_error(client.post("/api/v1/verify/batch", json={"claims": [{"text": "a"}] * 101}), 422)
    assert_error(client.post("/api/v1/verify/batch", json={}), 422)
    assert_error(client.post("/api/v1/verify/batch", json={"claims": "x"}), 422)
    r = client.post("/api/v1/verify/batch", json={"claims": [{"text": "a b c d"}] * 100})
    assert r.status_code == 200 and len(r.get_json()["results"]) == 100
