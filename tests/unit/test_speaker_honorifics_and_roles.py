"""Honorifics carry gender, roles are checked against the record, and an
ambiguous name is said to be so. Real cases: the Obamas, the Clintons, the
Bushes, the Putin/Zelenskyy seed story."""
from datetime import date

import pytest

from verification.genders import claimed_gender, gender_of_given_name
from verification.model import Role, SpeakerRef
from verification.roles import claimed_role, holds_role, only_role, role_key
from verification.speakers import compare_speaker, speaker_gender

TERM = (date(2009, 1, 20), date(2017, 1, 20))
BARACK = SpeakerRef(1, "Barack Obama", roles=(Role("President of the United States", *TERM),))
MICHELLE = SpeakerRef(2, "Michelle Obama", roles=(Role("First Lady of the United States", *TERM),))
BARACK_BARE = SpeakerRef(1, "Barack Obama")
MICHELLE_BARE = SpeakerRef(2, "Michelle Obama")
LAURA = SpeakerRef(3, "Laura Bush", roles=(Role("First Lady of the United States", date(2001, 1, 20),
                                                 date(2009, 1, 20)),))
W = SpeakerRef(4, "George W. Bush", roles=(Role("President of the United States", date(2001, 1, 20),
                                                date(2009, 1, 20)),))
HW = SpeakerRef(5, "George H. W. Bush", roles=(Role("President of the United States", date(1989, 1, 20),
                                                    date(1993, 1, 20)),))
IN_2012 = date(2012, 5, 1)


def check(claimed, canonical, known, when=IN_2012):
    return compare_speaker(claimed, canonical, known, when)


# --- honorifics ---------------------------------------------------------------------

@pytest.mark.parametrize("text,gender", [
    ("Mrs. Obama", "female"), ("Ms Clinton", "female"), ("Miss Universe", "female"), ("Madam Speaker", "female"),
    ("Mr. Putin", "male"), ("Mr Trump", "male"), ("Obama", None), ("Mr. and Mrs. Obama", None),
    ("Dr. Fauci", None), ("President Obama", None),
])
def test_the_gender_an_honorific_names(text, gender):
    assert claimed_gender(text) == gender


def test_mrs_obama_does_not_verify_a_line_barack_obama_said():
    c = check("Mrs. Obama", BARACK_BARE, [BARACK_BARE])
    assert c.status == "mismatch"
    assert c.message == "\u201cMrs. Obama\u201d names a woman; the record has Barack Obama."


def test_the_honorific_chooses_between_two_obamas():
    assert check("Mrs. Obama", MICHELLE_BARE, [BARACK_BARE, MICHELLE_BARE]).status == "match"
    assert check("Mr. Obama", BARACK_BARE, [BARACK_BARE, MICHELLE_BARE]).status == "match"
    c = check("Mrs. Obama", BARACK_BARE, [BARACK_BARE, MICHELLE_BARE])
    assert c.status == "mismatch" and "Michelle Obama" in c.message


def test_a_recorded_gender_wins_over_the_first_name():
    pat = SpeakerRef(7, "Pat Smith")  # unisex: no guess
    assert speaker_gender(pat) is None
    c = check("Mr. Smith", pat, [pat])
    assert c.status == "unknown"  # the honorific went unchecked: never verified
    assert "record it on the speaker" in c.message
    assert check("Mr. Smith", SpeakerRef(7, "Pat Smith", gender="female"), []).status == "mismatch"
    assert check("Ms. Smith", SpeakerRef(7, "Pat Smith", gender="female"), []).status == "match"


def test_an_honorific_in_the_record_s_own_name_is_what_the_record_says():
    """A transcript label kept as the speaker's name ("MR. WOODRUFF" ->
    "Mr. Woodruff") or an alias with an honorific gives the gender: the same
    honorific claimed verifies, the other one does not."""
    woodruff = SpeakerRef(9, "Mr. Woodruff")
    assert speaker_gender(woodruff) == "male"
    assert check("Mr. Woodruff", woodruff, [woodruff]).status == "match"
    assert check("Woodruff", woodruff, [woodruff]).status == "match"
    c = check("Ms. Woodruff", woodruff, [woodruff])
    assert c.status == "mismatch" and "names a woman" in c.message
    reince = SpeakerRef(10, "Reince Priebus", aliases=("Mr. Priebus",))  # a first name the name data is unsure of
    assert check("Mr. Priebus", reince, [reince]).status == "match"
    assert check("Mrs. Priebus", reince, [reince]).status == "mismatch"
    # The record's own names disagree: nothing confirmed, nothing ruled out.
    torn = SpeakerRef(11, "Pat Smith", aliases=("Mr. Smith", "Mrs. Smith"))
    assert speaker_gender(torn) is None
    assert check("Mr. Smith", torn, [torn]).status == "unknown"
    # A recorded gender still comes first.
    assert speaker_gender(SpeakerRef(12, "Mr. Woodruff", gender="female")) == "female"


