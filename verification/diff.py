"""The word-level diff of one claimed piece against a window of the record.

``steps(piece, canon, s, e, caps)`` compares the piece's words with
``canon.toks[s:e]`` and says, stretch by stretch, what each difference is,
and what it costs: how many words of the quote it alters. A step is
``(tag, i1, i2, j1, j2)``: record words ``canon.toks[i1:i2]`` against the
piece's words ``piece.toks[j1:j2]``. Tags, and what each costs:

* ``equal``: the same words, one for one. Free.
* ``spelled``: one name in another spelling ("Zelensky" / "Zelenskyy"). Free.
* ``substitute``: one word for another, one on each side. 1.
* ``insert``: claim words the record lacks. 1 a word; bracketed words are
  the editor's and free.
* ``delete``: record words the claim leaves out. 1 a word; the record's
  own bracketed words are free.
* ``bracket``: a claim bracket standing for record words ("[the
  Republicans]'ve" for "they've"). Free.
* ``rewrite``: a claim bracket that may not stand for them (too long, a
  negation, a number, another name), or a bracketed negation the record
  lacks. 1 a word, at least 1.

Words are first aligned by ``rapidfuzz``'s Levenshtein opcodes on their
normalised forms. A claim without brackets is read off those opcodes
directly (the common case, and the fast one). When the claim has brackets,
every differing stretch that touches a bracket is re-aligned by a small
dynamic programme in which a bracket, with the letters glued to it, is one
unit that may stand for up to a few record words
(:func:`verification.editorial.bracket_fits`).

A bracket at the very start or end of a piece has no quoted word on one
side, so the window can always read it as standing for nothing: "[Putin] is
ready" would be the fragment "is ready" with a name put before it.
:func:`edge_brackets` checks the record word right next to such a bracket:
if it is a negation, a number or a name the bracket does not restate
("Zelenskyy", "not", "five"), the bracket rewrites it.
"""
from __future__ import annotations

from typing import Callable, Optional

from rapidfuzz.distance import Levenshtein

from verification.editorial import bracket_fits, same_name
from verification.normalize import STOPWORDS, Token, is_negation

__all__ = ["steps", "step_cost", "name_like", "edge_brackets"]

Step = tuple[str, int, int, int, int]
# The longest run of record words a bracket is tried against (it may stand
# for at most MAX_BRACKET_WORDS of them; longer tries only show what it
# replaced, as a rewrite).
_MAX_SPAN = 8
# A differing stretch with a bracket is re-aligned by the dynamic programme
# when (claim words x record words) is at most this; a longer one (another
# sentence, mostly: most candidates are) keeps the opcodes' pairing.
_MAX_CELLS = 40
_I_FORMS = frozenset({"i", "i'm", "i've", "i'll", "i'd"})
# Reasons a bracket may not stand for a word that change what the quote means.
_MEANING = frozenset({"negation", "number", "name"})


def name_like(t: Token, caps: frozenset[str]) -> bool:
    """A capitalised word that is not a pronoun or another function word
    ("We're" opening a quoted sentence is no name), and not capitalised merely
    because it starts a sentence (unless ``caps`` vouches for it: written
    capitalised elsewhere, or followed by another name, "Donald Trump")."""
    return (t.capitalized and t.norm not in STOPWORDS and t.norm not in _I_FORMS
            and (not t.sentence_start or t.norm in caps))


def _spelled(c: Token, k: Token, caps: frozenset[str]) -> bool:
    return c.capitalized and k.capitalized and (name_like(c, caps) or name_like(k, caps)) and same_name(c, k)


def step_cost(step: Step, ned_claim: tuple[int, ...], ned_canon: tuple[int, ...]) -> tuple[int, int]:
    """(alterations, matched words) of one step; ``ned_*[i]`` counts the
    non-bracketed words before position i on each side."""
    tag, i1, i2, j1, j2 = step
    if tag == "equal":
        return 0, i2 - i1
    if tag == "spelled":
        return 0, 1
    if tag == "substitute":
        return 1, 0
    if tag == "insert":
        return ned_claim[j2] - ned_claim[j1], 0
    if tag == "delete":
        return ned_canon[i2] - ned_canon[i1], 0
    if tag == "bracket":
        return 0, min(1, ned_canon[i2] - ned_canon[i1])  # one unit, however many words it stands for
    return max(1, ned_canon[i2] - ned_canon[i1], ned_claim[j2] - ned_claim[j1]), 0  # rewrite


