"""Bracketed substitutions and names in another spelling: the editor's, not
alterations; and where they stop being the editor's.

Cases are the issue's and the seed story's, and bracket styles seen in real
news copy (a pronoun replaced by a name, a possessive or contraction glued
to the bracket, a capital changed inside a bracket)."""
import pytest

from test_align import PUTIN, PUTIN_NEVER, ZEL_MEETING  # the seed story's quotes
from verification.align import align
from verification.editorial import MAX_BRACKET_WORDS



def real_changes(m):
    return [(d.op, d.claimed, d.canonical) for d in m.diff if d.op != "equal" and not d.gap and not d.editorial]


def bracket_steps(m):
    return [(d.op, d.claimed, d.canonical) for d in m.diff if d.editorial and not d.gap]


# --- brackets the editor may write ----------------------------------------------------


@pytest.mark.parametrize("claim, record, stands_for", [
    ("Look at what [the Republicans]'ve done", "Look at what they've done", ("[the Republicans]'ve", "they've")),
    ("Look at what [the Republicans]\u2019ve done", "Look at what they\u2019ve done",
     ("[the Republicans]\u2019ve", "they\u2019ve")),
    ("[Trump]'s plan is a disaster for this country", "His plan is a disaster for this country",
     ("[Trump]'s", "His")),
    ("[Trump's] plan is a disaster for this country", "His plan is a disaster for this country",
     ("[Trump's]", "His")),
    ("and [they]'re coming for your jobs", "and we're coming for your jobs", ("[they]'re", "we're")),
    ("[he]'s not going to stop", "I am not going to stop", ("[he]'s", "I am")),
    ("[T]he stakes are higher than ever", "The stakes are higher than ever", None),
])
def test_a_bracket_glued_to_a_contraction_or_possessive_is_the_editors(claim, record, stands_for):
    m = align(claim, record)
    assert m.status == "normalized", real_changes(m)
    assert m.score == 100.0 and m.flags == [] and real_changes(m) == []
    assert bracket_steps(m)
    if stands_for:
        assert [(n.type, n.claimed, n.canonical) for n in m.notes] == [("bracket", *stands_for)]
        assert m.notes[0].message == f"\u201c{stands_for[0]}\u201d stands for \u201c{stands_for[1]}\u201d on record."


def test_he_for_i_in_reported_speech():
    m = align("[He] replied that yes, it's possible", PUTIN)
    assert m.status == "fragment" and real_changes(m) == []
    assert bracket_steps(m) == [("substitute", "He", "I")]


def test_a_bracket_for_a_short_phrase():
    record = "Look at what the people on the other side have done to this country"
    m = align("Look at what [the Democrats] have done to this country", "Look at what this crowd have done to this country")
    assert m.status == "normalized" and real_changes(m) == []
    # The limit: a bracket stands for at most MAX_BRACKET_WORDS words of the record.
    assert MAX_BRACKET_WORDS == 3
    long = align("Look at what [the Democrats] have done to this country", record)
    assert long.status == "altered" and long.flags == []
    # It may stand for "the other side"; "the people on" is then left out.
    assert real_changes(long) == [("delete", "", "the"), ("delete", "", "people"), ("delete", "", "on")]


def test_a_glued_contraction_must_fit_the_records():
    m = align("Look at what [the Republicans]'ll do", "Look at what they've done")
    assert m.status == "altered"


# --- brackets that alter the quote ----------------------------------------------------


@pytest.mark.parametrize("claim, record, flag", [
    ("which is already [very] bad", ZEL_MEETING, "negation"),
    ("which is already [not] bad", "Russia has started talking about a meeting, which is already bad.", "negation"),
    ("I have [always] refused this", PUTIN_NEVER, "negation"),
    ("We spent [a lot of] dollars on it", "We spent 10 dollars on it", "number"),
    ("if [Putin] is ready, let him come to Moscow", PUTIN, "name"),
])
def test_a_bracket_may_not_replace_a_negation_a_number_or_a_name(claim, record, flag):
    m = align(claim, record)
    assert m.status == "altered", m.diff
    assert flag in m.flags
    assert real_changes(m), "the bracket's words show as an alteration, not as the editor's"


def test_a_bracket_may_restate_a_number_or_a_negation():
    assert align("We spent [ten] dollars on it", "We spent 10 dollars on it").status == "normalized"
    assert align("I [did not] refuse this", "I didn't refuse this").status == "normalized"


@pytest.mark.parametrize("claim, record, flag", [
    # A bracket at the edge of a quoted piece cannot stand for "nothing" when
    # the word it takes the place of is a name, a negation or a number.
    ("[Putin] is ready, let him come to Moscow", PUTIN, "name"),
    ("[We will] cut taxes for the middle class", "We will not cut taxes for the middle class", "negation"),
    ("[Ten] people came to the rally", "Five people came to the rally", "number"),
    ("if Zelenskyy is ready, let him come [to Kyiv]", PUTIN, "name"),
])
def test_a_bracket_at_the_edge_of_a_fragment_may_not_hide_what_it_replaces(claim, record, flag):
    m = align(claim, record)
    assert m.status == "altered" and flag in m.flags


