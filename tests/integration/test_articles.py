"""POST /api/v1/articles/check: every quote of a draft, located and verified."""
from pathlib import Path

import pytest

from .helpers import assert_error

SEED = (Path(__file__).parent.parent / "fixtures" / "seed_article.txt").read_text(encoding="utf-8")
CHECK = "/api/v1/articles/check"
PUTIN_IN_PARIS = ('Speaking at a news conference in Paris, Russian President Vladimir Putin said: '
                  '"if Zelenskyy is ready, let him come to Moscow."\n'
                  'Zelenskyy said: "Russia has started talking about a meeting, which is already not bad."')


def check(client, **body):
    r = client.post(CHECK, json=body)
    assert r.status_code == 200, r.get_json()
    answer = r.get_json()
    assert set(answer) == {"text", "quotes", "summary"}
    return answer


def assert_offsets(answer):
    for q in answer["quotes"]:
        assert answer["text"][q["start"]:q["end"]] == q["text"], q
        if q["speaker"] is not None:
            assert q["speaker"]["start"] < q["speaker"]["end"] <= len(answer["text"])


def assert_summary(answer):
    verdicts = [q["verification"]["verdict"] for q in answer["quotes"]]
    assert answer["summary"] == {v: verdicts.count(v) for v in ("verified", "mismatch", "unverified")}


def test_seed_article_quotes_speakers_places_and_dates(client):
    answer = check(client, text=SEED, published_at="2025-09-04")
    assert answer["text"] == SEED
    assert_offsets(answer)
    assert_summary(answer)
    quotes = answer["quotes"]
    texts = [q["text"] for q in quotes]
    assert not any("coalition of willing" in t for t in texts)
    speakers = {q["speaker"]["name"] for q in quotes if q["speaker"]}
    assert speakers == {"Zelenskyy", "Vladimir Putin"}
    assert all(q["speaker"] is not None for q in quotes)

    dateline = SEED.index("MOSCOW/ISTANBUL")
    body = [q for q in quotes if q["start"] > dateline]
    zelenskyy = [q for q in body if q["speaker"]["name"] == "Zelenskyy"]
    putin = [q for q in body if q["speaker"]["name"] == "Vladimir Putin"]
    assert len(zelenskyy) >= 4 and len(putin) == 2
    for q in zelenskyy:
        assert (q["location"], q["date"]) == ("Paris", "2025-09-04"), q
    for q in putin:
        assert (q["location"], q["date"]) == ("Beijing", "2025-09-03"), q
    assert any(t.startswith("Ultimately") or "let him come to Moscow" in t for t in (q["text"] for q in putin))
    # The subtitle's quote (before the dateline) is Zelenskyy's too, with no place stated.
    head = [q for q in quotes if q["start"] < dateline]
    assert [q["speaker"]["name"] for q in head] == ["Zelenskyy"]
    assert head[0]["location"] is None


def test_seed_article_against_the_record(demo, client):
    answer = check(client, text=SEED, published_at="2025-09-04")
    assert_summary(answer)
    by_text = {q["text"]: q["verification"] for q in answer["quotes"]}
    moscow = next(v for t, v in by_text.items() if "let him come to Moscow" in t)
    assert moscow["verdict"] == "verified"
    assert moscow["match"]["quote"]["speaker"] == "Vladimir Putin"
    assert answer["summary"]["verified"] >= 5


def test_verification_is_what_verify_answers(demo, client):
    answer = check(client, text=SEED, published_at="2025-09-04")
    q = next(q for q in answer["quotes"] if q["text"].startswith("I have never refused"))
    direct = client.post("/api/v1/verify", json={
        "text": q["text"], "speaker": q["speaker"]["name"], "date": q["date"], "location": q["location"],
        "reference_date": "2025-09-04"}).get_json()
    assert q["verification"] == direct


def test_putin_in_paris_draft_is_wrong_location(demo, client):
    answer = check(client, text=PUTIN_IN_PARIS, published_at="2025-09-04")
    assert_offsets(answer)
    assert_summary(answer)
    moscow = next(q for q in answer["quotes"] if "let him come to Moscow" in q["text"])
    assert moscow["speaker"]["name"] == "Vladimir Putin" and moscow["location"] == "Paris"
    v = moscow["verification"]
    assert v["verdict"] == "mismatch"
    assert "wrong_location" in [i["type"] for i in v["issues"]]
    issue = next(i for i in v["issues"] if i["type"] == "wrong_location")
    assert "Beijing" in issue["message"]
    assert answer["summary"]["mismatch"] >= 1


def test_html_offsets_refer_to_the_extracted_text(demo, client):
    paragraphs = "".join(f"<p>{line}</p>\n" for line in PUTIN_IN_PARIS.splitlines())
    html = (f"<!doctype html><html><head><title>Draft</title><script>var x = \"not a quote at all\";</script>"
            f"</head><body><article><h1>Putin and Zelenskyy</h1>{paragraphs}</article></body></html>")
    answer = check(client, html=html, published_at="2025-09-04T09:30:00+02:00")
    assert "<p>" not in answer["text"] and "var x" not in answer["text"]
    assert "let him come to Moscow" in answer["text"]
    assert_offsets(answer)
    assert len(answer["quotes"]) == 2
    moscow = next(q for q in answer["quotes"] if "Moscow" in q["text"])
    assert "wrong_location" in [i["type"] for i in moscow["verification"]["issues"]]


