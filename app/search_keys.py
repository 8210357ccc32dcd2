"""Claim and quote text as index keys: the words, word pairs and boundaries
the full-text indexes store and the queries look up.

Full-text safety: user text never reaches a full-text query as syntax. The
claim is cut into plain word tokens (letters and digits only) and each token
is passed as a quoted FTS5 string / a bound ``plainto_tsquery`` argument, so
``"``, ``AND``, ``NEAR(``, ``*`` and ``-`` are just characters of a quote.
"""
from __future__ import annotations

import hashlib
from typing import Optional

from . import engine


# --- turning user text into safe search terms ------------------------------------------


def stopwords() -> frozenset[str]:
    return engine.STOPWORDS


def query_tokens(claim_text: str) -> list[str]:
    """The claim's content words as index tokens, in order, without repeats.

    Only letters and digits survive, exactly like the tokens both indexes
    store (see :func:`app.engine.index_tokens`), so a token can never be
    search syntax.
    """
    stop = stopwords()
    seen: dict[str, None] = {}
    for word in engine.content_words(claim_text):
        if engine.fold(word) in stop:
            continue
        for tok in engine.index_tokens(word):
            if tok in stop or (len(tok) == 1 and not tok.isdigit()):
                continue
            seen.setdefault(tok, None)
    return list(seen)


def fts5_string(token: str) -> str:
    """A token as an FTS5 string literal: always a phrase, never an operator."""
    return '"' + token.replace('"', '""') + '"'


# --- word pairs (shingles) ----------------------------------------------------------------
#
# A pair of consecutive words is far rarer than either word: "come to" and
# "to moscow" pin a quote down where "come", "to" and "moscow" each match
# thousands. Each pair is stored as one opaque token (a 40-bit hash, written
# as ``s`` and 10 hex digits), a plain letters-and-digits word that SQLite's
# unicode61 tokenizer keeps whole; PostgreSQL indexes the same hashes as
# integers (``quotes.pair_keys``, migration 0005). Pairs of
# two function words ("of the") are left out: they are in most quotes and
# identify none.

PAIR_STOP = frozenset(
    "a an and are as at be but by for from had has have he her his i if in is it its me my "
    "not of on or our she so that the their them they this to was we were what which who "
    "will with you your".split()
)


def pair_token(a: str, b: str) -> str:
    return "s" + hashlib.blake2b(f"{a} {b}".encode("utf-8"), digest_size=5).hexdigest()


def pair_tokens(search_text: str) -> list[str]:
    """The word-pair tokens of a search text, in order, without repeats."""
    words = search_text.split()
    out: dict[str, None] = {}
    for a, b in zip(words, words[1:]):
        if a in PAIR_STOP and b in PAIR_STOP:
            continue
        out.setdefault(pair_token(a, b), None)
    return list(out)


def pair_key(token: str) -> int:
    """A pair token as the integer PostgreSQL's ``pair_keys`` holds (migration 0005)."""
    return int(token[1:], 16)


def boundary_key(before: str, after: str) -> Optional[int]:
    """The key of the boundary between two consecutive quotes of a sequence:
    a hash of the last two words of ``before`` and the first two of ``after``
    (search texts), or None when either has fewer than two words."""
    a, b = before.split()[-2:], after.split()[:2]
    if len(a) < 2 or len(b) < 2:
        return None
    return _four_key(*a, *b)


def _four_key(w1: str, w2: str, w3: str, w4: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{w1} {w2}|{w3} {w4}".encode("utf-8"), digest_size=5).digest(), "big")


def claim_boundary_keys(search_text: str, limit: int = 200) -> list[int]:
    """Every boundary key a claim could hold: one per run of four words."""
    w = search_text.split()
    return list(dict.fromkeys(_four_key(*w[i:i + 4]) for i in range(len(w) - 3)))[:limit]


def shingle_text(search_text: str) -> str:
    """What the word-pair index stores for a quote (``quotes.shingles``)."""
    return " ".join(pair_tokens(search_text))
