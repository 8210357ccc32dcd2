"""Reading a word diff the way a copy editor does.

Two questions about an altered quote:

* **Does it change a negation?** :func:`negation_changed` answers for one
  differing stretch (the claim's words and the record's words there). A
  stretch changes a negation when one side negates what the other asserts:
  a negation word ("not", "never", "no", any "n't" form) is on one side and
  not on the other, *and* the rest of the stretch says the same thing (the
  content words of one side, stemmed, are among the other's). "already not
  bad" / "already bad" does; "never refused" / "refused" does. A rewording
  that carries its own negative sense on the other side does not: "to avoid
  a meeting" / "the meeting to not happen" and "did not win" / "lost" put a
  different word (``avoid``, ``lost``) where the negation is, so neither
  side asserts what the other negates. No list of negative verbs is needed:
  the test is whether the words around the negation are the same.
* **What differs, in words?** :func:`changes` groups the diff's differing
  steps into stretches (adjacent steps, and steps one unchanged word apart)
  and quotes each side as written in its text: the record says "to avoid a
  meeting", the claim "the meeting to not happen".
"""
from __future__ import annotations

from typing import Optional, Sequence

from verification.model import DiffOp
from verification.normalize import STOPWORDS, Token, _tokenize, is_negation

__all__ = ["negation_changed", "changes", "quote_span", "MAX_QUOTED_CHANGES"]

# Two differing stretches at most this many unchanged words apart are quoted
# as one ("to avoid a meeting" / "the meeting to not happen" share "to").
BRIDGE_WORDS = 1
# A side of a stretch longer than this is quoted by its ends.
MAX_QUOTED_WORDS = 12
# How many differing stretches a wording message quotes before "and N more".
MAX_QUOTED_CHANGES = 3
_SUFFIXES = ("ing", "ed", "es", "s", "e")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _content(words: Sequence[str]) -> set[str]:
    return {_stem(w) for w in words if w not in STOPWORDS and not is_negation(w)}


def negation_changed(claimed: Sequence[str], record: Sequence[str]) -> bool:
    """Whether, in one differing stretch, one side negates what the other
    asserts (normalised words of each side)."""
    if any(map(is_negation, claimed)) == any(map(is_negation, record)):
        return False
    a, b = _content(claimed), _content(record)
    return a <= b or b <= a


def quote_span(text: str, toks: Sequence[Token]) -> str:
    """The words ``toks`` (in order) as written in ``text``, with the
    brackets around them; a long run is quoted by its ends."""
    if len(toks) > MAX_QUOTED_WORDS:
        half = MAX_QUOTED_WORDS // 2 - 1
        return quote_span(text, toks[:half]) + " \u2026 " + quote_span(text, toks[-half:])
    start, end = toks[0].start, toks[-1].end
    while start > 0 and text[start - 1] in "[(":
        start -= 1
    while end < len(text) and text[end] in "])":
        end += 1
    return " ".join(text[start:end].split())


def _changed(op: DiffOp) -> bool:
    return op.op != "equal" and not op.editorial and not op.gap


def _stretches(diff: Sequence[DiffOp]) -> list[tuple[int, int]]:
    """[a, b) ranges of ``diff`` holding its differing steps, joined when at
    most BRIDGE_WORDS unchanged steps (and no gap) lie between them, and
    taking in the bracket steps next to them (a bracket that stands for part
    of a changed stretch is quoted with it)."""
    out: list[tuple[int, int]] = []
    for n, op in enumerate(diff):
        if not _changed(op):
            continue
        if out and n - out[-1][1] <= BRIDGE_WORDS and not any(d.gap for d in diff[out[-1][1]:n]):
            out[-1] = (out[-1][0], n + 1)
        else:
            out.append((n, n + 1))
    for x, (a, b) in enumerate(out):
        while a > 0 and _bracket(diff[a - 1]):
            a -= 1
        while b < len(diff) and _bracket(diff[b]):
            b += 1
        out[x] = (a, b)
    return out


def _bracket(op: DiffOp) -> bool:
    return op.editorial and not op.gap and op.op != "equal"


def changes(diff: Sequence[DiffOp], claimed: str, canonical: str) -> list[tuple[Optional[str], Optional[str]]]:
    """The differing stretches of ``diff`` as (record's words, claim's words),
    quoted from the two texts; None for a side with no words (an addition or
    an omission at the very edge of the quote). A stretch with one side
    empty is widened by the unchanged word on each side, so that both read
    as phrases ("already not bad" / "already bad")."""
    ctoks, ktoks = _tokenize(claimed), _tokenize(canonical)
    at: list[tuple[int, int]] = []  # (claim token, record token) per step; -1 for none
    ci = ki = 0
    for op in diff:
        c = k = -1
        if op.op != "delete":
            c, ci = ci, ci + 1
        if op.op != "insert":
            k, ki = ki, ki + 1
        at.append((c, k))
    if ci != len(ctoks) or ki != len(ktoks):  # not a diff of these texts
        return []
    out = []
    for a, b in _stretches(diff):
        cs = [c for c, _ in at[a:b] if c >= 0]
        ks = [k for _, k in at[a:b] if k >= 0]
        if not cs or not ks:
            if a > 0 and not diff[a - 1].gap:
                a -= 1
            if b < len(diff) and not diff[b].gap:
                b += 1
            cs = [c for c, _ in at[a:b] if c >= 0]
            ks = [k for _, k in at[a:b] if k >= 0]
        out.append((quote_span(canonical, [ktoks[k] for k in ks]) if ks else None,
                    quote_span(claimed, [ctoks[c] for c in cs]) if cs else None))
    return out
