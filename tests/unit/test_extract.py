"""Quote extraction: marks, speakers, places and dates (verification.extract)."""
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verification.extract import ExtractedQuote, extract_quotes, html_to_text

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed_article.txt"
PUBLISHED = date(2025, 9, 4)  # a Thursday


def _check_offsets(text, quotes):
    for q in quotes:
        assert text[q.start:q.end] == q.text
        if q.speaker is not None:
            assert 0 <= q.speaker.start < q.speaker.end <= len(text)


def _find(quotes, fragment) -> ExtractedQuote:
    hits = [q for q in quotes if fragment in q.text]
    assert hits, f"no quote containing {fragment!r} in {[q.text for q in quotes]}"
    return hits[0]


def _speaker(q):
    return q.speaker.name if q.speaker else None


# ---------------------------------------------------------------------------
# The seed article


@pytest.fixture(scope="module")
def seed():
    text = SEED.read_text(encoding="utf-8")
    return text, extract_quotes(text, published_at=PUBLISHED)


def test_seed_offsets(seed):
    text, quotes = seed
    assert quotes
    _check_offsets(text, quotes)


@pytest.mark.parametrize("fragment", [
    "if you want the meeting to not happen, you should invite me to Moscow",
    "Our American partners told us that Putin invited me to Moscow",
    "Russia has started talking about a meeting, which is already not bad",
    "Among the security guarantees that we see",
])
def test_seed_zelenskyy_in_paris_on_thursday(seed, fragment):
    text, quotes = seed
    q = _find(quotes, fragment)
    assert _speaker(q) == "Zelenskyy"
    assert q.location == "Paris"
    assert q.date == "2025-09-04"


@pytest.mark.parametrize("fragment", [
    "I have never refused this",
    "asked me if I could possibly arrange such a meeting",
])
def test_seed_putin_in_beijing_on_wednesday(seed, fragment):
    text, quotes = seed
    q = _find(quotes, fragment)
    assert _speaker(q) == "Vladimir Putin"
    assert text[q.speaker.start:q.speaker.end] == "Putin"  # the mention written near the quote
    assert q.location == "Beijing"
    assert q.date == "2025-09-03"


def test_seed_pronoun_mentions_point_at_the_pronoun(seed):
    text, quotes = seed
    q = _find(quotes, "Our American partners")
    assert text[q.speaker.start:q.speaker.end] == "he"
    # after Putin's paragraph, "the Ukrainian leader said" brings Zelenskyy back
    q = _find(quotes, "Among the security guarantees")
    assert text[q.speaker.start:q.speaker.end] == "he"
    assert _speaker(q) == "Zelenskyy"


def test_seed_scare_quotes_are_not_quotes(seed):
    _, quotes = seed
    texts = [q.text for q in quotes]
    assert not any("coalition of willing" in t for t in texts)
    assert not any(t.strip(' ,."') == "inadequate" for t in texts)


def test_seed_attributed_partial_quote_is_kept(seed):
    # "he also said the fact that … was "not bad."": a reporting verb governs it
    _, quotes = seed
    q = _find(quotes, "not bad.")
    assert q.text == "not bad."
    assert _speaker(q) == "Zelenskyy"


def test_seed_subtitle_quote_in_single_marks(seed):
    _, quotes = seed
    q = _find(quotes, "if you want meeting to not happen")
    assert _speaker(q) == "Zelenskyy"  # "Ukrainian president … says '…'"


# ---------------------------------------------------------------------------
# Quote shapes


def test_multi_paragraph_quote_is_reported_as_pieces_with_one_speaker():
    text = (
        "Jane Doe spoke at length.\n"
        "\"The first part of what I want to say is about the budget.\n"
        "\"The second part is about the schools and the roads.\n"
        "\"And the last part is about all of you,\" Doe said.\n"
        "The crowd cheered."
    )
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert [q.text for q in quotes] == [
        "The first part of what I want to say is about the budget.",
        "The second part is about the schools and the roads.",
        "And the last part is about all of you",
    ]
    assert {_speaker(q) for q in quotes} == {"Jane Doe"}


def test_multi_paragraph_quote_attributed_in_its_first_paragraph():
    text = (
        "“We came here to work,” said Maria Lopez, the union leader. “Nobody gave us anything.\n\n"
        "“We built this town with our own hands and we will keep it.”\n\n"
        "Officials did not respond."
    )
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert len(quotes) == 3
    assert all(_speaker(q) == "Maria Lopez" for q in quotes)


def test_split_quote_both_parts_attributed():
    text = "\"The economy is strong,\" Smith said, \"and it will get stronger next year.\""
    text = "Senator John Smith spoke on Monday. " + text
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert [q.text for q in quotes] == ["The economy is strong", "and it will get stronger next year."]
    assert [_speaker(q) for q in quotes] == ["John Smith", "John Smith"]


