"""Passages: claims whose words run across consecutive quotes of one source.

A transcript is stored sentence by sentence, so a reporter quoting two or
three sentences in a row quotes several stored quotes at once, and no single
one of them matches. The service hands over, next to the usual candidates,
the stretches of their sources around them (:class:`Stretch`: quotes in the
order they were said). For a candidate the claim's words go beyond, the
claim is aligned with a window of its stretch; the run of quotes the claimed
words fall in is a *passage*, a candidate like any other whose text is the
quotes' words joined. :func:`verify` then judges passages and quotes
together with the engine's one judgement (:func:`verification.verify.verify`),
so the diff, the text status and the issues of a passage are those of its
whole text.

The service may also name *seeds*: quotes it found by the words around their
boundary with the quote before them (``app.repository.boundary_key``), which
are looked at first whatever the candidates are. A passage that holds the
claim's words as they are is judged with the quotes that hold them too, not
with the quotes that hold only part of them.

An ellipsis in the claim may skip quotes of the passage (the alignment
treats the skipped words as a gap). A passage is one person's only when all
of it is: one joining two speakers' words, or skipping with an ellipsis what
someone else said in between, is reported as a ``spliced`` issue (and the
speaker check says whose words they are), never verified.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Optional, Sequence

from . import verify as _verify
from .align import align, quick_score
from .model import CanonicalQuote, Claim, FieldCheck, Issue, Match, SpeakerRef, Verdict
from .normalize import normalize_text, tokenize
from .places import describe_place

__all__ = ["Passage", "PassageId", "Plan", "Stretch", "expandable", "plan", "reach", "verify"]

# How many candidates (best first by the cheap pre-score) are looked at as
# possible parts of a passage.
EXPAND_TOP = 4
# A passage window reaches at most this many quotes to each side of a candidate...
MAX_REACH = 12
# ...and, beyond the claim's own length in words, this many more when the
# claim has an ellipsis (what it skips).
ELLIPSIS_WORDS = 120

_ELLIPSIS = re.compile(r"[\[(]\s*(?:\.\s*){3,}[\])]|[\[(]\s*\u2026\s*[\])]|\u2026|\.(?:\s*\.){2,}")


@dataclass(frozen=True)
class PassageId:
    """The id of a passage candidate: its source and its quotes' ids, in order."""

    source_id: Any
    quote_ids: tuple[Any, ...]


@dataclass(frozen=True)
class Stretch:
    """Consecutive quotes of one source as ``(position, quote)``, positions
    ascending (a missing position ends a run: nothing is joined across it)."""

    source_id: Any
    quotes: tuple[tuple[int, CanonicalQuote], ...]


@dataclass(frozen=True)
class Passage:
    source_id: Any
    quotes: tuple[CanonicalQuote, ...]
    quoted: tuple[bool, ...]  # which quotes the claim quotes words of (others: skipped by an ellipsis)
    exact: bool = False  # the claim's words are in it as they are (found without an alignment)

    @property
    def id(self) -> PassageId:
        return PassageId(self.source_id, tuple(q.id for q in self.quotes))

    @property
    def text(self) -> str:
        return " ".join(q.text for q in self.quotes)

    def speakers(self, quoted_only: bool = False) -> list[SpeakerRef]:
        out: dict[Any, SpeakerRef] = {}
        for q, used in zip(self.quotes, self.quoted):
            if used or not quoted_only:
                out.setdefault(q.speaker.id if q.speaker.id is not None else q.speaker.name, q.speaker)
        return list(out.values())

    def as_quote(self) -> CanonicalQuote:
        first = next(q for q, used in zip(self.quotes, self.quoted) if used)
        return CanonicalQuote(id=self.id, text=self.text, speaker=first.speaker, spoken_at=first.spoken_at,
                              location=first.location, event=first.event)


# --- which candidates, and how far --------------------------------------------------------


def _pieces(claim_text: str) -> list[str]:
    return [p for p in (normalize_text(x) for x in _ELLIPSIS.split(claim_text)) if p]


def _within(pieces: Sequence[str], text: str) -> bool:
    """Whether the claim's pieces are the quote's own words, in order."""
    canon = f" {normalize_text(text)} "
    pos = 0
    for p in pieces:
        i = canon.find(f" {p} ", pos)
        if i < 0:
            return False
        pos = i + len(p) + 1
    return True


