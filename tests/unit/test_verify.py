"""Verdicts on the seed story's real cases, and on repeated stock lines."""
from datetime import date

import pytest

from verification.model import CanonicalQuote, Claim, SpeakerRef
from verification.verify import verdict_to_dict, verify

THURSDAY = date(2025, 9, 4)


def run(seed_quotes, seed_speakers, **claim):
    return verify(Claim(**claim), seed_quotes, list(seed_speakers.values()))


def issue_types(v):
    return [i.type for i in v.issues]


def test_putins_moscow_line_placed_in_paris_is_wrong_location(seed_quotes, seed_speakers):
    v = run(seed_quotes, seed_speakers, text="if Zelenskyy is ready, let him come to Moscow",
            speaker="Putin", location="Paris")
    assert v.verdict == "mismatch"
    assert issue_types(v) == ["wrong_location"]
    assert v.match.quote.speaker.name == "Vladimir Putin"
    assert v.match.text.status == "fragment"
    msg = v.issues[0].message
    assert "Beijing" in msg and "Paris" in msg and "3 September 2025" in msg


def test_zelenskyys_invitation_line_given_to_putin_is_misattributed(seed_quotes, seed_speakers):
    v = run(seed_quotes, seed_speakers, text="invite me to Moscow", speaker="Vladimir Putin")
    assert v.verdict == "mismatch"
    assert issue_types(v) == ["misattributed"]
    assert v.match.quote.speaker.name == "Volodymyr Zelenskyy"
    assert "Volodymyr Zelenskyy said this" in v.issues[0].message


def test_both_reported_wordings_of_the_moscow_remark_are_one_quote(seed_quotes, seed_speakers):
    long = run(seed_quotes, seed_speakers,
               text="\u201cOur American partners told us that Putin invited me to Moscow, and I believe "
                    "that if you want to avoid a meeting, you should invite me to Moscow,\u201d",
               speaker="Zelenskyy", location="Paris", date="Thursday", reference_date=THURSDAY)
    short = run(seed_quotes, seed_speakers,
                text="if you want the meeting to not happen, you should invite me to Moscow.",
                speaker="Zelenskyy")
    assert long.verdict == "verified" and long.issues == []
    assert short.match is not None
    assert short.match.quote.id == long.match.quote.id
    # The second rendering is the same remark in other words: found, and the
    # difference in wording is reported rather than hidden.
    assert issue_types(short) == ["altered_wording"]


def test_editorial_insertions_do_not_alter(seed_quotes, seed_speakers):
    for text in ("Donald Trump asked me if I could possibly arrange such a meeting",
                 "Donald asked me if I could possibly arrange such a meeting"):
        v = run(seed_quotes, seed_speakers, text=text, speaker="Putin",
                date="on Wednesday", reference_date=THURSDAY, location="Beijing")
        assert v.verdict == "verified", (text, verdict_to_dict(v))


def test_negation_removed_is_altered_wording(seed_quotes, seed_speakers):
    v = run(seed_quotes, seed_speakers, text="Russia has started talking about a meeting, which is already bad",
            speaker="Zelenskyy")
    assert v.verdict == "mismatch"
    assert issue_types(v) == ["altered_wording"]
    assert "negation" in v.match.text.flags
    assert "not" in v.issues[0].message


def test_wrong_date_and_place_together(seed_quotes, seed_speakers):
    v = run(seed_quotes, seed_speakers, text="let him come to Moscow \u2013 then the meeting will take place",
            speaker="Putin", date="4 September 2025", location="Paris, France")
    assert v.verdict == "mismatch"
    assert sorted(issue_types(v)) == ["wrong_date", "wrong_location"]


def test_date_at_lower_precision_fits(seed_quotes, seed_speakers):
    v = run(seed_quotes, seed_speakers, text="let him come to Moscow \u2013 then the meeting will take place",
            speaker="Vladimir Putin", date="September 2025", location="China")
    assert v.verdict == "verified"


def test_unrelated_sentence_is_unverified(seed_quotes, seed_speakers):
    v = run(seed_quotes, seed_speakers, text="We will build a great wall and Mexico will pay for it")
    assert v.verdict == "unverified"
    assert v.match is None


def test_short_quote_is_found_but_not_verified_alone(seed_quotes, seed_speakers):
    v = run(seed_quotes, seed_speakers, text="not bad")
    assert v.verdict == "unverified"
    assert v.reason == "too_short"
    assert v.match is not None and v.match.quote.speaker.name == "Volodymyr Zelenskyy"


def test_short_quote_narrowed_by_speaker_and_context_verifies(seed_quotes, seed_speakers):
    v = run(seed_quotes, seed_speakers, text="already not bad", speaker="Zelenskyy",
            location="Paris", date="2025-09-04")
    assert v.verdict == "verified"


def test_no_candidates_is_unverified():
    v = verify(Claim(text="anything at all"), [], [])
    assert v.verdict == "unverified" and v.match is None


