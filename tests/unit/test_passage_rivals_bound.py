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


def _match(score, words, speaker="match", date="not_claimed", location="not_claimed"):
    from verification.model import CanonicalQuote, FieldCheck, Match, SpeakerRef, TextMatch

    quote = CanonicalQuote(id=1, text="x", speaker=SpeakerRef(id=1, name="A"))
    return Match(quote, score, TextMatch("altered", score, 1.0, claimed_words=words),
                 FieldCheck(speaker), FieldCheck(date), FieldCheck(location))


def test_a_rival_of_a_passage_whose_facts_all_fit_must_score_as_well():
    from app.passage_rivals import rival_alterations

    # 19 of 20 words: 95.0. A rival with all 20 words and one alteration scores 95.2.
    assert rival_alterations(_match(95.0, 20)) == 1
    # Another speaker's passage: a rival within the tie margin (92) may outrank it
    # on its facts; two alterations leave at most 90.9.
    assert rival_alterations(_match(95.0, 20, speaker="mismatch")) == 1
    # A long claim leaves room for more alterations within the margin.
    assert rival_alterations(_match(97.5, 40, speaker="mismatch")) == 2
    # Bounded by the threshold (65: 53 alterations for 100 words), with a tenth
    # of a point to spare for the rounding of scores.
    assert rival_alterations(_match(66.0, 100, speaker="mismatch")) == 54
