"""The negation flag and the side-by-side stretches of an altered quote."""
import pytest

from test_align import PUTIN_NEVER, ZEL_MEETING, ZEL_MOSCOW  # the seed story's quotes
from verification.align import align
from verification.wording import changes, negation_changed

OBAMA = "We are not a collection of red states and blue states; we are the United States of America."


# --- one side negates what the other asserts ---------------------------------------


@pytest.mark.parametrize("claim, record", [
    ("which is already bad", ZEL_MEETING),                        # negation dropped
    ("so far, we do see their desire to end the war", ZEL_MEETING),
    ("I have refused this", PUTIN_NEVER),                          # "never" dropped
    ("We are a collection of red states and blue states", OBAMA),
    ("you should not invite me to Moscow", ZEL_MOSCOW),            # negation added
    ("if you don't want to avoid a meeting", ZEL_MOSCOW),
])
def test_a_negation_added_or_dropped_is_flagged(claim, record):
    m = align(claim, record)
    assert m.status == "altered" and "negation" in m.flags


@pytest.mark.parametrize("claim, record", [
    # The seed story's paraphrase: "avoid" and "not happen" both wish the
    # meeting away; neither side asserts what the other negates.
    ("if you want the meeting to not happen, you should invite me to Moscow", ZEL_MOSCOW),
    ("I have always accepted this, provided the meeting is well-prepared", PUTIN_NEVER),
    ("we are no collection of red states and blue states", OBAMA),  # a negation for a negation
])
def test_a_rewording_that_keeps_the_sense_is_not_a_negation_change(claim, record):
    m = align(claim, record)
    assert m.status == "altered" and "negation" not in m.flags


@pytest.mark.parametrize("claimed, record, changed", [
    (["not"], [], True),
    (["didn't", "win"], ["won"], False),      # irregular forms are a different word: no claim
    (["didn't", "refuse"], ["refused"], True),  # same word, stemmed
    (["not", "happen"], ["avoid", "a", "meeting"], False),
    (["did", "not", "win"], ["lost"], False),
    (["no"], ["some"], True),                 # only function words around it
    (["never", "refused"], ["always", "accepted"], False),
    (["not", "cut"], ["not", "raise"], False),  # a negation on both sides
])
def test_the_negation_rule_on_single_stretches(claimed, record, changed):
    assert negation_changed(claimed, record) is changed
    assert negation_changed(record, claimed) is changed


# --- stretches -----------------------------------------------------------------------


@pytest.mark.parametrize("claim, record, expected", [
    # The seed paraphrase: one stretch, quoted from both texts.
    ("if you want the meeting to not happen, you should invite me to Moscow.", ZEL_MOSCOW,
     [("to avoid a meeting", "the meeting to not happen")]),
    # An omission or addition is quoted with its neighbours ...
    ("Russia has started talking about a meeting, which is already bad.", ZEL_MEETING,
     [("already not bad", "already bad")]),
    # ... or with the next word at the very start.
    ("He said that our American partners told us that Putin invited me to Moscow", ZEL_MOSCOW,
     [("Our", "He said that our")]),
    # Stretches far apart are quoted apart, in order.
    ("I have refused this, provided the meeting is prepared and can lead to some good outcomes.", PUTIN_NEVER,
     [("have never refused", "have refused"), ("is well-prepared", "is prepared"),
      ("positive potential", "good")]),
    # A bracket that stands for part of a changed stretch is quoted with it.
    ("Look at what [the Democrats] have done to this country",
     "Look at what the people on the other side have done to this country",
     [("the people on the other side", "[the Democrats]")]),
])
def test_differing_stretches_side_by_side(claim, record, expected):
    m = align(claim, record)
    assert changes(m.diff, claim, record) == expected


def test_long_stretches_are_quoted_by_their_ends():
    record = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    claim = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron"
    m = align("start " + claim + " end", "start " + record + " end")
    (rec, cl), = changes(m.diff, "start " + claim + " end", "start " + record + " end")
    assert rec == "one two three four five \u2026 eleven twelve thirteen fourteen fifteen"
    assert cl.startswith("alpha beta") and "\u2026" in cl


def test_a_diff_of_other_texts_gives_no_stretches():
    m = align("which is already bad", ZEL_MEETING)
    assert changes(m.diff, "something else entirely", ZEL_MEETING) == []
