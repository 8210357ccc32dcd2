"""Stage 5, places and dates from context (verification/extract/context.py)."""
from datetime import date

from verification.extract import extract_quotes
from verification.extract.document import Document


def test_dateline_names_one_place_or_none():
    assert Document("PARIS — Leaders met.", None).dateline() == "Paris"
    assert Document("FRANKFURT, Sept 11 (Reuters) - Rates held.", None).dateline() == "Frankfurt"
    assert Document("MOSCOW/ISTANBUL\nTalks began.", None).dateline() == ""
    assert Document("Leaders met in Paris.", None).dateline() is None


def test_place_and_date_of_the_speaking_not_of_the_topic():
    text = ("Speaking in Paris on Thursday, Jane Doe said an invitation to a meeting in Moscow was "
            "“not a serious offer, and everyone knows it.”")
    (q,) = extract_quotes(text, date(2025, 9, 4))
    assert (q.speaker.name, q.location, q.date) == ("Jane Doe", "Paris", "2025-09-04")


def test_a_place_stated_for_a_speaker_carries_to_her_later_quotes_only():
    text = ("Jane Doe spoke at a rally in Des Moines on Wednesday.\n"
            "“We will fix the roads and the bridges first,” Doe said.\n"
            "“We need a new school in every county,” said John Roe.")
    doe, roe = extract_quotes(text, date(2025, 9, 4))
    assert (doe.location, doe.date) == ("Des Moines", "2025-09-03")
    assert (roe.location, roe.date) == (None, None)
