"""The fast path of ``engine.search_text`` stores exactly what the engine's
normalisation gives: the index and the query must tokenise alike."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import engine
from verification.normalize import normalize_text

from .helpers import PUTIN_MOSCOW

TEXTS = [
    PUTIN_MOSCOW,
    "It’s 1,000 (sic) – not 3.5… [Kyiv]",
    "U.S. a.m. e.g. -5 and 2,000.50 ... [...] (. . .) … 12,34 1,234,567",
    "rock'n'roll O'Neil's `quoted' \"double\" -- dash",
    "x_y __init__ A.B.C. i.e., Ph.D. $4.1 million 50% #1",
    "Ünïcödé café naïve — straße",
    "(US President) Donald (Trump) asked me [if] I could",
    "",
    "   ",
    # Plain ASCII, the fast path's own ground, including the two cases it
    # must leave to the engine (an acronym, a thousands separator):
    "We paid 1,000 dollars, not 3.5 or -2, and it's over.",
    "Ask the U.S. team (at 5 p.m.) about it",
    "it's.a.b and 12,5 and 4.5.6 and x,1",
]


@pytest.mark.parametrize("text", TEXTS)
def test_fast_search_text_equals_the_engine_normalisation(text):
    slow = " ".join(engine.index_tokens(normalize_text(text)))
    assert engine.search_text(text) == slow


# Generated text from the characters that decide tokenisation: letters (a few
# accented), digits, and every mark the engine's tokenizer treats specially;
# half of it ASCII only, which is what the fast path takes.
_ALPHABET = "aAbZz09.,'’-–—…[]()\"“” _$%#\n\té"


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.text(alphabet=_ALPHABET, max_size=40),
                 st.text(alphabet=_ALPHABET.encode("ascii", "ignore").decode(), max_size=40)))
def test_fast_search_text_equals_the_engine_normalisation_on_generated_text(text):
    slow = " ".join(engine.index_tokens(normalize_text(text)))
    assert engine.search_text(text) == slow
