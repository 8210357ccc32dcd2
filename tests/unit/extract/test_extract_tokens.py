"""Stage 2a, tokens and sentences (verification/extract/tokens.py)."""
import pytest

from verification.extract.document import Document
from verification.extract.tokens import tokens


def words(text):
    return [t for _, _, t in tokens(text, 0, len(text))]


@pytest.mark.parametrize("text, expected", [
    ("Mr. Smith said no.", ["Mr.", "Smith", "said", "no", "."]),
    ("Sen. Ted Cruz (R-Texas) spoke.", ["Sen.", "Ted", "Cruz", "(", "R-Texas", ")", "spoke", "."]),
    ("The U.S. and the No. 2 official", ["The", "U.S.", "and", "the", "No.", "2", "official"]),
    ("J. Smith met Sens. Doe and Roe.", ["J.", "Smith", "met", "Sens.", "Doe", "and", "Roe", "."]),
    ("It's Jones' view, isn’t it?", ["It's", "Jones", "'", "view", ",", "isn’t", "it", "?"]),
    ("in Calif.He", ["in", "Calif", ".", "He"]),   # an abbreviation never runs into a word
    ("x_Sen. y", ["x_Sen", ".", "y"]),              # nor starts inside a word
])
def test_tokens(text, expected):
    assert words(text) == expected
    for s, e, t in tokens(text, 0, len(text)):
        assert text[s:e] == t


def test_quotes_stand_as_one_token_and_abbreviations_end_no_sentence():
    doc = Document('Sen. Jane Doe said: "We will win." Then Mr. Roe left. He came back.', None)
    assert doc.tt == ["Sen.", "Jane", "Doe", "said", ":", "<Q>", "Then", "Mr.", "Roe", "left", ".",
                      "He", "came", "back", "."]
    assert doc.kind[5] == "q" and doc.quotes[doc.qref[5]].words == 3
    assert doc.sent[0] == doc.sent[3] == doc.sent[8]   # "Sen." and "Mr." end no sentence
    assert doc.sent[11] == doc.sent[8] + 1             # "left." does