def steps(piece, canon, s: int, e: int, caps: frozenset[str]) -> tuple[int, int, list[Step]]:
    """(alterations, matched words, steps) of ``piece`` against canon[s:e]."""
    ops = Levenshtein.opcodes(canon.keys[s:e], piece.keys).as_list()
    ptoks, ktoks = piece.toks, canon.toks
    pned, kned = piece.ned, canon.ned
    out: list[Step] = []
    cost = matched = 0
    if piece.has_editorial:
        _bracket_steps(piece, canon, s, ops, caps, out)
        for st in out:
            c, m = step_cost(st, pned, kned)
            cost += c
            matched += m
        return cost, matched, out
    # No brackets in the claim (the common case): the opcodes as they are,
    # costed inline.
    for tag, i1, i2, j1, j2 in ops:
        i1 += s
        i2 += s
        if tag == "equal":
            matched += i2 - i1
        elif tag == "insert":
            cost += j2 - j1
        elif tag == "delete":
            cost += kned[i2] - kned[i1]
        else:
            for x in range(i2 - i1):
                if _spelled(ptoks[j1 + x], ktoks[i1 + x], caps):
                    out.append(("spelled", i1 + x, i1 + x + 1, j1 + x, j1 + x + 1))
                    matched += 1
                else:
                    out.append(("substitute", i1 + x, i1 + x + 1, j1 + x, j1 + x + 1))
                    cost += 1
            continue
        out.append((tag, i1, i2, j1, j2))
    return cost, matched, out


def _bracket_steps(piece, canon, s: int, ops: list, caps: frozenset[str], out: list[Step]) -> None:
    """Steps for a piece with brackets: the opcodes word by word, then every
    differing stretch that touches a bracket re-aligned with the bracket
    (and the letters glued to it) as one unit."""
    ptoks, ktoks = piece.toks, canon.toks
    pairs: list[tuple[int, int]] = []  # (claim index or -1, record index or -1)
    for tag, i1, i2, j1, j2 in ops:
        i1 += s
        i2 += s
        if tag == "equal" or tag == "replace":
            pairs.extend(zip(range(j1, j2), range(i1, i2)))
        elif tag == "delete":
            pairs.extend((-1, i) for i in range(i1, i2))
        else:
            pairs.extend((j, -1) for j in range(j1, j2))
    hot = [j < 0 or i < 0 or ptoks[j].norm != ktoks[i].norm for j, i in pairs]
    # A bracket is read whole: if any of its words differs, all of them do.
    groups = {ptoks[j].group for (j, _), h in zip(pairs, hot) if h and j >= 0} - {0}
    if groups:
        hot = [h or (j >= 0 and ptoks[j].group in groups) for (j, _), h in zip(pairs, hot)]
    j_at, i_at = 0, s
    n, total = 0, len(pairs)
    while n < total:
        h = hot[n]
        m = n
        while m < total and hot[m] == h:
            m += 1
        js = [j for j, _ in pairs[n:m] if j >= 0]
        is_ = [i for _, i in pairs[n:m] if i >= 0]
        j1, j2 = (js[0], js[-1] + 1) if js else (j_at, j_at)
        i1, i2 = (is_[0], is_[-1] + 1) if is_ else (i_at, i_at)
        if not h:
            out.append(("equal", i1, i2, j1, j2))
        elif any(ptoks[j].group for j in js) and len(js) * (i2 - i1) <= _MAX_CELLS:
            out.extend(_realign(piece, canon, i1, i2, j1, j2, caps))
        else:
            _pairwise(piece, canon, pairs[n:m], j_at, i_at, caps, out)
        j_at, i_at = j2, i2
        n = m


