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