def test_nested_single_quotes_stay_inside_the_double_quote():
    text = "“My father told me, ‘never give up,’ and I never did,” Smith said. It's Smith's 'view', he added."
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    q = _find(quotes, "My father")
    assert q.text == "My father told me, ‘never give up,’ and I never did"
    assert _speaker(q) == "Smith"
    assert not any(x.text == "never give up," for x in quotes)


@pytest.mark.parametrize("text", [
    "\"We will win this election,\" said Jane Doe.",
    "\"We will win this election,\" Jane Doe said.",
    "Jane Doe said, \"We will win this election.\"",
    "Jane Doe said on Tuesday that \"we will win this election.\"",
    "Jane Doe told reporters: \"We will win this election.\"",
    "\"We will win this election,\" Jane Doe, the party's candidate, told reporters.",
])
def test_verb_before_or_after(text):
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert len(quotes) == 1
    assert _speaker(quotes[0]) == "Jane Doe"
    assert quotes[0].text.lower().startswith("we will win this election")


@pytest.mark.parametrize("verb", ["added", "asked", "wrote", "tweeted", "stated", "noted", "explained",
                                  "argued", "insisted", "warned", "declared", "continued", "replied",
                                  "answered", "recalled", "claimed"])
def test_reporting_verbs(verb):
    text = f"\"This is something we have to fix right now,\" Doe {verb}."
    quotes = extract_quotes("Jane Doe was there. " + text)
    assert _speaker(quotes[0]) == "Jane Doe"


def test_according_to():
    text = (
        "\"The plan is dead for this year,\" according to Robert Brown.\n"
        "According to Brown, \"nobody wants to vote on it before the election.\""
    )
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert [_speaker(q) for q in quotes] == ["Robert Brown", "Robert Brown"]


def test_colon_after_a_name():
    text = "Marco Rubio spoke first. Rubio: \"We are not going to back down from this fight.\""
    quotes = extract_quotes(text)
    assert _speaker(quotes[0]) == "Marco Rubio"


def test_speaker_label_transcript_line():
    text = "Donald Trump took questions.\nTRUMP: We are going to win so much you will get tired of winning.\n"
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert quotes[0].text == "We are going to win so much you will get tired of winning."
    assert _speaker(quotes[0]) == "Donald Trump"


# ---------------------------------------------------------------------------
# Speakers


def test_pronoun_resolves_to_last_named_subject_of_matching_gender():
    text = (
        "Hillary Clinton met Donald Trump on the stage in the evening.\n"
        "\"I have a plan and he does not have one at all,\" she said.\n"
        "\"She is wrong about everything she has ever done,\" he said."
    )
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert [_speaker(q) for q in quotes] == ["Hillary Clinton", "Donald Trump"]
    assert [text[q.speaker.start:q.speaker.end] for q in quotes] == ["she", "he"]


def test_pronoun_ignores_names_inside_quotes_and_objects():
    text = (
        "Zelenskyy said the US mediators informed him about Putin's invitation.\n"
        "\"Putin invited me to Moscow, and I believe that is no way to start,\" he said."
    )
    quotes = extract_quotes(text)
    assert _speaker(quotes[0]) == "Zelenskyy"


def test_surname_resolves_to_fullest_form_without_titles():
    text = (
        "Russian President Vladimir Putin met reporters.\n"
        "\"I have never refused this meeting with anyone,\" Putin said."
    )
    q = extract_quotes(text)[0]
    assert _speaker(q) == "Vladimir Putin"
    assert text[q.speaker.start:q.speaker.end] == "Putin"


def test_description_resolves_only_when_unique():
    unique = (
        "Ukrainian President Zelenskyy arrived in Paris.\n"
        "\"We need air defense systems before the winter comes,\" the Ukrainian leader said."
    )
    q = extract_quotes(unique)[0]
    assert _speaker(q) == "Zelenskyy"
    assert unique[q.speaker.start:q.speaker.end] == "the Ukrainian leader"
    ambiguous = (
        "Ukrainian President Zelenskyy and Russian President Vladimir Putin traded words.\n"
        "\"We need air defense systems before the winter comes,\" the president said."
    )
    assert extract_quotes(ambiguous)[0].speaker is None


def test_no_findable_speaker_is_none():
    text = "\"This is a long sentence that somebody said at some point in time.\"\nThe weather was fine."
    quotes = extract_quotes(text)
    assert len(quotes) == 1
    assert quotes[0].speaker is None


