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


@pytest.mark.parametrize("text, name", [
    # "said X has …", "says X “…”": X is the subject of the complement, not of the main clause
    ("White House spokesman Josh Earnest said President Barack Obama has kept in close touch with his "
     "supporters.\n“I would think that would have some influence on those voters,” he said.", "Josh Earnest"),
    ("The former governor George Pataki endorsed his rival John Kasich at a rally on Thursday night.\n"
     "Pataki says Kasich “has a track record of bringing people together.” He warns that the front-runner "
     "would “drive the Republican Party off the cliff.”", "George Pataki"),
    # appositives and relative clauses holding commas
    ("Bernie Sanders is gaining in Minnesota.\nWoodrow Benford, 58, who lives outside Minneapolis, says he "
     "did not know much about Sanders before.\n“Some changes need to be made, some major changes,” he said.",
     "Woodrow Benford"),
    ("President Barack Obama has an admirer in British diplomat Sir Peter Westmacott.\nWestmacott, who served "
     "in Iran, Turkey and France, praised Obama in an interview.\n“I think the legacy does not look bad at "
     "all,” he told the Guardian.", "Peter Westmacott"),
    ("Donna Lages said she worries about her son.\nDebbie Kepler, the organist at the Baptist church, which "
     "is on the same street as the mosque, remembered when it still had a cross.\n“We do not go over there, "
     "and they do not come over here,” she said.", "Debbie Kepler"),
    # "'s been" is "has been"
    ("Marco Rubio and Chris Christie debated on Saturday.\nRubio answered a question about jobs. Christie's "
     "been making the case for weeks that he is not ready. “You have not been involved in a consequential "
     "decision,” he said.", "Chris Christie"),
    # a role noun after a possessive; "a worker named X"; "there's X."; the subject of an "as" clause
    ("Writer Maria Diaz spoke about books.\nAfter the remarks, the network's nightly news anchor Ilia Calderón "
     "reacted with a letter. “As part of a minority within a minority, I am concerned,” she tweeted.",
     "Ilia Calderón"),
    ("Robert McDonough runs the union hall.\nOutside the plant, a worker named Antonio Arroyo has nothing "
     "but good things to say. “The atmosphere is relaxed, a healthy environment,” he said.", "Antonio Arroyo"),
    ("David Axelrod, a former adviser, has been critical.\nBarack Obama himself has made supportive "
     "comments.\nThen there's Axelrod.\n“Kind of bewildering as to why they are laying out her strategy,” "
     "he wrote.", "David Axelrod"),
    ("Roman Smbatyan, the museum's director, said the law was unfair to the community.\nHowever, as "
     "Archbishop Aris Shirvanian told the Associated Press, “We have suffered the same fate.” He added, "
     "“Israel should have been one of the first countries to recognize it.”", "Aris Shirvanian"),
])
def test_he_and_she_after_complements_appositives_and_introductions(text, name):
    assert speakers(text)[-1] == name


def test_she_with_no_subject_to_fit_takes_the_last_person_named():
    # Deja Stewart, a person by her role noun, is named after Hillary Clinton; her gender is
    # not known, which does not conflict with "she"
    text = ("Bernie Sanders endorsed Hillary Clinton at a rally on Tuesday.\n"
            "My favorite description of him came from Hampton University student Deja Stewart, who called him "
            "“somebody's savage grandpa.”\n"
            "“Savage,” she said, meaning that he is “radical enough and does not care what people think.”")
    assert speakers(text) == ["Deja Stewart", "Deja Stewart"]
