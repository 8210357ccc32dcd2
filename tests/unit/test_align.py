"""align() and quick_score() on the seed article's quotes."""
import pytest

from verification.align import align, quick_score
from verification.model import DiffOp, TextMatch

PUTIN = (
    "(US President) Donald (Trump) asked me if I could possibly arrange such a meeting. "
    "I replied that yes, it's possible. Ultimately, if Zelenskyy is ready, let him come "
    "to Moscow \u2013 then the meeting will take place."
)
ZEL_MEETING = (
    "Russia has started talking about a meeting, which is already not bad. But, so far, "
    "we do not see their desire to end the war. And adult leaders should come out of a "
    "meeting of this level with some kind of result, preferably the end of the war."
)
ZEL_MOSCOW = (
    "Our American partners told us that Putin invited me to Moscow, and I believe that if "
    "you want to avoid a meeting, you should invite me to Moscow."
)
ZEL_EU = (
    "Among the security guarantees that we see, membership in the European Union represents "
    "essential economic, political, and geopolitical security assurances for us. Therefore, "
    "within our approach, this is an important point that has been singled out into a "
    "separate clause."
)
PUTIN_NEVER = (
    "I have never refused this, provided the meeting is well-prepared and can lead to some "
    "positive potential outcomes."
)
SEED = [ZEL_MOSCOW, ZEL_MEETING, ZEL_EU, PUTIN_NEVER, PUTIN]
UNRELATED = "The weather in London was sunny and warm all week long, said the forecaster."
PUTIN_CONTENT_WORDS = 33  # PUTIN's words outside the brackets


def changes(m: TextMatch):
    """The diff ops inside the quoted span(s) that are not plain matches."""
    return [(d.op, d.claimed, d.canonical) for d in m.diff if d.op != "equal" and not d.gap]


def real_changes(m: TextMatch):
    return [(d.op, d.claimed, d.canonical) for d in m.diff if d.op != "equal" and not d.gap and not d.editorial]


# --- exact and normalized ----------------------------------------------------------


def test_exact():
    m = align(ZEL_MOSCOW, ZEL_MOSCOW)
    assert m.status == "exact"
    assert (m.score, m.coverage, m.flags, m.claimed_words) == (100.0, 1.0, [], 28)
    assert [d.op for d in m.diff] == ["equal"] * 28
    assert m.diff[0] == DiffOp("equal", "Our", "Our")


def test_whitespace_and_enclosing_quote_marks_are_still_exact():
    claim = "\u201c  Our American partners told us that Putin invited me to Moscow,\n and I believe that if\tyou want to avoid a meeting, you should invite me to Moscow. \u201d"
    assert align(claim, ZEL_MOSCOW).status == "exact"


def test_curly_quotes_and_hyphen_for_en_dash_are_normalized():
    claim = PUTIN.replace("it's", "it\u2019s").replace("\u2013", "-")
    m = align(claim, PUTIN)
    assert m.status == "normalized"
    assert (m.score, m.coverage, m.flags) == (100.0, 1.0, [])
    assert m.claimed_words == PUTIN_CONTENT_WORDS


def test_case_and_punctuation_are_normalized():
    claim = "russia has started talking about a meeting which is already not bad but so far we do not see their desire to end the war and adult leaders should come out of a meeting of this level with some kind of result preferably the end of the war"
    m = align(claim, ZEL_MEETING)
    assert m.status == "normalized" and m.score == 100.0 and m.coverage == 1.0


# --- fragments -------------------------------------------------------------------


def test_contiguous_fragment():
    m = align("if Zelenskyy is ready, let him come to Moscow", PUTIN)
    assert m.status == "fragment"
    assert m.score == 100.0 and m.flags == [] and m.claimed_words == 9
    assert m.coverage == pytest.approx(9 / PUTIN_CONTENT_WORDS, abs=1e-3)
    assert changes(m) == []
    equal = [d.canonical for d in m.diff if d.op == "equal"]
    assert equal == ["if", "Zelenskyy", "is", "ready", "let", "him", "come", "to", "Moscow"]
    # Every canonical word outside the span is a gap delete, in order.
    gaps = [d.canonical for d in m.diff if d.gap]
    assert all(d.op == "delete" for d in m.diff if d.gap)
    assert gaps[:4] == ["US", "President", "Donald", "Trump"]
    assert gaps[-6:] == ["then", "the", "meeting", "will", "take", "place"]
    assert len(gaps) + len(equal) == 36  # every canonical word appears once