def _pairwise(piece, canon, pairs: list[tuple[int, int]], j_at: int, i_at: int, caps: frozenset[str],
              out: list[Step]) -> None:
    """Steps for a differing stretch as the opcodes paired its words (a
    stretch too long to re-align: a different sentence, mostly); a bracket
    stands for the record words paired with it."""
    ptoks, ktoks = piece.toks, canon.toks
    is_name: Callable[[Token], bool] = lambda k: name_like(k, caps)  # noqa: E731
    n = 0
    while n < len(pairs):
        j, i = pairs[n]
        g = ptoks[j].group if j >= 0 else 0
        if g and any(t.editorial and t.group == g for t in ptoks):
            end = n
            while end + 1 < len(pairs) and (pairs[end + 1][0] < 0 or ptoks[pairs[end + 1][0]].group == g):
                end += 1
            while pairs[end][0] < 0:  # deletions after the bracket are not its own
                end -= 1
            ks = [x for _, x in pairs[n:end + 1] if x >= 0]
            a, b = j, pairs[end][0] + 1
            i1, i2 = (ks[0], ks[-1] + 1) if ks else (i_at, i_at)
            why = bracket_fits(ptoks[a:b], ktoks[i1:i2], is_name) if ks else (
                "negation" if any(t.editorial and is_negation(t.norm) for t in ptoks[a:b]) else None)
            out.append(("bracket" if why is None and ks else "insert" if why is None else "rewrite",
                        i1, i2, a, b))
            j_at, i_at, n = b, i2, end + 1
            continue
        if j >= 0 and i >= 0:
            tag = "spelled" if _spelled(ptoks[j], ktoks[i], caps) else "substitute"
            out.append((tag, i, i + 1, j, j + 1))
        elif j >= 0:
            out.append(("insert", i_at, i_at, j, j + 1))
        else:
            out.append(("delete", i, i + 1, j_at, j_at))
        j_at = j + 1 if j >= 0 else j_at
        i_at = i + 1 if i >= 0 else i_at
        n += 1


def _items(ptoks, j1: int, j2: int) -> list[tuple[int, int, bool]]:
    """The claim words j1..j2 as (start, end, is a bracket unit)."""
    items = []
    j = j1
    while j < j2:
        g = ptoks[j].group
        k = j + 1
        if g:
            while k < j2 and ptoks[k].group == g:
                k += 1
            if not any(ptoks[x].editorial for x in range(j, k)):  # glued to an empty bracket
                items.extend((x, x + 1, False) for x in range(j, k))
                j = k
                continue
        items.append((j, k, bool(g)))
        j = k
    return items


def _realign(piece, canon, i1: int, i2: int, j1: int, j2: int, caps: frozenset[str]) -> list[Step]:
    """The cheapest steps for claim words j1..j2 against record words i1..i2,
    a bracket unit standing for 0.._MAX_SPAN record words."""
    ptoks, ktoks = piece.toks, canon.toks
    pned, kned = piece.ned, canon.ned
    items = _items(ptoks, j1, j2)
    P, R = len(items), i2 - i1
    is_name: Callable[[Token], bool] = lambda k: name_like(k, caps)  # noqa: E731
    # best[x][y]: (cost, -matched, previous cell, step) for items[:x] against record[i1:i1+y]
    best: list[list] = [[None] * (R + 1) for _ in range(P + 1)]
    best[0][0] = (0, 0, None, None)

    def offer(x: int, y: int, px: int, py: int, st: Step) -> None:
        prev = best[px][py]
        c, m = step_cost(st, pned, kned)
        cand = (prev[0] + c, prev[1] - m, (px, py), st)
        cur = best[x][y]
        if cur is None or cand[:2] < cur[:2]:
            best[x][y] = cand

    for x in range(P + 1):
        for y in range(R + 1):
            if x and y:
                a, b, unit = items[x - 1]
                if unit:
                    toks = ptoks[a:b]
                    for n in range(1, min(y, _MAX_SPAN) + 1):
                        i = i1 + y - n
                        why = bracket_fits(toks, ktoks[i:i1 + y], is_name)
                        offer(x, y, x - 1, y - n, ("bracket" if why is None else "rewrite", i, i1 + y, a, b))
                else:
                    c, k = ptoks[a], ktoks[i1 + y - 1]
                    tag = "equal" if c.norm == k.norm else "spelled" if _spelled(c, k, caps) else "substitute"
                    offer(x, y, x - 1, y - 1, (tag, i1 + y - 1, i1 + y, a, b))
            if x:
                a, b, unit = items[x - 1]
                i = i1 + y
                negates = unit and any(t.editorial and is_negation(t.norm) for t in ptoks[a:b])
                offer(x, y, x - 1, y, ("rewrite" if negates else "insert", i, i, a, b))
            if y:
                i = i1 + y - 1
                j = items[x - 1][1] if x else j1
                offer(x, y, x, y - 1, ("delete", i, i + 1, j, j))
    out: list[Step] = []
    x, y = P, R
    while (x, y) != (0, 0):
        _, _, prev, st = best[x][y]
        out.append(st)
        x, y = prev
    out.reverse()
    return out


