"""Stage 2b, clauses (verification/extract/clauses.py): reporting verbs and their subjects."""
import pytest

from verification.extract import extract_quotes
from verification.extract.document import Document
from verification.extract.lexicon import is_role_noun


def report_verbs(text):
    doc = Document(text, None)
    return [doc.tt[k] for k in range(len(doc.tt)) if doc._is_report_verb(k)]


@pytest.mark.parametrize("text, verbs", [
    ("Smith said the report was late.", ["said"]),            # "the report": a noun
    ("Trump's tweets angered him. He tweets daily.", ["tweets"]),
    ("She will continue to fight. She continued: no.", ["continued"]),
    ("White House press secretary Josh Earnest spoke.", []),  # "press" before a role noun
    ("He went on to say it was over.", ["went", "say"]),      # a phrasal verb; an infinitive
])
def test_reporting_verbs_in_use(text, verbs):
    assert report_verbs(text) == verbs


@pytest.mark.parametrize("word, role", [
    ("psychologist", True), ("widow", True), ("farmer", True), ("co-host", True), ("executive", True),
    ("after", False), ("moment", False), ("never", False), ("reporters", False), ("said", False),
])
def test_role_nouns_by_their_form(word, role):
    assert is_role_noun(word) is role


def test_subject_before_the_verb_through_an_appositive():
    doc = Document("Jane Doe, the mayor of Springfield, said it was fine.", None)
    v = doc.tt.index("said")
    at = doc._np_before(v, 0)
    assert (at.kind, doc.tt[at.ment_start:at.ment_end]) == ("name", ["Jane", "Doe"])


def test_subject_after_the_verb_through_role_nouns():
    doc = Document("said Idaho nutritional-supplement executive Frank VanderSloot.", None)
    at = doc._np_after(1, len(doc.tt) - 1)
    assert doc.tt[at.ment_start:at.ment_end] == ["Frank", "VanderSloot"]


def speakers(text):
    return [q.speaker.name if q.speaker else None for q in extract_quotes(text)]


@pytest.mark.parametrize("text, name", [
    # a name followed by phrases of organisations and places
    ('"A staged weapon would be a stretch for them," Jeffrey Lewis of the James Martin Center for '
     'Nonproliferation Studies wrote in December.', "Jeffrey Lewis"),
    ("As Archbishop Aris Shirvanian of the Armenian Patriarchate of Jerusalem told the AP, “We have "
     "suffered the same fate as the Jewish people.”", "Aris Shirvanian"),
    # "A and B" before a verb in the singular is one subject
    ('Yahoo News and former TV anchor Katie Couric has promoted humility, advising graduates to "become '
     'members of the two-H club: hard work and humility."', "Katie Couric"),
    # a possessive opening the sentence, an appositive naming the subject
    ("Schilling's son, Grant, defended his father on Facebook, saying: “I can assure you he has made "
     "great strides to understand people today.”", "Grant"),
    # "to" and a listener after the verb
    ("Guns are “the ultimate public health crisis,” Howard Dean, the former governor of Vermont, "
     "proclaimed to a cheering crowd on Tuesday.", "Howard Dean"),
    # titles joined by "and"; a description named by "known as"
    ("“That is what he did in 2008 and 2012,” said former Pennsylvania Gov. and Democratic National "
     "Committee Chairman Ed Rendell.", "Ed Rendell"),
    ('"There never was a stand-down order," said the base chief known as Bob, speaking publicly for the '
     'first time.', "Bob"),
    # adverbs after "but" are no subject of the coordinated verb
    ("House Republican Thomas Massie used to support Rand Paul, but now said Trump had “the opportunity "
     "and the obligation to bring us together.”", "Thomas Massie"),
    # a possessive name is not the nearest subject
    ("Stuart Stevens, a Republican operative and Mitt Romney's chief strategist in 2012, said the way the "
     "campaign disparaged women who complained about the president's behavior \"would be all but "
     "disqualifying in a primary\" nowadays.", "Stuart Stevens"),
])
def test_subjects_found_through_postmodifiers_and_coordination(text, name):
    assert speakers(text) == [name]