@dataclass
class Plan:
    """Whether a claim may be a passage, and which candidates to look at.

    ``needed`` is False when the claim is one of the best candidates' own
    words: no passage can do better, and the usual claim costs no extra
    query. Otherwise :meth:`expandable` names the candidates whose
    neighbours the service should fetch.
    """

    claim_text: str
    ranked: list[CanonicalQuote]  # the candidates, best first by the cheap pre-score
    needed: bool
    scores: dict[Any, float] = field(default_factory=dict)  # the pre-scores, by candidate id

    def expandable(self, positions: Optional[Mapping[Any, Sequence[tuple[Any, int]]]] = None,
                   top: int = EXPAND_TOP) -> list[Any]:
        """Ids of up to ``top`` candidates to look at as parts of a passage.

        The ``top`` best by the pre-score that belong to a sequence; with
        ``positions`` (each candidate's ``(source, position)`` places), also
        up to ``top`` more, best first, that have another candidate right
        next to them in the same source: a passage is most likely where the
        claim's sentences are found next to each other (a line said in many
        speeches is one candidate per speech, and only some speeches go on as
        the claim does).
        """
        if not self.needed:
            return []
        if positions is None:
            return [c.id for c in self.ranked[:top]]
        placed = [(c, positions.get(c.id) or ()) for c in self.ranked]
        placed = [(c, places) for c, places in placed if places]
        chosen = [c.id for c, _ in placed[:top]]
        taken = set(chosen)
        spots = {(sid, pos) for _, places in placed for sid, pos in places}
        for c, places in placed[top:]:
            if len(chosen) >= 2 * top:
                break
            if any((sid, pos + d) in spots for sid, pos in places for d in (-1, 1)) and c.id not in taken:
                chosen.append(c.id)
                taken.add(c.id)
        return chosen


def plan(claim_text: str, candidates: Sequence[CanonicalQuote], top: int = EXPAND_TOP,
         scores: Optional[Mapping[Any, float]] = None) -> Plan:
    """Rank the candidates by the cheap pre-score (``scores`` already known are reused)."""
    pieces = _pieces(claim_text)
    known = dict(scores or {})
    for c in candidates:
        if c.id not in known:
            known[c.id] = quick_score(claim_text, c.text)
    ranked = sorted(candidates, key=lambda c: -known[c.id])
    needed = bool(pieces) and not any(_within(pieces, c.text) for c in ranked[:top])
    return Plan(claim_text, ranked, needed, known)


def expandable(claim_text: str, candidates: Sequence[CanonicalQuote],
               positions: Optional[Mapping[Any, Sequence[tuple[Any, int]]]] = None,
               top: int = EXPAND_TOP) -> list[Any]:
    """Ids of the candidates worth looking at as parts of a passage (see :class:`Plan`)."""
    return plan(claim_text, candidates, top).expandable(positions, top)


def _claim_words(claim_text: str) -> int:
    return sum(not t.editorial for t in tokenize(claim_text))


def reach(claim_text: str) -> int:
    """How many positions to each side of a candidate the service should fetch."""
    words = _claim_words(claim_text)
    extra = 6 if _ELLIPSIS.search(claim_text) else 0
    return min(MAX_REACH, 2 + math.ceil(words / 3) + extra)


# --- assembling passages ------------------------------------------------------------------


def _words(q: CanonicalQuote) -> int:
    return max(1, len(q.text.split()))  # a budget, not a count: whitespace words are close enough


def _window(run: Mapping[int, CanonicalQuote], pos: int, budget: int) -> list[tuple[int, CanonicalQuote]]:
    out = [(pos, run[pos])]
    for step in (-1, 1):
        words, p = 0, pos + step
        while p in run and abs(p - pos) <= MAX_REACH and words < budget:
            out.append((p, run[p]))
            words += _words(run[p])
            p += step
    out.sort(key=lambda t: t[0])
    return out


def _span(quoted: list[bool]) -> Optional[tuple[int, int, list[bool]]]:
    if not any(quoted):
        return None
    first = quoted.index(True)
    last = len(quoted) - 1 - quoted[::-1].index(True)
    return first, last, quoted[first:last + 1]


def _located(pieces: Sequence[str], window: Sequence[CanonicalQuote]) -> Optional[tuple[int, int, list[bool]]]:
    """The claim's pieces found word for word in the window's words, in order
    (most passage claims): which quotes they fall in, without an alignment."""
    starts, joined = [], [" "]
    pos = 1
    for q in window:
        words = normalize_text(q.text)
        starts.append(pos)
        joined.append(words + " ")
        pos += len(words) + 1
    text = "".join(joined)
    quoted = [False] * len(window)
    at = 0
    for p in pieces:
        i = text.find(f" {p} ", at)
        if i < 0:
            return None
        a, b = i + 1, i + 1 + len(p)
        for k in range(bisect_right(starts, a) - 1, bisect_right(starts, b - 1)):
            quoted[k] = True
        at = b
    return _span(quoted)


