"""Word-level alignment of a claimed quote against one canonical quote.

``align(claimed, canonical)`` says how the claimed words relate to the words
on record (:class:`verification.model.TextMatch`): the same text, the same
words in other typography, a fragment (possibly several pieces joined by
ellipses), or an altered version, with a word-level diff and flags for
meaning-changing edits.

How it works, per ellipsis-separated piece of the claim, left to right:

1. *Locate* the piece in the canonical words not yet used. An exact run of
   words is found by a plain string search. Otherwise Myers' bit-parallel
   approximate matching (edit distance to every canonical substring, one
   big-int step per canonical word) gives the end positions of the best
   windows, and a second pass over the reversed texts gives their starts.
   When editorial words are around, the same is done on the canonical
   without its editorial words, and windows are widened over adjacent
   editorial words.
2. *Diff* each candidate window (:func:`verification.diff.steps`) and keep
   the one with the fewest real alterations (editorial words, brackets that
   may stand for the record's words and names in another spelling are
   free), then the most matched words, then the length closest to the piece.

Canonical words before, between and after the chosen windows are ``delete``
ops with ``gap=True``.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from verification.diff import edge_brackets, name_like, steps
from verification.editorial import bracket_fits
from verification.model import DiffOp, Note, TextMatch
from verification.normalize import STOPWORDS, Token, _tokenize, collapse_whitespace, is_negation, number_value
from verification.wording import negation_changed, quote_span

__all__ = ["align", "quick_score"]

_OPEN_QUOTES = "\"'\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019\u201a\u2039\u203a"
_CLOSE_QUOTES = "\"'\u201c\u201d\u00bb\u00ab\u2019\u2018\u203a\u2039"
_MAX_ENDS = 3
_MAX_STARTS = 3


# --------------------------------------------------------------------------
# Prepared word sequences (cached per text)
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Seq:
    toks: tuple[Token, ...]
    keys: tuple[str, ...]
    ed: tuple[bool, ...]  # editorial flags
    ned: tuple[int, ...]  # ned[i]: non-editorial words among toks[:i]
    core: tuple[int, ...]  # indices of the non-editorial words
    has_editorial: bool
    joined: str  # " k0 k1 ... kn " for exact-run search
    offsets: tuple[int, ...]  # offsets[i]: index in joined of the space before toks[i]

    @property
    def n_content(self) -> int:
        return self.ned[-1]


def _make_seq(toks: tuple[Token, ...]) -> _Seq:
    # One pass over the tokens (this runs for every candidate a verify reads).
    keys: list[str] = []
    ed: list[bool] = []
    ned = [0]
    core: list[int] = []
    offsets: list[int] = []
    pos = n = 0
    for i, t in enumerate(toks):
        k, e = t.norm, t.editorial
        keys.append(k)
        ed.append(e)
        offsets.append(pos)
        pos += len(k) + 1
        if not e:
            n += 1
            core.append(i)
        ned.append(n)
    return _Seq(
        toks=toks,
        keys=tuple(keys),
        ed=tuple(ed),
        ned=tuple(ned),
        core=tuple(core),
        has_editorial=n < len(toks),
        joined=" " + " ".join(keys) + " ",
        offsets=tuple(offsets),
    )


@dataclass(frozen=True, slots=True)
class _Text:
    whole: _Seq
    pieces: tuple[_Seq, ...]  # split at ellipses
    caps: frozenset[str]  # words the text shows to be names (_name_evidence)
    plain: str  # whitespace-collapsed, enclosing quote marks removed


def _strip_enclosing_quotes(s: str) -> str:
    while len(s) >= 2 and s[0] in _OPEN_QUOTES and s[-1] in _CLOSE_QUOTES:
        s = s[1:-1].strip()
    return s


def _name_evidence(toks: tuple[Token, ...]) -> frozenset[str]:
    """Words the text shows to be names: written capitalised in mid-sentence,
    or capitalised at a sentence's start right before such a word ("Donald
    Trump", "Scott Walker")."""
    caps = {t.norm for t in toks if t.capitalized and not t.sentence_start and t.norm not in STOPWORDS}
    for t, nxt in zip(toks, toks[1:]):
        if t.sentence_start and t.capitalized and nxt.norm in caps and not nxt.sentence_start:
            caps.add(t.norm)
    return frozenset(caps)