def test_common_noun_subject_is_not_a_speaker():
    text = "\"We have no comment on the matter at this time,\" a spokesman said."
    quotes = extract_quotes(text)
    assert quotes and quotes[0].speaker is None


def test_quote_only_paragraph_continues_previous_speaker():
    text = (
        "Senator Elizabeth Warren said the bill was a giveaway to banks.\n\n"
        "\"It is a disgrace and the American people will not stand for it.\"\n"
    )
    q = extract_quotes(text)[0]
    assert _speaker(q) == "Elizabeth Warren"


# ---------------------------------------------------------------------------
# Scare quotes, terms and titles


@pytest.mark.parametrize("text", [
    "The so-called \"coalition of the willing\" met again.",
    "Critics called the plan \"inadequate\" on Monday.",
    "The group, known as \"the Freedom Caucus of the House\", met on Monday.",
    "She starred in \"The Nightly Show With Larry Wilmore\" for two years.",
    "Some voters want \"change\" and others do not.",
])
def test_scare_quotes_and_titles_are_not_quotes(text):
    assert extract_quotes(text) == []


def test_short_quote_with_reporting_verb_is_kept():
    text = "Mayor Karen Bass said the response was \"not bad.\""
    q = extract_quotes(text)[0]
    assert q.text == "not bad."
    assert _speaker(q) == "Karen Bass"


def test_min_words():
    text = "Mayor Karen Bass said the response was \"not bad.\""
    assert extract_quotes(text, min_words=3) == []


# ---------------------------------------------------------------------------
# Places and dates


def test_dateline_is_the_fallback_place():
    text = (
        "WASHINGTON (AP) — Senator Jane Doe spoke about the budget on Tuesday.\n"
        "\"This budget will hurt every family in the country,\" Doe said.\n"
        "Later, Governor John Roe spoke at a rally in Des Moines on Wednesday.\n"
        "\"We will fix the roads and the bridges first,\" Roe said."
    )
    quotes = extract_quotes(text, published_at=PUBLISHED)
    _check_offsets(text, quotes)
    doe, roe = quotes
    assert doe.location == "Washington"
    assert doe.date == "2025-09-02"
    assert roe.location == "Des Moines"  # a nearer, explicit place wins over the dateline
    assert roe.date == "2025-09-03"


def test_multi_place_dateline_is_not_a_place():
    text = "MOSCOW/ISTANBUL\n\"We will consider the proposal very carefully,\" said Dmitry Peskov."
    assert extract_quotes(text)[0].location is None


def test_place_and_date_carry_forward_per_speaker():
    text = (
        "Speaking at a news conference in Beijing on Wednesday, Russian President Vladimir Putin said he "
        "was ready.\n"
        "\"I have never refused this, if it is well prepared,\" Putin said.\n"
        "Meanwhile, in Kyiv on Thursday, Ukrainian President Zelenskyy said talks were possible.\n"
        "\"We are ready to talk to anyone who wants peace,\" Zelenskyy said.\n"
        "\"It is not our choice but theirs to make now,\" Putin added."
    )
    quotes = extract_quotes(text, published_at=PUBLISHED)
    by = {q.text[:10]: q for q in quotes}
    assert (by["I have nev"].location, by["I have nev"].date) == ("Beijing", "2025-09-03")
    assert (by["We are rea"].location, by["We are rea"].date) == ("Kyiv", "2025-09-04")
    assert (by["It is not "].location, by["It is not "].date) == ("Beijing", "2025-09-03")


def test_date_phrases_in_the_complement_are_not_the_speaking_date():
    text = "Jane Doe said on Monday that \"we will hold the vote on Friday and not a day later.\""
    q = extract_quotes(text, published_at=PUBLISHED)[0]
    assert q.date == "2025-09-01"


def test_relative_date_needs_a_publication_date():
    text = "\"We will hold the vote and we will win it,\" Jane Doe said on Wednesday."
    assert extract_quotes(text)[0].date is None
    assert extract_quotes(text, published_at=PUBLISHED)[0].date == "2025-09-03"


def test_explicit_dates():
    text = "\"We will hold the vote and we will win it,\" Jane Doe said on Sept. 2, 2024."
    assert extract_quotes(text)[0].date == "2024-09-02"


# ---------------------------------------------------------------------------
# HTML


