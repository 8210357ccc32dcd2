"""Assemble a verdict: which canonical quote a claim comes from, and what is wrong.

The caller (the service, a bulk job, the benchmark) retrieves a few dozen
candidate quotes; this module reranks them, aligns the best few word by word,
checks speaker, date and place against the chosen one, and explains every
problem in a sentence a journalist can paste.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Callable, Iterable, Optional, Sequence

from .align import align, quick_score
from .dates import LocalZone, compare_date, parse_instant, parse_when
from .model import (
    CanonicalQuote,
    Claim,
    DiffOp,
    FieldCheck,
    Issue,
    Match,
    Note,
    SpeakerRef,
    TextMatch,
    Verdict,
)
from .places import compare_place, describe_place, resolve_place
from .speakers import compare_speaker
from .wording import MAX_QUOTED_CHANGES, changes

# Thresholds. MATCH_THRESHOLD is calibrated on bench/engine_accuracy.py
# (see docs/calibration.md): the lowest alignment score at which the claimed
# words are still the canonical quote reported with changes, rather than a
# different sentence that shares some words.
MATCH_THRESHOLD = 65.0
# A quote of this many words or fewer ("not bad", "inadequate") is found but
# never verified on the strength of its words alone.
SHORT_QUOTE_WORDS = 3
# Candidates whose text fits within this many points of the best one are
# "about equally good" (a stock line repeated at several events); among them
# the one whose speaker, date and place fit the claim wins.
TIE_MARGIN = 3.0
# How many candidates, after the cheap pre-score, get a full word alignment.
ALIGN_TOP = 8
# How many alternatives an answer lists.
MAX_ALTERNATIVES = 5

_FIT = {"match": 2, "not_claimed": 1, "ambiguous": 1, "unknown": 1, "unparseable": 1, "mismatch": 0}


def verify(
    claim: Claim,
    candidates: Iterable[CanonicalQuote],
    known_speakers: Sequence[SpeakerRef] = (),
) -> Verdict:
    """Judge a claim against candidate canonical quotes."""
    candidates = list(candidates)
    if not claim.text or not claim.text.strip() or not candidates:
        return _no_match()

    prescored = sorted(
        ((quick_score(claim.text, c.text), i, c) for i, c in enumerate(candidates)),
        key=lambda t: (-t[0], t[1]),
    )[:ALIGN_TOP]

    known = _known(known_speakers, candidates)
    instant = parse_instant(claim.date) is not None
    matches: list[Match] = []
    for _, _, quote in prescored:
        text = align(claim.text, quote.text)
        if text.score < MATCH_THRESHOLD:
            continue
        matches.append(
            Match(
                quote=quote,
                score=round(text.score, 1),
                text=text,
                speaker=compare_speaker(claim.speaker, quote.speaker, known, _first_day(quote.spoken_at)),
                date=compare_date(claim.date, quote.spoken_at, claim.reference_date,
                                  _local_zone(quote.location) if instant else None),
                location=compare_place(claim.location, quote.location),
            )
        )
    if not matches:
        return _no_match()

    best_text = max(m.score for m in matches)
    matches.sort(key=lambda m: _rank(m, best_text), reverse=True)
    best, others = matches[0], matches[1:MAX_ALTERNATIVES + 1]

    if best.text.claimed_words <= SHORT_QUOTE_WORDS and not _narrowed(best, matches):
        return Verdict(
            verdict="unverified",
            match=best,
            alternatives=others,
            reason="too_short",
            message=(
                f"\u201c{claim.text.strip()}\u201d is too short to verify on its own words; "
                "give the speaker and the date or place to narrow it down."
            ),
        )

    issues = _issues(claim, best)
    if issues:
        return Verdict(verdict="mismatch", issues=issues, match=best, alternatives=others)
    unchecked = _unchecked(best)
    if unchecked:
        reason, message = unchecked
        return Verdict(verdict="unverified", match=best, alternatives=others, reason=reason, message=message)
    return Verdict(verdict="verified", match=best, alternatives=others)


# A claim is verified only when everything it claims was checked. A claimed
# field the engine could not check (a name several stored speakers share, a
# date it cannot read, a place it cannot place, a record that says nothing
# about the date or place) makes the verdict "unverified" with the first of
# these reasons, and the sentences of all of them. (field, status, reason)
UNCHECKED = (
    ("speaker", "ambiguous", "ambiguous_speaker"),
    ("speaker", "unknown", "unchecked_speaker"),
    ("date", "unparseable", "unchecked_date"),
    ("date", "unknown", "unchecked_date"),
    ("location", "unknown", "unchecked_place"),
)


def _unchecked(m: Match) -> Optional[tuple[str, str]]:
    """The reason and sentences when a claimed field of ``m`` went unchecked."""
    found = [(reason, getattr(m, field)) for field, status, reason in UNCHECKED
             if getattr(m, field).status == status]
    if not found:
        return None
    messages = [check.message or _UNCHECKED_FALLBACK[reason].format(claimed=check.claimed)
                for reason, check in found]
    return found[0][0], " ".join(messages)


_UNCHECKED_FALLBACK = {
    "ambiguous_speaker": "\u201c{claimed}\u201d could mean more than one speaker on record. "
                         "Name the speaker in full to verify.",
    "unchecked_speaker": "\u201c{claimed}\u201d could not be checked against the speaker on record.",
    "unchecked_date": "The date \u201c{claimed}\u201d could not be checked against the record.",
    "unchecked_place": "Verbatim could not check the place \u201c{claimed}\u201d against the record.",
}


def _first_day(spoken_at: Optional[str]) -> Optional[date]:
    span = parse_when(spoken_at) if spoken_at else None
    return span.start if span is not None else None


def _local_zone(location: Optional[str]) -> Optional[LocalZone]:
    """The time zone where the record says the quote was said, if known."""
    place = resolve_place(location) if location else None
    if place is None or not place.timezone:
        return None
    return LocalZone(place.timezone, place.name)


def _no_match() -> Verdict:
    return Verdict(verdict="unverified", message="No quote on record matches these words.")


def _known(given: Sequence[SpeakerRef], candidates: list[CanonicalQuote]) -> list[SpeakerRef]:
    seen: dict = {}
    for s in list(given) + [c.speaker for c in candidates]:
        seen.setdefault(s.id if s.id is not None else s.name, s)
    return list(seen.values())


def _rank(m: Match, best_text: float) -> tuple:
    """Text first; within the tie margin, the claim's facts decide."""
    tied = m.score >= best_text - TIE_MARGIN
    fit = _FIT[m.speaker.status] + _FIT[m.date.status] + _FIT[m.location.status]
    return (tied, fit if tied else 0, m.score, m.text.coverage)


