"""Word lists shared by the stages, and small word tests.

Reporting verbs (strong, weak, phrasal, inverting, object-taking, speaking
events), titles and role nouns, honorifics, name connectors, organisation words,
capitalised words that are no names, prepositions and other function words,
months and weekdays, first names with a known gender, nationalities. Nothing
here reads a text: every entry is a lower-case word (or form) tested by the
stages with ``in``.
"""
from __future__ import annotations

import calendar
import re
from typing import Optional


def _forms(spec: str) -> set[str]:
    return {w for w in spec.split()}


# Direct reporting verbs, every form. A quote they govern is attributed.
REPORT_VERBS = _forms("""
    say says said saying tell tells told telling add adds added adding
    ask asks asked asking write writes wrote writing tweet tweets tweeted tweeting
    state states stated note notes noted noting explain explains explained explaining
    argue argues argued arguing insist insists insisted insisting warn warns warned warning
    declare declares declared declaring continue continues continued continuing
    reply replies replied replying answer answers answered answering
    recall recalls recalled recalling claim claims claimed claiming
    announce announces announced announcing acknowledge acknowledges acknowledged acknowledging
    admit admits admitted admitting assert asserts asserted asserting
    observe observes observed observing remark remarks remarked remarking
    respond responds responded responding comment comments commented commenting
    suggest suggests suggested suggesting maintain maintains maintained maintaining
    contend contends contended contending emphasize emphasizes emphasized emphasizing
    emphasise emphasises emphasised stress stresses stressed stressing
    proclaim proclaims proclaimed proclaiming predict predicts predicted predicting
    promise promises promised promising vow vows vowed vowing pledge pledges pledged pledging
    boast boasts boasted boasting brag brags bragged bragging joke jokes joked joking
    quip quips quipped quipping complain complains complained complaining
    lament laments lamented lamenting concede concedes conceded conceding
    confirm confirms confirmed confirming deny denies denied denying
    allege alleges alleged alleging testify testifies testified testifying
    shout shouts shouted shouting yell yells yelled yelling scream screamed screaming
    exclaim exclaims exclaimed exclaiming whisper whispers whispered whispering
    mutter mutters muttered muttering post posts posted
    report reports reported conclude concludes concluded concluding
    counter counters countered countering retort retorts retorted retorting
    urge urges urged urging plead pleads pleaded pleading caution cautions cautioned cautioning
    assure assures assured assuring reiterate reiterates reiterated reiterating
    repeat repeats repeated repeating mention mentions mentioned mentioning
    recount recounts recounted recounting wonder wonders wondered wondering
    muse muses mused musing opine opines opined opining speculate speculated speculating
    interject interjected intone intoned thunder thundered text texted email emailed
    chant chanted chanting sing sang sung singing reason reasoned begin began
    demand demands demanded demanding challenge challenged charge charges charged
    remember remembers remembered recalled boom boomed rant ranted roar roared bellow bellowed
    marvel marveled marvelled rave raved fume fumed gripe griped huff huffed sigh sighed
    laugh laughed explain explained concede conceded protest protested object objected
    add adds added acknowledge bark barked growl growled press pressed snipe sniped
    jab jabbed tease teased deadpan deadpanned holler hollered cry cried sob sobbed
    stammer stammered ponder pondered gripe gripes marvel marvels rail railed
    preach preached gush gushed crow crowed scoff scoffed sneer sneered snap snapped
    elaborate elaborated summarize summarized clarify clarified advise advised
    reflect reflected reveal reveals revealed revealing concur concurred
    acknowledge acknowledged indicate indicated indicates agree agrees agreed disagree disagrees
    disagreed
""")


TO_OK = {"said", "say", "says", "told", "tell", "wrote", "write", "writes", "replied", "reply",
          "responded", "respond", "responds", "added", "tweeted", "posted", "explained", "complained",
          "announced", "confirmed", "admitted", "acknowledged", "noted", "remarked", "mentioned",
          "testified", "reported", "texted", "emailed", "whispered", "shouted", "yelled", "joked",
          "boasted", "bragged", "wrote", "recounted", "revealed", "conceded", "insisted", "declared"}


