"""Transcript parsing (verification.transcripts) and sentence splitting, on real transcript shapes."""
import pytest

from verification.sentences import context_after, context_before, split_sentences
from verification.transcripts import label_key, parse_transcript

# A single speaker's remarks as the American Presidency Project prints them:
# a heading, reactions in brackets, an editorial insertion that must stay.
REMARKS = """Remarks at the Roberts Centre in Wilmington, Ohio
Thank you. Thank you, everybody. [Applause] Thank you very much.
We are going to bring back our jobs, and we are going to bring back our country. [cheers and applause]
(US President) Donald (Trump) asked me if I could arrange it. [Laughter] I said yes.
"""

# A White House briefing: place and time lines, MR. EARNEST:, Q, (Laughter.), END.
BRIEFING = """Aboard Air Force One
En Route Midway Atoll
10:36 A.M. HAST
MR. EARNEST: Good morning, everybody. A little piece of news before we get started.
The President telephoned FEMA Administrator Craig Fugate this morning.
Q: Josh, will the President go to Hawaii? (Laughter.)
MR. EARNEST: He will, Kevin. (Laughter.) We'll have more on that later.
END 10:59 A.M. HAST
"""

# The Kremlin's news conferences: full-name labels and "Question:".
KREMLIN = """Vladimir Putin: I have never refused this, provided the meeting is well-prepared.
Question: Mr President, will you meet Zelensky?
Vladimir Putin: Ultimately, if Zelenskyy is ready, let him come to Moscow. Then the meeting will take place.
"""

# A debate: three speakers, [crosstalk], a moderator's lines.
DEBATE = """HOLT: Good evening from Hofstra University in Hempstead, New York. I'm Lester Holt.
CLINTON: How are you, Donald? [applause]
TRUMP: Thank you, Lester. Our jobs are fleeing the country. They're going to Mexico.
CLINTON: Well, I think -- [crosstalk]
TRUMP: Excuse me. I'm talking.
HOLT: Mr. Trump, let her answer.
"""


def said(t):
    return [(turn.label, [s.text for s in turn.sentences]) for turn in t.turns]


def test_single_speaker_remarks_have_one_unlabelled_turn_without_stage_directions():
    t = parse_transcript(REMARKS)
    assert said(t) == [(None, [
        "Thank you.", "Thank you, everybody.", "Thank you very much.",
        "We are going to bring back our jobs, and we are going to bring back our country.",
        "(US President) Donald (Trump) asked me if I could arrange it.", "I said yes.",
    ])]
    kinds = [(o.kind, o.text) for o in t.omitted]
    assert kinds == [("heading", "Remarks at the Roberts Centre in Wilmington, Ohio"),
                     ("stage_direction", "[Applause]"), ("stage_direction", "[cheers and applause]"),
                     ("stage_direction", "[Laughter]")]
    # Offsets point into the text; sentences are numbered in order.
    for s in t.turns[0].sentences:
        assert " ".join(t.text[s.start:s.end].replace("[Laughter]", "").split()) == s.text
    assert [s.index for s in t.turns[0].sentences] == list(range(6))


def test_a_briefing_with_questions_headings_and_laughter():
    t = parse_transcript(BRIEFING)
    assert said(t) == [
        ("MR. EARNEST", ["Good morning, everybody.", "A little piece of news before we get started.",
                         "The President telephoned FEMA Administrator Craig Fugate this morning."]),
        ("Q", ["Josh, will the President go to Hawaii?"]),
        ("MR. EARNEST", ["He will, Kevin.", "We'll have more on that later."]),
    ]
    assert [turn.unnamed for turn in t.turns] == [False, True, False]
    headings = [o.text for o in t.omitted if o.kind == "heading"]
    assert headings == ["Aboard Air Force One", "En Route Midway Atoll", "10:36 A.M. HAST", "END 10:59 A.M. HAST"]
    assert sum(o.kind == "stage_direction" for o in t.omitted) == 2
    # The question keeps its place in the order: the answers' sentences are not consecutive with it.
    assert [s.index for s in t.turns[2].sentences] == [4, 5]


