"""Stage 3, attribution rules (verification/extract/attribution.py), one class of shape at a time.

Hand-written sentences; each was wrong or None before its rule was added.
"""
import pytest

from verification.extract import extract_quotes


def speakers(text):
    return [q.speaker.name if q.speaker else None for q in extract_quotes(text)]


@pytest.mark.parametrize("text, name", [
    # role nouns and long titles before the name
    ("“The children are anxious and they need help now,” psychologist Elaine Ducharme said.",
     "Elaine Ducharme"),
    ("“We will never forget what happened that day,” said 9/11 widow Terry Strada.", "Terry Strada"),
    ("“Nothing that happened today changes our assessment,” White House press secretary Josh Earnest "
     "told reporters.", "Josh Earnest"),
    ("“This is the same attack he made last week, nothing new,” Clinton press secretary Brian Fallon said.",
     "Brian Fallon"),
    ("“The biggest concern for me is the court,” said Idaho nutritional-supplement executive "
     "Frank VanderSloot, who had backed Rubio.", "Frank VanderSloot"),
    ("“Imagine him going up against both of them on one stage,” mused Blaze co-host Stu Burguiere.",
     "Stu Burguiere"),
    ("Band member Flea shared the news last week, writing “Feels great to support someone I believe in.”",
     "Flea"),
    # the name in an appositive after a description
    ("“Somebody entered the country through the visa program,” the White House spokesman, Josh Earnest, "
     "said on Thursday.", "Josh Earnest"),
    # an appositive chain: age, place, relative clause
    ("“Both of them scare me quite a lot,” Harry Bond, 30, of Raleigh, N.C., who was among those polled, "
     "said in an interview.", "Harry Bond"),
    # a name and a colon, after a role noun or with a party tag
    ("The surge does not surprise Republican pollster Daron Shaw: “Lesser-known candidates have seen "
     "the biggest boost.”", "Daron Shaw"),
    ("Rep. Trey Gowdy (R-S.C.): “I have not heard anyone other than you ever cite that figure.”",
     "Trey Gowdy"),
    # a first name ending in -ly is not an introductory adverb
    ("Carly Fiorina backed Ted Cruz on Wednesday, saying it is time to have a “real constitutional "
     "conservative in the White House.”", "Carly Fiorina"),
])
def test_speaker_described_before_or_around_the_name(text, name):
    assert speakers(text) == [name]


@pytest.mark.parametrize("text, name", [
    # credit lines with any dash
    ("“We are going to win this state and every other one,” ― Jane Doe, farmer.", "Jane Doe"),
    ("“We are going to win this state and every other one,” -- Jane Doe.", "Jane Doe"),
    # a name and a colon after a quote, and a possessive before a capitalised noun
    ("Clinton: “Our goal is not to deter them, but to defeat them.” Bush: “The mission is to destroy "
     "them, not to contain them.”", None),
    ("From Bush's Facebook post: “For the sake of our party and country, we must move on.”", "Bush"),
    # the person inside a descriptor, not the organisation
    ("Anthony Anton, president and CEO of Washington Restaurant Association stated, “It is not a political "
     "problem; it is a math problem.”", "Anthony Anton"),
    ("“We are going to start chipping away at the lead,” added his campaign manager Jeff Weaver, "
     "speaking to CNN.", "Jeff Weaver"),
    ("“They are spending their final days climbing over each other,” said Oversight ranking Democrat "
     "Elijah Cummings (D-Md.).", "Elijah Cummings"),
    ("The party was “working to change its image from that of a haven for mobsters,” wrote the "
     "American ambassador at the time, John E. Herbst.", "John E. Herbst"),
    # reporting verbs outside the lexicon, in a bare clause after the quote
    ("“What was the pivot point that made him change so fundamentally?” Beck questioned.", "Beck"),
    ("“Please, please vote for the bill before it is too late,” implored Jane Doe.", "Jane Doe"),
])
def test_credit_lines_colons_and_descriptors(text, name):
    got = speakers(text)
    if name is None:  # two speakers in one line
        assert got == ["Clinton", "Bush"]
    else:
        assert got == [name]


