"""Passages (verification.passages): claims that run across consecutive quotes of one source.

The seed story as two transcripts, sentence by sentence: Putin's answers in
Beijing on 3 September 2025 and Zelenskyy's in Paris the day after.
"""
import pytest

from verification import verify as single
from verification.model import CanonicalQuote, Claim, SpeakerRef
from verification.passages import PassageId, Stretch, expandable, verify
from verification.sentences import split_sentences

PUTIN = SpeakerRef(1, "Vladimir Putin", ("Russian President Vladimir Putin",))
ZELENSKYY = SpeakerRef(2, "Volodymyr Zelenskyy", ("Volodymyr Zelensky",))
HOLT = SpeakerRef(3, "Lester Holt")

BEIJING = ("I have never refused this, provided the meeting is well-prepared and can lead to some positive "
           "potential outcomes. (US President) Donald (Trump) asked me if I could possibly arrange such a "
           "meeting. I replied that yes, it's possible. Ultimately, if Zelenskyy is ready, let him come to "
           "Moscow \u2013 then the meeting will take place.")
PARIS = ("Our American partners told us that Putin invited me to Moscow, and I believe that if you want to "
         "avoid a meeting, you should invite me to Moscow. Russia has started talking about a meeting, which is "
         "already not bad. But, so far, we do not see their desire to end the war.")


def transcript(source_id, first_id, speaker, text, spoken_at, location, positions=None):
    quotes = [CanonicalQuote(first_id + i, s, speaker, spoken_at, location, "News conference")
              for i, s in enumerate(split_sentences(text))]
    positions = positions or range(1, len(quotes) + 1)
    return quotes, Stretch(source_id, tuple(zip(positions, quotes)))


@pytest.fixture(scope="module")
def record():
    beijing, b = transcript(10, 1, PUTIN, BEIJING, "2025-09-03", "Beijing, China")
    paris, p = transcript(20, 101, ZELENSKYY, PARIS, "2025-09-04", "Paris, France")
    return beijing, paris, [b, p]


def judge(record, text, speaker=None, location=None, date=None):
    beijing, paris, stretches = record
    return verify(Claim(text, speaker, date, location), beijing + paris, [PUTIN, ZELENSKYY], stretches)


def test_two_consecutive_sentences_verify_as_a_passage(record):
    claim = "I replied that yes, it's possible. Ultimately, if Zelenskyy is ready, let him come to Moscow"
    v = judge(record, claim, "Putin", "Beijing", "2025-09-03")
    assert v.verdict == "verified" and v.issues == []
    assert v.match.quote.id == PassageId(10, (3, 4))
    assert v.match.text.status == "fragment" and v.match.score == 100.0
    # Without passages the same claim matches no single quote well enough.
    beijing, paris, _ = record
    assert single.verify(Claim(claim, "Putin"), beijing + paris, [PUTIN, ZELENSKYY]).verdict != "verified"


def test_an_ellipsis_may_skip_quotes_of_the_same_source(record):
    v = judge(record, "I have never refused this \u2026 let him come to Moscow", "Vladimir Putin")
    assert v.verdict == "verified"
    assert v.match.quote.id == PassageId(10, (1, 2, 3, 4))
    assert any(op.gap for op in v.match.text.diff)


def test_a_word_altered_in_a_passage_is_reported_over_the_whole_passage(record):
    v = judge(record, "I replied that yes, it's possible. Ultimately, if Zelenskyy is ready, let him come to Kyiv",
              "Putin")
    assert v.verdict == "mismatch" and [i.type for i in v.issues] == ["altered_wording"]
    assert v.match.quote.id == PassageId(10, (3, 4))
    assert "the record says \u201cMoscow\u201d, the claim \u201cKyiv\u201d" in v.issues[0].message
    assert v.issues[0].canonical.startswith("I replied that yes")


