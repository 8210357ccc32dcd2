"""Transcripts as the record: POST/GET /api/v1/sources, passages and context in verify answers, the CLI.

The seed story as two short transcripts: Putin's answers at the Beijing news
conference (3 September 2025) and Zelenskyy's in Paris the day after.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from .helpers import assert_error
from .test_ingest import page, site  # noqa: F401  (the local HTTP server fixture)

SOURCES = "/api/v1/sources"
DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"

BEIJING = """Q: Would you meet Volodymyr Zelenskyy?
PUTIN: I have never refused this, provided the meeting is well-prepared and can lead to some positive potential outcomes. (US President) Donald (Trump) asked me if I could possibly arrange such a meeting. I replied that yes, it's possible.
Ultimately, if Zelenskyy is ready, let him come to Moscow \u2013 then the meeting will take place. (Applause.)
"""
PARIS = """Our American partners told us that Putin invited me to Moscow, and I believe that if you want to avoid a meeting, you should invite me to Moscow.
Russia has started talking about a meeting, which is already not bad. But, so far, we do not see their desire to end the war. And adult leaders should come out of a meeting of this level with some kind of result, preferably the end of the war.
"""
TWO_PUTIN = "I replied that yes, it's possible. Ultimately, if Zelenskyy is ready, let him come to Moscow"


@pytest.fixture
def speakers(client, write_headers):
    """The seed's speakers with their aliases (no quotes yet)."""
    for line in (DEMO / "speakers.jsonl").read_text(encoding="utf-8").splitlines():
        r = client.post("/api/v1/speakers", json=json.loads(line), headers=write_headers)
        assert r.status_code == 201, r.get_json()


def add(client, headers, status=201, **body):
    r = client.post(SOURCES, json=body, headers=headers)
    assert r.status_code == status, r.get_json()
    return r.get_json()


@pytest.fixture
def seed_transcripts(client, write_headers, speakers):
    beijing = add(client, write_headers, text=BEIJING, url="https://kremlin.example/beijing",
                  publisher="Kremlin", title="News conference in Beijing", spoken_at="2025-09-03",
                  location="Beijing, China", event="News conference")
    paris = add(client, write_headers, text=PARIS, speaker="Zelenskyy", publisher="Office of the President",
                title="Press conference in Paris", spoken_at="2025-09-04", location="Paris, France")
    return beijing, paris


def verify(client, **claim):
    r = client.post("/api/v1/verify", json=claim)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_transcripts_go_on_record_sentence_by_sentence(client, seed_transcripts):
    beijing, paris = seed_transcripts
    assert beijing["status"] == "approved" and beijing["stored"] == 4
    assert beijing["speakers"] == [{"speaker": "Vladimir Putin", "speaker_id": beijing["speakers"][0]["speaker_id"],
                                    "labels": ["PUTIN"], "quotes": 4}]
    reasons = {(s["reason"], s["label"]): s["count"] for s in beijing["skipped"]}
    assert reasons == {("unnamed_speaker", "Q"): 1, ("stage_direction", None): 1}
    assert beijing["source"]["kind"] == "transcript" and beijing["source"]["quote_count"] == 4
    assert paris["stored"] == 4 and paris["speakers"][0]["speaker"] == "Volodymyr Zelenskyy"
    assert paris["speakers"][0]["labels"] == [] and paris["skipped"] == []

    source = client.get(f"{SOURCES}/{beijing['source']['id']}").get_json()
    assert source["document"] == BEIJING
    assert [q["position"] for q in source["quotes"]] == [2, 3, 4, 5]  # 1 is the question
    for q in source["quotes"]:
        assert q["text"] in " ".join(source["document"][q["start"]:q["end"]].split())
    assert source["quotes"][-1]["text"].endswith("then the meeting will take place.")
    quote = client.get(f"/api/v1/quotes/{source['quotes'][0]['id']}").get_json()
    assert (quote["speaker"], quote["spoken_at"], quote["location"], quote["event"]) == (
        "Vladimir Putin", "2025-09-03", "Beijing, China", "News conference")
    assert quote["sources"] == [{"id": source["id"], "url": "https://kremlin.example/beijing", "publisher": "Kremlin",
                                 "title": "News conference in Beijing", "published_at": None, "position": 2}]
    assert client.get(f"/api/v1/quotes/{quote['id']}/revisions").get_json()[0]["action"] == "create"