def _narrowed(best: Match, matches: list[Match]) -> bool:
    """A short quote counts only if the claimed speaker and context pin it down."""
    if best.speaker.status != "match":
        return False
    if "match" not in (best.date.status, best.location.status):
        return False
    if best.date.status == "mismatch" or best.location.status == "mismatch":
        return False
    # Another speaker's quote with the same words leaves it open.
    return all(m.quote.speaker == best.quote.speaker for m in matches if m.score >= best.score - TIE_MARGIN)


# --- issues and their sentences -------------------------------------------------


def _issues(claim: Claim, m: Match) -> list[Issue]:
    q = m.quote
    who = q.speaker.name
    where = f" in {describe_place(q.location)}" if q.location else ""
    when = f" on {m.date.canonical}" if m.date.canonical else ""
    issues: list[Issue] = []
    if m.speaker.status == "mismatch":
        issues.append(Issue(
            type="misattributed",
            claimed=claim.speaker,
            canonical=who,
            message=f"{who} said this{where}{when}, not {claim.speaker.strip()}.",
        ))
    if m.text.status == "altered":
        issues.append(Issue(
            type="altered_wording",
            claimed=claim.text,
            canonical=canonical_span(m.text.diff),
            message=_wording_message(who, m.text, claim.text, q.text),
        ))
    if m.date.status == "mismatch":
        issues.append(Issue(
            type="wrong_date",
            claimed=claim.date,
            canonical=q.spoken_at,
            message=f"{who} said this{where} on {m.date.canonical}, not on {m.date.claimed}.",
        ))
    if m.location.status == "mismatch":
        issues.append(Issue(
            type="wrong_location",
            claimed=claim.location,
            canonical=q.location,
            message=f"{who} said this in {describe_place(q.location)}{when}, "
            f"not in {describe_place(claim.location)}.",
        ))
    return issues


