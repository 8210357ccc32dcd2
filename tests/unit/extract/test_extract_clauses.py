"""Stage 2b, clauses (verification/extract/clauses.py): reporting verbs and their subjects."""
import pytest

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
