"""The bound behind app/passage_rivals.py: which claim word pairs a quote that
could rival a passage must hold."""
from __future__ import annotations

from app.passage_rivals import _most_broken, _Pairs
from app.search_keys import pair_token

WORDS = [f"w{i}" for i in range(10)]
SPANS = [(i, i + 1) for i in range(10)]


def pairs(unheld=(), named=()):
    tokens = [pair_token(a, b) for a, b in zip(WORDS, WORDS[1:])]
    counts = {t: 5.0 for j, t in enumerate(tokens) if j not in unheld}
    return _Pairs(WORDS, [i in named for i in range(10)], SPANS, counts, set(tokens))


def test_an_edited_word_leaves_its_two_pairs_unheld_and_the_one_alteration_is_there():
    p = pairs(unheld={5, 6})
    assert p.unheld == {5, 6}
    left, right = set(p.side(3, True)), set(p.side(3, False))
    assert left == {0, 1} and right == {3, 4, 7, 8}
    # The rival's one alteration must break both unheld pairs: it breaks no held one.
    assert _most_broken(p, (left, right), 1) == [0, 0]


def test_unheld_pairs_one_alteration_cannot_break_mean_no_rival():
    p = pairs(unheld={1, 7})
    assert _most_broken(p, (set(p.side(5, True)), set(p.side(5, False))), 1) is None
    # Two can: each may take a held pair next to its unheld one with it.
    assert _most_broken(p, (set(p.side(5, True)), set(p.side(5, False))), 2) == [1, 1]


def test_with_every_pair_held_an_alteration_may_break_two_anywhere():
    p = pairs()
    assert _most_broken(p, (set(p.side(5, True)), set(p.side(5, False))), 1) == [2, 2]
    assert _most_broken(p, (set(p.side(5, True)), set(p.side(5, False))), 2) == [4, 4]


def test_pairs_touching_a_possible_name_are_never_counted_on():
    p = pairs(unheld={2}, named={2})
    # Word 2 could be a name spelled otherwise (free): its pairs are neither held nor unheld.
    assert 1 not in p.held and 2 not in p.held and p.unheld == set()
