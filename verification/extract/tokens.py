"""Stage 2a, tokens and sentences: the text outside quotes as tokens.

In: the text, its paragraphs and the quoted pieces of ``marks``. Out (attributes
of the document): parallel token arrays ``ts``/``te`` (offsets), ``tt`` (text),
``low`` (lower case), ``kind`` (``w`` word, ``p`` punctuation, ``q`` a whole
quote standing as one token), ``cap`` (capitalised word), ``tpara`` (paragraph),
``qref`` (the quote a ``q`` token stands for), and the sentence of each token
(``sent``, ``sent_start``, ``sent_end``). Abbreviations (Mr., Sen., Calif.,
U.S.) are one token and end no sentence.

So attribution patterns see ``<Q> , he said .`` or ``Putin said that <Q>``.
"""
from __future__ import annotations

import bisect
import re

from .lexicon import ABBREVIATIONS, EVENT_VERBS, PHRASAL, REPORT_VERBS


# Words (with inner apostrophes and hyphens) and a period right after them, U.S.-style
# acronyms, any other single character. A word's period is then split off unless the word is
# an abbreviation (Mr. Sen. Calif. Sept.), an initial (J.) or "No." before a number (No. 2):
# one simple pattern and a set look-up, three times faster than an alternation of every
# abbreviation tried at every character.
_TOKEN_RE = re.compile(
    r"(?:[A-Za-z]\.){2,}"                                   # U.S., D.C., a.m.
    r"|[^\W_](?:[\w'’&\-]*[^\W_])?\.?"                      # words, with inner apostrophes and hyphens
    r"|\S",                                                 # any other single character
)
_ABBREVIATIONS = {a.rstrip(".").lower() for a in ABBREVIATIONS}
_NUMBER_AFTER_RE = re.compile(r"\s?\d")


def tokens(text: str, pos: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, text) of the tokens of text[pos:end]."""
    out = []
    for m in _TOKEN_RE.finditer(text, pos, end):
        tok = m.group()
        s, e = m.span()
        if len(tok) > 1 and tok[-1] == "." and "." not in tok[:-1] and not _keeps_period(text, s, e, end):
            out.append((s, e - 1, tok[:-1]))
            out.append((e - 1, e, "."))
        else:
            out.append((s, e, tok))
    return out


def _keeps_period(text: str, s: int, e: int, end: int) -> bool:
    """Is the word text[s:e-1] with its period at e-1 one token: an abbreviation, an initial,
    "No." before a number? Only at a word boundary, and not before a letter or digit."""
    prev = text[s - 1] if s > 0 else ""
    if prev.isalnum() or prev == "_":
        return False
    w = text[s:e - 1]
    nxt = text[e] if e < end else ""
    word_after = nxt.isalnum() or nxt == "_"
    return ((w.lower() in _ABBREVIATIONS and not word_after)
            or (len(w) == 1 and w.isupper() and not word_after and nxt != ".")
            or (w in ("No", "no") and _NUMBER_AFTER_RE.match(text, e, end) is not None))


PASSAGE_BREAK_RE = re.compile(
    r"^(?:[_*\-=~#.\s]{3,}|\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?(?:\s*\([^)]*\))?[.:]*|UPDATE\b.*)$", re.I)


class Tokens:
    def _tokenize(self) -> None:
        text = self.text
        ts: list[int] = []
        te: list[int] = []
        tt: list[str] = []
        kind: list[str] = []
        para: list[int] = []
        qref: list[int] = []
        qs = sorted(self.quotes, key=lambda q: q.open)
        qindex = {id(q): n for n, q in enumerate(self.quotes)}
        qi = 0
        for pi, (a, b) in enumerate(self.paras):
            pos = a
            while pos < b:
                # next quote starting in this paragraph
                while qi < len(qs) and qs[qi].open < pos:
                    qi += 1
                nxt_q = qs[qi] if qi < len(qs) and qs[qi].open < b else None
                seg_end = nxt_q.open if nxt_q else b
                ms = tokens(text, pos, seg_end)
                if ms:
                    ws = [m[2] for m in ms]
                    ts.extend([m[0] for m in ms])
                    te.extend([m[1] for m in ms])
                    tt.extend(ws)
                    kind.extend(["w" if w[:1].isalnum() else "p" for w in ws])
                    para.extend([pi] * len(ms))
                    qref.extend([-1] * len(ms))
                if nxt_q is None:
                    break
                q = nxt_q
                qend = q.outer_end if q.close is not None else b
                q.tok = len(ts)
                ts.append(q.open)
                te.append(qend)
                tt.append("<Q>")
                kind.append("q")
                para.append(pi)
                qref.append(qindex[id(q)])
                pos = qend
                qi += 1
        self.ts, self.te, self.tt, self.kind, self.tpara, self.qref = ts, te, tt, kind, para, qref
        self.low = [w.lower() for w in tt]
        n = len(tt)
        self.cap = [k == "w" and w[:1].isupper() for k, w in zip(kind, tt)]
        # candidate verb positions (reporting, phrasal, speaking events), for the passes over verbs
        self.verb_pos = [i for i, w in enumerate(self.low)
                         if w in REPORT_VERBS or w in PHRASAL or w in EVENT_VERBS]
        # Sentence ids: a boundary after . ! ? (not an abbreviation) and at paragraph ends.
        sent = [0] * n
        sid = 0
        depth = 0
        for i in range(n):
            if i > 0 and para[i] != para[i - 1]:
                sid += 1
                depth = 0
            sent[i] = sid
            if tt[i] == "(":
                depth += 1
            elif tt[i] == ")" and depth:
                depth -= 1
            if depth == 0 and kind[i] == "p" and tt[i] in ".!?" and i + 1 < n and para[i + 1] == para[i]:
                nxt = tt[i + 1]
                if nxt[:1].isupper() or nxt[:1].isdigit() or kind[i + 1] == "q" or nxt in "(—–-":
                    sid += 1
            elif kind[i] == "q" and i + 1 < n and para[i + 1] == para[i] and ts[i + 1] == te[i] and \
                    tt[i + 1][:1].isupper() and text[te[i] - 2:te[i] - 1] in (".", "!", "?"):
                sid += 1  # '… Hispanics!”Former candidate Jeb Bush said': a paragraph break lost in the copy
        self.sent = sent
        starts: dict[int, int] = {}
        ends: dict[int, int] = {}
        for i, s in enumerate(sent):
            starts.setdefault(s, i)
            ends[s] = i + 1
        self.sent_start = starts
        self.sent_end = ends

    def _is_cap(self, i: int) -> bool:
        return self.cap[i]

    def _sentence_initial(self, i: int) -> bool:
        j = self.sent_start[self.sent[i]]
        while j < i and self.kind[j] == "p" and self.tt[j] in "(\"'“‘—–-":
            j += 1
        return j == i

    def _passage_of_tok(self, k: int) -> int:
        return self.passage[self.tpara[k]] if 0 <= k < len(self.tpara) else 0

    def _ne_of_tok(self, k: int) -> int:
        return self.ne_index[self.tpara[k]] if 0 <= k < len(self.tpara) else 0

    def _tok_at(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.ts, char) - 1)
