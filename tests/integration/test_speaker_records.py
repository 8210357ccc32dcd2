"""What the record knows of a speaker beyond the name (gender, roles), and
storing names without guessing: full names that merely share a surname with
stored speakers are new speakers; only a short form that fits several is
refused."""
import json

import pytest

from .helpers import assert_error, create

NDJSON = {"Content-Type": "application/x-ndjson"}
LINE = "We are not a collection of red states and blue states; we are the United States of America."
PRESIDENT = {"title": "President of the United States", "start": "2009-01-20", "end": "2017-01-20"}
FIRST_LADY = {"title": "First Lady of the United States", "start": "2009-01-20", "end": "2017-01-20"}


def add_speaker(client, headers, **body):
    r = client.post("/api/v1/speakers", json=body, headers=headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def verify(client, **body):
    r = client.post("/api/v1/verify", json=body)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def obamas(client, headers, roles=True):
    add_speaker(client, headers, name="Barack Obama", **({"roles": [PRESIDENT]} if roles else {}))
    add_speaker(client, headers, name="Michelle Obama", **({"roles": [FIRST_LADY]} if roles else {}))
    create(client, headers, text=LINE, speaker="Barack Obama", spoken_at="2012-05-01", location="Washington, D.C.")


# --- gender and roles on the speaker record ---------------------------------------------


def test_gender_and_roles_are_set_shown_and_changed(client, write_headers):
    sp = add_speaker(client, write_headers, name="Michelle Obama", gender="female", roles=[FIRST_LADY])
    assert sp["gender"] == "female" and sp["roles"] == [FIRST_LADY]
    r = client.patch(f"/api/v1/speakers/{sp['id']}", json={"gender": None, "roles": []}, headers=write_headers)
    assert r.status_code == 200 and r.get_json()["gender"] is None and r.get_json()["roles"] == []
    assert client.get(f"/api/v1/speakers/{sp['id']}").get_json()["roles"] == []


@pytest.mark.parametrize("body,field", [
    ({"name": "A B", "gender": "woman"}, "gender"),
    ({"name": "A B", "roles": [{"title": "Mayor", "start": "2020-01-01", "end": "2019-01-01"}]}, "roles"),
    ({"name": "A B", "roles": [{"start": "2020-01-01"}]}, "roles"),
    ({"name": "A B", "roles": [{"title": "Mayor", "start": "2020-02-30"}]}, "roles"),
])
def test_bad_gender_or_roles_are_422(client, write_headers, body, field):
    err = assert_error(client.post("/api/v1/speakers", json=body, headers=write_headers), 422)
    assert field in err["errors"]


def test_mrs_obama_is_not_barack_obama(client, write_headers):
    add_speaker(client, write_headers, name="Barack Obama")
    create(client, write_headers, text=LINE, speaker="Barack Obama", spoken_at="2012-05-01")
    v = verify(client, text=LINE, speaker="Mrs. Obama")
    assert v["verdict"] == "mismatch" and [i["type"] for i in v["issues"]] == ["misattributed"]
    assert verify(client, text=LINE, speaker="Mr. Obama")["verdict"] == "verified"


def test_a_recorded_gender_is_used(client, write_headers):
    sp = add_speaker(client, write_headers, name="Jordan Smith")  # a unisex first name
    create(client, write_headers, text=LINE, speaker="Jordan Smith")
    v = verify(client, text=LINE, speaker="Ms. Smith")
    assert v["verdict"] == "unverified" and v["reason"] == "unchecked_speaker"
    client.patch(f"/api/v1/speakers/{sp['id']}", json={"gender": "female"}, headers=write_headers)
    assert verify(client, text=LINE, speaker="Mr. Smith")["verdict"] == "mismatch"
    assert verify(client, text=LINE, speaker="Ms. Smith")["verdict"] == "verified"


def test_roles_choose_between_two_obamas(client, write_headers):
    obamas(client, write_headers)
    assert verify(client, text=LINE, speaker="President Obama")["verdict"] == "verified"
    v = verify(client, text=LINE, speaker="Obama")
    assert v["verdict"] == "unverified" and v["reason"] == "ambiguous_speaker"
    # A role alone finds whoever the record gives it (through the speaker keys).
    v = verify(client, text=LINE, speaker="the First Lady")
    assert v["verdict"] == "mismatch" and "Michelle Obama" in v["match"]["speaker"]["message"]


def test_a_role_the_record_does_not_know_changes_nothing(client, write_headers):
    obamas(client, write_headers, roles=False)
    v = verify(client, text=LINE, speaker="President Obama")
    assert v["verdict"] == "unverified" and v["reason"] == "ambiguous_speaker"


def test_gender_given_with_a_quote_is_recorded_and_checked(client, write_headers):
    q = create(client, write_headers, text=LINE, speaker="Pat Jones", speaker_gender="female")
    assert client.get(f"/api/v1/speakers/{q['speaker_id']}").get_json()["gender"] == "female"
    body = {"text": "Another line entirely.", "speaker": "Pat Jones", "speaker_gender": "male"}
    err = assert_error(client.post("/api/v1/quotes", json=body, headers=write_headers), 409)
    assert "as female" in err["message"]


def test_gender_given_in_an_import(client, write_headers):
    lines = [{"text": "First line of the import.", "speaker": "Sam Rivera", "speaker_gender": "male"},
             {"text": "Second line of the import.", "speaker": "Sam Rivera", "speaker_gender": "female"},
             {"text": "Third line of the import.", "speaker": "Sam Rivera"}]
    body = "\n".join(json.dumps(x) for x in lines)
    out = client.post("/api/v1/quotes/import", data=body, headers={**write_headers, **NDJSON}).get_json()
    assert out["imported"] == 2 and [e["line"] for e in out["errors"]] == [2]
    sp = client.get("/api/v1/speakers", query_string={"q": "Sam Rivera"}).get_json()["items"]
    assert [s["gender"] for s in sp] == ["male"]


def test_the_cli_sets_gender_and_roles(runner, client):
    out = runner.invoke(args=["speakers", "add", "Barack Obama", "--role",
                              "President of the United States:2009-01-20:2017-01-20"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(args=["speakers", "update", "Barack Obama", "--gender", "male"])
    assert out.exit_code == 0 and "gender male" in out.output
    sp = client.get("/api/v1/speakers").get_json()["items"][0]
    assert sp["gender"] == "male" and sp["roles"] == [PRESIDENT]
    out = runner.invoke(args=["speakers", "add", "Joe Biden", "--role", "Vice President:2017-01-20:2009-01-20"])
    assert out.exit_code != 0 and "cannot end before it starts" in out.output


# --- storing never guesses ---------------------------------------------------------------


@pytest.mark.parametrize("stored,new", [
    (["Dennis Jones", "Jerry Jones"], "Van Jones"),            # names that share a surname
    (["Tim Lee"], "Lee Holloway"),                             # a given name used as a surname
    (["Americans for Prosperity Action", "Heritage Action"], "Priorities USA Action"),  # organisations
    (["George W. Bush"], "George Herbert Bush"),               # given names that differ
])
def test_a_full_name_that_is_nobody_stored_is_a_new_speaker(client, write_headers, stored, new):
    for name in stored:
        add_speaker(client, write_headers, name=name)
    q = create(client, write_headers, speaker=new)
    assert q["speaker"] == new
    body = json.dumps({"text": "Imported line by the same person.", "speaker": new})
    out = client.post("/api/v1/quotes/import", data=body, headers={**write_headers, **NDJSON}).get_json()
    assert out["imported"] == 1 and out["errors"] == []
    names = [s["name"] for s in client.get("/api/v1/speakers", query_string={"per_page": 100}).get_json()["items"]]
    assert sorted(names) == sorted(stored + [new])


def test_a_short_form_that_fits_several_is_refused_naming_them(client, write_headers):
    for name in ("Dennis Jones", "Jerry Jones"):
        add_speaker(client, write_headers, name=name)
    err = assert_error(client.post("/api/v1/quotes", json={"text": "A line.", "speaker": "Jones"},
                                   headers=write_headers), 422)
    assert "Dennis Jones" in err["errors"]["speaker"][0] and "Jerry Jones" in err["errors"]["speaker"][0]


@pytest.mark.parametrize("given", ["Donald J. Trump", "Mr. Donald Trump", "Trump"])
def test_forms_of_a_stored_name_still_resolve_to_it(client, write_headers, given):
    sp = add_speaker(client, write_headers, name="Donald Trump")
    assert create(client, write_headers, speaker=given)["speaker_id"] == sp["id"]