@lru_cache(maxsize=4096)
def _prep(text: str) -> _Text:
    toks = _tokenize(text)
    pieces: list[tuple[Token, ...]] = []
    start = 0
    for i, t in enumerate(toks):
        if t.gap_before and i > start:
            pieces.append(toks[start:i])
            start = i
    if start < len(toks):
        pieces.append(toks[start:])
    whole = _make_seq(toks)
    return _Text(
        whole=whole,
        # Without an ellipsis the one piece is the whole text: prepared once.
        pieces=(whole,) if len(pieces) == 1 and len(pieces[0]) == len(toks) else tuple(_make_seq(p) for p in pieces),
        caps=_name_evidence(toks),
        plain=_strip_enclosing_quotes(collapse_whitespace(text)),
    )


# --------------------------------------------------------------------------
# Locating a piece
# --------------------------------------------------------------------------


def _myers(pattern: tuple[str, ...] | list[str], text: tuple[str, ...] | list[str]) -> list[int]:
    """For each position j of ``text``: the least edit distance between
    ``pattern`` and a substring of ``text`` ending at j (inclusive).

    Myers (1999) / Hyyrö bit-vector algorithm, the pattern's columns packed in
    one Python int.
    """
    m = len(pattern)
    peq: dict[str, int] = {}
    bit = 1
    for k in pattern:
        peq[k] = peq.get(k, 0) | bit
        bit <<= 1
    mask = bit - 1
    high = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    out: list[int] = []
    get = peq.get
    append = out.append
    for k in text:
        eq = get(k, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) ^ pv) | eq) & mask
        ph = mv | (mask ^ (xh | pv))
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = (ph << 1) & mask
        pv = ((mh << 1) & mask) | (mask ^ (xv | ph))
        mv = ph & xv
        append(score)
    return out


def _windows(pattern: list[str] | tuple[str, ...], text: list[str] | tuple[str, ...]) -> list[tuple[int, int]]:
    """Windows ``(s, e)`` of ``text`` at the least edit distance from
    ``pattern``: the first few best ends, and for each the starts giving the
    lengths closest to the pattern's."""
    m = len(pattern)
    if not m or not text:
        return []
    scores = _myers(pattern, text)
    d = min(scores)
    ends = [j + 1 for j, sc in enumerate(scores) if sc == d]
    # The first few best ends, and the last: a claim that rewords the
    # record's closing words ties with one that stops before them.
    ends = ends[:_MAX_ENDS] + ends[-1:] if len(ends) > _MAX_ENDS else ends
    n_starts = _MAX_STARTS
    if 2 * d > m:
        # Mostly unrelated: one window is enough, the claim is altered anyway.
        ends, n_starts = ends[:1], 1
    rpattern = pattern[::-1]
    out = []
    for e in ends:
        a = max(0, e - m - d)
        rscores = _myers(rpattern, text[a:e][::-1])
        starts = [e - 1 - r for r, sc in enumerate(rscores) if sc == d]
        starts.sort(key=lambda s: abs(e - s - m))
        out.extend((s, e) for s in starts[:n_starts])
    return out


def _occurrences(canon: _Seq, words: tuple[str, ...], lo: int, limit: int = 3) -> list[int]:
    """Start indexes (>= lo) of the first few exact runs of ``words``."""
    needle = " " + " ".join(words) + " "
    out: list[int] = []
    pos = canon.joined.find(needle, canon.offsets[lo])
    while pos >= 0 and len(out) < limit:
        out.append(bisect_left(canon.offsets, pos))
        pos = canon.joined.find(needle, pos + 1)
    return out


