"""Text normalisation for quote comparison, keeping offsets into the original.

Everything here is pure Python and deterministic. Two texts are compared word
by word on each word's *normalised form* (``Token.norm``): Unicode NFKC,
typographic quotes/apostrophes and dashes unified, case folded, diacritics
folded, surrounding punctuation dropped. The original characters are never
lost: every token carries its ``start``/``end`` offsets into the text it came
from, and ``raw`` (``text[start:end]``).

Besides words, the tokenizer recognises two editorial conventions:

* words inside ``[square brackets]`` or ``(parentheses)`` are *editorial*
  (``Token.editorial``): the editor's, not the speaker's. Each bracket pair
  is a *group* (``Token.group``, numbered from 1 in the text); a word written
  against a bracket with no space ("[Trump]'s", "[the Republicans]'ve",
  "[T]he", "love[s]") is the speaker's but belongs to that group too, and a
  contraction or possessive glued after the closing bracket is marked
  ``Token.clitic`` (its ``norm`` stays the bare "s", "ve", ...);
* an ellipsis (``...``, ``…``, ``. . .``, ``[...]``, ``(...)``) marks a gap:
  the next word has ``Token.gap_before`` set. ``[...]`` is a gap, not an
  editorial insertion.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple, Optional

__all__ = [
    "Token",
    "tokenize",
    "normalize_text",
    "content_words",
    "collapse_whitespace",
    "STOPWORDS",
    "NEGATIONS",
    "NUMBER_WORDS",
    "is_negation",
    "number_value",
]

# --------------------------------------------------------------------------
# Character level
# --------------------------------------------------------------------------

# One-to-one replacements (so offsets stay valid): every apostrophe-like mark
# becomes ', every double quote-like mark becomes ", every dash becomes -.
_APOSTROPHES = "\u2019\u2018\u201b\u201a`\u00b4\u2032\u02bc\u02b9\u02bb\u02bd\u02c8\uff07"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2039\u203a\u301d\u301e\uff02"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d\u2e3a\u2e3b"
_CHAR_MAP = str.maketrans(
    {
        **{c: "'" for c in _APOSTROPHES},
        **{c: '"' for c in _DOUBLE_QUOTES},
        **{c: "-" for c in _DASHES},
    }
)
# Invisible format characters (soft hyphen, zero-width space/joiners, BOM):
# dropped on the slow path so "meet\u00ading" is one word.
_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")


def _prepare(text: str) -> tuple[str, Optional[list[int]], Optional[list[int]]]:
    """Fold ``text`` at character level.

    Returns the folded string and, when it is not a one-to-one image of the
    original, two lists giving for each folded character the start and end
    offsets of the original character(s) it came from (``None`` means the
    identity mapping).
    """
    t = text.translate(_CHAR_MAP)
    if t.isascii() or (
        unicodedata.is_normalized("NFKC", t) and not _INVISIBLE_RE.search(t)
    ):
        return t, None, None
    # Slow path: NFKC per cluster (a base character and its combining marks),
    # remembering where each output character came from.
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    n = len(t)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(t[j]):
            j += 1
        piece = unicodedata.normalize("NFKC", t[i:j])
        if _INVISIBLE_RE.search(piece):
            piece = _INVISIBLE_RE.sub("", piece)
        piece = piece.translate(_CHAR_MAP)
        for ch in piece:
            out.append(ch)
            starts.append(i)
            ends.append(j)
        i = j
    return "".join(out), starts, ends


def collapse_whitespace(text: str) -> str:
    """``text`` with runs of whitespace reduced to one space and trimmed."""
    return " ".join(text.split())


# --------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------


class Token(NamedTuple):
    """One word of a text.

    ``norm`` is the comparison form; ``raw`` the original characters
    (``text[start:end]``). ``editorial`` is set for words inside brackets or
    parentheses, ``gap_before`` when an ellipsis precedes the word, and
    ``sentence_start`` when the word begins the text or follows ``.``, ``!``,
    ``?`` or an ellipsis (so its capital letter says nothing about names).
    ``group`` numbers the bracket pair an editorial word is in, or the one a
    word is glued to (0: none); ``clitic`` marks an apostrophe ending glued
    after a closing bracket ("'s" in "[Trump]'s").
    An immutable named tuple: cheap to build, safe to cache.
    """

    norm: str
    raw: str
    start: int
    end: int
    editorial: bool = False
    gap_before: bool = False
    sentence_start: bool = False
    group: int = 0
    clitic: bool = False

    @property
    def capitalized(self) -> bool:
        return self.raw[:1].isupper()


_TOKEN_RE = re.compile(
    r"""
    (?P<gap>
        [\[(]\s*(?:\.\s*){3,}[\])]       # [...]  (...)  [. . .]
      | [\[(]\s*\u2026\s*[\])]           # […]
      | \u2026                           # …
      | \.(?:\s*\.){2,}                  # ...  . . .
    )
  | (?P<open>[\[(])
  | (?P<close>[\])])
  | (?P<acr>                            # U.S.  e.g.  a.m.
        (?<![^\W_])[^\W\d_](?:\.[^\W\d_](?![^\W_]))+\.?
    )
  | (?P<word>
        (?:(?<![^\s(\[])-(?=\d))?         # a sign in front of a number
        [^\W_]+
        (?:(?:'(?=[^\W_])|(?<=\d)[.,](?=\d))[^\W_]+)*
    )
    """,
    re.VERBOSE,
)
_THOUSANDS_RE = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_SENTENCE_END_RE = re.compile(r"[.!?]")
_CLOSING = {")": "(", "]": "["}


def _fold_diacritics(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _norm_word(s: str, kind: str) -> str:
    w = s.casefold()
    if not w.isascii():
        w = _fold_diacritics(w)
    if kind == "acr":
        return w.replace(".", "")
    if "," in w and _THOUSANDS_RE.fullmatch(w):
        w = w.replace(",", "")
    return w


def _bracket_depths(matches: list[re.Match[str]], u: str) -> list[int]:
    """For each match, the change in bracket depth it starts: +1 on an
    opening bracket that is closed later, -1 on its closing bracket.
    Unmatched brackets change nothing."""
    delta = [0] * len(matches)
    stack: list[tuple[str, int]] = []
    for idx, m in enumerate(matches):
        kind = m.lastgroup
        if kind == "open":
            stack.append((u[m.start()], idx))
        elif kind == "close":
            want = _CLOSING[u[m.start()]]
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == want:
                    delta[stack[k][1]] += 1
                    delta[idx] -= 1
                    del stack[k:]
                    break
    return delta


_new_token = tuple.__new__


@lru_cache(maxsize=8192)
def _tokenize(text: str) -> tuple[Token, ...]:
    u, starts, ends = _prepare(text)
    matches = list(_TOKEN_RE.finditer(u))
    delta = _bracket_depths(matches, u) if ("(" in u or "[" in u) else None

    tokens: list[Token] = []
    depth = 0
    gap = False
    prev_end = 0
    boundary = True  # start of text counts as a sentence start
    group = 0  # the last bracket group opened
    for idx, m in enumerate(matches):
        if delta is not None:
            if delta[idx] > 0 and depth == 0:
                group += 1
            depth += delta[idx]
        kind = m.lastgroup
        a, b = m.span()
        if kind == "gap":
            gap = True
            boundary = True
            prev_end = b
            continue
        if kind == "open" or kind == "close":
            continue
        if (
            not boundary
            and (a - prev_end != 1 or u[prev_end] != " ")
            and _SENTENCE_END_RE.search(u, prev_end, a)
        ):
            boundary = True
        if starts is None:
            o_start, o_end = a, b
        else:
            o_start, o_end = starts[a], ends[b - 1]
        tok_group, clitic = (group if depth > 0 else 0), False
        if delta is not None and depth == 0:
            tok_group, clitic = _glued_group(matches, delta, idx, u, group)
        w = m.group()
        # An ASCII word without a comma (nearly all of them): casefold is lower.
        norm = w.lower() if kind == "word" and w.isascii() and "," not in w else _norm_word(w, kind)
        # tuple.__new__ directly: a named tuple's own __new__ is a Python
        # function, a third of the cost of tokenising a quote.
        tokens.append(_new_token(Token, (norm, text[o_start:o_end], o_start, o_end, depth > 0, gap, boundary,
                                         tok_group, clitic)))
        gap = False
        boundary = False
        prev_end = b
    return tuple(tokens)


def _glued_group(matches: list[re.Match[str]], delta: list[int], idx: int, u: str, group: int) -> tuple[int, bool]:
    """(group, clitic) for the word ``matches[idx]`` outside brackets: the
    group of a bracket pair it is written against ("[Trump]'s", "[T]he",
    "love[s]"), and whether it is an apostrophe ending after the closing
    bracket; (0, False) for a free-standing word."""
    a, b = matches[idx].span()
    if idx > 0 and delta[idx - 1] < 0:
        end = matches[idx - 1].end()
        if end == a:
            return group, False
        if end == a - 1 and u[end] == "'":
            return group, True
    if idx + 1 < len(matches) and delta[idx + 1] > 0 and matches[idx + 1].start() == b:
        return group + 1, False
    return 0, False


def tokenize(text: str) -> list[Token]:
    """The words of ``text``, in order, with offsets into ``text``.

    >>> [t.norm for t in tokenize("It’s 1,000 (sic) – not 3.5… [Kyiv]")]
    ["it's", '1000', 'sic', 'not', '3.5', 'kyiv']
    """
    return list(_tokenize(text))


@lru_cache(maxsize=8192)
def normalize_text(text: str) -> str:
    """The normalised words of ``text`` (editorial ones included) joined by
    single spaces; ellipses and punctuation vanish. Two texts that differ only
    in case, punctuation or typography give the same string."""
    return " ".join(t.norm for t in _tokenize(text))


def content_words(text: str, *, drop_stopwords: bool = False) -> list[str]:
    """The normalised, non-editorial words of ``text`` in order (duplicates
    kept). With ``drop_stopwords=True`` words in :data:`STOPWORDS` are left
    out, which is what a search-term picker usually wants."""
    words = [t.norm for t in _tokenize(text) if not t.editorial]
    if drop_stopwords:
        words = [w for w in words if w not in STOPWORDS]
    return words


# --------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------

NEGATIONS = frozenset(
    """
    not no never nor neither none nobody nothing nowhere cannot
    dont doesnt didnt isnt arent wasnt werent cant couldnt wouldnt shouldnt
    wont havent hasnt hadnt aint mustnt neednt
    """.split()
)


def is_negation(norm: str) -> bool:
    """Whether a normalised word negates: not/no/never/..., any n't form."""
    return norm in NEGATIONS or norm.endswith("n't")


NUMBER_WORDS: dict[str, float] = {
    **{
        w: float(i)
        for i, w in enumerate(
            "zero one two three four five six seven eight nine ten eleven twelve "
            "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
        )
    },
    **{w: float(10 * i) for i, w in enumerate("_ _ _ thirty forty fifty sixty seventy eighty ninety".split()) if i >= 3},
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "dozen": 12.0,
    "dozens": 12.0,
    "hundreds": 1e2,
    "thousands": 1e3,
    "millions": 1e6,
    "billions": 1e9,
    "half": 0.5,
    "first": 1.0,
    "second": 2.0,
    "third": 3.0,
    "fourth": 4.0,
    "fifth": 5.0,
    "sixth": 6.0,
    "seventh": 7.0,
    "eighth": 8.0,
    "ninth": 9.0,
    "tenth": 10.0,
    "once": 1.0,
    "twice": 2.0,
}
_NUMERIC_RE = re.compile(r"-?\d+(?:\.\d+)?")


def number_value(norm: str) -> Optional[str]:
    """A canonical string for the number a normalised word denotes, or None.

    "5", "5.0" and "five" all give "5"; other words containing digits
    ("3rd", "5pm", "1,2") give themselves.
    """
    if norm in NUMBER_WORDS:
        v = NUMBER_WORDS[norm]
        return str(int(v)) if v == int(v) else repr(v)
    if norm.isalpha():  # most words: no digit (a test per character cost more than the rest)
        return None
    if _NUMERIC_RE.fullmatch(norm):
        v = float(norm)
        return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)
    if any(c.isdigit() for c in norm):
        return norm
    return None


# A small English list for picking search terms: articles, pronouns,
# auxiliaries, prepositions, conjunctions and a few very common adverbs.
STOPWORDS = frozenset(
    """
    a an the and or but if then than so as of at by for from in into on onto
    to with without about above after before below between during over under
    up down out off through again further once here there when where why how
    all any both each few more most other some such only own same too very
    just also now even still yet ever
    i me my myself we us our ours ourselves you your yours yourself
    yourselves he him his himself she her hers herself it its itself they them
    their theirs themselves what which who whom whose this that these those
    am is are was were be been being have has had having do does did doing
    will would shall should can could may might must
    i'm i've i'll i'd you're you've you'll you'd he's she's it's we're we've
    we'll we'd they're they've they'll they'd that's there's what's let's
    not no nor never don't doesn't didn't isn't aren't wasn't weren't can't
    cannot couldn't won't wouldn't shouldn't haven't hasn't hadn't
    """.split()
)