SUBORDINATORS = {"that", "if", "because", "whether", "when", "while", "although", "though",
                  "since", "unless", "until", "as", "where", "after", "before", "than", "once"}


CLAUSE_OPENERS = {"and", "but", "so", "then", "also", "meanwhile", "however", "yet", "now",
                   "still", "instead", "later", "earlier", "thus", "even", "too", "only"}


NOT_NP_START = {"and", "or", "but", "that", "which", "who", "as", "if", "when", "while", "because",
                 "so", "then", "it", "this", "there", "what", "where", "how", "why", "not", "is",
                 "was", "are", "were", "has", "have", "had", "will", "would", "could", "should"}


# Forms that are as often nouns: verbs only after a subject-like word.
NOUNISH = _forms("""
    say says state states report reports comment comments claim claims answer answers post posts
    promise promises remark remarks note notes demand demands text email emails tweet tweets
    pledge pledges vow vows charge charges challenge challenges reason boast boasts joke jokes
    quip quips reply replies respond add adds ask asks warn warns stress repeat repeats
    mention mentions lament laments counter counters plead caution cautions concede
    predict muse reveal reflect indicate write writes tell tells continue continues
    explain explains argue argues insist insists declare declares recall recalls announce
    announces acknowledge acknowledges admit admits assert asserts observe observes suggest
    suggests maintain maintains contend contends emphasize emphasizes confirm confirms deny denies
    allege alleges testify testifies shout shouts complain complains urge urges assure assures
    reiterate reiterates recount recounts wonder wonders conclude concludes retort retorts
""")


# Verbs that can stand before their subject: "…," said Putin.
INVERTING = _forms("""
    said says added asked wrote continued replied answered explained noted argued insisted
    warned declared recalled stated tweeted concluded countered retorted quipped joked
    remarked observed responded commented announced acknowledged admitted claimed
    asserted cautioned urged mused adds asks writes continues notes explains argues
    insists warns recalls states tweets concludes counters quips jokes observes
    responds comments announces acknowledges admits claims asserts cautions pleaded
    offered offers reported reports boasted complained lamented conceded confirmed
    exclaimed whispered shouted yelled interjected intoned thundered predicted promised
    vowed pledged emphasized stressed reiterated recounted wondered opined testified
    remembered charged laughed sighed fumed marveled raved protested objected barked
    growled pressed sniped teased deadpanned hollered cried pondered railed
""")


# Verbs taking a listener object before the quote: "told reporters", "asked CNN".
OBJECT_VERBS = _forms("""
    tell tells told telling ask asks asked asking warn warns warned warning
    urge urges urged urging assure assures assured assuring remind reminded
    advise advised caution cautioned challenge challenged
""")


# Weak verbs: "called X 'a disgrace'" attributes a quote of four words or more only.
WEAK_VERBS = _forms("""
    call calls called calling describe describes described describing
    label labels labeled labelled labeling characterize characterized characterizing
    blast blasts blasted slam slams slammed praise praised praising criticize criticized
    accuse accused accusing deride derided mock mocked mocking
""")


# Phrasal verbs: the verb only reports with its particle.
PHRASAL = {"pointed": "out", "points": "out", "pointing": "out", "went": "on", "goes": "on",
            "going": "on", "fired": "back", "fires": "back", "shot": "back", "chimed": "in",
            "spoke": "up", "summed": "up", "wrote": "back", "cracked": "wise", "put": "it",
            "puts": "it"}


# What someone said, as a noun: "Bush's Facebook post: “…”", "Rubio's catch phrase was that …".
SPEECH_NOUNS = _forms("""
    response reply answer message words verdict statement tweet retort reaction comment advice
    explanation assessment take argument post letter email memo note speech remarks interview
    tweets posts op-ed column book blog view testimony conclusion warning prediction pitch phrase
    slogan motto quip line refrain mantra
""")