def _anchored(piece: _Seq, canon: _Seq, lo: int, cands: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Windows that begin where the piece's words before its first bracket
    occur, or end where its words after the last bracket do. The nearest
    windows by edit distance skip the record words a bracket stands for
    when they outnumber it ("[the Democrats]" for "the people on the other
    side"); these do not."""
    toks = piece.toks
    first = next(i for i, t in enumerate(toks) if t.group)
    last = max(i for i, t in enumerate(toks) if t.group)
    starts = _occurrences(canon, piece.keys[:first], lo) if first else []
    ends = [i + len(toks) - last - 1 for i in _occurrences(canon, piece.keys[last + 1:], lo)] \
        if last < len(toks) - 1 else []
    out = set()
    for a in starts:
        out.update((a, e) for _, e in cands if e > a)
        out.update((a, e) for e in ends if e > a)
    for e in ends:
        out.update((s, e) for s, _ in cands if s < e)
    return out


def _place(piece: _Seq, canon: _Seq, lo: int, caps: frozenset[str]) -> tuple[int, int, int, int, list]:
    """The window canon[s:e] (s >= lo) for ``piece``: (s, e, alterations,
    matched words, diff steps)."""
    n = len(canon.keys)
    m = len(piece.keys)
    # Fast path: the piece's words occur as they are.
    pos = canon.joined.find(piece.joined, canon.offsets[lo] if lo < n else len(canon.joined))
    if pos >= 0:
        s = bisect_left(canon.offsets, pos)
        return s, s + m, 0, m, [("equal", s, s + m, 0, m)]
    if lo >= n:
        return n, n, piece.n_content, 0, [("insert", n, n, 0, m)]

    cands = set((lo + s, lo + e) for s, e in _windows(piece.keys, canon.keys[lo:]))
    if canon.has_editorial or piece.has_editorial:
        # Again without editorial words, so that skipping them costs nothing.
        core = [i for i in canon.core if i >= lo]
        pcore = [piece.keys[i] for i in piece.core]
        if core and pcore:
            ckeys = [canon.keys[i] for i in core]
            for s, e in _windows(pcore, ckeys):
                cands.add((core[s], core[e - 1] + 1))
        if canon.has_editorial:
            ed = canon.ed
            for s, e in list(cands):
                s2, e2 = s, e
                while s2 > lo and ed[s2 - 1]:
                    s2 -= 1
                while e2 < n and ed[e2]:
                    e2 += 1
                cands.update(((s2, e), (s, e2), (s2, e2)))
    if piece.has_editorial and cands:
        cands |= _anchored(piece, canon, lo, cands)
    if not cands:
        cands.add((lo, min(n, lo + m)))

    best = None
    for s, e in cands:
        cost, matched, st = steps(piece, canon, s, e, caps)
        # A bracket is read as standing for as few record words as it can.
        absorbed = sum(x[2] - x[1] for x in st if x[0] == "bracket") if piece.has_editorial else 0
        key = (cost, -matched, absorbed, abs(e - s - m), e, -s)
        if best is None or key < best[0]:
            best = (key, s, e, cost, matched, st)
    assert best is not None
    _, s, e, cost, matched, st = best
    if piece.has_editorial:
        return edge_brackets(piece, canon, lo, s, e, cost, matched, st, caps)
    return s, e, cost, matched, st


# --------------------------------------------------------------------------
# The diff
# --------------------------------------------------------------------------


def _pairs(ctoks, ktoks, editorial: bool) -> list[DiffOp]:
    """Diff ops for a bracket (or a rewritten one) and the record words it
    stands for: one op per word on each side, paired from the left."""
    ops = []
    for x in range(max(len(ctoks), len(ktoks))):
        c = ctoks[x] if x < len(ctoks) else None
        k = ktoks[x] if x < len(ktoks) else None
        if c is not None and k is not None:
            ops.append(DiffOp("substitute", c.raw, k.raw, editorial=editorial))
        elif c is not None:
            ops.append(DiffOp("insert", claimed=c.raw, editorial=editorial))
        else:
            ops.append(DiffOp("delete", canonical=k.raw, editorial=editorial or k.editorial))
    return ops


def _negation_changed(claim_side: list[Token], claim_run: list[int],
                      canon_side: list[Token], canon_run: list[int]) -> bool:
    """Whether, in some differing stretch, one side negates what the other
    asserts (:func:`verification.wording.negation_changed`)."""
    if not any(is_negation(t.norm) for t in claim_side) and not any(is_negation(t.norm) for t in canon_side):
        return False
    runs: dict[int, tuple[list[str], list[str]]] = {}
    for t, r in zip(claim_side, claim_run):
        runs.setdefault(r, ([], []))[0].append(t.norm)
    for t, r in zip(canon_side, canon_run):
        runs.setdefault(r, ([], []))[1].append(t.norm)
    return any(negation_changed(c, k) for c, k in runs.values())


def align(claimed: str, canonical: str) -> TextMatch:
    """How the words of ``claimed`` relate to the words of ``canonical``.

    Status: ``exact`` (same characters but for whitespace), ``normalized``
    (same words, whole quote), ``fragment`` (same words, part(s) of the
    quote) or ``altered`` (any word added, removed or changed inside a quoted
    span). Editorial words (bracketed, in either text) never count as
    alteration, and a bracket in the claim may stand for a few words of the
    record (:mod:`verification.editorial`); a name spelled another way is
    the same word, with a note. ``score`` is 100 unless altered, then the
    share of aligned words that match; ``coverage`` the share of the
    canonical's non-editorial words the claim quotes.
    """
    ctext = _prep(claimed)
    ktext = _prep(canonical)
    canon = ktext.whole
    ktoks = canon.toks
    n = len(ktoks)
    caps = ctext.caps | ktext.caps
    claimed_words = ctext.whole.n_content

    diff: list[DiffOp] = []
    notes: list[Note] = []
    cost = matched = covered = skipped = 0
    # Altered words of each side, and the differing stretch ("run") each is
    # in, for the number and negation flags.
    claim_side: list[Token] = []
    canon_side: list[Token] = []
    claim_run: list[int] = []
    canon_run: list[int] = []
    run = 0
    name = False

    def gap(i0: int, i1: int) -> int:
        for i in range(i0, i1):
            k = ktoks[i]
            diff.append(DiffOp("delete", canonical=k.raw, gap=True, editorial=k.editorial))
        return canon.ned[i1] - canon.ned[i0]

    def note(type_: str, c: str, k: str, message: str) -> None:
        if not any(x.type == type_ and x.claimed == c and x.canonical == k for x in notes):
            notes.append(Note(type_, c, k, message))

    pos = 0
    for piece in ctext.pieces:
        s, e, p_cost, p_matched, steps_ = _place(piece, canon, pos, caps)
        cost += p_cost
        matched += p_matched
        skipped += gap(pos, s)
        run += 1
        ptoks = piece.toks
        for tag, i1, i2, j1, j2 in steps_:
            if tag == "equal" or tag == "spelled":
                for x in range(i2 - i1):
                    c, k = ptoks[j1 + x], ktoks[i1 + x]
                    diff.append(DiffOp("equal", c.raw, k.raw, editorial=c.editorial or k.editorial))
                    covered += not k.editorial
                if tag == "spelled":
                    note("name_spelling", c.raw, k.raw,
                         f"\u201c{c.raw}\u201d is spelled \u201c{k.raw}\u201d on record.")
                run += 1
            elif tag == "delete":
                for k in ktoks[i1:i2]:
                    diff.append(DiffOp("delete", canonical=k.raw, editorial=k.editorial))
                said = [k for k in ktoks[i1:i2] if not k.editorial]
                canon_side.extend(said)
                canon_run.extend([run] * len(said))
            elif tag == "insert":
                for c in ptoks[j1:j2]:
                    diff.append(DiffOp("insert", claimed=c.raw, editorial=c.editorial))
                added = [c for c in ptoks[j1:j2] if not c.editorial]
                claim_side.extend(added)
                claim_run.extend([run] * len(added))
            elif tag == "substitute":
                c, k = ptoks[j1], ktoks[i1]
                diff.append(DiffOp("substitute", c.raw, k.raw))
                claim_side.append(c)
                canon_side.append(k)
                claim_run.append(run)
                canon_run.append(run)
                name = name or name_like(c, caps) or name_like(k, caps)
            elif tag == "bracket":
                cs, ks = ptoks[j1:j2], ktoks[i1:i2]
                diff.extend(_pairs(cs, ks, True))
                covered += canon.ned[i2] - canon.ned[i1]
                said = quote_span(canonical, ks)
                note("bracket", quote_span(claimed, cs), said,
                     f"\u201c{quote_span(claimed, cs)}\u201d stands for \u201c{said}\u201d on record.")
                run += 1
            else:  # rewrite: a bracket that may not stand for these words
                cs, ks = ptoks[j1:j2], ktoks[i1:i2]
                diff.extend(_pairs(cs, ks, False))
                said = [k for k in ks if not k.editorial]
                claim_side.extend(cs)
                canon_side.extend(said)
                claim_run.extend([run] * len(cs))
                canon_run.extend([run] * len(said))
                name = name or bracket_fits(cs, ks, lambda k: name_like(k, caps)) == "name"
        pos = e
    skipped += gap(pos, n)

    flags: list[str] = []
    if _negation_changed(claim_side, claim_run, canon_side, canon_run):
        flags.append("negation")
    claim_nums = sorted(v for v in (number_value(t.norm) for t in claim_side) if v is not None)
    canon_nums = sorted(v for v in (number_value(t.norm) for t in canon_side) if v is not None)
    if claim_nums != canon_nums:
        flags.append("number")
    if name:
        flags.append("name")

    if claimed_words == 0:
        status, score = "altered", 0.0
    elif cost:
        status, score = "altered", round(100.0 * matched / (matched + cost), 1)
    elif skipped:
        status, score = "fragment", 100.0
    elif ctext.plain == ktext.plain:
        status, score = "exact", 100.0
    else:
        status, score = "normalized", 100.0

    total = canon.n_content
    coverage = round(covered / total, 4) if total else 0.0
    return TextMatch(
        status=status,
        score=score,
        coverage=coverage,
        diff=diff,
        flags=flags,
        claimed_words=claimed_words,
        notes=notes,
    )


# --------------------------------------------------------------------------
# Cheap pre-score
# --------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _claim_pieces_text(claimed: str) -> tuple[tuple[str, ...], ...]:
    """The claim's ellipsis-separated pieces as normalised strings: all words,
    and, if the claim has bracketed words, again without them."""
    pieces = _prep(claimed).pieces
    variants = [tuple(" ".join(piece.keys) for piece in pieces)]
    if any(piece.has_editorial for piece in pieces):
        bare = (" ".join(t.norm for t in piece.toks if not t.editorial) for piece in pieces)
        variants.append(tuple(p for p in bare if p))
    return tuple(v for v in variants if v)


def _pieces_score(pieces: tuple[str, ...], canon: str) -> float:
    total = sum(len(p) for p in pieces)
    partial = sum((100.0 if p in canon else fuzz.partial_ratio(p, canon)) * len(p) for p in pieces) / total
    tokens = fuzz.token_set_ratio(" ".join(pieces), canon)
    return 0.8 * partial + 0.2 * tokens


def quick_score(claimed: str, canonical: str) -> float:
    """A cheap 0-100 similarity for ranking candidates before :func:`align`.

    Each ellipsis piece of the claim is scored with ``partial_ratio`` (best
    matching substring) against the normalised canonical, weighted by its
    length; a fragment of a long quote therefore scores 100. A fifth of the
    score is ``token_set_ratio``, which rewards shared vocabulary. Bracketed
    claim words are tried both ways (kept and left out).
    """
    # The same tokens align() uses (cached), not a second tokenisation.
    canon = _prep(canonical).whole.joined[1:-1]
    variants = _claim_pieces_text(claimed)
    if not canon or not variants:
        return 0.0
    return round(max(_pieces_score(v, canon) for v in variants), 2)
