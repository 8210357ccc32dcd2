"""Spreadsheets in and out: multipart uploads, the CSV a spreadsheet writes, CSV answers, the job list.

Uploads go over real HTTP (the app served on loopback, ``requests`` posting
the form as a browser or curl does); the rest through the test client. Both
databases (the ``app`` fixture).
"""
from __future__ import annotations

import csv
import io
import json

import pytest
import requests
from .helpers import assert_error
from .test_jobs import _no_jobs_left  # noqa: F401  (autouse: each test starts without jobs)
from .test_jobs import CORRECT, MOSCOW_IN_PARIS, UNRELATED, count_jobs, ndjson, results, wait_for

MOSCOW = "if Zelenskyy is ready, let him come to Moscow"


def upload(base, headers, content, filename, content_type=None, **fields):
    part = (filename, content, content_type) if content_type else (filename, content)
    return requests.post(f"{base}/api/v1/jobs/verify", headers=headers, files={"file": part}, data=fields,
                         timeout=30)


def csv_answers(client, job_id, **kw):
    r = client.get(f"/api/v1/jobs/{job_id}/results", **kw)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert r.mimetype == "text/csv"
    raw = r.get_data()
    return r, raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


# --- multipart uploads ------------------------------------------------------------------------


def test_a_csv_file_uploaded_as_a_form(demo, live_server, client, write_headers):
    body = ("Text;Speaker;Location;ID\r\n"  # a semicolon spreadsheet, header in another order and case
            f"\"{MOSCOW}\";Putin;Paris;s-1\r\n"
            "The quick brown fox jumps over the lazy dog;;;s-2\r\n").encode("utf-8")
    # curl -F file=@claims.csv sends application/octet-stream: the extension tells.
    r = upload(live_server, write_headers, body, "claims.csv", "application/octet-stream", name="Archive 2025")
    assert r.status_code == 202, r.text
    created = r.json()
    assert created["total"] == 2 and created["rejected"] == 0 and created["name"] == "Archive 2025"
    wait_for(client, created["id"])
    _, answers = results(client, created["id"])
    assert [(a["line"], a["id"], a["verdict"]) for a in answers] == [(2, "s-1", "mismatch"),
                                                                      (3, "s-2", "unverified")]
    assert client.get(f"/api/v1/jobs/{created['id']}").get_json()["name"] == "Archive 2025"


def test_a_json_lines_file_told_by_its_type_or_its_name(demo, live_server, client, write_headers):
    body = ndjson(MOSCOW_IN_PARIS, UNRELATED).encode()
    as_array = json.dumps([MOSCOW_IN_PARIS, UNRELATED]).encode()
    for filename, content_type, content in (("claims.jsonl", None, body),
                                            ("claims.txt", "application/x-ndjson", body),
                                            ("claims.ndjson", "application/octet-stream", body),
                                            ("claims.json", "application/json", as_array)):
        r = upload(live_server, write_headers, content, filename, content_type)
        assert r.status_code == 202, (filename, r.text)
        assert r.json()["total"] == 2
        assert [a["id"] for a in results(client, wait_for(client, r.json()["id"])["id"])[1]] == ["a-1", "a-2"]


def test_uploads_that_cannot_become_a_job(app, live_server, write_headers, make_key):
    app.config["JOBS_MAX_CONTENT_LENGTH"] = 2000
    cases = [
        (upload(live_server, write_headers, b"\x50\x4b\x03\x04 a spreadsheet", "claims.xlsx"), 415, "CSV"),
        (requests.post(f"{live_server}/api/v1/jobs/verify", headers=write_headers, data={"name": "x"},
                       files={"other": ("a.csv", b"text\nx\n")}, timeout=10), 422, "`file`"),
        (upload(live_server, write_headers, b"speaker\nPutin\n", "claims.csv"), 422, "text column"),
        (upload(live_server, write_headers, b"[{\"text\": ", "claims.json"), 422, "not valid JSON"),
        (upload(live_server, write_headers, b"text\n" + b"words words\n" * 400, "big.csv"), 413, "2000 bytes"),
        (upload(live_server, write_headers, b"text\nhello there\n", "a.csv", name="n" * 201), 422, "name"),
        (upload(live_server, make_key("read"), b"text\nhello there\n", "a.csv"), 403, "write"),
    ]
    for r, status, words in cases:
        assert r.status_code == status, (status, r.text)
        body = r.json()
        assert body["code"] == status and words in body["message"], body
    assert count_jobs(app) == 0


# --- the CSV a spreadsheet writes -------------------------------------------------------------