def canonical_span(diff: Sequence[DiffOp]) -> str:
    """The canonical words the claim quotes, with gaps shown as ellipses."""
    out: list[str] = []
    pending_gap = False
    for op in diff:
        if op.gap:
            pending_gap = bool(out)
            continue
        if op.canonical:
            if pending_gap:
                out.append("\u2026")
                pending_gap = False
            out.append(op.canonical)
    return " ".join(out)


_FLAG_WORDS = {"negation": "a negation", "number": "a number", "name": "a name"}


def _wording_message(who: str, text: TextMatch, claimed: str = "", canonical: str = "") -> str:
    """What differs, quoted side by side from the two texts: "the record says
    “to avoid a meeting”, the claim “the meeting to not happen”"."""
    listed = []
    found = changes(text.diff, claimed, canonical)
    for record, claim in found[:MAX_QUOTED_CHANGES]:
        if record and claim:
            listed.append(f"the record says \u201c{record}\u201d, the claim \u201c{claim}\u201d")
        elif claim:
            listed.append(f"the claim adds \u201c{claim}\u201d")
        else:
            listed.append(f"the claim leaves out \u201c{record}\u201d")
    more = len(found) - len(listed)
    if more:
        listed.append(f"and {more} more difference{'s' if more > 1 else ''}")
    flags = [_FLAG_WORDS[f] for f in text.flags if f in _FLAG_WORDS]
    meaning = f" (this changes {' and '.join(flags)})" if flags else ""
    if not listed:
        return f"The wording differs from what {who} said{meaning}."
    return f"The wording differs from what {who} said: {'; '.join(listed)}{meaning}."


# --- JSON ------------------------------------------------------------------------

QuoteSerializer = Callable[[CanonicalQuote], dict]


def _default_quote(q: CanonicalQuote) -> dict:
    d = asdict(q)
    d["speaker"] = q.speaker.name
    return d


# Written out by hand rather than with dataclasses.asdict: asdict deep-copies
# every value of every diff step, and a verify answer's diffs are most of the
# time a verify spends building its JSON. tests/unit/test_verify.py checks
# that both give the same dict.

def _diff_op(op: DiffOp) -> dict:
    return {"op": op.op, "claimed": op.claimed, "canonical": op.canonical, "gap": op.gap,
            "editorial": op.editorial}


def _note(n: Note) -> dict:
    return {"type": n.type, "claimed": n.claimed, "canonical": n.canonical, "message": n.message}


def _text_match(t: TextMatch) -> dict:
    return {"status": t.status, "score": t.score, "coverage": t.coverage,
            "diff": [_diff_op(op) for op in t.diff], "flags": list(t.flags),
            "claimed_words": t.claimed_words, "notes": [_note(n) for n in t.notes]}


def _field_check(f: FieldCheck) -> dict:
    return {"status": f.status, "claimed": f.claimed, "canonical": f.canonical, "message": f.message}


def _issue(i: Issue) -> dict:
    return {"type": i.type, "claimed": i.claimed, "canonical": i.canonical, "message": i.message}


def match_to_dict(m: Match, quote_serializer: Optional[QuoteSerializer] = None) -> dict:
    return {
        "quote": (quote_serializer or _default_quote)(m.quote),
        "score": m.score,
        "text": _text_match(m.text),
        "speaker": _field_check(m.speaker),
        "date": _field_check(m.date),
        "location": _field_check(m.location),
    }


def verdict_to_dict(v: Verdict, quote_serializer: Optional[QuoteSerializer] = None) -> dict:
    """The JSON shape of POST /api/v1/verify."""
    out = {
        "verdict": v.verdict,
        "issues": [_issue(i) for i in v.issues],
        "match": match_to_dict(v.match, quote_serializer) if v.match else None,
        "alternatives": [match_to_dict(a, quote_serializer) for a in v.alternatives],
    }
    if v.reason:
        out["reason"] = v.reason
    if v.message:
        out["message"] = v.message
    return out


__all__ = ["verify", "verdict_to_dict", "match_to_dict", "canonical_span", "FieldCheck", "UNCHECKED"]
