"""The fast path of ``engine.search_text`` stores exactly what the engine's
normalisation gives: the index and the query must tokenise alike."""
from __future__ import annotations

import pytest

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
]


@pytest.mark.parametrize("text", TEXTS)
def test_fast_search_text_equals_the_engine_normalisation(text):
    slow = " ".join(engine.index_tokens(normalize_text(text)))
    assert engine.search_text(text) == slow
