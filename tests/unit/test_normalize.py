"""Normalisation and tokenisation: typography, offsets, editorial brackets, gaps."""
import pytest

from verification.normalize import (
    STOPWORDS,
    Token,
    collapse_whitespace,
    content_words,
    is_negation,
    normalize_text,
    number_value,
    tokenize,
)

PUTIN = (
    "(US President) Donald (Trump) asked me if I could possibly arrange such a meeting. "
    "I replied that yes, it's possible. Ultimately, if Zelenskyy is ready, let him come "
    "to Moscow – then the meeting will take place."
)


def norms(text):
    return [t.norm for t in tokenize(text)]


# --- typography --------------------------------------------------------------


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u2018", "`", "\u00b4", "\u2032", "\u02bc", "\uff07"])
def test_every_apostrophe_style_gives_the_same_word(apostrophe):
    assert norms(f"yes, it{apostrophe}s possible") == ["yes", "it's", "possible"]


@pytest.mark.parametrize("dash", ["-", "\u2013", "\u2014", "\u2012", "\u2212", "\u2010", "\u2015"])
def test_every_dash_separates_words(dash):
    spaced = normalize_text(f"come to Moscow {dash} then the meeting")
    tight = normalize_text(f"come to Moscow{dash}then the meeting")
    assert spaced == tight == "come to moscow then the meeting"


def test_hyphenated_word_equals_spaced_words():
    assert normalize_text("well-prepared") == normalize_text("well prepared") == "well prepared"


def test_double_quotes_and_punctuation_vanish():
    assert normalize_text("\u201cBut, so far, we do NOT see!\u201d") == "but so far we do not see"


def test_nfkc_fullwidth_and_ligatures():
    assert normalize_text("\uff2d\uff4f\uff53\uff43\uff4f\uff57 \ufb01nal") == "moscow final"


def test_diacritics_and_casefold():
    assert norms("Erdo\u011fan, caf\u00e9, \u0130stanbul, STRASSE, Stra\u00dfe") == [
        "erdogan", "cafe", "istanbul", "strasse", "strasse",
    ]


def test_soft_hyphen_and_zero_width_space_do_not_split_words():
    toks = tokenize("a meet\u00ading of this le\u200bvel")
    assert [t.norm for t in toks] == ["a", "meeting", "of", "this", "level"]


def test_whitespace_runs_do_not_matter():
    assert normalize_text("  if Zelenskyy\n\tis   ready ") == "if zelenskyy is ready"
    assert collapse_whitespace("  if Zelenskyy\n\tis   ready ") == "if Zelenskyy is ready"


# --- words and numbers ---------------------------------------------------------


def test_apostrophes_kept_inside_words_only():
    assert norms("Zelenskyy's 'cause the students' don't") == ["zelenskyy's", "cause", "the", "students", "don't"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3.5 percent", ["3.5", "percent"]),
        ("1,000 drones", ["1000", "drones"]),
        ("1,000,000.50 dollars", ["1000000.50", "dollars"]),
        ("in 2025.", ["in", "2025"]),
        ("1990-2000", ["1990", "2000"]),
        ("it was -5 degrees", ["it", "was", "-5", "degrees"]),
        ("the 3rd time", ["the", "3rd", "time"]),
    ],
)
def test_numbers(text, expected):
    assert norms(text) == expected


def test_acronyms_with_dots_are_one_word():
    assert norms("U.S. troops at 9 a.m., e.g. here") == ["us", "troops", "at", "9", "am", "eg", "here"]


# --- offsets -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        PUTIN,
        "It\u2019s \u201cfine\u201d \u2014 \ufb01nal \uff2d\uff4f\uff53\uff43\uff4f\uff57, Erdo\u011fan\u2026 [\u2026] (sic)",
        "caf\u0065\u0301 na\u0131\u0308ve meet\u00ading",
    ],
)
def test_offsets_point_into_the_original(text):
    toks = tokenize(text)
    assert toks, "no tokens"
    for t in toks:
        assert text[t.start:t.end] == t.raw
        assert t.raw  # never empty
    assert [t.start for t in toks] == sorted(t.start for t in toks)


def test_offsets_of_specific_words():
    toks = tokenize(PUTIN)
    donald = toks[2]
    assert (donald.norm, donald.start, donald.end) == ("donald", 15, 21)
    moscow = [t for t in toks if t.norm == "moscow"][0]
    assert PUTIN[moscow.start:moscow.end] == "Moscow"
    # The NFKC slow path: a ligature is one original character.
    lig = tokenize("the \ufb01nal word")[1]
    assert (lig.norm, lig.raw, lig.start, lig.end) == ("final", "\ufb01nal", 4, 8)


# --- editorial brackets ----------------------------------------------------------


def test_parentheses_and_brackets_mark_editorial_words():
    toks = tokenize(PUTIN)
    editorial = [t.norm for t in toks if t.editorial]
    assert editorial == ["us", "president", "trump"]
    assert not any(t.editorial for t in toks[2:3] + toks[4:])


def test_claim_brackets_are_editorial_too():
    toks = tokenize("[Trump] asked me")
    assert [(t.norm, t.editorial) for t in toks] == [("trump", True), ("asked", False), ("me", False)]


def test_nested_and_unmatched_brackets():
    nested = tokenize("said [the (US) president] today")
    assert [(t.norm, t.editorial) for t in nested] == [
        ("said", False), ("the", True), ("us", True), ("president", True), ("today", False),
    ]
    unmatched = tokenize("a (stray bracket never closed")
    assert not any(t.editorial for t in unmatched)
    closing = tokenize("only a closing one) here")
    assert not any(t.editorial for t in closing)


def test_each_bracket_pair_is_a_group():
    toks = tokenize("(US President) Donald (Trump) asked [the (US) president]")
    assert [(t.norm, t.group) for t in toks] == [
        ("us", 1), ("president", 1), ("donald", 0), ("trump", 2), ("asked", 0),
        ("the", 3), ("us", 3), ("president", 3),
    ]


@pytest.mark.parametrize("text, glued", [
    # Real bracket styles from news copy (PolNeAR articles): a contraction or
    # possessive after the bracket, a capital or an ending inside it.
    ("Look at what [the Republicans]\u2019ve done", [("ve", 1, True)]),
    ("[Trump]'s comments", [("s", 1, True)]),
    ("[T]he stakes", [("he", 1, False)]),
    ("he love[s] what he does", [("love", 1, False)]),
])
def test_a_word_written_against_a_bracket_joins_its_group(text, glued):
    toks = tokenize(text)
    assert [(t.norm, t.group, t.clitic) for t in toks if t.group and not t.editorial] == glued
    assert all(not t.group for t in toks if not t.editorial and t.norm not in [g[0] for g in glued])


def test_a_word_after_a_space_or_an_ellipsis_is_not_glued():
    toks = tokenize("[Trump] 's fine [...] 've [he] said")
    assert [(t.norm, t.group, t.clitic) for t in toks] == [
        ("trump", 1, False), ("s", 0, False), ("fine", 0, False), ("ve", 0, False),
        ("he", 2, False), ("said", 0, False),
    ]


# --- gaps -----------------------------------------------------------------------


@pytest.mark.parametrize("ellipsis", ["...", "\u2026", ". . .", "[...]", "(...)", "[\u2026]", "( \u2026 )", "...."])
def test_ellipsis_marks_a_gap_not_a_word(ellipsis):
    toks = tokenize(f"talking about a meeting {ellipsis} we do not see")
    assert [t.norm for t in toks] == ["talking", "about", "a", "meeting", "we", "do", "not", "see"]
    assert [t.gap_before for t in toks] == [False, False, False, False, True, False, False, False]
    assert not any(t.editorial for t in toks)


def test_ellipsis_without_spaces_and_at_the_ends():
    toks = tokenize("\u2026a meeting...we do not see\u2026")
    assert [t.norm for t in toks] == ["a", "meeting", "we", "do", "not", "see"]
    assert [t.gap_before for t in toks] == [True, False, True, False, False, False]


def test_decimal_point_is_not_an_ellipsis():
    toks = tokenize("grew 3.5 percent... then")
    assert [(t.norm, t.gap_before) for t in toks] == [("grew", False), ("3.5", False), ("percent", False), ("then", True)]


# --- sentence starts (for the name heuristic) --------------------------------------


def test_sentence_start():
    toks = tokenize("Russia has started. But, so far, we do not see Putin? Yes")
    starts = {t.norm: t.sentence_start for t in toks}
    assert starts["russia"] and starts["but"] and starts["yes"]
    assert not starts["putin"] and not starts["has"]
    assert tokenize("Putin")[0].capitalized and not tokenize("putin")[0].capitalized


# --- API helpers ---------------------------------------------------------------


def test_normalize_text_includes_editorial_words_and_is_cached():
    assert normalize_text(PUTIN).startswith("us president donald trump asked me")
    normalize_text.cache_clear()
    normalize_text(PUTIN)
    normalize_text(PUTIN)
    info = normalize_text.cache_info()
    assert info.hits == 1 and info.misses == 1


def test_tokenize_returns_a_fresh_list():
    first = tokenize("a meeting")
    first.clear()
    assert [t.norm for t in tokenize("a meeting")] == ["a", "meeting"]
    assert isinstance(tokenize("a")[0], Token)


def test_content_words_leave_out_editorial_words():
    assert content_words("(US President) Donald (Trump) asked me")[:3] == ["donald", "asked", "me"]
    assert content_words("[Trump] asked me if I could") == ["asked", "me", "if", "i", "could"]


def test_content_words_can_drop_stopwords():
    words = content_words(PUTIN, drop_stopwords=True)
    assert words[:4] == ["donald", "asked", "possibly", "arrange"]
    assert "moscow" in words and "zelenskyy" in words
    assert not set(words) & STOPWORDS


def test_stopwords_are_a_small_frozenset_of_function_words():
    assert isinstance(STOPWORDS, frozenset)
    assert {"the", "a", "of", "and", "is", "it's", "not"} <= STOPWORDS
    assert not {"moscow", "meeting", "war", "putin", "invite"} & STOPWORDS
    assert 50 < len(STOPWORDS) < 400


def test_negations():
    for w in ["not", "no", "never", "don't", "isn't", "won't", "can't", "cannot", "nothing"]:
        assert is_negation(w), w
    for w in ["note", "know", "now", "bad", "nor'easter"]:
        assert not is_negation(w), w


def test_number_values():
    assert number_value("five") == number_value("5") == number_value("5.0") == "5"
    assert number_value("1000") == "1000" and number_value("thousand") == "1000"
    assert number_value("3.5") == "3.5"
    assert number_value("3rd") == "3rd"
    assert number_value("meeting") is None