def test_a_crowd_is_no_speaker():
    assert speakers("“Lock her up, lock her up, lock her up!” Trump supporters chanted.") == [None]


@pytest.mark.parametrize("text, name", [
    ("“We will not accept a bill that leaves the District out,” Del. Eleanor Holmes Norton (D-D.C.) said.",
     "Eleanor Holmes Norton"),
    ("Sens. John Doe and Jane Roe wrote a letter. “We urge the agency to reverse this decision,” Sen. Doe said.",
     "John Doe"),
    ("“We will not accept a bill that leaves the state out,” said Rep. Maria Lopez (D-Wis.).", "Maria Lopez"),
])
def test_abbreviated_titles_and_party_tags(text, name):
    assert speakers(text) == [name]


@pytest.mark.parametrize("text, names", [
    ("“We are anxious,” said another Twitter user, Johanna Bayer. “The attacks are getting ever closer.”",
     ["Johanna Bayer", "Johanna Bayer"]),
    # an infinitive reports; its subject is the main clause's, not the name in "that …"
    ("Trump joked that Brooklyn was his answer, but went on to say, “There are places in America that "
     "are among the most dangerous in the world.”", ["Trump"]),
    ("The debate was so subdued that Mr. Trump was prompted to say, “So far, I cannot believe how civil "
     "it has been up here.”", ["Trump"]),
    # a quote inside an opening participial clause belongs to the main clause's subject
    ("Acknowledging that Trump “says a lot of stupid stuff,” though, Allen did suggest that the mogul "
     "has an advantage.", ["Allen"]),
    # "No. 2" ends no sentence
    ("As John Cornyn, the No. 2 in the leadership, put it: “This person will not be confirmed, so "
     "there is no reason to pretend.”", ["John Cornyn"]),
])
def test_partial_quotes_and_verbs_in_narrative(text, names):
    assert [q.speaker.name if q.speaker else None for q in extract_quotes(text, include_short=True)] == names


def test_a_participle_clause_cut_off_before_its_subject_does_not_fail():
    text = "Acknowledging that Trump “says a lot of stupid stuff,” though, Allen"
    assert [q.text for q in extract_quotes(text, include_short=True)] == ["says a lot of stupid stuff"]


@pytest.mark.parametrize("text, names", [
    # a list of names in an appositive (any member is the speaker); "David" is a city too
    ("Henry Clay's biographers, David and Jeanne Heidler, wrote that Taylor “had a tin ear and was "
     "instinctively wrong.”", ["Jeanne Heidler"]),
    # the organisation after "the" in an appositive is not the subject
    ("Alixandria Lapp, executive director of the House Majority PAC, a Democratic super PAC, said she "
     "thinks Republicans “are going to be dragged down by the anger of Trump.”", ["Alixandria Lapp"]),
    # a quote ending in a period is not taken by the next sentence's clause
    ("Attorney General Lisa M. Madigan asserted that “trust in the Chicago Police Department is broken.” "
     "Democratic presidential candidate Hillary Clinton said Wednesday she, too, wants an inquiry.",
     ["Lisa M. Madigan"]),
    ("Neither Donald J. Trump nor Ted Cruz was impressed. “It is a disgrace and everybody knows it,” Trump said.",
     ["Donald J. Trump"]),
])
def test_appositive_lists_organisations_and_sentence_ends(text, names):
    assert [q.speaker.name if q.speaker else None for q in extract_quotes(text)] == names


@pytest.mark.parametrize("text, name", [
    ("His endorsements will carry “a great deal of weight” and help candidates win, DFA spokesman "
     "Neil Sroka said.", "Neil Sroka"),
    ("“I think the evidence is extremely strong that their account is more credible” than the chief's, "
     "Zuckoff said.", "Zuckoff"),
])
def test_a_reporting_clause_closing_the_sentence(text, name):
    assert speakers(text) == [name]


def test_a_closing_clause_with_a_common_noun_gives_no_name():
    text = "The plan would cut “the number of people who may have legitimate claims” by half, officials said."
    assert speakers(text) == [None]


# Wrong names found on the development folds of the benchmark (issue 14, second round), each
# written here as a sentence of the same shape; each gave a wrong name before its rule.