@pytest.mark.parametrize("first,gender", [
    ("Michelle", "female"), ("Hillary", "female"), ("Barack", "male"), ("Vladimir", "male"),
    ("Volodymyr", "male"), ("Donald", "male"),
    # Unisex, or differing by culture, or unknown: never a guess.
    ("Jordan", None), ("Kim", None), ("Ilhan", None), ("Pat", None), ("Zzyzx", None), ("J", None),
])
def test_gender_from_a_first_name_only_when_the_name_data_is_sure(first, gender):
    assert gender_of_given_name(first) == gender


def test_unknown_gender_never_rules_a_speaker_out():
    jordan = SpeakerRef(8, "Jordan Obama")
    c = check("Mrs. Obama", BARACK_BARE, [jordan, BARACK_BARE])
    assert c.status == "mismatch" and "Jordan Obama" in c.message  # Barack is ruled out, Jordan is not
    assert check("Mrs. Obama", jordan, [jordan, BARACK_BARE]).status == "unknown"  # nor confirmed


def test_ron_h_johnson_is_ron_johnson_rather_than_hank():
    ron, hank = SpeakerRef(10, "Ron Johnson"), SpeakerRef(11, "Hank Johnson")
    assert check("Ron H. Johnson", ron, [ron, hank]).status == "match"


# --- roles --------------------------------------------------------------------------

@pytest.mark.parametrize("text,key", [
    ("President Obama", "role:president"), ("Secretary Clinton", "role:secretary"),
    ("First Lady", "role:first lady"), ("the First Lady", "role:first lady"), ("Senator Sanders", "role:senator"),
    ("Sen. Bernie Sanders", "role:senator"), ("former Secretary of State Hillary Clinton", "role:secretary"),
    ("Vice President Biden", "role:president vice"), ("Russian President Vladimir Putin", "role:president"),
    ("Mr. King", None), ("Obama", None), ("Mrs. Obama", None),
])
def test_the_role_a_claim_names(text, key):
    assert claimed_role(text) == key


@pytest.mark.parametrize("title,key", [
    ("President of the United States", "role:president"), ("Vice President of the United States", "role:president vice"),
    ("United States Senator from Vermont", "role:senator"), ("First Lady of the United States", "role:first lady"),
    ("Secretary of State", "role:secretary"), ("Director", "role:director"), ("the United States", None),
])
def test_a_stored_role_is_compared_by_its_head(title, key):
    assert role_key(title) == key


def test_roles_with_dates_and_roles_in_aliases():
    assert holds_role("role:president", BARACK.roles, (), IN_2012) is True
    assert holds_role("role:president", BARACK.roles, (), date(2005, 1, 1)) is None  # held, not then
    assert holds_role("role:president", MICHELLE.roles, (), IN_2012) is False
    assert holds_role("role:secretary", (), ("Secretary Clinton",)) is True
    assert only_role("the First Lady") and not only_role("First Lady Michelle Obama")


def test_a_role_the_record_gives_the_other_obama_is_a_mismatch():
    assert check("President Obama", BARACK, [BARACK, MICHELLE]).status == "match"
    c = check("President Obama", MICHELLE, [BARACK, MICHELLE])
    assert c.status == "mismatch" and "Barack Obama" in c.message


def test_a_role_the_record_knows_nothing_about_changes_nothing():
    assert check("Senator Obama", BARACK, [BARACK, MICHELLE]).status == "ambiguous"
    assert check("President Obama", BARACK_BARE, [BARACK_BARE, MICHELLE_BARE]).status == "ambiguous"
    assert check("Senator Sanders", SpeakerRef(9, "Bernie Sanders"), []).status == "match"


def test_a_role_alone_names_whoever_held_it_on_the_day():
    assert check("First Lady", MICHELLE, [BARACK, MICHELLE, LAURA]).status == "match"
    c = check("the First Lady", BARACK, [BARACK, MICHELLE])
    assert c.status == "mismatch" and "Michelle Obama" in c.message
    # Held it, but not that day: open, never a misattribution.
    assert check("the First Lady", LAURA, [BARACK, MICHELLE, LAURA]).status == "ambiguous"
    # No date: both first ladies fit.
    assert check("the First Lady", MICHELLE, [MICHELLE, LAURA], when=None).status == "ambiguous"