def _aligned(claim_text: str, window: Sequence[CanonicalQuote]) -> Optional[tuple[int, int, list[bool]]]:
    """Which quotes of ``window`` the claim's words fall in, by aligning them
    (an altered claim): (first, last, quoted flags)."""
    starts, pos = [], 0
    for q in window:
        starts.append(pos)
        pos += len(q.text) + 1
    text = " ".join(q.text for q in window)
    tm = align(claim_text, text)
    if tm.score < _verify.MATCH_THRESHOLD:
        return None
    toks = tokenize(text)
    quoted = [False] * len(window)
    k = 0
    for op in tm.diff:
        if op.op == "insert":
            continue
        if k >= len(toks):
            return None  # the diff does not walk the tokens as expected: no passage
        if not op.gap and op.op in ("equal", "substitute") and not (op.editorial and toks[k].editorial):
            quoted[bisect_right(starts, toks[k].start) - 1] = True
        k += 1
    return _span(quoted) if k == len(toks) else None


def assemble(claim_text: str, candidates: Sequence[CanonicalQuote], stretches: Iterable[Stretch],
             top: int = EXPAND_TOP, scores: Optional[Mapping[Any, float]] = None,
             seeds: Iterable[Any] = (), exact_only: bool = False) -> list[Passage]:
    """The passages the claim's words run across (two quotes or more).
    ``scores``: the candidates' pre-scores, when the caller has them
    (:attr:`Plan.scores`); ``seeds``: ids of quotes in the stretches to look
    at whatever their score (the service found them by their boundary);
    ``exact_only``: only passages holding the claim's words as they are."""
    stretches_list = list(stretches)
    runs: dict[Any, dict[int, CanonicalQuote]] = {}
    where: dict[Any, list[tuple[Any, int]]] = {}
    for st in stretches_list:
        run = runs.setdefault(st.source_id, {})
        for p, q in st.quotes:
            run[p] = q
            where.setdefault(q.id, []).append((st.source_id, p))
    if not runs:
        return []
    # Every candidate in the stretches (the service fetched them around the
    # ones worth it), best first.
    wanted = set(plan(claim_text, [c for c in candidates if c.id in where], top, scores).expandable(where, top * 2))
    wanted.update(i for i in seeds if i in where)
    candidates = [*candidates, *(q for i in sorted(set(seeds) - {c.id for c in candidates})
                                 for q in [_quote_in(stretches_list, i)] if q is not None)]
    budget = _claim_words(claim_text) + (ELLIPSIS_WORDS if _ELLIPSIS.search(claim_text) else 0)
    seeded = set(seeds)
    windows: list[tuple[Any, int, list[tuple[int, CanonicalQuote]]]] = []
    for c in sorted((c for c in candidates if c.id in wanted), key=lambda c: c.id not in seeded):
        for sid, pos in where.get(c.id, ()):
            window = _window(runs[sid], pos, budget)
            if len(window) > 1:
                windows.append((sid, pos, window))
    # The claim's words found as they are first (most claims); only if no
    # window holds them, by alignment (an altered claim): around the seeds
    # first, which a claim holding a boundary's four words is likely to be
    # about, and around the other candidates only if that finds nothing.
    pieces = _pieces(claim_text)
    found = _passages(windows, lambda quotes: _located(pieces, quotes), exact=True)
    if found or exact_only:
        return found
    first = [w for w in windows if any(q.id in seeded for _, q in w[2])]
    aligned = _passages(first, lambda quotes: _aligned(claim_text, quotes))
    return aligned or _passages([w for w in windows if w not in first],
                                lambda quotes: _aligned(claim_text, quotes))


def _quote_in(stretches: Sequence[Stretch], quote_id: Any) -> Optional[CanonicalQuote]:
    return next((q for st in stretches for _, q in st.quotes if q.id == quote_id), None)