def test_repeated_stock_line_prefers_the_event_the_claim_names():
    # A politician says the same line at two rallies; the claim names the second.
    trump = SpeakerRef(id=1, name="Donald Trump", aliases=("Donald J. Trump",))
    line = "We are going to make America great again, believe me, we are going to win so much."
    quotes = [
        CanonicalQuote(id=10, text=line, speaker=trump, spoken_at="2016-09-06", location="Greenville, North Carolina"),
        CanonicalQuote(id=11, text=line, speaker=trump, spoken_at="2016-09-12", location="Asheville, North Carolina"),
    ]
    v = verify(Claim(text=line, speaker="Trump", location="Asheville, N.C."), quotes, [trump])
    assert v.verdict == "verified"
    assert v.match.quote.id == 11
    assert [a.quote.id for a in v.alternatives] == [10]
    # Wrong about the place only if he never said it there.
    v = verify(Claim(text=line, speaker="Trump", location="Raleigh, N.C."), quotes, [trump])
    assert v.verdict == "mismatch" and issue_types(v) == ["wrong_location"]


def test_same_words_from_two_speakers_follow_the_claimed_speaker():
    a = SpeakerRef(id=1, name="Bill Clinton")
    b = SpeakerRef(id=2, name="Barack Obama")
    line = "Nobody has done more to make this economy work for ordinary families than she has."
    quotes = [CanonicalQuote(id=1, text=line, speaker=a), CanonicalQuote(id=2, text=line, speaker=b)]
    v = verify(Claim(text=line, speaker="Barack Obama"), quotes, [a, b])
    assert v.verdict == "verified" and v.match.quote.id == 2


def test_json_shape_matches_the_api_contract(seed_quotes, seed_speakers):
    d = verdict_to_dict(run(seed_quotes, seed_speakers, text="let him come to Moscow",
                            speaker="Putin", location="Paris"))
    assert set(d) >= {"verdict", "issues", "match", "alternatives"}
    assert set(d["issues"][0]) == {"type", "claimed", "canonical", "message"}
    assert set(d["match"]) == {"quote", "score", "text", "speaker", "date", "location"}
    assert {"status", "diff"} <= set(d["match"]["text"])
    assert 0 <= d["match"]["score"] <= 100
    for field in ("speaker", "date", "location"):
        assert "status" in d["match"][field]


def test_json_written_by_hand_equals_the_dataclasses(seed_quotes, seed_speakers):
    """verdict_to_dict builds its dicts by hand for speed; they must be what
    dataclasses.asdict gives, key for key, for a verdict with every part."""
    from dataclasses import asdict

    v = run(seed_quotes, seed_speakers, text="if Zelenskyy is ready, let him [Zelenskyy] come to Moskow",
            speaker="Zelenskyy", location="Paris", date="2025-09-05")
    assert v.issues and v.match and v.match.text.diff
    d = verdict_to_dict(v, lambda q: {"id": q.id})
    assert d["issues"] == [asdict(i) for i in v.issues]
    m = v.match
    assert d["match"] == {"quote": {"id": m.quote.id}, "score": m.score, "text": asdict(m.text),
                          "speaker": asdict(m.speaker), "date": asdict(m.date), "location": asdict(m.location)}
    assert [a["quote"]["id"] for a in d["alternatives"]] == [a.quote.id for a in v.alternatives]


# --- "verified" means checked -------------------------------------------------------

BARACK = SpeakerRef(id=1, name="Barack Obama")
MICHELLE = SpeakerRef(id=2, name="Michelle Obama")
LINE = "We are not a collection of red states and blue states; we are the United States of America."


def _line(**kw):
    return CanonicalQuote(id=10, text=LINE, speaker=BARACK, spoken_at=kw.get("spoken_at", "2004-07-27"),
                          location=kw.get("location", "Boston, Massachusetts"))


def test_an_ambiguous_speaker_is_unverified_with_the_best_match_shown():
    v = verify(Claim(text=LINE, speaker="Obama"), [_line()], [BARACK, MICHELLE])
    assert v.verdict == "unverified" and v.issues == []
    assert v.reason == "ambiguous_speaker"
    assert v.match.quote.speaker == BARACK
    assert v.message == ("On record from Barack Obama; \u201cObama\u201d could also mean Michelle Obama. "
                         "Name the speaker in full to verify.")


def test_an_unreadable_claimed_date_is_unverified_with_the_parsers_message():
    v = verify(Claim(text=LINE, speaker="Barack Obama", date="31 February 2020"), [_line()], [BARACK])
    assert v.verdict == "unverified" and v.reason == "unchecked_date"
    assert v.match.date.status == "unparseable"
    assert "31 February 2020" in v.message and "not a real date" in v.message