# Speaking events: no quote is attributed by them, but they state where and when a
# speaker spoke ("Governor Roe spoke at a rally in Des Moines on Wednesday").
EVENT_VERBS = _forms("""
    spoke speaks addressed addresses testified testifies appeared appears campaigned campaigns
    rallied rallies briefed briefs lectured preached
""")


WORD_MARK_VERBS = {"speaking", "talking", "addressing", "testifying", "campaigning",
                    "appearing", "writing", "visiting", "interviewed", "asked", "answering",
                    "responding", "briefing"}


# Dashes of every kind (em, en, hyphen, the horizontal bar U+2015, figure dash, minus), as
# tokens: a credit line "“…” ― Jane Doe" may use any of them.
DASHES = {"—", "–", "-", "―", "‒", "−", "--"}

PRONOUNS = {"he": "m", "she": "f", "they": "p", "i": "1", "we": "1"}


SCARE_BEFORE = re.compile(
    r"(?:so[-\s]called|self[-\s]described|self[-\s]styled|dubbed|termed|nicknamed|coined|"
    r"known\s+as|referred\s+to\s+as|billed\s+as|branded|titled|entitled|headlined|"
    r"the\s+(?:words?|terms?|phrases?|slogans?|expressions?|label|hashtag|motto|notion|concept|idea\s+of)|"
    r"(?:a|an|the|his|her|their)\s+(?:so-called\s+)?(?:[a-z]+\s+)?(?:word|term|phrase|slogan|label|moniker|nickname))"
    r"[\s,:]*$",
    re.I,
)


TITLE_WORDS = _forms("""
    president vice prime minister premier chancellor senator sen sen. rep rep. representative
    congressman congresswoman congressmember gov gov. governor lt lt. mayor secretary attorney general
    gen gen. justice judge chief director chairman chairwoman chair chairperson ceo cfo coo cto founder
    co-founder cofounder spokesman spokeswoman spokesperson press aide adviser advisor strategist
    pollster manager candidate nominee hopeful frontrunner front-runner leader speaker majority
    minority whip commissioner ambassador envoy deputy assistant former ex then-president
    king queen prince princess pope cardinal archbishop bishop rev rev. reverend rabbi imam sheikh
    dr dr. doctor prof prof. professor mr mr. mrs mrs. ms ms. miss sir dame lord lady
    col col. colonel capt capt. captain lieutenant sgt sgt. sergeant maj maj. major adm adm.
    admiral cmdr cmdr. commander officer agent detective sheriff host anchor correspondent
    reporter columnist editor analyst economist historian author businessman businesswoman
    billionaire mogul tycoon magnate developer executive activist lawyer counsel actor actress
    singer rapper star comedian coach lawmaker legislator delegate superdelegate surrogate
    supporter critic rival challenger incumbent head boss official member staffer operative
    consultant pundit commentator blogger owner treasurer inspector administrator superintendent
    dean provost trustee pastor preacher evangelist priest father sister brother
    president-elect vice-president governor-elect first secretary-general minister-president
    state defense defence foreign interior finance treasury homeland national security
    campaign chairman communications policy political senior top white house
    presidential vice-presidential democratic republican gop conservative liberal progressive
    independent libertarian labour tory centrist socialist senate assembly assemblyman
    assemblywoman councilman councilwoman councilmember council alderman supervisor
    contender presumptive outgoing incoming acting interim longtime veteran
    u.s. us american federal party committee mp mep msp sens sens. reps reps. del del. dels dels.
    govs govs. gens gens.
""")


