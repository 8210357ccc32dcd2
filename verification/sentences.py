"""Sentence boundaries in running text, with offsets.

Used for transcripts (each sentence of a speaker becomes a quote on record)
and for the context shown around a matched quote. Pure Python, no models:
a period ends a sentence when the next word starts a new one, except after a
title or other abbreviation (``Mr.``, ``Gen.``, ``etc.``), an initial
(``Donald J. Trump``) or a dotted acronym (``U.S.``) unless the next word
is one that nearly always starts a sentence (``The``, ``We``, ``I``...).
Question and exclamation marks and ellipses end a sentence before a capital
letter. A line break always ends one.
"""
from __future__ import annotations

import re

__all__ = ["context_after", "context_before", "sentence_spans", "split_sentences"]

# Words after which a period does not end a sentence (lower case, no dots).
_ABBREVIATIONS = frozenset("""
mr mrs ms messrs mmes dr prof st jr sr gov sen rep reps sens gen lt col maj capt cmdr adm sgt cpl pvt
rev fr hon pres supt insp det ald amb
no nos vol vols pp fig figs art sec secs ch para
vs etc al approx est dept univ assn bros inc corp co ltd llc plc
jan feb mar apr jun jul aug sep sept oct nov dec
mt ft ave blvd rd hwy
""".split())
# After a dotted acronym ("U.S.", "a.m.") a period ends the sentence only
# before one of these words.
_STARTERS = frozenset("""
a after all and as at but by for he her here his how i if in it its let my no now on once our she so
some that the their then there these they this those to today we what when where which while who why
with yes you your
""".split())

_BOUNDARY = re.compile(
    r"""(?P<end>(?:\.\.\.|\u2026|[.!?])+)      # the sentence's final mark(s)
        (?P<close>["'\u201d\u2019)\]]*)          # closing quotes or brackets
        (?P<space>[ \t]+|(?=\n))""",
    re.VERBOSE,
)
_NEXT = re.compile(r"""[ \t]*["'\u201c\u2018(\[]*(?P<word>[^\W_][\w'\u2019.\-]*)""", re.UNICODE)
_WORD_BEFORE = re.compile(r"""(?P<word>[\w.'\u2019\-]+)$""", re.UNICODE)
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]?", re.UNICODE)


def _ends_sentence(text: str, m: re.Match[str]) -> bool:
    after = text[m.end():]
    if not after or after[0] == "\n":
        return True
    nxt = _NEXT.match(after)
    if nxt is None:
        return False
    word = nxt.group("word")
    first = word[0]
    mark = m.group("end")
    if not (first.isupper() or first.isdigit()):
        return False
    if mark[-1] in "!?" or mark.endswith(("...", "\u2026")):
        return True
    before = _WORD_BEFORE.search(text, 0, m.start())
    if before is None:
        return True
    prev = before.group("word").lstrip("'\u2019-")
    low = prev.lower().rstrip(".")
    if low in _ABBREVIATIONS:
        return False
    if len(prev) == 1 and prev.isalpha() and prev.isupper():
        return False  # an initial: "Donald J. Trump"
    if "." in prev and _INITIALS.fullmatch(prev + "."):
        # "U.S." / "a.m.": a sentence ends here only before a usual opener.
        return word.lower().rstrip(".,") in _STARTERS
    return True


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text[start:end]``, trimmed of
    surrounding whitespace; empty stretches are left out."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []

    def add(a: int, b: int) -> None:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))

    for line_start, line_end in _lines(text, start, end):
        pos = line_start
        for m in _BOUNDARY.finditer(text, line_start, line_end):
            if _ends_sentence(text[:line_end], m):
                cut = m.start("space")
                add(pos, cut)
                pos = cut
        add(pos, line_end)
    return out


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        if nl < 0:
            out.append((pos, end))
            break
        out.append((pos, nl))
        pos = nl + 1
    return out


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings."""
    return [text[a:b] for a, b in sentence_spans(text)]


def context_before(text: str, sentences: int = 2) -> str:
    """The last ``sentences`` sentences of ``text`` (what comes just before a
    quote), with whatever follows the last one (a speaker's label, say),
    whitespace collapsed."""
    spans = sentence_spans(text)
    # A speaker's label at the end ("PUTIN:") is not a sentence of its own.
    said = [a for a, b in spans if not text[a:b].endswith(":")]
    if not said:
        return " ".join(text.split())
    return " ".join(text[said[max(0, len(said) - sentences)]:].split())


def context_after(text: str, sentences: int = 2) -> str:
    """The first ``sentences`` sentences of ``text`` (what comes just after a
    quote), whitespace collapsed."""
    spans = sentence_spans(text)
    if not spans:
        return ""
    return " ".join(text[:spans[min(len(spans), sentences) - 1][1]].split())