def test_a_claimed_date_the_record_lacks_is_unchecked():
    v = verify(Claim(text=LINE, speaker="Barack Obama", date="27 July 2004"), [_line(spoken_at=None)], [BARACK])
    assert v.verdict == "unverified" and v.reason == "unchecked_date"
    assert "no date" in v.message


def test_unchecked_fields_never_hide_an_issue():
    v = verify(Claim(text=LINE, speaker="Obama", date="1 May 1999"), [_line()], [BARACK, MICHELLE])
    assert v.verdict == "mismatch" and [i.type for i in v.issues] == ["wrong_date"]


def test_every_claimed_field_checked_verifies():
    v = verify(Claim(text=LINE, speaker="Barack Obama", date="27 July 2004", location="Boston"), [_line()],
               [BARACK, MICHELLE])
    assert v.verdict == "verified" and v.reason is None


def test_a_utc_timestamp_is_compared_on_the_local_date_of_the_records_place():
    evening = CanonicalQuote(id=11, text=LINE, speaker=BARACK, spoken_at="2015-09-03", location="Washington, D.C.")
    v = verify(Claim(text=LINE, speaker="Barack Obama", date="2015-09-04T01:30:00Z"), [evening], [BARACK])
    assert v.verdict == "verified", verdict_to_dict(v)
    assert v.match.date.message == "01:30 UTC on 4 September is 21:30 on 3 September in Washington."
    v = verify(Claim(text=LINE, speaker="Barack Obama", date="2015-09-04T13:30:00Z"), [evening], [BARACK])
    assert [i.type for i in v.issues] == ["wrong_date"]


# --- wording: brackets, spellings, messages ---------------------------------------------


def test_the_seed_paraphrase_message_quotes_both_wordings(seed_quotes, seed_speakers):
    v = run(seed_quotes, seed_speakers, text="if you want the meeting to not happen, you should invite me to Moscow.",
            speaker="Zelenskyy")
    assert issue_types(v) == ["altered_wording"]
    assert "negation" not in v.match.text.flags  # "avoid" and "not happen" both wish the meeting away
    assert v.issues[0].message == (
        "The wording differs from what Volodymyr Zelenskyy said: the record says \u201cto avoid a meeting\u201d, "
        "the claim \u201cthe meeting to not happen\u201d.")


def test_a_dropped_negation_is_quoted_and_named(seed_quotes, seed_speakers):
    v = run(seed_quotes, seed_speakers, text="Russia has started talking about a meeting, which is already bad",
            speaker="Zelenskyy")
    assert v.issues[0].message == (
        "The wording differs from what Volodymyr Zelenskyy said: the record says \u201calready not bad\u201d, "
        "the claim \u201calready bad\u201d (this changes a negation).")


def test_many_differences_are_counted_after_the_first_three():
    sp = SpeakerRef(id=1, name="Barack Obama")
    q = CanonicalQuote(id=1, text=LINE, speaker=sp)
    v = verify(Claim(text="They are not a bunch of red states and green states; they are the United States of Europe.",
                     speaker="Barack Obama"), [q], [sp])
    msg = v.issues[0].message
    assert msg.count("the record says") == 3 and msg.endswith("; and 1 more difference (this changes a name).")


def test_a_name_in_another_spelling_verifies_with_a_note(seed_quotes, seed_speakers):
    v = run(seed_quotes, seed_speakers, text="If Zelensky is ready, let him come to Moscow", speaker="Putin",
            location="Beijing", date="3 September 2025")
    assert v.verdict == "verified", verdict_to_dict(v)
    d = verdict_to_dict(v)["match"]["text"]
    assert d["notes"] == [{"type": "name_spelling", "claimed": "Zelensky", "canonical": "Zelenskyy",
                           "message": "\u201cZelensky\u201d is spelled \u201cZelenskyy\u201d on record."}]
    # Another name is not a spelling.
    v = run(seed_quotes, seed_speakers, text="If Putin is ready, let him come to Moscow", speaker="Putin")
    assert v.verdict == "mismatch" and v.match.text.flags == ["name"]


def test_a_bracketed_substitution_verifies_and_a_bracket_over_a_negation_does_not():
    trump = SpeakerRef(id=1, name="Donald Trump")
    q = CanonicalQuote(id=1, text="Look at what they've done to our country. They don't care about you.",
                       speaker=trump)
    v = verify(Claim(text="Look at what [the Democrats]'ve done to our country", speaker="Donald Trump"), [q], [trump])
    assert v.verdict == "verified" and v.match.text.status == "fragment"
    assert [n.message for n in v.match.text.notes] == [
        "\u201c[the Democrats]'ve\u201d stands for \u201cthey've\u201d on record."]
    v = verify(Claim(text="They [do] care about you", speaker="Donald Trump"), [q], [trump])
    assert v.verdict == "mismatch" and "negation" in v.match.text.flags
    assert "the record says \u201cdon't\u201d, the claim \u201c[do]\u201d" in v.issues[0].message