def test_full_name_labels_and_question_turns():
    t = parse_transcript(KREMLIN)
    assert t.labels == ["Vladimir Putin", "Question"]
    assert [turn.unnamed for turn in t.turns] == [False, True, False]
    assert said(t)[2] == ("Vladimir Putin", ["Ultimately, if Zelenskyy is ready, let him come to Moscow.",
                                             "Then the meeting will take place."])


def test_a_debate_with_three_speakers():
    t = parse_transcript(DEBATE)
    assert t.labels == ["HOLT", "CLINTON", "TRUMP"]
    assert [turn.label for turn in t.turns] == ["HOLT", "CLINTON", "TRUMP", "CLINTON", "TRUMP", "HOLT"]
    assert said(t)[3] == ("CLINTON", ["Well, I think --"])
    assert [s.text for s in t.turns[2].sentences] == ["Thank you, Lester.", "Our jobs are fleeing the country.",
                                                       "They're going to Mexico."]


@pytest.mark.parametrize("text,labels", [
    ("PRESIDENT PUTIN (via interpreter): Good afternoon.", ["PRESIDENT PUTIN"]),
    ("President Putin: Good afternoon.", ["President Putin"]),
    ("THE PRESIDENT: Thank you. (Applause.)", ["THE PRESIDENT"]),
    ("MODERATOR: Next question.", ["MODERATOR"]),
    ("Putin: Yes.\nPutin: No.", ["Putin"]),  # one capitalised word, used twice
])
def test_labels_as_newsrooms_see_them(text, labels):
    assert parse_transcript(text).labels == labels


def test_a_capitalised_word_and_a_colon_once_is_just_text():
    t = parse_transcript("Remember: we did this together.\nAnd we will do it again.")
    assert said(t) == [(None, ["Remember: we did this together.", "And we will do it again."])]
    # ...unless the caller knows it is a speaker.
    assert parse_transcript("Putin: We did.", labels=["PUTIN"]).labels == ["Putin"]
    assert parse_transcript("Putin: We did.", is_speaker=lambda label: label == "Putin").labels == ["Putin"]


def test_metadata_lines_are_headings_not_speakers():
    t = parse_transcript("Subject: The budget\nMR. EARNEST: Good morning.")
    assert t.labels == ["MR. EARNEST"]
    assert [o.text for o in t.omitted] == ["Subject: The budget"]


def test_label_key():
    assert label_key(" THE  PRESIDENT. ") == "the president" == label_key("The President")


@pytest.mark.parametrize("text,expected", [
    ("I met Mr. Smith today. He said no.", ["I met Mr. Smith today.", "He said no."]),
    ("Donald J. Trump won. We lost.", ["Donald J. Trump won.", "We lost."]),
    ("We love the U.S. The country is great.", ["We love the U.S.", "The country is great."]),
    ("He lives in the U.S. and Canada.", ["He lives in the U.S. and Canada."]),
    ("Is it? Yes! I think so.", ["Is it?", "Yes!", "I think so."]),
    ("It is 3.5 percent. Okay.", ["It is 3.5 percent.", "Okay."]),
    ('He said "go home." Then he left.', ['He said "go home."', "Then he left."]),
    ("Gen. Smith met Sen. Jones at 10 a.m. They talked.", ["Gen. Smith met Sen. Jones at 10 a.m.", "They talked."]),
    ("first line\nsecond line.", ["first line", "second line."]),
    ("the end. and more", ["the end. and more"]),
])
def test_sentences(text, expected):
    assert split_sentences(text) == expected


def test_context_is_a_sentence_or_two_either_side():
    assert context_before("One. Two. Three.\nPUTIN: ") == "Two. Three. PUTIN:"
    assert context_after(" Four. Five. Six.") == "Four. Five."
    assert context_before("") == "" and context_after("  ") == ""
