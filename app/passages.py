"""Verification over passages, and the words around a match: the service's side.

:func:`by_boundaries` first (a claim of four words or more): the quotes
whose boundary with the quote before them the claim holds, from the
boundary index; when the claim's words make a passage of them that verifies,
that is the verdict, without candidate retrieval. When they make one that
does not (an edited passage, another speaker named), the verdict is still
theirs without candidate retrieval if no single quote could rival it
(:mod:`app.passage_rivals`: one query finds any that could). Else :func:`judge` gives
the engine (:mod:`verification.passages`) the candidates and the stretches of
the sources it needs, fetched only when the claim's words go beyond the best
candidates' (so the usual claim costs no extra query).
:func:`answer` writes the verify answer: for each match, ``passage``
(``source_id``, ``quote_ids``, ``text``) when it is a passage, and
``context`` (the sentence or two ``before`` and ``after`` the matched words,
with the source's ``url``) when the record has the source's document or
sequence, else null. ``quote`` is always a stored quote (a passage's first).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

from sqlalchemy.orm import Session

from verification import passages as engine_passages
from verification.model import CanonicalQuote, Claim, Match, SpeakerRef, Verdict
from verification.passages import PassageId, Stretch
from verification.sentences import context_after, context_before

from . import engine, passage_reads, passage_rivals, search_keys

# Sentences of context on each side.
CONTEXT_SENTENCES = 2


@dataclass
class Boundaries:
    """What the boundary index gave for a claim: the quotes the claim runs
    into from the quote before them (found by the four words around their
    boundary, whichever the candidates are: a sentence said in a thousand
    speeches leaves the right speech out of them), the stretches around
    them, and the verdict when they alone verify the claim."""

    hits: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    stretches: list[Stretch] = field(default_factory=list)
    verdict: Optional[Verdict] = None


def by_boundaries(session: Session, claim: Claim, claimed: Sequence[SpeakerRef]) -> Boundaries:
    """For a claim of four words or more: the boundary index's quotes, and
    the verdict if the claim's words as they are make a passage of them whose
    speaker, date and place fit (``verified``), or else the verdict over
    the passages of them and the single quotes that could rival those
    (:func:`app.passage_rivals.judge`: an edited claim, another speaker).
    When that cannot be shown, :func:`judge` decides, with candidate
    retrieval. ``claimed``: the stored speakers the claimed name could mean."""
    out = Boundaries()
    # Every claim of four words or more: one look-up in an index of the
    # boundaries, since a reporter may have joined two sentences with a comma.
    keys = search_keys.claim_boundary_keys(engine.search_text(claim.text))
    hit_keys: set[int] = set()
    out.hits = passage_reads.boundary_hits(session, keys, found_keys=hit_keys) if keys else {}
    if not out.hits:
        return out
    refs = {s.id: s for s in claimed}
    out.stretches = _stretches(session, list(out.hits), engine_passages.reach(claim.text), refs)
    found = engine_passages.assemble(claim.text, (), out.stretches, seeds=out.hits, exact_only=True)
    verdict = None
    if found:
        known = {**refs, **{s.id: s for p in found for s in p.speakers()}}
        verdict = engine_passages.verify(claim, [], list(known.values()), out.stretches, seeds=out.hits)
        if verdict.verdict == "verified":
            out.verdict = verdict
            return out
    # Not verified as it is (an edited passage, another speaker named): the
    # boundary's passages and the single quotes that could rival them, when
    # those are few enough to be sure of (else candidate retrieval).
    known = {**refs, **{q.speaker.id: q.speaker for st in out.stretches for _, q in st.quotes}}
    out.verdict = passage_rivals.judge(session, claim, list(known.values()), out.stretches, out.hits, hit_keys,
                                       verdict)
    return out


def judge(session: Session, claim: Claim, candidates: Sequence[CanonicalQuote],
          known: Sequence[SpeakerRef], boundaries: Optional[Boundaries] = None) -> Verdict:
    """The verdict over the candidates and the passages they are part of
    (``boundaries``: :func:`by_boundaries`'s lookup, if made)."""
    b = boundaries or Boundaries()
    if b.hits:
        # The claim holds the words around these boundaries: the passages are
        # there (an altered claim); the candidates are judged as quotes.
        return engine_passages.verify(claim, candidates, known, b.stretches, seeds=b.hits)
    plan = engine_passages.plan(claim.text, candidates)
    if not plan.needed:
        return engine_passages.verify(claim, candidates, known, (), plan.scores)
    # Else the candidates worth it, by their places in their sources (a
    # claim that skips a boundary with an ellipsis, or alters its words).
    wanted = plan.expandable(passage_reads.positions_of(session, [c.id for c in candidates]))
    stretches = _stretches(session, wanted, engine_passages.reach(claim.text), {s.id: s for s in known}) \
        if wanted else []
    return engine_passages.verify(claim, candidates, known, stretches, plan.scores)


def _stretches(session: Session, quote_ids: Sequence[int], reach: int,
               refs: dict[Any, SpeakerRef]) -> list[Stretch]:
    by_source: dict[int, dict[int, CanonicalQuote]] = {}
    for sid, pos, quote in passage_reads.stretches_around(session, quote_ids, reach, refs):
        by_source.setdefault(sid, {})[pos] = quote
    return [Stretch(sid, tuple(sorted(run.items()))) for sid, run in by_source.items()]


def _span(m: Match) -> tuple[Any, Any, Optional[PassageId]]:
    """(first quote id, last quote id, passage id or None) of a match."""
    qid = m.quote.id
    if isinstance(qid, PassageId):
        return qid.quote_ids[0], qid.quote_ids[-1], qid
    return qid, qid, None


def _contexts(session: Session, spans: Sequence[tuple[Any, Any, Optional[PassageId]]],
              links: dict[Any, list[dict[str, Any]]]) -> list[Optional[dict]]:
    """Each span's context, from its quotes' links (:func:`passage_reads.source_links`)
    to sources that hold a document or a sequence."""
    def link(quote_id: Any, source_id: Optional[Any]) -> Optional[Any]:
        rows = [r for r in links.get(quote_id, []) if r["position"] is not None or r["doc_start"] is not None]
        if source_id is not None:
            rows = [r for r in rows if r["source_id"] == source_id]
        # A document first, then a sequence.
        return next((r for r in rows if r["doc_before"] is not None), rows[0] if rows else None)

    picked = []
    in_sequence: set[Any] = set()  # quotes whose context is their sequence's neighbours
    for first, last, pid in spans:
        a = link(first, pid.source_id if pid else None)
        b = link(last, a["source_id"]) if a is not None else None
        picked.append((a, b))
        if a is not None and b is not None and a["doc_before"] is None and a["position"] is not None \
                and b["position"] is not None:
            in_sequence.update((first, last))
    texts = passage_reads.sequence_neighbours(session, sorted(in_sequence), CONTEXT_SENTENCES) if in_sequence else {}

    out: list[Optional[dict]] = []
    for a, b in picked:
        if a is None or b is None:
            out.append(None)
            continue
        if a["doc_before"] is not None and b["doc_after"] is not None:
            before = context_before(a["doc_before"], CONTEXT_SENTENCES)
            after = context_after(b["doc_after"], CONTEXT_SENTENCES)
        elif a["position"] is not None and b["position"] is not None:
            sid = a["source_id"]
            before = " ".join(_run(texts, sid, a["position"], -1))
            after = " ".join(_run(texts, sid, b["position"], 1))
        else:
            out.append(None)
            continue
        out.append({"source_id": a["source_id"], "url": a["url"], "title": a["title"],
                    "publisher": a["publisher"], "before": before, "after": after})
    return out


def _run(texts: dict[tuple[int, int], str], sid: int, pos: int, step: int) -> list[str]:
    """The texts of up to CONTEXT_SENTENCES consecutive positions next to ``pos``, in order."""
    out = []
    for k in range(1, CONTEXT_SENTENCES + 1):
        t = texts.get((sid, pos + step * k))
        if t is None:
            break
        out.append(t)
    return out[::-1] if step < 0 else out


def answer(session: Session, verdict: Verdict, quote_serializer: Callable[[Any], dict],
           records: Optional[dict[int, Any]] = None) -> dict[str, Any]:
    """The verify answer's JSON, with ``passage`` and ``context`` in each match.
    ``records``: rows already read (the candidates', :func:`passage_reads.quote_rows`)."""
    shown = ([verdict.match] if verdict.match else []) + list(verdict.alternatives)
    spans = [_span(m) for m in shown]
    links = passage_reads.source_links(session, sorted({i for first, last, _ in spans for i in (first, last)}))
    by_id = passage_reads.quote_records(session, sorted({first for first, _, _ in spans}), links, records)
    out = engine.verdict_to_dict(verdict, lambda cq: quote_serializer(by_id[_span_of(cq)]))
    contexts = _contexts(session, spans, links) if shown else []
    dicts = ([out["match"]] if out["match"] else []) + out["alternatives"]
    for d, m, (_, _, pid), context in zip(dicts, shown, spans, contexts):
        d["passage"] = ({"source_id": pid.source_id, "quote_ids": list(pid.quote_ids), "text": m.quote.text}
                        if pid else None)
        d["context"] = context
    return out


def _span_of(cq: CanonicalQuote) -> Any:
    return cq.id.quote_ids[0] if isinstance(cq.id, PassageId) else cq.id