@pytest.mark.parametrize("ellipsis", [" ... ", " \u2026 ", "\u2026", " . . . ", " [...] ", " (...) "])
def test_two_pieces_joined_by_an_ellipsis(ellipsis):
    claim = f"Russia has started talking about a meeting{ellipsis}we do not see their desire to end the war"
    m = align(claim, ZEL_MEETING)
    assert m.status == "fragment", changes(m)
    assert m.score == 100.0 and m.flags == []
    assert m.claimed_words == 17
    skipped = [d.canonical for d in m.diff if d.gap]
    # The words the ellipsis skipped, then the rest of the quote.
    assert skipped[:7] == ["which", "is", "already", "not", "bad", "But", "so"]
    assert skipped[7] == "far"


def test_ellipsis_pieces_must_be_in_order():
    claim = "we do not see their desire to end the war ... Russia has started talking about a meeting"
    assert align(claim, ZEL_MEETING).status == "altered"


def test_repeated_phrase_fragment_with_ellipsis_uses_the_later_occurrence():
    m = align("a meeting ... preferably the end of the war", ZEL_MEETING)
    assert m.status == "fragment"
    assert m.coverage == pytest.approx(8 / 48, abs=1e-3)


def test_single_word_fragment():
    m = align("Moscow", ZEL_MOSCOW)
    assert (m.status, m.claimed_words) == ("fragment", 1)


# --- altered -------------------------------------------------------------------


def test_dropped_negation_is_altered_and_flagged():
    m = align("Russia has started talking about a meeting, which is already bad.", ZEL_MEETING)
    assert m.status == "altered"
    assert m.flags == ["negation"]
    assert changes(m) == [("delete", "", "not")]
    assert 85 <= m.score < 100


def test_added_negation_is_flagged():
    m = align("we do not see their desire to not end the war", ZEL_MEETING)
    assert m.status == "altered" and m.flags == ["negation"]
    assert changes(m) == [("insert", "not", "")]


def test_changed_name_is_altered_and_flagged():
    m = align("if Zelenskyy is ready, let him come to Kyiv", PUTIN)
    assert m.status == "altered"
    assert m.flags == ["name"]
    assert changes(m) == [("substitute", "Kyiv", "Moscow")]
    assert 80 <= m.score < 100


def test_changed_number_is_altered_and_flagged():
    canonical = "Russia launched 810 drones and 13 missiles at Ukraine overnight, the air force said."
    m = align("Russia launched 910 drones and 13 missiles at Ukraine overnight", canonical)
    assert m.status == "altered" and m.flags == ["number"]
    assert changes(m) == [("substitute", "910", "810")]
    words = align("Russia launched 810 drones and three missiles at Ukraine", canonical)
    assert words.status == "altered" and words.flags == ["number"]
    assert changes(words) == [("substitute", "three", "13")]


def test_same_number_in_words_is_altered_without_number_flag():
    canonical = "We lost five soldiers yesterday."
    m = align("We lost 5 soldiers yesterday.", canonical)
    assert m.status == "altered"
    assert m.flags == []


def test_thousands_separator_is_only_typography():
    assert align("1000 drones", "1,000 drones").status == "normalized"


def test_added_word_inside_the_span():
    m = align("if Zelenskyy is really ready, let him come to Moscow", PUTIN)
    assert m.status == "altered"
    assert changes(m) == [("insert", "really", "")]
    assert m.flags == []
    assert m.score == pytest.approx(90.0)


def test_removed_word_inside_the_span():
    m = align("Our American partners told us that Putin invited me to Moscow", ZEL_MOSCOW)
    assert m.status == "fragment"
    m = align("Our partners told us that Putin invited me to Moscow", ZEL_MOSCOW)
    assert m.status == "altered"
    assert changes(m) == [("delete", "", "American")]


def test_flags_are_listed_once():
    canonical = "Putin said 5 times that he would not come to Kyiv on 3 occasions."
    m = align("Biden said 6 times that he would come to Minsk on 4 occasions.", canonical)
    assert m.status == "altered"
    assert sorted(m.flags) == ["name", "negation", "number"]
    assert len(m.flags) == len(set(m.flags))


# --- editorial insertions ----------------------------------------------------------


@pytest.mark.parametrize(
    "opening",
    [
        "Donald Trump asked me",
        "Donald asked me",
        "US President Donald Trump asked me",
        "(US President) Donald (Trump) asked me",
        "[US President] Donald [Trump] asked me",
        "President Donald Trump asked me",
    ],
)
def test_canonical_editorial_words_may_be_quoted_or_left_out(opening):
    rest = " if I could possibly arrange such a meeting"
    m = align(opening + rest, PUTIN)
    assert m.status == "fragment", changes(m)
    assert m.score == 100.0 and m.flags == []
    assert real_changes(m) == []
    assert m.coverage == pytest.approx(11 / PUTIN_CONTENT_WORDS, abs=1e-3)


def test_whole_quote_without_the_editorial_words_is_normalized():
    claim = PUTIN.replace("(US President) ", "").replace(" (Trump)", "")
    m = align(claim, PUTIN)
    assert m.status == "normalized" and m.coverage == 1.0 and m.score == 100.0
    editorial = [(d.op, d.canonical) for d in m.diff if d.editorial]
    assert editorial == [("delete", "US"), ("delete", "President"), ("delete", "Trump")]