def test_the_passage_facts_are_checked_like_a_quote(record):
    v = judge(record, "asked me if I could possibly arrange such a meeting. I replied that yes, it's possible",
              "Zelenskyy", "Paris")
    assert v.match.quote.id == PassageId(10, (2, 3))
    assert sorted(i.type for i in v.issues) == ["misattributed", "wrong_location"]


def test_putins_sentence_joined_to_zelenskyys_does_not_verify(record):
    v = judge(record, "let him come to Moscow \u2013 then the meeting will take place. "
                      "Russia has started talking about a meeting, which is already not bad.", "Putin")
    assert v.verdict != "verified"


def test_a_passage_joining_two_speakers_says_so():
    beijing, _ = transcript(10, 1, PUTIN, BEIJING, "2025-09-03", "Beijing, China")
    reply = CanonicalQuote(50, "Mr President, thank you for that answer.", HOLT, "2025-09-03", "Beijing, China")
    mixed = Stretch(10, tuple(zip(range(1, 6), beijing + [reply])))
    v = verify(Claim("then the meeting will take place. Mr President, thank you for that answer.", "Putin"),
               beijing + [reply], [PUTIN, HOLT], [mixed])
    assert v.verdict == "mismatch"
    assert [i.type for i in v.issues] == ["spliced"]
    assert "Vladimir Putin and Lester Holt" in v.issues[0].message
    assert v.match.speaker.status == "mismatch"
    # An ellipsis over someone else's words: one speaker's words, but not one remark.
    after = CanonicalQuote(51, "We will meet when the time is right.", PUTIN, "2025-09-03", "Beijing, China")
    longer = Stretch(10, tuple(zip(range(1, 7), beijing + [reply, after])))
    v = verify(Claim("let him come to Moscow \u2026 We will meet when the time is right."),
               beijing + [reply, after], [PUTIN, HOLT], [longer])
    assert v.verdict == "mismatch" and [i.type for i in v.issues] == ["spliced"]
    assert "skips what Lester Holt said" in v.issues[0].message


def test_a_gap_in_the_order_ends_a_passage():
    # Positions 1, 2 and 4, 5: what was said at 3 (a question) is not on record as a quote.
    beijing, gapped = transcript(10, 1, PUTIN, BEIJING, "2025-09-03", "Beijing, China", positions=[1, 2, 4, 5])
    claim = "arrange such a meeting. I replied that yes, it's possible."
    v = verify(Claim(claim), beijing, [PUTIN], [gapped])
    assert v.verdict != "verified"
    assert verify(Claim(claim), beijing, [PUTIN], [transcript(10, 1, PUTIN, BEIJING, None, None)[1]]
                  ).verdict == "verified"


def test_a_claim_within_one_quote_needs_no_passage(record):
    beijing, paris, stretches = record
    claim = "if Zelenskyy is ready, let him come to Moscow"
    assert expandable(claim, beijing + paris) == []
    v = judge(record, claim, "Putin")
    assert v.verdict == "verified" and v.match.quote.id == 4
    # A passage claim does look at its quotes.
    assert 3 in expandable("I replied that yes, it's possible. Ultimately, if Zelenskyy is ready", beijing)


def test_a_quote_holding_the_words_is_judged_with_a_passage_holding_them():
    """Someone else's passage holds the claimed words as they are, and so does
    a quote of the claimed speaker: the claimed speaker's quote wins (the
    passage must not make it a misattribution)."""
    beijing, stretch = transcript(10, 1, PUTIN, BEIJING, "2025-09-03", "Beijing, China")
    mine = CanonicalQuote(90, "I replied that yes, it's possible. Ultimately, if Zelenskyy is ready, let him come "
                              "to Moscow.", ZELENSKYY, "2025-09-04", "Paris, France")
    v = verify(Claim("I replied that yes, it's possible. Ultimately, if Zelenskyy is ready", "Zelenskyy"),
               [mine, *beijing], [PUTIN, ZELENSKYY], [stretch])
    assert v.verdict == "verified" and v.match.quote.id == 90
    assert any(isinstance(a.quote.id, PassageId) for a in v.alternatives)