HEAD_TITLES = _forms("""
    president vice prime minister premier chancellor senator sen sen. rep rep. representative
    congressman congresswoman gov gov. governor mayor secretary attorney general gen gen. justice
    judge chief director chairman chairwoman chair ceo founder spokesman spokeswoman spokesperson
    aide adviser advisor strategist pollster manager candidate nominee hopeful frontrunner
    front-runner leader speaker whip commissioner ambassador envoy deputy king queen prince
    princess pope cardinal archbishop bishop rev rev. reverend rabbi imam sheikh dr dr. doctor
    prof prof. professor mr mr. mrs mrs. ms ms. miss sir dame lord lady col col. colonel capt
    capt. captain lieutenant sgt sgt. sergeant maj maj. major adm adm. admiral cmdr cmdr.
    commander officer agent detective sheriff host anchor correspondent reporter columnist editor
    analyst economist historian author businessman businesswoman billionaire mogul tycoon
    magnate developer executive activist lawyer counsel actor actress singer rapper star comedian
    coach lawmaker legislator delegate superdelegate surrogate president-elect vice-president
    assemblyman assemblywoman councilman councilwoman alderman supervisor contender lt lt.
    secretary-general mp mep msp sens sens. reps reps. del. dels.
""")


ROLE_SYNONYMS = {
    "leader": {"president", "prime", "premier", "chancellor", "king", "queen", "leader", "head"},
    "nominee": {"nominee", "candidate", "hopeful", "frontrunner", "front-runner", "contender"},
    "candidate": {"nominee", "candidate", "hopeful", "frontrunner", "front-runner", "contender"},
    "senator": {"senator", "sen", "sen."},
    "governor": {"governor", "gov", "gov."},
    "congressman": {"congressman", "rep", "rep.", "representative"},
    "congresswoman": {"congresswoman", "rep", "rep.", "representative"},
    "lawmaker": {"senator", "sen", "sen.", "rep", "rep.", "representative", "congressman",
                 "congresswoman", "lawmaker", "legislator"},
    "general": {"general", "gen", "gen."},
    "mogul": {"mogul", "billionaire", "businessman", "tycoon", "magnate", "developer"},
    "billionaire": {"mogul", "billionaire", "businessman", "tycoon", "magnate", "developer"},
    "businessman": {"mogul", "billionaire", "businessman", "tycoon", "magnate", "developer"},
    "premier": {"premier", "prime"},
}


_FEMALE_TITLES = _forms("""mrs mrs. ms ms. miss congresswoman spokeswoman chairwoman businesswoman
    actress queen princess dame lady sister assemblywoman councilwoman""")


_MALE_TITLES = _forms("""mr mr. congressman spokesman businessman king prince sir lord father
    brother assemblyman councilman""")


HONORIFICS = _forms("mr mr. mrs mrs. ms ms. miss dr dr. sir dame")


NAME_CONNECTORS = {"de", "da", "di", "del", "della", "van", "von", "der", "den", "la", "le",
                    "du", "dos", "das", "bin", "al", "el", "ibn", "ter", "st.", "mc"}


SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


ORG_WORDS = _forms("""
    house party committee department times post news network campaign council court
    university college institute association agency bureau office ministry congress senate
    administration foundation inc inc. corp corp. company co. group club fund bank pac union
    commission journal tribune magazine street service services center centre organization
    organisation board caucus coalition alliance federation kremlin pentagon government
    cnn msnbc fox abc nbc cbs npr bbc reuters ap afp tass ria fbi cia nsa doj dhs epa
    police army navy force forces guard assembly parliament cabinet court politico breitbart
    twitter facebook google apple microsoft amazon school church media press channel radio
    review daily herald gazette examiner reporter observer report monitor today
    democrats republicans
""")


STOP_CAPS = _forms("""
    the a an and but or nor for so yet if then when while after before because although though
    however meanwhile moreover still also in on at by to from with without of as about into
    over under between among through during since until unless whether this that these those
    there here it its it's he she they we i you his her their our my your who what where why
    how which all some many most more much few no not now today yesterday tomorrow tonight
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december jan. feb. mar. apr.
    jun. jul. aug. sep. sept sept. oct. nov. dec.
    mr mrs ms dr yes no oh well even just only both each every another other such than
    according speaking asked despite instead indeed perhaps maybe rather later earlier
    again once first last next new said says neither either nor
""")


MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}


MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})


MONTHS["sept"] = 9


WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}


WEEKDAYS.update({"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
                  "fri": 4, "sat": 5, "sun": 6})


ABBREVIATIONS = _forms("""
    mr mrs ms dr sen rep gov gen lt col capt sgt maj adm cmdr rev prof st jr sr mt ft hon
    jan feb mar apr jun jul aug sep sept oct nov dec vs inc corp ltd messrs u.s
    pres supt gov. sec dept univ ave blvd ariz ark calif colo conn fla ill kan mich minn neb
    nev okla tenn tex wis wyo mont ala penn
    sens reps govs gens dels del supts rt
""")


PREPOSITIONS = _forms("""
    in on at by to from with without of for about into onto over under between among through
    during since until against toward towards than like via per upon within across behind
    beyond near around after before including amid despite versus vs vs. inside outside
""")


SKIP_BEFORE_VERB = _forms("""
    also further later then has have had would will did does do once reportedly recently
    previously repeatedly again quickly bluntly flatly simply publicly privately famously first
    initially finally subsequently separately similarly likewise ultimately just only already
    still even never often always frequently earlier since has long once tersely angrily
    proudly candidly cheerfully calmly jokingly sarcastically dryly wryly quietly loudly
    openly immediately promptly curtly emphatically confidently optimistically shortly
    directly specifically notably correctly falsely wrongly rightly mistakenly apparently
    allegedly reportedly not n't himself herself themselves itself
""")


DETERMINERS = {"the", "a", "an", "this", "that", "one", "another", "his", "her", "their",
                "its", "our", "my", "your", "some", "several", "two", "three", "many"}


EVENT_NOUNS = _forms("""
    conference briefing rally speech address interview meeting summit event forum hearing
    debate hall ceremony session visit statement appearance remarks gathering luncheon dinner
    breakfast fundraiser convention panel stop roundtable discussion talk lecture sermon
    service vigil march protest festival broadcast show program programme podcast call video
    tour trip assembly commencement graduation caucus caucuses primary victory party parade
    celebration
""")


MALE_NAMES = _forms("""
    donald bernie ted marco jeb ben john chris mike michael barack joe bill george jim james
    mitt paul rand rick scott lindsey jeff jerry tim mark martin steve steven stephen david
    robert bob richard thomas tom william charles peter kevin brian jason eric andrew andy
    joseph daniel dan matthew matt anthony tony ronald ron newt reince corey sean kellyanne
    rudy rudolph harry mitch chuck nancy elizabeth al dick colin henry jimmy gerald lyndon
    vladimir volodymyr xi emmanuel justin boris benjamin recep narendra franklin abraham
    frank carl gary larry jack keith roger greg gregory kenneth ken dennis jonathan nick
    nicholas samuel sam patrick pat raymond ray edward ed alan adam aaron ryan luis jose juan
    carlos jorge pedro miguel antonio francisco ali ahmed mohammed muhammad omar hassan
    roy bruce wayne jesse jeremy jared ivan sergei dmitry igor olaf friedrich angela
    lloyd marc wolf dana reid roy eli elijah noah ethan alex alexander philip phil howard
    glenn sheldon rush sherrod tim kirk jon rob robby lou newt herman gov mick ross rex
""")


FEMALE_NAMES = _forms("""
    hillary hilary elizabeth nancy carly sarah michelle melania ivanka kellyanne hope huma
    cheryl debbie donna nikki condoleezza condi madeleine susan mary patricia jennifer linda
    barbara margaret jessica karen lisa betty helen sandra ashley kimberly emily amy anna
    laura katie kate kathleen katherine catherine rachel rebecca megyn megan maxine kamala
    tulsi dianne diane ruth sonia elena amy jill janet theresa teresa angela marine christine
    ursula kaja jacinda julia julie joan jane janet sue ann anne anna alice rose grace claire
    heather stephanie nicole christina samantha victoria olivia emma sophia ava chelsea
    jeanne gloria marsha marcia martha maria mia tammy tina dana kelly kay kristen
    kirsten lena lauren loretta lynn meghan nina paula phyllis renee rita roberta sharon
    shirley tamara tara valerie vanessa wendy yvonne zoe ellen erin eva gina judy judith
    katrina kathy mitzi penny sally sheila stacey tracy
""")


