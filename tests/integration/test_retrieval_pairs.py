"""Candidate retrieval through the word-pair index (migration 0003), on both backends.

What the design promises: a fragment or a one-word edit of a stored quote
finds that quote first even among many quotes sharing its rare words; among
copies of a stock line the claimed speaker's comes first; a one-word claim
falls back to the single-word index; edits, retractions and ``quotes
reindex`` keep the pair index in step; user text never becomes query syntax.
No timings here: those are in ``bench/``.
"""
from __future__ import annotations

import json

from sqlalchemy import text

from app import engine, retrieval, search_keys
from app.db import get_session

from .helpers import create

TARGET = ("The harbour authority will dredge the northern channel before the autumn storms "
          "so that the grain ships can reach the quay at every tide.")


def _import(client, headers, rows):
    body = "\n".join(json.dumps(r) for r in rows)
    r = client.post("/api/v1/quotes/import", data=body,
                    headers={**headers, "Content-Type": "application/x-ndjson"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["imported"] == len(rows)


def _decoys():
    # Quotes sharing the target's rare words, but not its word order.
    words = ["harbour", "dredge", "northern", "channel", "autumn", "storms", "grain", "ships", "quay", "tide"]
    rows = []
    for i in range(120):
        picked = [words[(i + k * 3) % len(words)] for k in range(5)]
        rows.append({"text": f"On day {i} the {picked[0]} and {picked[1]} report said {picked[2]}, "
                             f"then {picked[3]} while the {picked[4]} waited.",
                     "speaker": f"Decoy Speaker{i % 5}"})
    return rows


def _ids(app, claim, **kw):
    with app.app_context():
        return retrieval.candidate_ids(get_session(), claim, **kw)


def test_fragment_and_one_word_edit_rank_the_right_quote_first(app, client, write_headers):
    _import(client, write_headers, _decoys())
    target = create(client, write_headers, text=TARGET, speaker="Harbour Master")
    fragment = "dredge the northern channel before the autumn storms"
    edited = "the harbour authority will dredge the southern channel before the autumn storms"
    assert _ids(app, fragment)[0] == target["id"]
    assert _ids(app, edited)[0] == target["id"]
    # Typography: curly quotes, dashes, case.
    assert _ids(app, "“Dredge the Northern channel — before the autumn storms”")[0] == target["id"]

    r = client.post("/api/v1/verify", json={"text": edited, "speaker": "Harbour Master"})
    body = r.get_json()
    assert body["match"]["quote"]["id"] == target["id"]
    assert body["verdict"] == "mismatch"
    assert body["match"]["quote"]["sources"]  # full row, with sources, for the quote shown


def test_claimed_speaker_first_among_copies_of_a_stock_line(app, client, write_headers):
    line = "We will rebuild the bridges and the schools of this county together."
    rows = [{"text": f"{line} Remarks number {i}.", "speaker": f"Copy Speaker{i}"} for i in range(15)]
    _import(client, write_headers, rows)
    mine = create(client, write_headers, text=f"{line} Thank you all.", speaker="Ada Lovelace")
    with app.app_context():
        session = get_session()
        refs = retrieval.speaker_refs_sharing_keys(session, "Ada Lovelace")
        ids = retrieval.candidate_ids(session, "rebuild the bridges and the schools of this county",
                                       prefer_speakers=[r.id for r in refs])
    assert ids[0] == mine["id"]
    r = client.post("/api/v1/verify", json={"text": "rebuild the bridges and the schools of this county",
                                            "speaker": "Ada Lovelace"})
    assert r.get_json()["match"]["quote"]["id"] == mine["id"]
    assert r.get_json()["verdict"] == "verified"


def test_one_word_claim_uses_the_word_index(app, client, write_headers):
    q = create(client, write_headers, text="Inadequate.", speaker="Terse Person")
    create(client, write_headers, text=TARGET, speaker="Harbour Master")
    with app.app_context():
        assert retrieval.pair_plan(get_session(), "inadequate").present == []
    assert _ids(app, "inadequate") == [q["id"]]


def test_edits_and_retractions_keep_the_pair_index_in_step(app, client, write_headers):
    q = create(client, write_headers, text=TARGET, speaker="Harbour Master")
    r = client.patch(f"/api/v1/quotes/{q['id']}", headers=write_headers,
                     json={"text": "Completely different words about municipal parking meters downtown."})
    assert r.status_code == 200, r.get_json()
    assert q["id"] not in _ids(app, "dredge the northern channel before the autumn storms")
    assert _ids(app, "about municipal parking meters downtown")[0] == q["id"]
    r = client.delete(f"/api/v1/quotes/{q['id']}", headers=write_headers, json={"reason": "test"})
    assert r.status_code == 200, r.get_json()
    assert q["id"] not in _ids(app, "about municipal parking meters downtown")


def test_reindex_rebuilds_the_pair_index(app, client, write_headers, runner):
    q = create(client, write_headers, text=TARGET, speaker="Harbour Master")
    with app.app_context():
        session = get_session()
        # A store upgraded from before migration 0003: no pairs stored yet.
        session.execute(text("UPDATE quotes SET shingles = ''"))
        session.commit()
    result = runner.invoke(args=["quotes", "reindex"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = get_session()
        stored = session.execute(text("SELECT shingles FROM quotes WHERE id = :i"), {"i": q["id"]}).scalar()
        assert stored == search_keys.shingle_text(engine.search_text(TARGET))
    assert _ids(app, "dredge the northern channel before the autumn storms")[0] == q["id"]


def test_search_syntax_in_a_claim_is_just_text(app, client, write_headers):
    q = create(client, write_headers, text=TARGET, speaker="Harbour Master")
    for claim in ['dredge" OR "x the NEAR(northern channel) * -autumn', "storms AND (grain) ships:quay ^tide",
                  "'; DROP TABLE quotes; -- the northern channel", 'the "grain ships" can reach the quay']:
        r = client.post("/api/v1/verify", json={"text": claim})
        assert r.status_code == 200, (claim, r.get_json())
    assert _ids(app, 'the "grain ships" can reach the quay')[0] == q["id"]
    # Pair tokens are opaque letters and digits.
    tokens = search_keys.pair_tokens("the grain ships can reach")
    assert tokens and all(t.isalnum() and len(t) == 11 for t in tokens)


def test_a_capped_probe_still_reads_the_claimed_speakers_copy(app, client, write_headers, monkeypatch):
    """More copies of a line than one probe reads: the copies holding all the
    probe pairs and the claimed speaker's are read in full."""
    line = "The county will repave the old mill road before the winter frost sets in for good."
    rows = [{"text": f"{line} Meeting {i}.", "speaker": f"Copy Speaker{i}"} for i in range(25)]
    _import(client, write_headers, rows)
    mine = create(client, write_headers, text=f"{line} Thank you.", speaker="Grace Hopper")
    monkeypatch.setattr(retrieval, "PROBE_CAP", 5)
    probes = []
    real = retrieval._probe_rows

    def spy(session, pairs, op, cap, speakers=()):
        out = real(session, pairs, op, cap, speakers)
        probes.append((op, bool(speakers), len(out)))
        return out

    monkeypatch.setattr(retrieval, "_probe_rows", spy)
    with app.app_context():
        session = get_session()
        prefer = [r.id for r in retrieval.speaker_refs_sharing_keys(session, "Grace Hopper")]
        # One word edited: the intersection's best quote lacks a pair, so the
        # union is read, and it is capped.
        ids = retrieval.candidate_ids(session, "repave the old mill lane before the winter frost sets in",
                                       prefer_speakers=prefer)
    assert ids[0] == mine["id"]
    assert any(cap == 5 for _op, _sp, cap in probes)  # a probe was cut short...
    assert any(sp for _op, sp, _n in probes)          # ...and the claimed speaker's copies read
    probes.clear()
    # The line's own words: every copy holds every pair, the intersection is
    # capped too, and the claimed speaker's copy is read on its own.
    with app.app_context():
        ids = retrieval.candidate_ids(get_session(), "repave the old mill road before the winter frost",
                                       prefer_speakers=prefer)
    assert ids[0] == mine["id"]
    assert probes[0] == ("and", False, 5) and ("and", True, 1) in probes


def test_intersection_probe_is_enough_for_the_quotes_own_words(app, client, write_headers, monkeypatch):
    _import(client, write_headers, _decoys())
    target = create(client, write_headers, text=TARGET, speaker="Harbour Master")
    ops = []
    real = retrieval._probe_rows
    monkeypatch.setattr(retrieval, "_probe_rows",
                        lambda s, p, op, cap, speakers=(): ops.append(op) or real(s, p, op, cap, speakers))
    assert _ids(app, "dredge the northern channel before the autumn storms")[0] == target["id"]
    assert ops == ["and"]
    ops.clear()
    assert _ids(app, "the harbour authority will dredge the southern channel before the autumn storms")[0] \
        == target["id"]
    assert ops[0] == "and"


def test_a_long_claim_sharing_no_pairs_runs_no_word_query(app, client, write_headers, monkeypatch):
    create(client, write_headers, text=TARGET, speaker="Harbour Master")
    calls = []
    real = retrieval._word_candidates
    monkeypatch.setattr(retrieval, "_word_candidates", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    # Same vocabulary, no word pair in common: cannot reach the threshold.
    assert _ids(app, "storms autumn before channel northern harbour quay tide ships grain") == []
    assert calls == []
    # A short claim still gets the single-word index.
    assert _ids(app, "grain harbour") != []
    assert calls == ["grain harbour"]