def test_whole_quote_with_brackets_removed_is_normalized():
    claim = PUTIN.replace("(", "").replace(")", "")
    m = align(claim, PUTIN)
    assert m.status == "normalized"
    assert m.claimed_words == PUTIN_CONTENT_WORDS + 3  # the claim does not bracket them


def test_claim_bracketed_insertion_does_not_count():
    m = align("[Trump] asked me if I could possibly arrange such a meeting", PUTIN)
    assert m.status == "fragment" and m.score == 100.0
    assert m.claimed_words == 10


def test_claim_bracket_standing_for_a_pronoun():
    canonical = "He asked me if I could possibly arrange such a meeting."
    m = align("[Trump] asked me if I could possibly arrange such a meeting", canonical)
    assert m.status == "normalized"
    assert [(d.op, d.claimed, d.canonical, d.editorial) for d in m.diff][0] == ("substitute", "Trump", "He", True)
    extra = align("He [the US president] asked me if I could possibly arrange such a meeting", canonical)
    assert extra.status == "normalized" and extra.claimed_words == 11


def test_claim_bracket_may_not_replace_a_negation():
    m = align("which is already [very] bad", ZEL_MEETING)
    assert m.status == "altered" and "negation" in m.flags


def test_wrong_word_in_place_of_an_editorial_one_is_altered():
    m = align("Donald Biden asked me if I could possibly arrange such a meeting", PUTIN)
    assert m.status == "altered"
    assert m.flags == ["name"]
    assert real_changes(m) == [("substitute", "Biden", "Trump")]


# --- scores -----------------------------------------------------------------------


@pytest.mark.parametrize("canonical", SEED)
def test_unrelated_sentence_scores_low(canonical):
    m = align(UNRELATED, canonical)
    assert m.status == "altered"
    assert m.score < 50


def test_alternative_wording_is_altered_but_clearly_the_best_match():
    claim = "if you want the meeting to not happen, you should invite me to Moscow"
    results = {c: align(claim, c) for c in SEED}
    best = results[ZEL_MOSCOW]
    assert best.status == "altered"
    assert best.score >= 60
    others = [m.score for c, m in results.items() if c is not ZEL_MOSCOW]
    assert best.score > max(others) + 25
    assert best.score > align(UNRELATED, ZEL_MOSCOW).score + 40


def test_score_falls_with_each_altered_word():
    one = align("if Zelenskyy is ready, let him come to Kyiv", PUTIN).score
    two = align("if Zelenskyy is willing, let him come to Kyiv", PUTIN).score
    three = align("if Zelenskyy is willing, let her come to Kyiv", PUTIN).score
    assert 100 > one > two > three > 50


def test_empty_claim():
    for claim in ["", "   ", "...", "[...]"]:
        m = align(claim, PUTIN)
        assert (m.status, m.score, m.coverage, m.claimed_words) == ("altered", 0.0, 0.0, 0)
        assert all(d.op == "delete" and d.gap for d in m.diff) and len(m.diff) == 36


def test_claim_longer_than_the_quote_is_altered():
    m = align("He said that " + ZEL_MOSCOW, ZEL_MOSCOW)
    assert m.status == "altered"
    assert changes(m) == [("insert", "He", ""), ("insert", "said", ""), ("insert", "that", "")]


# --- quick_score -----------------------------------------------------------------


def test_quick_score_fragment_of_a_long_quote_is_high():
    assert quick_score("if Zelenskyy is ready, let him come to Moscow", PUTIN) >= 95
    assert quick_score("Russia has started talking about a meeting \u2026 we do not see their desire to end the war", ZEL_MEETING) >= 95
    assert quick_score(PUTIN.upper(), PUTIN) == 100


def test_quick_score_ranks_the_source_first():
    claims = {
        "if Zelenskyy is ready, let him come to Moscow": PUTIN,
        "which is already bad": ZEL_MEETING,
        "if you want the meeting to not happen, you should invite me to Moscow": ZEL_MOSCOW,
        "membership in the EU represents essential security assurances": ZEL_EU,
        "I have never refused this, provided the meeting is well prepared": PUTIN_NEVER,
    }
    for claim, source in claims.items():
        ranked = sorted(SEED, key=lambda c: quick_score(claim, c), reverse=True)
        assert ranked[0] is source, claim


def test_quick_score_unrelated_is_lower():
    assert max(quick_score(UNRELATED, c) for c in SEED) < 60
    assert quick_score("", PUTIN) == 0.0


def test_quick_score_tolerates_the_claims_own_brackets():
    canonical = "He asked me if I could possibly arrange such a meeting."
    assert quick_score("[Trump] asked me if I could possibly arrange such a meeting", canonical) >= 90
