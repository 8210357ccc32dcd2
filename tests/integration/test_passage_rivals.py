"""An edited passage found by the boundary index is judged without candidate
retrieval when no single quote could rival the passage (app/passage_rivals.py),
and every quote that could is still found and judged."""
from __future__ import annotations

import json

import pytest

from app import retrieval

A = "We are going to bring back our jobs and we are going to bring back our borders."
B = "And we will make this country safe again for every family in every city."
EDITED = "going to bring back our borders. And we will make this nation safe again"


def _import(client, headers, lines):
    body = "".join(json.dumps(x) + "\n" for x in lines).encode()
    r = client.post("/api/v1/quotes/import", data=body, headers={**headers, "Content-Type": "application/x-ndjson"})
    assert r.get_json()["imported"] == len(lines), r.get_json()


def _line(text, speaker, url, **more):
    return {"text": text, "speaker": speaker, "sources": [{"url": url}], **more}


@pytest.fixture
def speeches(client, write_headers):
    """Each sentence in thirty speeches, next to other words; one speech of
    Trump's has them one after the other."""
    lines = []
    for i in range(30):
        lines += [_line(A, "Donald Trump", f"https://example.org/a/{i}"),
                  _line(f"Thank you, city number {i}.", "Donald Trump", f"https://example.org/a/{i}"),
                  _line(f"Hello, town number {i}.", "Donald Trump", f"https://example.org/b/{i}"),
                  _line(B, "Donald Trump", f"https://example.org/b/{i}")]
    lines += [_line(A, "Donald Trump", "https://example.org/both", spoken_at="2016-08-01"),
              _line(B, "Donald Trump", "https://example.org/both", spoken_at="2016-08-01")]
    _import(client, write_headers, lines)


@pytest.fixture
def retrievals(monkeypatch):
    """How many times candidate retrieval ran."""
    calls = []
    real = retrieval.candidate_quotes

    def spy(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(retrieval, "candidate_quotes", spy)
    return calls


def verify(client, **claim):
    r = client.post("/api/v1/verify", json=claim)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_an_edited_passage_is_a_mismatch_against_its_passage_without_retrieval(client, speeches, retrievals):
    v = verify(client, text=EDITED, speaker="Trump")
    assert v["verdict"] == "mismatch", v
    assert [i["type"] for i in v["issues"]] == ["altered_wording"]
    assert v["match"]["context"]["url"] == "https://example.org/both"
    assert len(v["match"]["passage"]["quote_ids"]) == 2
    assert retrievals == []


def test_an_edited_passage_naming_another_speaker_finds_that_speakers_passage(client, write_headers, speeches,
                                                                              retrievals):
    _import(client, write_headers, [_line("Good evening, Indiana.", "Mike Pence", "https://example.org/pence"),
                                    _line(A, "Mike Pence", "https://example.org/pence"),
                                    _line(B, "Mike Pence", "https://example.org/pence")])
    v = verify(client, text=EDITED, speaker="Pence")
    assert v["verdict"] == "mismatch", v
    assert [i["type"] for i in v["issues"]] == ["altered_wording"]
    assert v["match"]["quote"]["speaker"] == "Mike Pence"
    assert v["match"]["context"]["url"] == "https://example.org/pence"
    assert retrievals == []


def test_a_single_quote_holding_the_claimed_words_outranks_the_boundarys_passage(client, write_headers, speeches,
                                                                                 retrievals):
    """Pence said the edited words as one remark, in no sequence: the
    boundary index finds only Trump's passage, and the quote that rivals it
    must still be found (here without candidate retrieval)."""
    said = "We are going to bring back our borders. And we will make this nation safe again for every family."
    _import(client, write_headers, [_line(said, "Mike Pence", "https://example.org/pence-remark")])
    v = verify(client, text=EDITED, speaker="Pence")
    assert v["verdict"] == "verified", v
    assert v["match"]["passage"] is None and v["match"]["quote"]["text"] == said
    # Named as Trump's: his passage differs by a word, Pence's remark not at all.
    v = verify(client, text=EDITED, speaker="Trump")
    assert v["verdict"] == "mismatch" and [i["type"] for i in v["issues"]] == ["misattributed"], v
    assert v["match"]["quote"]["text"] == said
    assert retrievals == []


def test_too_many_possible_rivals_go_the_general_way(client, write_headers, speeches, retrievals):
    """Quotes that hold words of both sides of the boundary, more than the
    engine aligns: candidate retrieval judges them, and the answer is the same."""
    lines = [_line(f"Going to bring back our borders, number {i}, and we will make this country safe again.",
                   "Mike Pence",
                   f"https://example.org/many/{i}") for i in range(12)]
    _import(client, write_headers, lines)
    v = verify(client, text=EDITED, speaker="Trump")
    assert v["verdict"] == "mismatch" and [i["type"] for i in v["issues"]] == ["altered_wording"], v
    assert v["match"]["context"]["url"] == "https://example.org/both"
    assert len(retrievals) == 1