def test_two_consecutive_sentences_verify_as_a_passage_with_context(client, seed_transcripts):
    v = verify(client, text=TWO_PUTIN, speaker="Putin", date="2025-09-03", location="Beijing")
    assert v["verdict"] == "verified" and v["issues"] == []
    m = v["match"]
    ids = m["passage"]["quote_ids"]
    assert len(ids) == 2 and m["quote"]["id"] == ids[0]
    assert m["passage"]["text"].startswith("I replied that yes") and m["passage"]["text"].endswith("take place.")
    assert m["text"]["status"] == "fragment"
    assert m["context"]["url"] == "https://kremlin.example/beijing"
    assert m["context"]["before"].startswith("PUTIN: I have never refused this")
    assert m["context"]["before"].endswith("arrange such a meeting.")
    assert m["context"]["after"] == "(Applause.)"


def test_putins_sentence_joined_to_zelenskyys_does_not_verify(client, seed_transcripts):
    v = verify(client, text="let him come to Moscow \u2013 then the meeting will take place. Our American partners "
                            "told us that Putin invited me to Moscow", speaker="Putin")
    assert v["verdict"] != "verified"


def test_an_ellipsis_and_an_altered_word_over_a_passage(client, seed_transcripts):
    v = verify(client, text="I have never refused this \u2026 let him come to Moscow", speaker="Putin")
    assert v["verdict"] == "verified" and len(v["match"]["passage"]["quote_ids"]) == 4
    v = verify(client, text="Russia has started talking about a meeting, which is already bad. But, so far, we do "
                            "not see their desire to end the war.", speaker="Zelenskyy")
    assert v["verdict"] == "mismatch" and [i["type"] for i in v["issues"]] == ["altered_wording"]
    assert len(v["match"]["passage"]["quote_ids"]) == 2
    assert "the record says \u201calready not bad\u201d, the claim \u201calready bad\u201d" in v["issues"][0]["message"]


def test_a_single_quote_answer_has_context_and_no_passage(client, write_headers, seed_transcripts):
    v = verify(client, text="if Zelenskyy is ready, let him come to Moscow", speaker="Putin")
    m = v["match"]
    assert v["verdict"] == "verified" and m["passage"] is None
    assert m["context"]["before"].endswith("I replied that yes, it's possible.")
    # A quote whose sources hold no document and no sequence has no context.
    client.post("/api/v1/quotes", json={"text": "A line from a report about the bridge, on its own.",
                                        "speaker": "Ann Lee", "sources": [{"publisher": "AP"}]}, headers=write_headers)
    v = verify(client, text="A line from a report about the bridge, on its own.")
    assert v["verdict"] == "verified" and v["match"]["context"] is None and v["match"]["passage"] is None


DEBATE = """HOLT: Good evening from Hofstra University in Hempstead, New York.
CLINTON: How are you, Donald? [applause]
TRUMP: Thank you, Lester. Our jobs are fleeing the country. They're going to Mexico.
CLINTON: Well, I think that trade is an important issue. [crosstalk]
Q: What about taxes?
"""


def test_a_debate_with_three_speakers_and_a_splice(client, write_headers, speakers):
    client.post("/api/v1/speakers", json={"name": "Donald Trump"}, headers=write_headers)
    client.post("/api/v1/speakers", json={"name": "Hillary Clinton", "aliases": ["Secretary Clinton"]},
                headers=write_headers)
    out = add(client, write_headers, text=DEBATE, title="First presidential debate", speakers={"Holt": "Lester Holt"},
              spoken_at="2016-09-26", location="Hempstead, New York")
    assert {(s["speaker"], s["quotes"]) for s in out["speakers"]} == {
        ("Lester Holt", 1), ("Hillary Clinton", 2), ("Donald Trump", 3)}
    v = verify(client, text="They're going to Mexico. Well, I think that trade is an important issue.",
               speaker="Trump")
    assert v["verdict"] == "mismatch" and v["issues"][0]["type"] == "spliced"
    assert "Donald Trump and Hillary Clinton" in v["issues"][0]["message"]
    assert v["match"]["speaker"]["status"] == "mismatch"
    v = verify(client, text="Our jobs are fleeing the country. They're going to Mexico.", speaker="Donald Trump")
    assert v["verdict"] == "verified" and len(v["match"]["passage"]["quote_ids"]) == 2


