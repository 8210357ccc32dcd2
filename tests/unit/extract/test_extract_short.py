"""Short fragments (verification/extract/attribution.py, document.py): listed only when asked,
marked too_short; terms and titles never."""
from verification.extract import extract_quotes


def test_fragments_without_attribution_are_returned_only_when_asked():
    text = 'Critics called the plan "inadequate" on Monday. Some voters want "change" and others do not.'
    assert extract_quotes(text) == []
    short = extract_quotes(text, include_short=True)
    assert [(q.text, q.too_short) for q in short] == [("inadequate", True), ("change", True)]
    for q in short:
        assert text[q.start:q.end] == q.text


def test_terms_and_titles_are_not_fragments():
    for text in ('The so-called "coalition of the willing" met again.',
                 'She starred in "The Nightly Show With Larry Wilmore" for two years.'):
        assert extract_quotes(text, include_short=True) == []


def test_an_attributed_short_quote_is_a_quote_not_a_fragment():
    (q,) = extract_quotes('Mayor Karen Bass said the response was "not bad."', include_short=True)
    assert (q.text, q.too_short, q.speaker.name) == ("not bad.", False, "Karen Bass")


def test_a_fragment_keeps_a_speaker_the_article_names_as_a_person():
    text = 'Senator Jane Doe called the plan "inadequate" on Monday.'
    (q,) = extract_quotes(text, include_short=True)
    assert q.too_short and q.speaker.name == "Jane Doe"
