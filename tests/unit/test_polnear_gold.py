"""The PolNeAR benchmark's gold rules (bench.polnear_gold), on hand-written Source spans."""
import pytest

from bench.polnear import folds
from bench.polnear_gold import GoldPiece, quoted_parts, source_heads, speaker_right


@pytest.mark.parametrize("source, kind, names", [
    ("Putin", "person", ["Putin"]),
    ("psychologist Elaine Ducharme", "person", ["Elaine Ducharme"]),
    ("9/11 widow Terry Strada", "person", ["Terry Strada"]),
    ("White House press secretary Josh Earnest", "person", ["Josh Earnest"]),
    ("Former Secretary of State Madeleine Albright", "person", ["Madeleine Albright"]),
    ("Sen. Ted Cruz (R-Texas)", "person", ["Ted Cruz"]),
    ("Mr. King", "person", ["King"]),
    ("Amy Pope, deputy homeland security advisor,", "person", ["Amy Pope"]),
    ("Dana Reyes, Fox News,", "person", ["Dana Reyes"]),
    ("The New Republic's Jeet Heer", "person", ["Jeet Heer"]),
    ("Clinton campaign manager Robby Mook", "person", ["Robby Mook"]),
    ("Her campaign manager, Robby Mook,", "person", ["Robby Mook"]),
    ("Stephen Vladeck of the University of Texas", "person", ["Stephen Vladeck"]),
    ("Trump and Ryan", "person", ["Trump", "Ryan"]),
    ("the White House", "org", ["White House"]),
    ("NatWest", "person", ["NatWest"]),  # one capitalised word: no way to tell on the gold side
    ("CNN", "org", ["CNN"]),
    ("the Washington Post", "org", ["Washington Post"]),
    ("the Clinton campaign", "org", ["Clinton campaign"]),
    ("the Florida senator", "desc", []),
    ("a spokesman for Clinton", "desc", []),
    ("he", "pron", ["he"]),
    ("OBAMA'S LAST STATE OF THE UNION", "other", []),
])
def test_source_heads(source, kind, names):
    assert source_heads(source) == (kind, names)


def test_every_piece_of_a_split_quote_is_gold():
    text = '"The economy is strong," Smith said, "and it will get stronger."'
    parts = quoted_parts(text, [(0, len(text))])
    assert [text[a:b] for a, b in parts] == ["The economy is strong,", "and it will get stronger."]


def test_speaker_right_by_surname_or_first_name():
    piece = GoldPiece(0, 1, "person", ["Robby Mook"], 0)
    assert speaker_right(piece, "Mook")
    assert not speaker_right(piece, "Hillary Clinton")
    assert not speaker_right(piece, None)
    assert speaker_right(GoldPiece(0, 1, "person", ["Hillary"], 0), "Hillary Clinton")
    assert speaker_right(GoldPiece(0, 1, "person", ["O'Donnell"], 0), "Brett O’Donnell")


def test_folds_are_fixed_by_the_seed_not_the_order():
    names = [f"article-{i}" for i in range(50)]
    a, b = folds(names), folds(list(reversed(names)))
    assert a == b
    assert sorted(set(a.values())) == [0, 1, 2, 3, 4]
    assert folds(names, seed=15) != a