def test_a_bracket_at_the_edge_that_adds_context_is_still_free():
    m = align("[Trump] asked me if I could possibly arrange such a meeting", PUTIN)
    assert m.status == "fragment" and m.score == 100.0
    m = align("[The president] said we should go", "Then he said we should go")
    assert m.status != "altered" and real_changes(m) == []


# --- names in another spelling ------------------------------------------------------


def test_a_name_in_another_transliteration_is_house_style():
    m = align("If Zelensky is ready, let him come to Moscow", PUTIN)
    assert m.status == "fragment" and m.score == 100.0 and m.flags == []
    assert real_changes(m) == []
    assert [(n.type, n.claimed, n.canonical) for n in m.notes] == [("name_spelling", "Zelensky", "Zelenskyy")]
    assert m.notes[0].message == "\u201cZelensky\u201d is spelled \u201cZelenskyy\u201d on record."


@pytest.mark.parametrize("claim, record, spelled", [
    # Transliterations and given-name forms the speaker check knows.
    ("talks between Zelenskiy's team and Putin's envoy", "talks between Zelenskyy's team and Putin's envoy", True),
    ("the talks with President Volodymyr Zelensky", "the talks with President Vladimir Zelenskyy", True),
    ("a letter from Aleksandr Lukashenko", "a letter from Alexander Lukashenko", True),
    # Common words that fold alike are not names: lower-case on either side,
    # or capitalised only because they start a sentence.
    ("we will meat them there", "we will meet them there", False),
    ("Met them there, we will", "Meet them there, we will", False),
    ("we have Filled the forms", "we have filed the forms", False),
])
def test_only_capitalised_names_are_spellings(claim, record, spelled):
    m = align(claim, record)
    assert m.status == ("normalized" if spelled else "altered"), real_changes(m)
    assert bool(m.notes) is spelled and all(n.type == "name_spelling" for n in m.notes)
    assert m.flags == [] or not spelled


def test_a_different_name_is_still_a_name_change():
    m = align("if Putin is ready, let him come to Moscow", PUTIN)
    assert m.status == "altered" and m.flags == ["name"]
    assert m.notes == []




# --- cases the benchmark's real quotes taught ----------------------------------------


def test_a_pronoun_opening_a_quoted_sentence_is_no_name():
    record = "He keeps telling people, 'We're going to build a wall and we're going to win.'"
    m = align("He keeps telling people, '[the voters]'re going to build a wall", record)
    assert m.status == "fragment" and real_changes(m) == [], m.diff


def test_a_bracket_in_place_of_a_pronoun_at_the_edge_stands_for_it_not_for_the_name_before():
    record = "According to the agency's chief Smith, it is patently unfair that wealthy people live apart."
    m = align("[the law] is patently unfair that wealthy people live apart", record)
    assert m.status == "fragment" and [n.canonical for n in m.notes] == ["it"]


def test_an_edge_bracket_stands_for_as_few_record_words_as_it_can():
    record = "If Americans vote their share of the population, the state is suddenly competitive."
    m = align("[the American people's] share of the population, the state is suddenly competitive", record)
    assert m.status == "fragment" and [n.canonical for n in m.notes] == ["their"]


def test_a_glued_contraction_stands_for_the_verb_and_the_bracket_for_its_subject():
    m = align("[he]'s not going to stop", "I am not going to stop")
    assert [(n.claimed, n.canonical) for n in m.notes] == [("[he]'s", "I am")]


@pytest.mark.parametrize("claim, record, spelled", [
    # A given name that starts a sentence is a name when a name follows it.
    ("Scot Walker has a plan to sell the state lands", "Scott Walker has a plan to sell the state lands", True),
    # A capitalised word alone at a sentence's start could be any word
    # ("Dyed" / "Died", "Filled" / "Filed"): not taken for a name.
    ("Romnei refused to pardon the soldier", "Romney refused to pardon the soldier", False),
    ("Dyed in the wool, he said", "Died in the wool, he said", False),
])
def test_a_name_at_a_sentences_start_needs_evidence(claim, record, spelled):
    m = align(claim, record)
    assert (m.status != "altered") is spelled and bool(m.notes) is spelled


@pytest.mark.parametrize("claim", [
    "The weather in [the capital] was sunny and warm all week long, said [the forecaster]'s office",
    "[They] said the weather in London was [not] sunny and warm all week long",
])
def test_a_bracket_in_a_long_differing_stretch_keeps_the_diff_whole(claim):
    # Against another sentence the differing stretch is too long to re-align
    # word by word; the diff still gives every word of both texts in order.
    from verification.normalize import tokenize
    m = align(claim, PUTIN)
    assert m.status == "altered"
    assert [d.claimed for d in m.diff if d.op != "delete"] == [t.raw for t in tokenize(claim)]
    assert [d.canonical for d in m.diff if d.op != "insert"] == [t.raw for t in tokenize(PUTIN)]