def test_csv_with_bom_tabs_quoted_newlines_and_a_bad_row(demo, client, write_headers):
    rows = [["ID", "TEXT", "date", "SPEAKER", "location", "Reference_Date"],
            ["t-1", MOSCOW, "on Wednesday", "Vladimir Putin", "Beijing", "2025-09-04"],
            ["t-2", "The quick brown fox\njumps over the lazy dog", "", "", "", ""],
            ["t-3", "too", "many", "cells", "here", "2025-01-01", "extra"],
            ["t-4", MOSCOW, "", "Putin", "Paris", ""]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
    body = "\ufeff" + buffer.getvalue()
    r = client.post("/api/v1/jobs/verify", data=body.encode("utf-8"),
                    headers={**write_headers, "Content-Type": "text/csv; charset=utf-8"})
    assert r.status_code == 202, r.get_json()
    created = r.get_json()
    # t-2's text runs over lines 3 and 4: t-3 starts on line 5, t-4 on 6.
    assert created["total"] == 3 and created["rejected"] == 1
    assert created["errors"][0]["line"] == 5 and "more cell" in created["errors"][0]["errors"]["_line"][0]
    wait_for(client, created["id"])
    _, answers = results(client, created["id"])
    assert [(a["line"], a["id"], a["verdict"]) for a in answers] == [
        (2, "t-1", "verified"), (3, "t-2", "unverified"), (6, "t-4", "mismatch")]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_sniffed_from_the_header(demo, client, write_headers, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerows([["Speaker", "TEXT", "location"], ["Putin", MOSCOW + ", then; the\tmeeting", "Paris"],
                      ["Putin", MOSCOW, "Paris"]])
    r = client.post("/api/v1/jobs/verify", data=buffer.getvalue(),
                    headers={**write_headers, "Content-Type": "text/csv"})
    assert r.status_code == 202, r.get_json()
    assert r.get_json()["total"] == 2 and r.get_json()["rejected"] == 0
    job_id = r.get_json()["id"]
    wait_for(client, job_id)
    _, answers = results(client, job_id)
    assert answers[1]["verdict"] == "mismatch"
    assert [i["type"] for i in answers[1]["issues"]] == ["wrong_location"]


def test_a_row_that_is_not_utf8_is_reported_at_its_line(demo, client, write_headers):
    body = "text,speaker\nThe quick brown fox jumps over the lazy dog,\n".encode() + \
        "Caf\u00e9 au lait is what I drink,Putin\n".encode("latin-1") + f"\"{MOSCOW}\",Putin\n".encode()
    r = client.post("/api/v1/jobs/verify", data=body, headers={**write_headers, "Content-Type": "text/csv"})
    assert r.status_code == 202, r.get_json()
    created = r.get_json()
    assert created["total"] == 2
    assert created["errors"] == [{"line": 3, "errors": {"_line": ['Not UTF-8 text: save the file as "CSV UTF-8".']}}]


# --- CSV answers -------------------------------------------------------------------------------


def test_results_as_csv(demo, client, write_headers):
    evil = {"id": "=HYPERLINK(\"http://x\")", "text": MOSCOW, "speaker": "Putin", "location": "Paris"}
    body = ndjson(evil, UNRELATED, CORRECT, {"id": "@sum", "text": "-2 + 3 is what, \"quoted\", they said"})
    job_id = client.post("/api/v1/jobs/verify", data=body, headers={
        **write_headers, "Content-Type": "application/x-ndjson"}).get_json()["id"]
    wait_for(client, job_id)
    r, raw, rows = csv_answers(client, job_id, query_string={"format": "csv"})
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert r.headers["X-Job-Done"] == "4" and "attachment" in r.headers["Content-Disposition"]
    assert rows[0] == ["line", "id", "verdict", "issues", "messages", "reason", "quote_id", "quote_text",
                       "quote_speaker", "quote_spoken_at", "quote_location", "error"]
    _, answers = results(client, job_id)
    assert len(rows) == 5
    first = dict(zip(rows[0], rows[1]))
    assert first["line"] == "1" and first["id"] == "'=HYPERLINK(\"http://x\")"  # neutralised
    assert first["verdict"] == "mismatch" and first["issues"] == "wrong_location"
    assert first["messages"] == " | ".join(i["message"] for i in answers[0]["issues"])
    quote = answers[0]["match"]["quote"]
    assert (first["quote_id"], first["quote_text"], first["quote_speaker"], first["quote_location"]) == (
        str(quote["id"]), quote["text"], quote["speaker"], quote["location"])
    assert first["quote_spoken_at"] == quote["spoken_at"] and first["error"] == ""
    unrelated = dict(zip(rows[0], rows[2]))
    assert unrelated["verdict"] == "unverified" and unrelated["quote_id"] == ""
    assert unrelated["messages"] == answers[1]["message"]
    last = dict(zip(rows[0], rows[4]))
    assert last["id"] == "'@sum" and last["line"] == "4"
    # Accept: text/csv chooses CSV too; offset works the same.
    _, _, tail = csv_answers(client, job_id, headers={"Accept": "text/csv"}, query_string={"offset": 3})
    assert [row[0] for row in tail] == ["line", "4"]


def test_a_failed_claim_in_csv_and_formats_that_do_not_exist(app, demo, client, write_headers, monkeypatch):
    from app import services

    monkeypatch.setattr(services, "verify_claim", lambda *a, **k: 1 / 0)
    job_id = client.post("/api/v1/jobs/verify", data=ndjson(UNRELATED), headers={
        **write_headers, "Content-Type": "application/x-ndjson"}).get_json()["id"]
    wait_for(client, job_id)
    _, _, rows = csv_answers(client, job_id, query_string={"format": "csv"})
    row = dict(zip(rows[0], rows[1]))
    assert row["verdict"] == "error" and "could not be verified" in row["error"]
    assert_error(client.get(f"/api/v1/jobs/{job_id}/results?format=xlsx"), 422)
    r = client.get(f"/api/v1/jobs/{job_id}/results", headers={"Accept": "*/*"})
    assert r.mimetype == "application/x-ndjson"  # the default stays


def test_csv_results_are_streamed_a_page_at_a_time(app, demo, client, write_headers, monkeypatch):
    from app import job_results

    monkeypatch.setattr(job_results, "RESULTS_PAGE", 2)
    job_id = client.post("/api/v1/jobs/verify", data=ndjson(*[UNRELATED] * 5), headers={
        **write_headers, "Content-Type": "application/x-ndjson"}).get_json()["id"]
    wait_for(client, job_id)
    r = client.get(f"/api/v1/jobs/{job_id}/results?format=csv", buffered=False)
    chunks = [c for c in r.response if c]
    r.close()
    assert r.is_streamed and len(chunks) == 4  # the header, then pages of 2, 2 and 1
    assert [len(c.decode("utf-8-sig").splitlines()) for c in chunks] == [1, 2, 2, 1]


# --- the job list ----------------------------------------------------------------------------


def test_the_jobs_of_the_calling_key_newest_first(app, client, write_headers, make_key):
    other = make_key("write", name="other desk")
    mine = []
    for i in range(3):
        r = client.post(f"/api/v1/jobs/verify?name=batch-{i}", data=ndjson(UNRELATED),
                        headers={**write_headers, "Content-Type": "application/x-ndjson"})
        assert r.status_code == 202, r.get_json()
        mine.append(r.get_json()["id"])
    theirs = client.post("/api/v1/jobs/verify", data=ndjson(UNRELATED, UNRELATED),
                         headers={**other, "Content-Type": "application/x-ndjson"}).get_json()["id"]
    for job_id in (*mine, theirs):
        wait_for(client, job_id)

    page = client.get("/api/v1/jobs", headers=write_headers).get_json()
    assert [j["id"] for j in page["items"]] == mine[::-1]
    assert (page["total"], page["page"], page["per_page"], page["pages"]) == (3, 1, 20, 1)
    newest = page["items"][0]
    assert newest["name"] == "batch-2" and newest["status"] == "finished" and newest["total"] == 1
    assert newest["summary"] == {"verified": 0, "mismatch": 0, "unverified": 1, "error": 0}
    second = client.get("/api/v1/jobs?per_page=2&page=2", headers=write_headers).get_json()
    assert [j["id"] for j in second["items"]] == [mine[0]] and second["pages"] == 2
    assert [j["id"] for j in client.get("/api/v1/jobs", headers=other).get_json()["items"]] == [theirs]
    assert client.get("/api/v1/jobs?status=running", headers=write_headers).get_json()["items"] == []
    assert client.get("/api/v1/jobs", headers=make_key("read")).get_json()["total"] == 0
    assert_error(client.get("/api/v1/jobs"), 401)
    assert_error(client.get("/api/v1/jobs?per_page=0", headers=write_headers), 422)
    assert_error(client.get("/api/v1/jobs?status=lost", headers=write_headers), 422)



def test_the_openapi_document_describes_uploads_csv_the_list_and_the_webhook(client):
    spec = client.get("/openapi.json").get_json()
    submit = spec["paths"]["/api/v1/jobs/verify"]["post"]
    form = submit["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"] and form["properties"]["file"]["format"] == "binary"
    assert {"callback_url", "name"} <= set(form["properties"])
    callback = next(iter(submit["callbacks"]["jobEnded"].values()))
    payload = callback["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"id", "status", "summary", "results", "timestamp"} <= set(payload["required"])
    assert "X-Verbatim-Signature" in callback["post"]["description"]
    results = spec["paths"]["/api/v1/jobs/{job_id}/results"]["get"]
    assert set(results["responses"]["200"]["content"]) == {"application/x-ndjson", "text/csv"}
    assert "`quote_spoken_at`" in results["responses"]["200"]["description"]
    assert {p["name"] for p in results["parameters"]} >= {"format", "offset"}
    listing = spec["paths"]["/api/v1/jobs"]["get"]
    assert listing["security"] == [{"bearerAuth": []}]
    assert {p["name"] for p in listing["parameters"]} == {"page", "per_page", "status"}