MALE_NAMES -= {"gov", "elizabeth", "nancy", "angela", "dana", "kellyanne"}


SPEAKER_LABEL_STOP = _forms("""
    note update editor's editor’s editors correction watch read related photo video source sources
    also more subscribe advertisement q a by follow disclosure clarification summary
    background context listen caption credit warning spoiler
""")


def strip_possessive(w: str) -> str:
    if w.endswith("'s") or w.endswith("’s"):
        return w[:-2]
    return w


def is_possessive(w: str) -> bool:
    return w.endswith("'s") or w.endswith("’s")


_NATIONALITIES = _forms("""
    american russian ukrainian chinese french german british english italian spanish
    japanese korean indian iranian iraqi israeli palestinian syrian turkish mexican canadian
    brazilian polish saudi egyptian afghan pakistani european african asian arab us u.s. uk
    u.k. eu un u.n. nato democratic republican gop democrat dem conservative liberal labour
    tory australian dutch belgian swedish norwegian danish finnish greek hungarian czech
    austrian swiss irish scottish welsh venezuelan cuban colombian argentine chilean peruvian
    nigerian kenyan ethiopian south north west east new former
""")


def is_nationality(w: str) -> bool:
    return w.lower() in _NATIONALITIES


def gender_of(first: str, titles) -> Optional[str]:
    for t in titles:
        t = t.lower()
        if t in _FEMALE_TITLES or t.rstrip(".") in _FEMALE_TITLES:
            return "f"
        if t in _MALE_TITLES or t.rstrip(".") in _MALE_TITLES:
            return "m"
    if first in FEMALE_NAMES:
        return "f"
    if first in MALE_NAMES:
        return "m"
    return None


# Role nouns written in lower case before a name ("psychologist Elaine Ducharme", "9/11 widow
# Terry Strada", "farmer Jean Dupont", "Band member Flea"): the title list, agentive endings
# (-er, -or, -ist, -ian, -ant, -ent, -eer, -man, -woman) and a few relations. Words with those
# endings that are no role nouns (after, never, other, moment …) are kept out.
_ROLE_ENDINGS = ("er", "or", "ist", "ian", "ant", "ent", "eer", "man", "woman", "person", "ee")
_ROLE_RELATIONS = _forms("""
    widow widower wife husband son daughter mother father brother sister uncle aunt cousin
    nephew niece grandson granddaughter grandmother grandfather friend ally member resident
    voter student veteran official host owner chief head co-host cohost guest fan citizen
    native nominee candidate hopeful delegate survivor victim parent mom dad nurse clerk
    chef coach judge lawyer attorney pastor priest rabbi imam monk nun scholar expert
    analyst staffer aide spokesperson novelist poet artist user boss chair
""")
_NOT_ROLES = _forms("""
    after never ever other either neither whether rather under over later together however
    further sooner longer older younger better bigger earlier matter order number center
    centre letter paper power water summer winter quarter corner border chapter manner
    member's moment comment statement government department agreement percent recent
    present current different important apparent event content intent extent student's
    meanwhile per for nor or moreover minor major prior mayor's behavior favor
    indian
""")


def is_role_noun(w: str) -> bool:
    """A lower-case word naming what a person is or does, written before a name."""
    w = w.lower()
    if not w[:1].isalpha() or w in _NOT_ROLES:
        return False
    if w in TITLE_WORDS or w.rstrip(".") in TITLE_WORDS or w in _ROLE_RELATIONS:
        return True
    if "-" in w:
        return is_role_noun(w.rsplit("-", 1)[1])  # "co-host", "vice-chair"
    return len(w) > 4 and w.endswith(_ROLE_ENDINGS) and w not in REPORT_VERBS and w not in PREPOSITIONS
