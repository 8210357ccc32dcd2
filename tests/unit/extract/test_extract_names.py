"""Stage 4, names, titles and coreference (verification/extract/names.py)."""
import pytest

from verification.extract import extract_quotes


def speakers(text):
    return [q.speaker.name if q.speaker else None for q in extract_quotes(text)]


@pytest.mark.parametrize("text, name", [
    ("Rep. Peter King spoke first.\n“We need to watch the neighborhoods closely,” Mr. King said.", "Peter King"),
    ("Billie Jean King won her titles while Ali was rising. King says Ali “talked the talk and walked the walk.”",
     "Billie Jean King"),
    ("“We need to watch the mosques and the neighborhoods closely,” Prime Minister Theresa May said.",
     "Theresa May"),
])
def test_a_surname_that_is_a_title_word(text, name):
    assert speakers(text) == [name]


def test_the_king_is_still_a_title():
    text = "The King spoke in Riyadh.\n“We will watch the borders and the ports closely,” the King said."
    assert speakers(text) == [None]


def test_a_title_case_heading_names_the_speaker_of_its_list_item():
    text = ("2. Salma Hayek Described Her Experience Being Discriminated Against.\n"
            "Getty.\n"
            "During an event, Junot Diaz spoke about books and the absence of writers.\n"
            "13. Zoe Saldana Asked Men Everywhere To Redefine Masculinity.\n"
            "Getty.\n"
            "Pointing to her husband, the star posted a message: “Men, you will not cease to exist by "
            "taking your partner’s surname,” she wrote.")
    assert speakers(text) == ["Zoe Saldana"]


@pytest.mark.parametrize("text, name", [
    ("Dana Reyes, Fox News: “We have seen nothing like this in the history of the network.”", "Dana Reyes"),
    ("Josh Bivens, EPI: “Wages have been flat for most workers for a long time now.”", "Josh Bivens"),
])
def test_name_and_outlet_lines(text, name):
    assert speakers(text) == [name]


def test_second_piece_of_a_split_quote_after_a_participle():
    text = ('"These guys know how to use words," said Sherman, speaking of politicians, '
            '"and leave themselves a little wiggle room in what they said."')
    assert speakers(text) == ["Sherman", "Sherman"]
