"""An altered passage judged without candidate retrieval, when no single quote could rival it.

A claim whose four-word runs hit the boundary index (:func:`app.passages.by_boundaries`)
but whose words are not a passage's as they are (an edited passage, another
speaker named) used to pay full candidate retrieval: its word pairs are
spread over two quotes, each said in many speeches, so the probe reads
hundreds of copies of each and the engine aligns ten of them. Yet once the
boundary index hit, the general path judges only the passages of the
boundary's stretches (:func:`app.passages.judge` assembles no others): what
retrieval adds is single quotes. One of them changes the verdict only if it
ranks with the best passage ``P``: an alignment score at least ``P``'s less
the engine's tie margin (at least ``P``'s when ``P``'s speaker, date and
place fit as well as any record's could).

That bounds such a *rival*. Its score is ``matched / (matched + alterations)``
with ``matched`` at most the claim's words, so it has at most ``a``
alterations against the claim (:func:`rival_alterations`). Every pair of
consecutive claim words that no alteration touches is a pair of consecutive
words of the rival, which its stored word pairs (``quotes.shingles``) hold.
An alteration breaks at most the pairs around one claim word (or the one
pair a word the record adds sits in). A name in another spelling costs no
alteration, so pairs touching a capitalised claim word are never counted
on. Hence (:func:`_most_broken`):

* a claim pair *no quote holds* (the two around an edited word, the one
  across the passage's boundary) must be broken in the rival: if ``a``
  alterations cannot break them all, there is no rival at all;
* else, on each side of the boundary, the rival lacks at most as many of
  the claim's pairs that some quote holds as the alterations can break
  there; one more of them, the rarest, and the rival holds one. One query
  (the two sides' postings intersected,
  :func:`app.passage_reads.quotes_holding_both`) finds every rival, usually
  none: no single quote holds the words of both quotes of a passage.

The rivals found are judged with the passages; the verdict is then the one
general retrieval would give, or better (no copy of half the claim crowds a
passage out of the few quotes the engine aligns). Not covered: a record
that puts bracketed words (free in the alignment) between claim words on
every pair counted on. A claim with brackets or an ellipsis, too few pairs
on a side, or more rivals than the engine aligns goes the general way.
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Optional, Sequence

from sqlalchemy.orm import Session

from verification import passages as engine_passages
from verification import verify as engine_verify
from verification.diff import _I_FORMS
from verification.model import Claim, Match, SpeakerRef, Verdict
from verification.normalize import tokenize
from verification.passages import PassageId, Stretch
from verification.speakers import fold_name

from . import engine, passage_reads, retrieval, search_keys

# How the engine ranks a match's facts.
_FIT = engine_verify._FIT
# More alterations than this: the general way (the enumeration below branches on each).
MAX_ALTERATIONS = 6


def rival_alterations(m: Match) -> int:
    """The most alterations a single quote can have against the claim and
    still rank with ``m`` (see the module's docstring)."""
    fields = (m.speaker, m.date, m.location)
    best_fit = sum(_FIT["not_claimed"] if f.status == "not_claimed" else _FIT["match"] for f in fields)
    fit = sum(_FIT[f.status] for f in fields)
    margin = 0.0 if fit >= best_fit else engine_verify.TIE_MARGIN
    # Scores are rounded to a tenth: a rival rounded up to the floor counts.
    floor = max(engine_verify.MATCH_THRESHOLD, m.score - margin) - 0.1
    n = m.text.claimed_words
    return math.floor(n * (100.0 - floor) / floor)


class _Pairs:
    """The claim's search words (:func:`app.engine.search_text`) and its
    pairs of consecutive ones, by position ``j`` (words ``j`` and ``j + 1``):
    ``held`` (some quote holds the pair: its count), ``unheld`` (no quote
    does), the others neither (two function words, a word that could be a
    name in another spelling, beyond the pairs looked up). ``windows``: the
    positions each alteration can break."""

    def __init__(self, words: list[str], named: list[bool], spans: list[tuple[int, int]],
                 counts: dict[str, float], looked_up: set[str]):
        self.words = words
        self.held: dict[int, float] = {}
        self.unheld: set[int] = set()
        last = len(words) - 2
        for j in range(last + 1):
            a, b = words[j], words[j + 1]
            if named[j] or named[j + 1] or (a in search_keys.PAIR_STOP and b in search_keys.PAIR_STOP):
                continue
            token = search_keys.pair_token(a, b)
            if token in counts:
                self.held[j] = counts[token]
            elif token in looked_up:
                self.unheld.add(j)
        windows = {frozenset(range(max(0, s - 1), min(last, e - 1) + 1)) for s, e in spans}  # a word altered
        windows |= {frozenset({e - 1}) for _, e in spans[:-1] if 0 <= e - 1 <= last}  # a word added after it
        self.windows = [w for w in windows if w]

    def side(self, split: int, left: bool) -> list[int]:
        """Held positions entirely before word ``split`` (or from it on), rarest first."""
        ps = [j for j in self.held if (j + 1 < split if left else j >= split)]
        return sorted(ps, key=lambda j: self.held[j])


def _claim_pairs(session: Session, claim_text: str) -> Optional[_Pairs]:
    """The claim's pairs, or None for a claim the bound does not cover
    (brackets, an ellipsis, search words not the alignment's)."""
    toks = tokenize(claim_text)
    if not toks or any(t.editorial for t in toks) or len(engine_passages._pieces(claim_text)) != 1:
        return None
    words: list[str] = []
    named: list[bool] = []
    spans: list[tuple[int, int]] = []
    for t in toks:
        parts = engine.index_tokens(t.norm)
        name = t.capitalized and t.norm not in _I_FORMS and len(fold_name(t.raw)) > 1
        spans.append((len(words), len(words) + len(parts)))
        words += parts
        named += [name] * len(parts)
    text = engine.search_text(claim_text)
    if words != text.split():
        return None
    looked_up = set(search_keys.pair_tokens(text)[:retrieval.PAIR_TOKENS_LOOKED_UP])
    counts = dict(retrieval.pair_plan(session, claim_text).present)
    return _Pairs(words, named, spans, counts, looked_up)


def _most_broken(pairs: _Pairs, sides: Sequence[set[int]], alterations: int) -> Optional[list[int]]:
    """For each side, the most of its positions a rival's ``alterations``
    can break while breaking every unheld pair (an upper bound); None when
    they cannot break every unheld pair: no rival."""
    best: Optional[list[int]] = None

    def walk(broken: frozenset, left: int) -> None:
        nonlocal best
        rest = pairs.unheld - broken
        if rest:
            if left:
                j = min(rest)
                for w in pairs.windows:
                    if j in w:
                        walk(broken | w, left - 1)
            return
        # Alterations left over break the most they can on each side.
        counts = [len(s & broken) + left * max((len(s & w) for w in pairs.windows), default=0) for s in sides]
        best = counts if best is None else [max(x, y) for x, y in zip(best, counts)]

    walk(frozenset(), alterations)
    return best


def splits(words: Sequence[str], hit_keys: Iterable[int]) -> list[int]:
    """The word indexes where a passage boundary the index found falls in
    the claim (the first word after it)."""
    hit = set(hit_keys)
    return sorted({i + 2 for i in range(len(words) - 3)
                   if search_keys._four_key(*words[i:i + 4]) in hit})


def _rival_probe(pairs: _Pairs, hit_keys: Iterable[int],
                 alterations: int) -> Optional[tuple[list[str], list[str]]]:
    """The pair tokens of each side to look up, ``([], [])`` when no rival
    can exist, None when the bound does not hold at any boundary."""
    for split in splits(pairs.words, hit_keys):
        left, right = pairs.side(split, True), pairs.side(split, False)
        most = _most_broken(pairs, (set(left), set(right)), alterations)
        if most is None:
            return [], []
        if len(left) > most[0] and len(right) > most[1]:
            # A rival holds one of any (most + 1) of a side's positions: the rarest.
            token = lambda j: search_keys.pair_token(pairs.words[j], pairs.words[j + 1])  # noqa: E731
            return [token(j) for j in left[:most[0] + 1]], [token(j) for j in right[:most[1] + 1]]
    return None


def judge(session: Session, claim: Claim, known: Sequence[SpeakerRef], stretches: Sequence[Stretch],
          seeds: dict[Any, Any], hit_keys: Iterable[int], verdict: Optional[Verdict] = None) -> Optional[Verdict]:
    """The verdict over the boundary's passages and every single quote that
    could rival them, or None when that cannot be shown without general
    retrieval. ``verdict``: the passages' verdict if already judged."""
    pairs = _claim_pairs(session, claim.text)
    if pairs is None:
        return None
    if verdict is None:
        verdict = engine_passages.verify(claim, [], known, stretches, seeds=seeds)
    m = verdict.match
    if m is None or not isinstance(m.quote.id, PassageId):
        return None
    alterations = rival_alterations(m)
    if alterations > MAX_ALTERATIONS:
        return None
    probe = _rival_probe(pairs, hit_keys, alterations)
    if probe is None:
        return None
    if not probe[0]:
        return verdict
    cap = engine_verify.ALIGN_TOP
    ids = passage_reads.quotes_holding_both(session, probe[0], probe[1], cap + 1)
    if len(ids) > cap:
        return None
    if not ids:
        return verdict
    rivals = retrieval.quotes_by_id(session, ids)
    speakers = {s.id: s for s in known} | {q.speaker.id: q.speaker for q in rivals}
    return engine_passages.verify(claim, rivals, list(speakers.values()), stretches, seeds=seeds)