def test_labels_resolve_through_aliases_and_unknown_ones_are_not_guessed(client, write_headers, speakers):
    client.post("/api/v1/speakers", json={"name": "Bill Clinton"}, headers=write_headers)
    client.post("/api/v1/speakers", json={"name": "Hillary Clinton"}, headers=write_headers)
    text = ("Volodymyr Zelensky: Thank you all for coming here today.\n"   # an alias of a stored speaker
            "CLINTON: We are glad to be with you.\n"                        # two stored Clintons
            "MODERATOR: Next question, please.\n")                          # nobody
    out = add(client, write_headers, text=text, title="Joint appearance")
    assert [(s["speaker"], s["labels"]) for s in out["speakers"]] == [("Volodymyr Zelenskyy", ["Volodymyr Zelensky"])]
    skipped = {s["reason"]: s for s in out["skipped"]}
    assert skipped["ambiguous_speaker"]["label"] == "CLINTON" and "Bill Clinton" in skipped["ambiguous_speaker"]["message"]
    assert skipped["unknown_speaker"]["label"] == "MODERATOR" and "speakers" in skipped["unknown_speaker"]["message"]


def test_review_stores_pending_quotes_that_do_not_verify_yet(client, write_headers, speakers):
    out = add(client, write_headers, text=PARIS, speaker="Volodymyr Zelenskyy", title="Paris", review=True)
    assert out["status"] == "pending_review"
    v = verify(client, text="Russia has started talking about a meeting, which is already not bad.")
    assert v["verdict"] == "unverified"
    detail = client.get(f"{SOURCES}/{out['source']['id']}").get_json()
    assert {q["status"] for q in detail["quotes"]} == {"pending_review"}


def test_listing_and_finding_sources(client, write_headers, seed_transcripts):
    beijing, paris = seed_transcripts
    listed = client.get(SOURCES).get_json()
    assert listed["total"] == 2 and [s["id"] for s in listed["items"]] == [paris["source"]["id"], beijing["source"]["id"]]
    assert "quotes" not in listed["items"][0]
    found = client.get(SOURCES, query_string={"url": "https://kremlin.example/beijing/"}).get_json()
    assert [s["id"] for s in found["items"]] == [beijing["source"]["id"]]
    assert [q["position"] for q in found["items"][0]["quotes"]] == [2, 3, 4, 5]
    assert client.get(SOURCES, query_string={"url": "https://nowhere.example/"}).get_json()["total"] == 0
    assert client.get(SOURCES, query_string={"q": "paris"}).get_json()["total"] == 1
    page2 = client.get(f"{SOURCES}/{beijing['source']['id']}?per_page=3&page=2").get_json()
    assert [q["position"] for q in page2["quotes"]] == [5]
    assert_error(client.get(f"{SOURCES}/999"), 404)


def test_the_same_transcript_twice_is_a_conflict_and_nothing_half_written(client, write_headers, seed_transcripts):
    before = client.get("/api/v1/health").get_json()["quotes"]
    err = assert_error(client.post(SOURCES, json={"text": BEIJING, "url": "https://kremlin.example/beijing"},
                                   headers=write_headers), 409)
    assert "on record already" in err["message"]
    assert client.get("/api/v1/health").get_json()["quotes"] == before


@pytest.mark.parametrize("body,field", [
    ({"title": "T"}, "text"),
    ({"text": "PUTIN: Hello."}, "url"),
    ({"text": "a", "html": "<p>a</p>", "title": "T"}, "html"),
    ({"text": "a", "title": "T", "kind": "article"}, "kind"),
    ({"text": "a", "title": "T", "spoken_at": "someday"}, "spoken_at"),
    ({"text": "a", "title": "T", "speakers": {"PUTIN": ""}}, "speakers"),
    ({"text": "a", "title": "T", "speakers": ["PUTIN"]}, "speakers"),
    ({"text": "a", "title": "T", "review": "maybe"}, "review"),
    ({"text": "a", "title": "T", "extra": 1}, "extra"),
])
def test_bad_bodies_are_422(client, write_headers, body, field):
    err = assert_error(client.post(SOURCES, json=body, headers=write_headers), 422)
    assert field in err["errors"]


def test_writing_needs_a_write_key(client, make_key):
    assert_error(client.post(SOURCES, json={"text": "a", "title": "T"}), 401)
    assert_error(client.post(SOURCES, json={"text": "a", "title": "T"}, headers=make_key("read")), 403)


def test_html_and_a_fetched_page(client, write_headers, speakers, site, app):  # noqa: F811
    html = ("<html><head><title>Kremlin</title></head><body><article><h1>News conference</h1>"
            "<p><b>PUTIN:</b> I have never refused this, provided the meeting is well-prepared.</p>"
            "<p><b>QUESTION:</b> And Zelenskyy?</p>"
            "<p><b>PUTIN:</b> Let him come to Moscow. Then the meeting will take place.</p></article></body></html>")
    out = add(client, write_headers, html=html, title="From HTML", speaker="Vladimir Putin")
    assert out["stored"] == 3 and out["skipped"][0]["reason"] == "unnamed_speaker"
    app.config["ALLOW_PRIVATE_FETCH"] = True
    site.routes["/transcript.txt"] = page(PARIS, "text/plain; charset=utf-8")
    out = add(client, write_headers, url=site.url("/transcript.txt"), speaker="Zelenskyy")
    assert out["stored"] == 4 and out["source"]["url"] == site.url("/transcript.txt")


