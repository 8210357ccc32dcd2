"""The service's view of the engine in ``verification/``.

The engine judges quotes; this module adds the two things only the service
needs: the tokens both full-text indexes store (so SQLite's unicode61
tokenizer, PostgreSQL's parser and the query builder agree on every word),
and whole-name keys for speaker lookups. After the engine changes its
normalisation or name rules, run ``flask --app wsgi quotes reindex`` so the
stored search text and speaker keys follow.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from typing import Any, Optional

from verification.normalize import _CHAR_MAP
from verification.normalize import STOPWORDS as _ENGINE_STOPWORDS
from verification.normalize import content_words, normalize_text
from verification.places import resolve_place as _resolve_place
from verification.speakers import names_fit, resolve_name
from verification.speakers import speaker_keys as _engine_speaker_keys
from verification.model import Role, SpeakerRef
from verification.roles import speaker_role_keys
from verification.verify import verdict_to_dict, verify

__all__ = [
    "STOPWORDS", "all_words", "content_words", "fold", "index_tokens", "name_key", "names_fit",
    "normalize_text", "resolve_name", "resolve_place", "roles_of", "search_text", "speaker_keys", "speaker_ref",
    "speaker_role_keys", "verdict_to_dict", "verify",
]

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Case-fold and strip accents: how the full-text index compares words."""
    if text.isascii():  # nothing to decompose; lower() is casefold() on ASCII
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


STOPWORDS = frozenset(fold(w) for w in _ENGINE_STOPWORDS)


def all_words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def index_tokens(text: str) -> list[str]:
    """Plain letter-and-digit runs, folded: the only thing either index sees.

    ``it's`` becomes ``it s`` and ``3.5`` becomes ``3 5`` on both sides, so
    no token can ever be search syntax.
    """
    return _TOKEN.findall(fold(text))


def _ascii_normalize(text: str) -> str | None:
    """``normalize_text`` for text that is ASCII after the engine's character
    map, from the engine's own token pattern and word normaliser but without
    building tokens with offsets (which only the alignment needs): the same
    string, two to three times faster, which is most of a bulk import's time.
    ``None`` when the text needs the full path (or the engine's internals moved).
    """
    try:
        from verification.normalize import _CHAR_MAP, _TOKEN_RE, _norm_word
    except ImportError:  # pragma: no cover
        return None
    u = text.translate(_CHAR_MAP)
    if not u.isascii():
        return None
    return " ".join(_norm_word(m.group(), kind) for m in _TOKEN_RE.finditer(u)
                    if (kind := m.lastgroup) in ("acr", "word"))


# In ASCII text only two things make the engine's words differ from the
# plain letter-and-digit runs of the lower-cased text: dotted acronyms
# ("U.S." is the one word "us") and thousands separators ("1,000" is
# "1000"). Apostrophes, decimal points, signs and editorial brackets all end
# up as the same runs either way (tests/integration/test_retrieval_search_text.py
# checks the two paths agree, also on generated text).
_ENGINE_WORDS_DIFFER = re.compile(r"[A-Za-z]\.[A-Za-z]|\d,\d")


@lru_cache(maxsize=1024)  # a verify asks it of the claim three times (boundaries, pairs, rivals)
def search_text(text: str) -> str:
    """What the full-text index stores for a quote."""
    u = text if text.isascii() else text.translate(_CHAR_MAP)  # typographic dashes, quotes
    if u.isascii() and not _ENGINE_WORDS_DIFFER.search(u):
        # Four in five quotes: 14 us instead of 50 (measured on the bench
        # corpus); the tokenizer was most of what preparing an imported
        # quote cost.
        return " ".join(_TOKEN.findall(u.lower()))
    normalized = _ascii_normalize(text)
    if normalized is None:
        normalized = normalize_text(text)
    return " ".join(index_tokens(normalized))


def name_key(name: str) -> str:
    """The whole name as one key (``Vladimir Putin`` -> ``vladimir putin``)."""
    return " ".join(all_words(name))


def speaker_keys(name: str) -> set[str]:
    """The engine's name keys plus the whole name, for indexed speaker lookups."""
    keys = set(_engine_speaker_keys(name))
    whole = name_key(name)
    if whole:
        keys.add(whole)
    return {k for k in keys if k}


def resolve_place(text: str):
    """The gazetteer's reading of a place, or None; never fails a write."""
    if not text or not text.strip():
        return None
    try:
        return _resolve_place(text)
    except Exception:  # a gazetteer hiccup must not lose the quote
        return None


def _day(value: Any) -> Optional[dt.date]:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def roles_of(stored: Optional[list[Any]]) -> tuple[Role, ...]:
    """A speaker's stored roles (JSON: title, start, end) as engine records."""
    return tuple(Role(r["title"], _day(r.get("start")), _day(r.get("end"))) for r in stored or ())


def speaker_ref(speaker_id: Any, name: str, aliases: tuple[str, ...] = (), gender: Optional[str] = None,
                roles: Optional[list[Any]] = None) -> SpeakerRef:
    """A stored speaker's columns as the engine's record of them."""
    return SpeakerRef(id=speaker_id, name=name, aliases=aliases, gender=gender, roles=roles_of(roles))