@pytest.mark.parametrize("text, names", [
    # a dash and a name after a quote inside a reported sentence is a byline
    ('Prime Minister Ana Ruiz said Monday that she will "form a stable government soon" and insisted '
     'that her party was "still the strongest force in parliament."--Kim Holt.', ["Ana Ruiz", "Ana Ruiz"]),
    # "But X did not respond": a new sentence after a quote ending in a period (inside a single mark)
    ("Senator Mark Cole and Governor Ben Olsen met in Ohio.\nMr. Cole mocked the plan, saying at one point, "
     "''The answer is not simply to yell, 'cut taxes, cut jobs.''' But Mr. Olsen, again, did not respond in "
     "kind.", ["Mark Cole"]),
    # after "!", a capitalised "She replied to him that …" is a new sentence
    ("After Senator Lisa Park won the primary, Ken Adams emailed her, telling her, “you are a star player "
     "and we need you for the long run!” She replied to him that it was an “honor to serve with you.”",
     ["Ken Adams", "Lisa Park"]),
    # the clause after the second piece introduces the third quote
    ("Omar Hadi, 25, and his wife, Lina Noor, 27, pleaded for understanding.\n“We are refugees,” Ms. Noor "
     "said. “We are not terrorists.” Mr. Hadi said: “The attack today is the work of terrorists.”",
     ["Lina Noor", "Lina Noor", "Omar Hadi"]),
    # a reporting verb in a "when" clause does not attribute the quote after its comma
    ("Senator Clara Vance and her ally Anne Reed spoke at a rally in Ohio on the economy.\n"
     "Mrs. Reed said that when Ms. Vance railed against the banks from her seat in the Senate, “she is "
     "speaking for all of us.”", ["Anne Reed"]),
    # a participle after an "as" clause, the main clause naming nobody
    ("Senator Clara Vance and her ally Anne Reed spoke at a rally in Ohio on the economy.\n"
     "It was a one-two punch, as Mrs. Reed echoed the criticism, saying Mr. Hale “reminds us every day that "
     "he is not in it for you.”", ["Anne Reed"]),
    # a clause with its own subject between the verb's quote and this one
    ("Pete Santo was arrested in January.\nIn a clip that Judge Mary Ochs called “distasteful,” Santo "
     "expressed a desire to “try, convict and shoot the senator in the leg.”", ["Pete Santo"]),
    # a name and a colon that is the object of a preposition is no speaker
    ("Former candidate Jeb Hale explained what was wrong with the ad to the Dutch newspaper NRC "
     "Handelsblad: “What he did was so insensitive to everyone who saw it.”", ["Jeb Hale"]),
    # a stray closing mark after the quote (an inch mark closed it)
    ("Rubio’s comments came on Sunday, The Hill reported.\n“He’s always calling me ‘Little Marco.’ I admit, "
     "he’s taller than me; he’s like 6’2”,” Rubio said Sunday.", ["Rubio"]),
])
def test_wrong_names_of_the_development_folds(text, names):
    assert speakers(text) == names


@pytest.mark.parametrize("text", [
    # the subject of a participle is not known when an "as"/"when" clause names someone else
    ("David Axelrod is a former adviser to Barack Obama.\nHe tweeted when Senator Anne Reed ended the debate "
     "with a joke about the film, remarking, “Thank you, and may the Force be with you.”"),
    # a lead-in that names nobody
    'Wait, it gets better:\n"By law, the president sets the maximum number of refugees every year."',
    # a reporting clause no rule reads: not the subject of the sentence before
    ("Tom Hayes of the Weekly Standard has waged a lonely battle. “They have not done anything close to a "
     "full exploitation,” perhaps only 10%, he quoted one analyst."),
])
def test_weak_evidence_gives_no_speaker(text):
    assert speakers(text)[-1] is None


def test_a_fragment_after_a_split_quote_keeps_its_speaker():
    text = ("“He clearly understands the story of the immigrant,” said Javier Palomarez, the president of "
            "the chamber. “Marco gets it.”")
    got = [(q.speaker.name if q.speaker else None, q.too_short) for q in extract_quotes(text, include_short=True)]
    assert got == [("Javier Palomarez", False), ("Javier Palomarez", True)]