def _passages(windows: Sequence[tuple[Any, int, list[tuple[int, CanonicalQuote]]]], cover: Any,
              exact: bool = False) -> list[Passage]:
    """The passages ``cover`` finds in the windows around candidates (a
    candidate already in a passage found is not looked at again)."""
    found: dict[PassageId, Passage] = {}
    inside: set[tuple[Any, int]] = set()
    for sid, pos, window in windows:
        if (sid, pos) in inside:
            continue
        covered = cover([q for _, q in window])
        if covered is None:
            continue
        first, last, quoted = covered
        if first == last:
            continue
        part = window[first:last + 1]
        inside.update((sid, p) for p, _ in part)
        passage = Passage(sid, tuple(q for _, q in part), tuple(quoted), exact)
        found.setdefault(passage.id, passage)
    return list(found.values())


# --- judging ---------------------------------------------------------------------------


def _names(speakers: Sequence[SpeakerRef]) -> str:
    names = [s.name for s in speakers]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _spliced(claim: Claim, passage: Passage, q: CanonicalQuote) -> tuple[Issue, FieldCheck]:
    quoted = passage.speakers(quoted_only=True)
    everyone = passage.speakers()
    places = {x.location for x in passage.quotes}
    where = f" in {describe_place(q.location)}" if q.location and len(places) == 1 else ""
    if len(quoted) > 1:
        message = (f"These words join what {_names(quoted)} said{where}: they are not one person's "
                   "quote.")
        who = quoted
    else:
        others = [s for s in everyone if s not in quoted]
        message = (f"{quoted[0].name} said these words{where}, but not as one remark: the ellipsis "
                   f"skips what {_names(others)} said in between.")
        who = everyone
    issue = Issue(type="spliced", claimed=claim.text, canonical=passage.text, message=message)
    check = FieldCheck(status="mismatch" if claim.speaker else "not_claimed", claimed=claim.speaker,
                       canonical=_names(who), message=message)
    return issue, check


def _best(candidates: Sequence[CanonicalQuote], scores: Optional[Mapping[Any, float]]) -> list[CanonicalQuote]:
    """The candidates the single-quote judgement would align: its best
    ``ALIGN_TOP`` by the pre-score, when the scores are known (the same
    ones, in the same order, without scoring every candidate again)."""
    if not scores or any(c.id not in scores for c in candidates):
        return list(candidates)
    return sorted(candidates, key=lambda c: -scores[c.id])[:_verify.ALIGN_TOP]


def verify(claim: Claim, candidates: Sequence[CanonicalQuote], known_speakers: Sequence[SpeakerRef] = (),
           stretches: Iterable[Stretch] = (), scores: Optional[Mapping[Any, float]] = None,
           seeds: Iterable[Any] = ()) -> Verdict:
    """:func:`verification.verify.verify` over the candidates and the passages
    they are part of. A matched passage's ``quote.id`` is its :class:`PassageId`.
    ``scores``: the candidates' pre-scores if known (:attr:`Plan.scores`);
    ``seeds``: quotes of the stretches to look at as parts of a passage
    whatever their pre-score (see :func:`assemble`)."""
    passages = {p.id: p for p in assemble(claim.text, candidates, stretches, scores=scores, seeds=seeds)}
    # Passages first: the cheap pre-score ranks a quote contained in the
    # claim as highly as one containing it, and on equal scores the earlier
    # candidate is aligned. A line repeated in many speeches would otherwise
    # fill the aligned few with its copies and leave the passage out. When a
    # passage holds the claim's words as they are, only a quote holding them
    # as well can match as well (someone else's, say, who also said them):
    # those are judged with the passages, and no quote that is only part of
    # the claim (the alternatives are the same words said elsewhere).
    pool = [p.as_quote() for p in passages.values()]
    best = _best(candidates, scores)
    if any(p.exact for p in passages.values()):
        pieces = _pieces(claim.text)
        pool += [c for c in best if _within(pieces, c.text)]
    else:
        pool += best
    verdict = _verify.verify(claim, pool, known_speakers)
    if not passages or verdict.match is None:
        return verdict

    def mixed(m: Match) -> Optional[tuple[Issue, FieldCheck]]:
        p = passages.get(m.quote.id)
        if p is None or len(p.speakers()) < 2:
            return None
        return _spliced(claim, p, m.quote)

    alternatives = []
    for alt in verdict.alternatives:
        found = mixed(alt)
        alternatives.append(replace(alt, speaker=found[1]) if found else alt)
    verdict = replace(verdict, alternatives=alternatives)
    found = mixed(verdict.match)
    if found is None:
        return verdict
    issue, check = found
    issues = [issue, *(i for i in verdict.issues if i.type != "misattributed")]
    return replace(verdict, verdict="mismatch", issues=issues, match=replace(verdict.match, speaker=check),
                   reason=None, message=None)