def test_president_bush_is_the_one_in_office_on_the_day():
    assert check("President Bush", W, [W, HW], date(2005, 1, 1)).status == "match"
    assert check("President Bush", HW, [W, HW], date(1990, 6, 1)).status == "match"
    assert check("President Bush", HW, [W, HW], date(2005, 1, 1)).status == "ambiguous"
    assert check("President Bush", W, [W, HW], date(2012, 1, 1)).status == "ambiguous"


# --- ambiguity ------------------------------------------------------------------------

def test_an_ambiguous_name_says_who_else_it_could_mean():
    c = check("Obama", BARACK_BARE, [BARACK_BARE, MICHELLE_BARE])
    assert c.status == "ambiguous"
    assert c.message == ("On record from Barack Obama; \u201cObama\u201d could also mean Michelle Obama. "
                         "Name the speaker in full to verify.")


@pytest.mark.parametrize("title,key", [
    ("Congresswoman", "role:representative"), ("U. S. Congressman", "role:representative"),
    ("U.S. House of Representatives", "role:representative"), ("Member of Congress", "role:representative"),
    ("State Senator", "role:senator state"), ("U.S. Senator", "role:senator"),
    ("Pastor and father of Sen. Ted Cruz, R-Texas.", None),  # a senator's father is no senator
    ("Spokeswoman for the county", "role:spokesperson"),
])
def test_names_of_one_office_meet_and_different_offices_do_not(title, key):
    assert role_key(title) == key


def test_a_former_title_was_held_at_another_time():
    former = (Role("Former U.S. Senator"),)
    assert holds_role("role:senator", former, ()) is None
    assert holds_role("role:senator", (Role("U.S. Senator"),), ()) is True


def test_sen_brown_is_the_sitting_senator_not_the_former_or_the_state_senator():
    sherrod = SpeakerRef(20, "Sherrod Brown", roles=(Role("U.S. Senator"),))
    scott = SpeakerRef(21, "Scott Brown", roles=(Role("Former U.S. Senator"),))
    robert = SpeakerRef(22, "Robert Brown", roles=(Role("state senator"),))
    known = [sherrod, scott, robert]
    assert check("Sen. Brown", sherrod, known, when=None).status == "match"
    assert check("state Sen. Brown", robert, known, when=None).status == "match"
    assert check("state Sen. Brown", sherrod, known, when=None).status == "mismatch"


def test_a_surname_that_is_a_title_word_is_not_a_role_alone():
    bishop = SpeakerRef(23, "Sanford Bishop", roles=(Role("Congressman"),))
    other = SpeakerRef(24, "Paul Ryan", roles=(Role("U.S. Representative"),))
    assert check("Rep. Bishop", bishop, [bishop, other], when=None).status == "match"


# --- storing: which stored speaker a name means ---------------------------------------

from verification.speakers import resolve_name  # noqa: E402


def names(found):
    return sorted(s.name for s in found)


@pytest.mark.parametrize("given,stored", [
    ("Van Jones", ["Dennis Jones", "Jerry Jones"]),
    ("Lee Holloway", ["Tim Lee"]),
    ("Priorities USA Action", ["Americans for Prosperity Action", "Heritage Action"]),
    ("National Rifle Association", ["Milwaukee Police Association", "Virginia Education Association"]),
    ("American Energy Alliance", ["Miami Seaport Alliance", "Drug Policy Alliance"]),
    ("Majority PAC", ["Senate Majority PAC", "Restoration PAC"]),
    ("Major Garrett", ["Scott Garrett", "Herb Garrett"]),
    ("America", ["Organizing America", "Drug Free America"]),
    ("George Herbert Bush", ["George W. Bush"]),
])
def test_a_full_name_means_nobody_stored_unless_its_given_names_fit(given, stored):
    assert resolve_name(given, [SpeakerRef(i, n) for i, n in enumerate(stored)]) == []


@pytest.mark.parametrize("given,stored,meant", [
    ("Jones", ["Dennis Jones", "Jerry Jones"], ["Dennis Jones", "Jerry Jones"]),  # refused by the caller
    ("Sen. Sanders", ["Bernie Sanders"], ["Bernie Sanders"]),
    ("Russian President Putin", ["Vladimir Putin"], ["Vladimir Putin"]),
    ("Rep. Bishop (D-Ga.)", ["Sanford Bishop"], ["Sanford Bishop"]),
    ("Donald J. Trump", ["Donald Trump", "Donald Trump Jr."], ["Donald Trump"]),
    ("Vladimir Putin", ["Putin"], ["Putin"]),
    ("Bill Clinton", ["William J. Clinton", "Hillary Clinton"], ["William J. Clinton"]),
])
def test_forms_of_a_stored_name_mean_it(given, stored, meant):
    assert names(resolve_name(given, [SpeakerRef(i, n) for i, n in enumerate(stored)])) == meant