def test_no_quotes_and_empty_html(client):
    answer = check(client, text="Nothing was said today.")
    assert answer == {"text": "Nothing was said today.", "quotes": [],
                      "summary": {"verified": 0, "mismatch": 0, "unverified": 0}}
    assert check(client, html="<html><body></body></html>")["quotes"] == []


def test_quotes_without_a_speaker_or_on_an_empty_store(client):
    answer = check(client, text='Someone wrote on a wall: "the end is near, repent now or never".')
    assert_offsets(answer)
    for q in answer["quotes"]:
        assert q["verification"]["verdict"] == "unverified"


@pytest.mark.parametrize("body,field", [
    ({}, "text"),
    ({"text": "a", "html": "<p>a</p>"}, "html"),
    ({"text": 5}, "text"),
    ({"text": "a", "published_at": "Tuesday"}, "published_at"),
    ({"text": "a", "published_at": "2025-02-30"}, "published_at"),
    ({"text": "a", "published_at": "2025-09"}, "published_at"),
    ({"text": "a", "url": "ftp://example.org/x"}, "url"),
    ({"text": "a", "bogus": 1}, "bogus"),
    ({"text": "a\x00b"}, "text"),
    ({"text": "x" * 200_001}, "text"),
])
def test_bad_bodies_are_422(client, body, field):
    err = assert_error(client.post(CHECK, json=body), 422)
    assert field in err["errors"]


def test_accepted_publication_forms(client):
    for value in ("2025-09-04", "2025-09-04T10:00:00Z", "2025-09-04T10:00:00+02:00", "2025-09-04 10:00"):
        check(client, text="Nothing.", published_at=value)
    check(client, text="Nothing.", url="https://example.org/draft", published_at=None)


def test_html_whose_text_is_too_long_is_422(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    html = "<html><body>" + "<p>" + ("word " * 50_000) + "</p></body></html>"
    err = assert_error(client.post(CHECK, json={"html": html}), 422)
    assert "200,000" in err["message"]


def test_body_limit_and_malformed_json(client):
    assert_error(client.post(CHECK, data="{broken", content_type="application/json"), 400)
    assert_error(client.post(CHECK, json={"html": "x" * (1024 * 1024 + 10)}), 413)


@pytest.mark.parametrize("app_config", [{"REQUIRE_API_KEY_FOR_READ": True}])
def test_read_key_when_reads_are_closed(client, make_key, app_config):
    assert_error(client.post(CHECK, json={"text": "Nothing."}), 401)
    r = client.post(CHECK, json={"text": "Nothing."}, headers=make_key("read"))
    assert r.status_code == 200


def test_in_the_openapi_document(client):
    spec = client.get("/openapi.json").get_json()
    op = spec["paths"]["/api/v1/articles/check"]["post"]
    assert op["summary"] == "Check every quote in an article"
    assert "ArticleCheck" in spec["components"]["schemas"]
    assert "ArticleCheckResult" in spec["components"]["schemas"]
    assert op["security"] == [{}, {"bearerAuth": []}]


@pytest.mark.parametrize("app_config", [{"ARTICLE_MAX_QUOTES": 3}])
def test_too_many_quotes_is_422(client, app_config):
    err = assert_error(client.post(CHECK, json={"text": SEED}), 422)
    assert "at most 3" in err["message"] and "text" in err["errors"]
    assert check(client, text=PUTIN_IN_PARIS)["quotes"]


def test_short_fragments_are_listed_and_marked_too_short(demo, client):
    draft = ('Senator Jane Doe called the plan "inadequate" on Monday. Some voters want "change". '
             'The so-called "coalition of the willing" met again.\n'
             '"We will fix the roads and the bridges before the winter," Doe said.')
    answer = check(client, text=draft, published_at="2025-09-04")
    assert_offsets(answer)
    assert_summary(answer)
    by_text = {q["text"]: q for q in answer["quotes"]}
    assert set(by_text) == {"inadequate", "change", "We will fix the roads and the bridges before the winter"}
    for fragment in ("inadequate", "change"):
        q = by_text[fragment]
        assert q["too_short"] is True
        v = q["verification"]
        assert (v["verdict"], v["reason"], v["match"], v["issues"]) == ("unverified", "too_short", None, [])
        assert fragment in v["message"] and "too short" in v["message"]
    assert by_text["inadequate"]["speaker"]["name"] == "Jane Doe"
    assert by_text["change"]["speaker"] is None
    assert by_text["We will fix the roads and the bridges before the winter"]["too_short"] is False


def test_too_short_is_in_the_openapi_document(client):
    spec = client.get("/openapi.json").get_json()
    props = spec["components"]["schemas"]["CheckedQuote"]["properties"]
    assert props["too_short"]["type"] == "boolean"
    assert "too_short" in props["too_short"]["description"]


@pytest.mark.parametrize("app_config", [{"ARTICLE_MAX_QUOTES": 1}])
def test_fragments_do_not_count_against_the_quote_limit(client, app_config):
    draft = ('Critics called it "inadequate" and "late". Voters want "change".\n'
             '"We will fix the roads and the bridges before the winter," Jane Doe said.')
    answer = check(client, text=draft)
    assert [q["too_short"] for q in answer["quotes"]] == [True, True, True, False]