def test_html_to_text_and_extract():
    html = """<html><head><title>t</title><script>var x = "not a quote at all here";</script></head>
    <body><nav>Home | World</nav><article><h1>Leaders meet</h1>
    <p>PARIS — President Emmanuel Macron spoke to reporters on Thursday after the summit of European
    leaders, which lasted most of the day and ended late in the evening.</p>
    <p>“Europe has to be able to defend itself, and we are taking the decisions to do so,” Macron said.</p>
    <p>The meeting will continue next month in Brussels, officials said, without giving a date.</p>
    </article><footer>© News</footer></body></html>"""
    text = html_to_text(html)
    assert "Europe has to be able to defend itself" in text
    assert "var x" not in text
    lines = text.splitlines()
    assert any(line.startswith("“Europe") for line in lines)  # paragraphs as lines
    quotes = extract_quotes(text, published_at=PUBLISHED)
    q = _find(quotes, "Europe has to be able")
    assert _speaker(q) == "Emmanuel Macron"
    assert q.location == "Paris"
    assert q.date == "2025-09-04"


def test_html_fallback_when_trafilatura_finds_nothing():
    text = html_to_text("<div><p>Short.</p><p>“Yes we can do it,” Obama said.</p></div>")
    assert "“Yes we can do it,” Obama said." in text.splitlines()


def test_empty_inputs():
    assert extract_quotes("") == []
    assert html_to_text("") == ""


# ---------------------------------------------------------------------------
# Properties

_SAFE = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs"), whitelist_characters=".,;!?-()\n"),
    max_size=200,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=_SAFE, suffix=_SAFE)
def test_property_quote_found_in_any_surrounding_text(prefix, suffix):
    core = "“We will not give up on this country, not now and not ever,” Jane Doe said."
    text = prefix + "\n" + core + "\n" + suffix
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    q = _find(quotes, "We will not give up")
    assert q.text == "We will not give up on this country, not now and not ever"
    assert _speaker(q) == "Jane Doe"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("ab C D.,:;\n\"'“”‘’—()") + [" said ", " he ", "Smith", " in Paris",
                                                                       " on Monday", "TRUMP: "]),
                max_size=80).map("".join))
def test_property_offsets_always_consistent(text):
    quotes = extract_quotes(text, published_at=PUBLISHED)
    _check_offsets(text, quotes)
    for q in quotes:
        assert q.text == q.text.strip()
        assert q.text


def test_place_does_not_cross_a_live_blog_separator():
    text = (
        "1 p.m.\n"
        "Speaking at a rally in Las Vegas, Bernie Sanders said the race was not over.\n"
        "\"We are going to fight for every single delegate,\" Sanders said.\n"
        "___\n"
        "3 p.m.\n"
        "\"We will take this all the way to the convention,\" Sanders said."
    )
    quotes = extract_quotes(text)
    assert [q.location for q in quotes] == ["Las Vegas", None]


def test_bare_surname_means_the_person_introduced_first():
    text = (
        "Donald Trump spoke in Ohio, and his son Eric Trump spoke before him.\n"
        "\"We are going to win this state and we are going to win big,\" Trump said."
    )
    assert _speaker(extract_quotes(text)[0]) == "Donald Trump"


def test_typewriter_double_apostrophes_are_double_quotes():
    # archive and wire texts (the New York Times texts of PolNeAR) write '' for both marks
    text = ("''We are told all the time, 'Kosovo is a special case,''' Mr. Putin said. "
            "''It is all lies. There is no special case.''")
    text = "President Vladimir Putin spoke for hours.\n" + text
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert [q.text for q in quotes] == ["We are told all the time, 'Kosovo is a special case,'",
                                        "It is all lies. There is no special case."]
    assert {_speaker(q) for q in quotes} == {"Vladimir Putin"}


@pytest.mark.parametrize("text", [
    "As Tom Ridge, a former secretary of homeland security, put it: \"The barbarians are inside the gate.\"",
    "\"Revenues are up a little bit,\" said Tom Ridge, who noted that prices had \"cratered to about half their value.\"",
    "During their first debate, Tom Ridge cracked, \"I'm a progressive who likes to get things done.\"",
    "When asked whom he supported, Tom Ridge smiled and said, \"I'm waiting for someone else to get in.\"",
])
def test_more_attribution_shapes(text):
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert quotes and all(_speaker(q) == "Tom Ridge" for q in quotes)


def test_said_in_a_month_is_a_time_not_a_place():
    # March is also a town in Cambridgeshire; "said in March" is not about it.
    text = 'Obama said in March: "We will not let this stand, and we will keep working on it every day."'
    (q,) = extract_quotes(text, date(2016, 9, 1))
    assert q.speaker is not None and q.speaker.name == "Obama"
    assert q.location is None


@pytest.mark.parametrize("text", ["Smith, a,", "Smith, he,", "Smith, 58,\n", "Ann Lee, the mayor,"])
def test_an_appositive_at_the_very_end_is_no_subject_and_no_crash(text):
    """Found by the property test: a name and an appositive closed by the
    text's last comma read past the end of its words (IndexError)."""
    assert extract_quotes(text, published_at=PUBLISHED) == []