def _edge_unit(ptoks, lead: bool) -> Optional[tuple[int, int]]:
    """(start, end) of the bracket that opens (lead) or closes the piece, if
    it is bracketed words with at most a glued contraction."""
    if not ptoks:
        return None
    t = ptoks[0] if lead else ptoks[-1]
    if not t.group:
        return None
    a = 0 if lead else len(ptoks) - 1
    b = a + 1
    if lead:
        while b < len(ptoks) and ptoks[b].group == t.group:
            b += 1
    else:
        while a > 0 and ptoks[a - 1].group == t.group:
            a -= 1
    unit = ptoks[a:b]
    if not any(x.editorial for x in unit) or any(not x.editorial and not x.clitic for x in unit):
        return None
    return a, b


def edge_brackets(piece, canon, lo: int, s: int, e: int, cost: int, matched: int, st: list[Step],
                  caps: frozenset[str]) -> tuple[int, int, int, int, list[Step]]:
    """A bracket that opens or closes the piece, and stands for nothing in
    the window canon[s:e] (or only repeats the record's words there, "[to
    Kyiv]" for "to"), may not take the place of a negation, a number or a
    name right next to it (the record word before ``s``, from ``lo`` on, or
    the one at ``e``): if that word is one the bracket does not restate, the
    bracket rewrites it, and the window grows over it. Returns (s, e,
    alterations, matched, steps)."""
    ptoks, ktoks = piece.toks, canon.toks
    is_name: Callable[[Token], bool] = lambda k: name_like(k, caps)  # noqa: E731
    for lead in (True, False):
        edge = _edge_unit(ptoks, lead)
        if edge is None or not st:
            continue
        a, b = edge
        at = 0 if lead else len(st) - 1
        tag, i1, i2, j1, j2 = st[at]
        if tag not in ("insert", "bracket") or (j1, j2) != (a, b) or (i1 != s if lead else i2 != e):
            continue
        if tag == "bracket" and not {k.norm for k in ktoks[i1:i2]} <= {t.norm for t in ptoks[a:b]}:
            continue  # it stands for other words ("[the law]" for "it"): it is in its place
        w = s - 1 if lead else e
        if not (lo <= w < len(ktoks)):
            continue
        if bracket_fits(ptoks[a:b], ktoks[w:w + 1], is_name) not in _MEANING:
            continue
        new = ("rewrite", w, i2, a, b) if lead else ("rewrite", i1, w + 1, a, b)
        old_c, old_m = step_cost(st[at], piece.ned, canon.ned)
        c, m = step_cost(new, piece.ned, canon.ned)
        cost, matched = cost - old_c + c, matched - old_m + m
        st = st[:at] + [new] + st[at + 1:]
        if lead:
            s = w
        else:
            e = w + 1
    return s, e, cost, matched, st