def test_a_sequence_imported_line_by_line_verifies_passages_too(client, write_headers):
    lines = [{"text": s, "speaker": "Winston Churchill", "spoken_at": "1940-06-04",
              "sources": [{"url": "https://example.org/hansard-1940-06-04", "publisher": "Hansard"}]}
             for s in ("We shall go on to the end.", "We shall fight in France.",
                       "We shall fight on the seas and oceans.", "We shall never surrender.")]
    body = "".join(json.dumps(x) + "\n" for x in lines).encode()
    r = client.post("/api/v1/quotes/import", data=body,
                    headers={**write_headers, "Content-Type": "application/x-ndjson"})
    assert r.get_json()["imported"] == 4
    v = verify(client, text="We shall fight in France. We shall fight on the seas and oceans", speaker="Churchill")
    assert v["verdict"] == "verified" and len(v["match"]["passage"]["quote_ids"]) == 2
    assert v["match"]["context"] == {
        "source_id": v["match"]["passage"]["source_id"], "url": "https://example.org/hansard-1940-06-04",
        "title": None, "publisher": "Hansard", "before": "We shall go on to the end.",
        "after": "We shall never surrender."}


def test_the_cli_adds_a_transcript_and_verify_prints_passage_and_context(runner, speakers, tmp_path):
    path = tmp_path / "beijing.txt"
    path.write_text(BEIJING, encoding="utf-8")
    result = runner.invoke(args=["sources", "add", str(path), "--speaker", "Vladimir Putin", "--spoken-at",
                                 "2025-09-03", "--location", "Beijing, China", "--title", "News conference"])
    assert result.exit_code == 0, result.output
    assert "Stored 4 quote(s) (approved)" in result.output and "Vladimir Putin: 4 (as PUTIN)" in result.output
    assert "unnamed_speaker Q:" in result.output
    result = runner.invoke(args=["verify", TWO_PUTIN, "--speaker", "Putin"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("VERIFIED")
    assert "A passage of 2 quotes in order" in result.output
    assert "before: \u2026PUTIN: I have never refused this" in result.output
    bad = runner.invoke(args=["sources", "add", str(path), "--label", "PUTIN"])
    assert bad.exit_code != 0 and "LABEL=Full Name" in bad.output


def test_the_openapi_document_describes_sources(client):
    spec = client.get("/openapi.json").get_json()
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/sources"])
    assert "get" in spec["paths"]["/api/v1/sources/{source_id}"]
    match = spec["components"]["schemas"]["Match"]["properties"]
    assert {"passage", "context"} <= set(match)


def test_a_passage_of_two_lines_said_in_many_speeches_is_found_by_its_boundary(client, write_headers):
    """Each sentence is in dozens of speeches, followed or preceded by other
    words; only one speech has them one after the other. The candidates are
    copies of either sentence, and which copies is not up to the passage;
    the four words around the boundary find the speech that has both."""
    a = "We are going to bring back our jobs and we are going to bring back our borders."
    b = "And we will make this country safe again for every family in every city."
    lines = []
    for i in range(30):
        lines += [{"text": a, "speaker": "Donald Trump", "sources": [{"url": f"https://example.org/a/{i}"}]},
                  {"text": f"Thank you, city number {i}.", "speaker": "Donald Trump",
                   "sources": [{"url": f"https://example.org/a/{i}"}]},
                  {"text": f"Hello, town number {i}.", "speaker": "Donald Trump",
                   "sources": [{"url": f"https://example.org/b/{i}"}]},
                  {"text": b, "speaker": "Donald Trump", "sources": [{"url": f"https://example.org/b/{i}"}]}]
    lines += [{"text": a, "speaker": "Donald Trump", "sources": [{"url": "https://example.org/both"}]},
              {"text": b, "speaker": "Donald Trump", "sources": [{"url": "https://example.org/both"}]}]
    body = "".join(json.dumps(x) + "\n" for x in lines).encode()
    r = client.post("/api/v1/quotes/import", data=body, headers={**write_headers, "Content-Type": "application/x-ndjson"})
    assert r.get_json()["imported"] == len(lines)
    v = verify(client, text="going to bring back our borders. And we will make this country safe again",
               speaker="Trump")
    assert v["verdict"] == "verified", v
    assert v["match"]["context"]["url"] == "https://example.org/both"
