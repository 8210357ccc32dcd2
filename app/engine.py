"""Thin adapters between the service and the engine in ``verification/``.

The engine is imported lazily, function by function, so the service starts
(and stores quotes) even while parts of the engine are still being written;
each adapter uses the engine as soon as its module exists. The fallbacks are
deliberately plain: they keep storage and retrieval working, never judge a
quote. ``verify`` has no fallback: without the engine there is no verdict
(503). After the engine changes its normalisation, run
``flask --app wsgi quotes reindex`` so stored search text and speaker keys
follow.
"""
from __future__ import annotations

import importlib
import re
import unicodedata
from typing import Any, Callable, Optional, Sequence

_cache: dict[str, Any] = {}


class EngineUnavailable(RuntimeError):
    """The engine function the request needs has not landed yet."""


def _engine(module: str, name: str) -> Optional[Callable[..., Any]]:
    key = f"{module}.{name}"
    fn = _cache.get(key)
    if fn is not None:
        return fn
    try:
        mod = importlib.import_module(f"verification.{module}")
        fn = getattr(mod, name)
    except (ImportError, AttributeError):
        return None  # not cached: the next call tries again
    _cache[key] = fn
    return fn


# --- text --------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
_FALLBACK_STOPWORDS = frozenset(
    "a an and are as at be but by for from has have he her his i if in is it its me my "
    "not of on or our she so that the their them they this to was we were what which who "
    "will with you your".split()
)


def fold(text: str) -> str:
    """Case-fold and strip accents: how the full-text index compares words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_text(text: str) -> str:
    fn = _engine("normalize", "normalize_text")
    if fn is not None:
        return fn(text)
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def content_words(text: str) -> list[str]:
    fn = _engine("normalize", "content_words")
    if fn is not None:
        return list(fn(text))
    return [w for w in _WORD.findall(fold(text)) if w not in _FALLBACK_STOPWORDS]


def all_words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def index_tokens(text: str) -> list[str]:
    """Plain letter-and-digit runs, folded: the only thing either index sees.

    ``it's`` becomes ``it s`` and ``3.5`` becomes ``3 5`` on both sides, so
    SQLite's unicode61 tokenizer and PostgreSQL's parser agree on every
    word, and no token can be search syntax.
    """
    return _TOKEN.findall(fold(text))


def search_text(text: str) -> str:
    """What the full-text index stores for a quote."""
    return " ".join(index_tokens(normalize_text(text)))


# --- speakers ----------------------------------------------------------------------


def name_key(name: str) -> str:
    """The whole name as one key (``Vladimir Putin`` -> ``vladimir putin``)."""
    return " ".join(all_words(name))


def speaker_keys(name: str) -> set[str]:
    fn = _engine("speakers", "speaker_keys")
    keys = set(fn(name)) if fn is not None else set()
    whole = name_key(name)
    if whole:
        keys.add(whole)
        if fn is None:
            keys.add(whole.split()[-1])  # surname
    return {k for k in keys if k}


def names_fit(claimed: str, speaker_ref: Any) -> bool:
    fn = _engine("speakers", "names_fit")
    if fn is not None:
        return bool(fn(claimed, speaker_ref))
    claimed_keys = speaker_keys(claimed)
    names = [speaker_ref.name, *speaker_ref.aliases]
    return any(claimed_keys & speaker_keys(n) for n in names)


# --- places and dates ----------------------------------------------------------------


def resolve_place(text: str) -> Any:
    fn = _engine("places", "resolve_place")
    if fn is None or not text or not text.strip():
        return None
    try:
        return fn(text)
    except Exception:  # a gazetteer hiccup must not lose the quote
        return None


# --- verification ----------------------------------------------------------------------


def verify(claim: Any, candidates: Sequence[Any], known_speakers: Sequence[Any] = ()) -> Any:
    fn = _engine("verify", "verify")
    if fn is None:
        raise EngineUnavailable("The verification engine is not installed yet.")
    return fn(claim, candidates, known_speakers)


def verdict_to_dict(verdict: Any, quote_serializer: Optional[Callable[[Any], dict]] = None) -> dict:
    fn = _engine("verify", "verdict_to_dict")
    if fn is None:
        raise EngineUnavailable("The verification engine is not installed yet.")
    return fn(verdict, quote_serializer)
