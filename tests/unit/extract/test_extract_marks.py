"""Stage 1, quote marks and pieces (verification/extract/marks.py): text in, pieces out."""
from verification.extract.marks import find_quotes, paragraphs, word_count


def pieces(text):
    return [(text[q.start:q.end], q.cont_prev, q.cont_next) for q in find_quotes(text, paragraphs(text))]


def test_curly_straight_and_typewriter_marks():
    text = "“One two three four,” she said. \"Five six seven eight.\" ''Nine ten eleven twelve.''"
    assert pieces(text) == [
        ("One two three four", False, False), ("Five six seven eight.", False, False),
        ("Nine ten eleven twelve.", False, False)]


def test_multi_paragraph_quote_is_pieces_that_continue():
    text = "“The first part is about the budget.\n“The second part is about the schools.”"
    assert pieces(text) == [("The first part is about the budget.", False, True),
                            ("The second part is about the schools.", True, False)]


def test_single_marks_inside_a_double_quote_are_its_words_and_apostrophes_are_no_marks():
    text = "“My father told me, ‘never give up,’ and I never did,” Smith said. It's the '90s."
    assert pieces(text) == [("My father told me, ‘never give up,’ and I never did", False, False)]


def test_a_lone_open_mark_needs_four_words():
    assert pieces('The 12" board.') == []
    assert pieces('He said "we will win this one') == [("we will win this one", False, False)]


def test_word_count():
    assert word_count("it's a well-known U.S. fact") == 7  # hyphens and periods split words
