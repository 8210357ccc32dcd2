"""Who said it: does a claimed speaker name fit the speaker on record?

Names are compared as *forms*: given names, a surname (with particles such as
"von der" or "al"), and a generational suffix ("Jr."). Every token is folded
so that spelling and transliteration variants meet: accents are stripped,
case ignored, ``x`` reads as ``ks``, ``kh`` as ``h``, ``w`` as ``v``, ``y``
as ``i``, a final ``ij`` as ``i`` and doubled letters as one. So
"Zelenskyy", "Zelensky", "Zelenskiy" and "Zelenski" are one name, and
"Volodymyr" is "Volodimir".

A claim is read by finding a stored surname in it and taking the run of
name-like words just before it as given names. Titles, roles and
descriptors end that run: "Russian President Vladimir Putin" gives
"Vladimir" + "Putin". Words that end the run are a fixed vocabulary (titles,
offices, nationalities, fillers), possessives ("Russia's Putin"), and, when
the claim is written in mixed case, words starting with a lower-case letter
("billionaire Musk"). Claimed given names must appear, in order, among the
stored given names (by whole name, initial, or a common nickname: "Bill" is
"William"); words before them that don't fit are taken as unknown
descriptors, but if none of the run fits, the first name conflicts
("Hillary Clinton" is not "Bill Clinton").

A speaker's stored name and aliases count as names of that speaker. An alias
is also matched whole, as a normalised phrase, so a role alias such as
"Ukrainian leader" names its speaker even though it contains no name.

Each known speaker gets a fit score; the canonical speaker matches when it
fits strictly best, is ambiguous when another fits equally well (or better,
but only by a bare name on both sides), and mismatches otherwise: when it
does not fit at all, or another speaker fits better by fuller name. A claim
made only of titles and descriptors ("the Russian president") that is no
stored alias of anyone is ``unknown``: there is no name to check. Scores
(higher is better):

====  =========================================================
3.0   the claim is a stored name or alias phrase (two words or more)
2.5   given names and surname, all given names accounted for
2.0   given names and surname, some given names omitted
1.75  the same, but one side's first name is a middle name of the other
1.5   given names and surname, but the stored form has no given names
1.0   bare surname (or a one-word alias)
0.5   bare first name only
====  =========================================================

A stored suffix the claim lacks costs 0.75 ("Donald Trump" fits Donald
Trump better than Donald Trump Jr.); a claimed suffix that differs from the
stored one rules the speaker out.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Optional, Sequence

from .genders import GENDERS, claimed_gender, gender_of_given_name, honorific_gender
from .model import FieldCheck, SpeakerRef
from .roles import ROLE_ABBREVIATIONS, ROLE_WORDS, claimed_role, holds_role, only_role

__all__ = ["compare_speaker", "speaker_keys", "names_fit", "fold_name", "resolve_name", "speaker_gender"]

# --------------------------------------------------------------------------
# Vocabulary

# Words that are never part of a personal name: titles, offices, roles,
# institutions, nationalities and fillers. They end a run of given names.
_STOP_WORDS = set(
    """
    mr mrs ms miss mx dr doctor prof professor sir dame lord lady madam madame monsieur herr
    sen senator rep representative congressman congresswoman congressmember delegate
    gov governor lt lieutenant president presidents vice prime minister ministers premier pm
    secretary state general attorney solicitor chancellor foreign affairs defense defence interior
    finance treasury home health education energy commerce labor labour trade justice
    former ex then late acting deputy chief leader leaders head mayor speaker house senate
    majority minority whip chair chairman chairwoman chairperson ceo cfo coo founder cofounder
    co owner executive director king queen prince princess crown emperor empress sheikh emir sultan
    pope cardinal archbishop bishop rev reverend father pastor imam rabbi ayatollah supreme
    judge justices court ambassador envoy spokesman spokeswoman spokesperson press aide adviser
    advisor counselor counsellor candidate nominee hopeful challenger incumbent elect designate
    commander gen adm admiral col colonel maj major capt captain sgt sergeant officer commissioner
    inspector sheriff police chancellor councillor councilor councilman councilwoman alderman
    republican republicans democrat democrats democratic gop conservative liberal labour tory
    party member members lawmaker lawmakers legislator official officials spokesmen
    billionaire businessman businesswoman tycoon mogul investor entrepreneur activist
    author writer journalist reporter anchor host commentator analyst economist scientist
    actor actress singer rapper star coach player striker quarterback manager
    the a an of and for
    us usa uk un eu nato dc
    russia ukraine china france germany britain england italy spain israel iran iraq syria
    turkey india japan korea canada mexico brazil america
    kremlin white pentagon downing street elysee government administration cabinet
    national federal regional local city county
    """.split()
)
_NATIONALITIES = set(
    """
    american americans russian russians ukrainian ukrainians chinese french german british
    english scottish welsh irish italian spanish portuguese dutch belgian swiss austrian polish
    hungarian czech slovak romanian bulgarian serbian croatian greek turkish israeli palestinian
    iranian iraqi syrian lebanese jordanian egyptian saudi emirati qatari yemeni afghan pakistani
    indian bangladeshi japanese korean taiwanese vietnamese thai indonesian filipino malaysian
    australian canadian mexican brazilian argentine argentinian chilean colombian venezuelan
    cuban nigerian kenyan ethiopian south north african european asian arab belarusian
    georgian armenian azerbaijani kazakh lithuanian latvian estonian finnish swedish norwegian
    danish icelandic
    """.split()
)
_STOP_WORDS |= _NATIONALITIES
# Title words that are also surnames (John Major, Martin Luther King): they
# end a run of given names in a claim, but a stored name keeps them when they
# are its last word.
_SOFT_STOP_WORDS = set(
    """
    king queen prince princess pope cardinal bishop judge justice major speaker mayor sheriff
    chancellor general white street chief host coach star lord lady father pastor north south
    english french german israel america chair inspector marshal
    """.split()
) & _STOP_WORDS
_HARD_STOP_WORDS = _STOP_WORDS - _SOFT_STOP_WORDS
# The soft stop words that are places, not titles.
_SOFT_PLACE_WORDS = {"america", "israel", "english", "french", "german", "north", "south", "white", "street"}
_SUFFIXES = {"jr": "jr", "junior": "jr", "sr": "sr", "senior": "sr", "ii": "ii", "iii": "iii", "iv": "iv"}
_PARTICLES = {
    "von", "van", "der", "den", "de", "da", "di", "du", "del", "della", "des", "la", "le",
    "bin", "ibn", "al", "el", "dos", "das", "ter", "ten", "st", "ben", "abu", "mac", "zu",
}
# Surname-first names: "Xi Jinping" is "Xi".
_SURNAME_FIRST = {
    "xi", "li", "wang", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu",
    "sun", "ma", "zhu", "hu", "guo", "he", "lin", "gao", "luo", "zheng", "liang", "wen", "jiang",
    "kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon", "moon", "jang", "lim", "han",
    "shin", "hwang", "ahn", "roh", "chun",
}
# Nickname groups; members of one group are interchangeable given names.
_NICKNAME_GROUPS = [
    "william bill billy will willy",
    "robert bob bobby rob robby bert",
    "joseph joe joey",
    "michael mike mick mikey",
    "james jim jimmy jamie",
    "richard dick rick ricky rich",
    "thomas tom tommy",
    "edward ed eddie ted ned",
    "theodore ted teddy theo",
    "elizabeth liz beth betty lisa eliza",
    "alexander alex aleksandr oleksandr alexandr sasha",
    "alexandra alex sasha",
    "charles chuck charlie",
    "donald don donnie",
    "christopher chris",
    "daniel dan danny",
    "anthony tony",
    "benjamin ben benny bibi",
    "nicholas nick nicky",
    "stephen steven steve",
    "kenneth ken kenny",
    "andrew andy drew",
    "katherine catherine kathryn kate kathy katie cathy",
    "margaret maggie peggy meg",
    "patrick pat paddy",
    "patricia pat patty tricia",
    "ronald ron ronnie",
    "gerald jerry gerry",
    "lawrence larry",
    "timothy tim timmy",
    "samuel sam sammy",
    "jonathan jon",
    "john jack johnny",
    "matthew matt",
    "david dave davey",
    "peter pete",
    "frederick fred freddie",
    "rudolph rudy",
    "vladimir volodymyr wladimir",
    "mikhail michael",
    "dmitry dmitri",
    "yevgeny evgeny eugene",
    "gregory greg",
    "jeffrey jeff",
    "joshua josh",
    "nathaniel nathan nate",
    "abraham abe",
    "albert al",
    "allan alan allen al",
    "susan sue susie",
    "deborah debbie deb",
    "jennifer jen jenny",
    "rebecca becky",
    "victoria vicky",
    "mitchell mitch",
    "willard mitt",
]


# --------------------------------------------------------------------------
# Normalisation

_SPECIAL_LETTERS = str.maketrans({
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE",
    "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "ð": "d", "’": "'", "‘": "'", "`": "'", "ʼ": "'",
    "–": "-", "—": "-",
})
_ACRONYMS = {"us", "uk", "un", "eu", "usa", "dc", "gop"}


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    text = text.translate(_SPECIAL_LETTERS)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def fold_name(token: str) -> str:
    """One name token folded for comparison across spellings and
    transliterations ("Zelenskyy" -> "zelenski", "Volodymyr" -> "volodimir")."""
    t = _ascii(token).lower()
    t = re.sub(r"[^a-z0-9]", "", t)
    if not t:
        return t
    t = t.replace("x", "ks").replace("kh", "h").replace("ph", "f").replace("ck", "k").replace("w", "v")
    if t.startswith("ye") and len(t) > 3:
        t = t[1:]
    t = re.sub(r"ij$", "i", t)
    t = t.replace("y", "i")
    t = re.sub(r"(.)\1+", r"\1", t)
    return t


_NICKNAMES: dict[str, frozenset[int]] = {}
for _i, _group in enumerate(_NICKNAME_GROUPS):
    for _n in _group.split():
        _f = fold_name(_n)
        _NICKNAMES[_f] = _NICKNAMES.get(_f, frozenset()) | {_i}


@dataclass(frozen=True)
class _Tok:
    raw: str  # lower-case, ascii, apostrophes removed
    fold: str
    lower_initial: bool  # written starting with a lower-case letter
    possessive: bool


def _collapse_acronyms(text: str) -> str:
    def repl(m: re.Match) -> str:
        letters = m.group(0).replace(".", "")
        return letters if letters.lower() in _ACRONYMS else m.group(0)

    return re.sub(r"\b(?:[A-Za-z]\.){2,}", repl, text)


def _segments(text: str) -> list[list[_Tok]]:
    """Tokens of ``text`` grouped by comma/parenthesis segment."""
    t = _collapse_acronyms(_ascii(text))
    out: list[list[_Tok]] = []
    for seg in re.split(r"[,;()\[\]/:|]|\s-\s", t):
        toks: list[_Tok] = []
        for m in re.finditer(r"[A-Za-z0-9']+", seg):
            w = m.group(0)
            possessive = False
            if re.search(r"[A-Za-z]'s$", w, re.I):
                w, possessive = w[:-2], True
            elif w.endswith("s'") and len(w) > 2:
                w, possessive = w[:-1], True
            w = w.replace("'", "")
            if not w:
                continue
            toks.append(_Tok(w.lower(), fold_name(w), w[0].islower(), possessive))
        if toks:
            out.append(toks)
    # "Clinton, Hillary" / "Trump, Donald J." -> given names first.
    if len(out) == 2 and len(out[0]) == 1 and 1 <= len(out[1]) <= 3:
        a, b = out
        if all(t.raw not in _SUFFIXES for t in b) and not any(_is_stop(t) for t in a + b):
            out = [b + a]
    # "Biden, Jr." -> attach the suffix.
    merged: list[list[_Tok]] = []
    for seg in out:
        if merged and all(t.raw in _SUFFIXES for t in seg):
            merged[-1] = merged[-1] + seg
        else:
            merged.append(seg)
    return merged


def _is_stop(tok: _Tok) -> bool:
    return tok.raw in _STOP_WORDS or tok.raw.isdigit()


def _is_hard_stop(tok: _Tok) -> bool:
    return tok.raw in _HARD_STOP_WORDS or tok.raw.isdigit()


def _mixed_case(text: str) -> bool:
    return any(c.isupper() for c in text) and any(c.islower() for c in text)


def _is_descriptor(tok: _Tok, mixed: bool) -> bool:
    """A token that cannot be a given name of the person named after it."""
    if _is_stop(tok) or tok.possessive or tok.raw in _SUFFIXES:
        return True
    if mixed and tok.lower_initial and tok.raw not in _PARTICLES and len(tok.raw) > 1:
        return True
    return False


def _phrase(segs: list[list[_Tok]]) -> str:
    words = [t.fold for seg in segs for t in seg]
    while words and words[0] in ("the", "a", "an"):
        words.pop(0)
    return " ".join(words)


# --------------------------------------------------------------------------
# Stored names as forms

@dataclass(frozen=True)
class _Form:
    givens: tuple[str, ...]
    surname: tuple[str, ...]  # particles then the core surname, folded
    suffix: Optional[str]


@dataclass(frozen=True)
class _Profile:
    name: str
    phrases: frozenset[str]
    forms: tuple[_Form, ...]


def _forms_of(text: str) -> list[_Form]:
    """Personal-name forms in a stored name or alias (none for a pure role
    alias such as "Ukrainian leader")."""
    forms: list[_Form] = []
    mixed = _mixed_case(text)
    for seg in _segments(text):
        # The name is what follows the last title/role/descriptor word ...
        start = 0
        for i, tok in enumerate(seg):
            if (
                _is_hard_stop(tok)
                or tok.possessive
                or (mixed and tok.lower_initial and tok.raw not in _PARTICLES and len(tok.raw) > 1)
            ):
                start = i + 1
        toks = seg[start:]
        # ... less leading titles that double as surnames ("Pope Francis").
        while len(toks) > 1 and toks[0].raw in _SOFT_STOP_WORDS:
            toks = toks[1:]
        suffix = None
        while toks and toks[-1].raw in _SUFFIXES:
            suffix = suffix or _SUFFIXES[toks[-1].raw]
            toks = toks[:-1]
        if not toks:
            continue
        words = [t.fold for t in toks]
        k = len(words) - 1
        while k > 0 and toks[k - 1].raw in _PARTICLES:
            k -= 1
        forms.append(_Form(tuple(words[:k]), tuple(words[k:]), suffix))
        if toks[0].raw in _SURNAME_FIRST and 2 <= len(toks) <= 3:
            forms.append(_Form(tuple(words[1:]), (words[0],), suffix))
        break  # the first segment holding a name is the name
    return forms


@lru_cache(maxsize=8192)
def _profile(name: str, aliases: tuple[str, ...]) -> _Profile:
    phrases = set()
    forms: list[_Form] = []
    for text in (name, *aliases):
        if not text or not text.strip():
            continue
        segs = _segments(text)
        p = _phrase(segs)
        if p:
            phrases.add(p)
        for f in _forms_of(text):
            if f not in forms:
                forms.append(f)
    return _Profile(name, frozenset(phrases), tuple(forms))


def _profile_of(speaker: SpeakerRef) -> _Profile:
    return _profile(speaker.name or "", tuple(speaker.aliases or ()))


# --------------------------------------------------------------------------
# Fitting a claim to a speaker

def _given_fits(claimed: str, stored: str) -> bool:
    if claimed == stored:
        return True
    if len(claimed) == 1 or len(stored) == 1:
        return claimed[0] == stored[0]
    a, b = _NICKNAMES.get(claimed), _NICKNAMES.get(stored)
    return bool(a and b and a & b)


def _subsequence(run: Sequence[str], givens: Sequence[str]) -> bool:
    j = 0
    for word in run:
        while j < len(givens) and not _given_fits(word, givens[j]):
            j += 1
        if j == len(givens):
            return False
        j += 1
    return True


def _givens_compatible(run: Sequence[str], givens: Sequence[str]) -> bool:
    """Claimed given names against stored ones: either side may leave out
    middle names ("Donald J. Trump" / "Donald Trump", "Mitt Romney" /
    "Willard Mitt Romney"), but names both give must agree: "George Herbert
    Bush" is not George W. Bush, nor "Kim Jong Un" Kim Jong Il."""
    return _subsequence(run, givens) or _subsequence(givens, run)


@dataclass(frozen=True)
class _Fit:
    score: float
    conflict: bool = False  # the surname was there but the given names conflict
    how: str = ""
    person: bool = False  # the stored form has given names: a person's surname matched


_NO_FIT = _Fit(0.0)


@dataclass(frozen=True)
class _Claim:
    text: str
    segs: tuple[tuple[_Tok, ...], ...]
    phrase: str
    mixed: bool
    name_words: tuple[_Tok, ...]  # the words that are not titles or descriptors


@lru_cache(maxsize=8192)
def _claim(text: str) -> _Claim:
    segs = _segments(text)
    mixed = _mixed_case(text)
    words = tuple(t for seg in segs for t in seg if not _is_descriptor(t, mixed))
    return _Claim(text, tuple(tuple(s) for s in segs), _phrase(segs), mixed, words)


def _fit_form(claim: _Claim, form: _Form) -> _Fit:
    core = form.surname[-1]
    best = _NO_FIT
    for seg in claim.segs:
        for i in range(len(seg) - 1, -1, -1):
            if seg[i].fold != core:
                continue
            after = [t.fold for t in seg[i + 1:] if not _is_descriptor(t, claim.mixed)]
            if after and seg[i].raw not in _SURNAME_FIRST:
                # A name goes on after it, so this is no surname: "Clinton
                # Foundation", "Lee" in "Lee Holloway". Only a surname written
                # first may ("Xi Jinping"); its given names follow it.
                continue
            claim_suffix = next((_SUFFIXES[t.raw] for t in seg[i + 1:] if t.raw in _SUFFIXES), None)
            if claim_suffix and claim_suffix != form.suffix:
                fit = _Fit(0.0, conflict=True, how="suffix")
                best = max(best, fit, key=lambda f: (f.score, f.conflict))
                continue
            penalty = 0.75 if form.suffix and not claim_suffix else 0.0
            best = _best_fit(best, _fit_givens(after, form, penalty) if after
                             else _fit_givens(_run_before(seg, i, form, claim.mixed), form, penalty))
    return best


def _run_before(seg: Sequence[_Tok], i: int, form: _Form, mixed: bool) -> list[str]:
    """The given names written before the surname at ``seg[i]``."""
    j = i - 1
    particles = list(form.surname[:-1])
    while particles and j >= 0 and seg[j].fold == particles[-1]:
        particles.pop()
        j -= 1
    while (j >= 0 and seg[j].raw in _PARTICLES and seg[j].fold not in form.givens
           and (j > 0 or (mixed and seg[j].lower_initial))):
        # Particles the stored form lacks ("Bashar al-Assad" vs "Assad"); a
        # capitalised first word is a given name ("Van Jones", "Al Gore").
        j -= 1
    run: list[str] = []
    while j >= 0 and not _is_descriptor(seg[j], mixed):
        run.append(seg[j].fold)
        j -= 1
    run.reverse()
    return run


def _fit_givens(run: Sequence[str], form: _Form, penalty: float) -> _Fit:
    """How claimed given names (``run``) fit a stored form whose surname matched."""
    if not run:
        return _Fit(1.0 - penalty / 1.5, how="surname", person=bool(form.givens))
    if not form.givens:
        return _Fit(1.5 - penalty, how="given+surname (unchecked)")
    for k in range(len(run)):
        part = run[k:]
        if _givens_compatible(part, form.givens):
            if k == 0 and len(part) == len(form.givens) and all(
                    _given_fits(a, b) for a, b in zip(part, form.givens)):
                return _Fit(2.5 - penalty, how="full name")
            # The first names agree ("Ron H. Johnson", Ron Johnson), or one
            # side's first name is a name the other leaves out ("Willard
            # Mitt Romney", Mitt Romney): the first fits better.
            first = _given_fits(part[0], form.givens[0])
            return _Fit((2.0 if first else 1.75) - penalty, how="given+surname")
    return _Fit(0.0, conflict=True, how="given name")


def _best_fit(best: _Fit, fit: _Fit) -> _Fit:
    if fit.score > best.score or (fit.score == best.score and fit.conflict and not best.conflict):
        return fit
    return best


def _fit(claim: _Claim, profile: _Profile) -> _Fit:
    best = _NO_FIT
    if claim.phrase and claim.phrase in profile.phrases:
        best = _Fit(3.0 if " " in claim.phrase else 1.0, how="alias")
    conflict = False
    for form in profile.forms:
        f = _fit_form(claim, form)
        conflict = conflict or f.conflict
        if f.score > best.score:
            best = f
    if conflict and best.how == "given+surname (unchecked)":
        # A surname-only alias ("President Zelenskyy") can't vouch for a
        # first name that the full stored name contradicts.
        return _Fit(0.0, conflict=True)
    if best.score == 0:
        # A bare first name ("Bill") fits weakly.
        words = claim.name_words
        if len(words) == 1 and not conflict:
            for form in profile.forms:
                if form.givens and _given_fits(words[0].fold, form.givens[0]) and len(words[0].fold) > 1:
                    return _Fit(0.5, how="first name")
        if conflict:
            return _Fit(0.0, conflict=True)
    return best


@lru_cache(maxsize=65536)
def _fit_names(claimed: str, name: str, aliases: tuple[str, ...]) -> _Fit:
    return _fit(_claim(claimed), _profile(name, aliases))


def _fit_speaker(claimed: str, speaker: SpeakerRef) -> _Fit:
    return _fit_names(claimed, speaker.name or "", tuple(speaker.aliases or ()))


def names_fit(claimed: str, speaker: SpeakerRef) -> bool:
    """Whether ``claimed`` can name ``speaker`` at all (any fit, however
    weak; ambiguity with other speakers is not considered here)."""
    if not claimed or not claimed.strip():
        return False
    return _fit_speaker(claimed.strip(), speaker).score > 0


# What may stand before a surname in a short form ("Sen. Sanders", "Russian
# President Putin", "former Gov. Bush"): titles, honorifics, nationalities,
# parties. Words that also begin organisations' names ("Majority Pac",
# "American Energy Alliance" has "energy") are not among them.
_SHORT_FORM_WORDS = (
    (ROLE_WORDS - {"majority", "minority", "first", "deputy", "assistant", "under", "press", "chief",
                   "state", "elect", "designate", "general", "lady", "gentleman"})
    | set(ROLE_ABBREVIATIONS) | _NATIONALITIES
    | {"mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "sir", "dame", "madam", "madame",
       "rev", "reverend", "republican", "democrat", "democratic", "gop", "conservative", "liberal", "labour",
       "tory", "independent", "the", "a", "an", "former", "ex", "then", "late", "acting", "us", "uk",
       "vice", "lt", "lieutenant", "gen", "general", "chief", "of", "state", "and"}
)
# A party and state tag after a name: "Rep. Bishop (D-Ga.)".
_PARTY_TAG = re.compile(r"\(\s*[DRI]\s*[-\u2013,]\s*[A-Za-z. ]{2,14}\)")


def _is_short_form(text: str) -> bool:
    """One name and titles at most ("Jones", "Sen. Sanders", "Russian
    President Putin"), as opposed to a full name of a person or organisation
    ("Van Jones", "Democratic National Committee", "Majority Pac"). A title
    that can be a given name, first and before a name ("Major Garrett",
    "King Abdullah"), is read as a name: storing then never refuses it."""
    words = [t for seg in _claim(_PARTY_TAG.sub(" ", text)).segs for t in seg if t.raw not in _SUFFIXES]
    names = [i for i, t in enumerate(words) if t.raw not in _SHORT_FORM_WORDS]
    if (len(words) >= 2 and words[0].raw in _SOFT_STOP_WORDS and 0 not in names
            and 1 in names and len(names) == 1):
        return False
    if len(names) == 1 and (words[names[0]].raw in _SOFT_PLACE_WORDS or (
            _is_hard_stop(words[names[0]]) and words[names[0]].raw not in ROLE_WORDS)):
        return False  # "America", "Kremlin": a place or an institution, nobody's surname
    return len(names) <= 1


def _means(text: str, full: bool, speaker: SpeakerRef) -> float:
    """How well a name given for storing fits a stored speaker; 0 when it
    does not mean them."""
    f = _fit_speaker(text, speaker)
    if f.score <= 0 or f.how == "alias":
        return f.score
    if full:
        # Given names checked against theirs; or theirs is one name ("Putin").
        if f.score >= 1.75 or (f.how == "given+surname (unchecked)" and _is_short_form(speaker.name)):
            return f.score
        return 0.0
    # A short form is a person's surname ("Jones" for Dennis Jones), not the
    # last word of an organisation's name ("Pac", "Association").
    return f.score if f.person or f.how == "first name" else 0.0


def resolve_name(claimed: str, speakers: Sequence[SpeakerRef]) -> list[SpeakerRef]:
    """Which of ``speakers`` a name given for storing a quote means.

    Storing never guesses: a full name ("Van Jones", "Lee Holloway",
    "Democratic National Committee") means a speaker only when its given
    names fit theirs, and otherwise no one (the caller creates a new
    speaker); a short form ("Jones", "Sen. Sanders") means every person
    whose surname it is. The best fits come back; more than one is ambiguous.
    """
    if not claimed or not claimed.strip():
        return []
    text = claimed.strip()
    full = not _is_short_form(text)
    fits = [(_means(text, full, sp), sp) for sp in speakers]
    fits = [(f, sp) for f, sp in fits if f > 0]
    if not fits:
        return []
    best = max(f for f, _ in fits)
    return [sp for f, sp in fits if f == best]


def speaker_keys(name: str) -> set[str]:
    """Normalised lookup keys for a stored name, alias or claimed name.

    Index every stored speaker under the keys of its name and of each alias,
    and look a claimed name up by its own keys: any shared key makes the
    speaker a candidate (then decide with :func:`compare_speaker`). Keys are
    folded strings (e.g. ``"putin"``, ``"vladimir putin"``, ``"zelenski"``,
    ``"volodimir zelenski"``, and the whole phrase such as
    ``"ukrainian leader"``); treat them as opaque and always build both sides
    with this function.
    """
    if not name or not name.strip():
        return set()
    keys = set(_speaker_keys(name))
    if only_role(name):  # "the First Lady": whoever the record gives the role
        keys.add(claimed_role(name))
    return keys


@lru_cache(maxsize=16384)
def _speaker_keys(name: str) -> frozenset[str]:
    segs = _segments(name)
    keys: set[str] = set()
    phrase = _phrase(segs)
    if phrase:
        keys.add(phrase)
    mixed = _mixed_case(name)
    for seg in segs:
        toks = [t for t in seg if t.raw not in _SUFFIXES]
        # The name is the last run of name-like words in the segment.
        end = len(toks)
        while end > 0 and _is_descriptor(toks[end - 1], mixed) and toks[end - 1].raw not in _PARTICLES:
            last = toks[end - 1]
            if not _is_hard_stop(last) and (last.possessive or last.raw in _SOFT_STOP_WORDS):
                break  # "Putin's" / "Major": the last word is the name itself
            end -= 1
        if end == 0:
            continue
        start = end - 1
        while start > 0 and not _is_descriptor(toks[start - 1], mixed):
            start -= 1
        words = [t.fold for t in toks[start:end]]
        surname = words[-1]
        keys.add(surname)
        if len(words) >= 2:
            keys.add(f"{words[0]} {surname}")
            keys.add(" ".join(words))
            keys.add(f"{words[-2]} {surname}")
            if toks[start].raw in _SURNAME_FIRST:
                keys.add(words[0])
        break
    keys.discard("")
    return frozenset(keys)


# --------------------------------------------------------------------------
# Comparison

@lru_cache(maxsize=8192)
def _name_phrase(name: str) -> str:
    return _phrase(_segments(name or ""))


def _same_id(a: SpeakerRef, b: SpeakerRef) -> bool:
    if a.id is None or b.id is None:
        return False
    try:
        return bool(a.id == b.id)
    except Exception:  # pragma: no cover - exotic ids
        return False


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _first_given_name(name: str) -> Optional[str]:
    """The first given name of a stored name ("Barack" of "Barack Obama"),
    None for a one-word name or one written surname first."""
    for seg in _segments(name or ""):
        toks = [t for t in seg if not _is_hard_stop(t) and t.raw not in _SUFFIXES]
        if len(toks) < 2 or toks[0].raw in _SURNAME_FIRST:
            return None
        return toks[0].raw
    return None


def speaker_gender(speaker: SpeakerRef) -> Optional[str]:
    """What the record knows of a speaker's gender: the recorded one, else
    the honorific the record's own names give ("Mr. Woodruff", a transcript
    label kept as the name, or an alias "Mrs. Obama"), else the first
    name's where the name is not in doubt, else None. Names of the record
    that disagree (an alias "Mr. ..." beside a "Mrs. ...") give None."""
    if speaker.gender in GENDERS:
        return speaker.gender
    said = _honorific_on_record(speaker.name, speaker.aliases)
    if said is not None:
        return said or None
    first = _first_given_name(speaker.name)
    return gender_of_given_name(first) if first else None


@lru_cache(maxsize=20_000)
def _honorific_on_record(name: str, aliases: tuple[str, ...]) -> Optional[str]:
    """The gender the honorifics in a speaker's stored names agree on; "" if
    they disagree; None if none has one."""
    said = {g for n in (name, *aliases) if (g := claimed_gender(n))}
    if not said:
        return None
    return said.pop() if len(said) == 1 else ""


def _honorific_conflict(gender: Optional[str], speaker: SpeakerRef) -> bool:
    if gender is None:
        return False
    known = speaker_gender(speaker)
    return known is not None and known != gender


def _role_holders(role: str, speakers: Sequence[SpeakerRef], when: Optional[date]) -> tuple[set[int], set[int]]:
    """The speakers (by ``id()``) the record gives ``role`` at ``when``, and
    those it gives the role at any time."""
    now: set[int] = set()
    ever: set[int] = set()
    for sp in speakers:
        held = holds_role(role, sp.roles, sp.aliases, when)
        if held is True:
            now.add(id(sp))
        if held is not False:
            ever.add(id(sp))
    return now, ever


_PERSON = {"female": "woman", "male": "man"}


def _ambiguous_message(claimed: str, canonical: str, rivals: list[str]) -> str:
    return (f"On record from {canonical}; “{claimed}” could also mean {_join_names(rivals)}. "
            "Name the speaker in full to verify.")


def compare_speaker(
    claimed: Optional[str], canonical: SpeakerRef, known: Sequence[SpeakerRef] = (),
    when: Optional[date] = None,
) -> FieldCheck:
    """Whether the claimed speaker name fits the speaker on record.

    ``known`` is every stored speaker the caller knows about (it may include
    the canonical speaker; records with the canonical's id, or the very same
    normalised name, are treated as the canonical speaker, and records
    repeating a name already seen are counted once). ``when`` is the day the
    quote was said, for roles with dates ("President Bush" in 2005).

    Beyond the name: an honorific's gender ("Mrs. Obama") rules out a
    speaker whose known gender differs; a claimed role ("President Obama")
    that the record gives to some of the speakers the name fits rules out
    the others, and a role the record gives nobody changes nothing.
    """
    if claimed is None or not str(claimed).strip():
        return FieldCheck(status="not_claimed", claimed=None, canonical=canonical.name)
    text = re.sub(r"\s+", " ", str(claimed).strip())
    claim = _claim(text)
    mine = _fit_speaker(text, canonical)

    others: list[tuple[_Fit, SpeakerRef]] = []
    rest: list[SpeakerRef] = []  # known speakers the name does not fit
    seen = {_name_phrase(canonical.name)}
    for sp in known:
        if _same_id(sp, canonical):
            continue
        phrase = _name_phrase(sp.name)
        if phrase in seen:  # the canonical speaker or a duplicate record
            continue
        seen.add(phrase)
        f = _fit_speaker(text, sp)
        if f.score > 0:
            others.append((f, sp))
        else:
            rest.append(sp)

    gender = claimed_gender(text)
    if _honorific_conflict(gender, canonical):
        mine = _Fit(0.0, conflict=True, how="honorific")
    others = [(f, sp) for f, sp in others if not _honorific_conflict(gender, sp)]

    role = claimed_role(text)
    if role:
        # Who the claim can mean: the speakers its name fits, or, for a role
        # alone ("the First Lady"), every known speaker.
        role_only = only_role(text)
        pool = [canonical] if mine.score > 0 or role_only else []
        pool += [sp for _, sp in others] + (rest if role_only else [])
        pool = [sp for sp in pool if not _honorific_conflict(gender, sp)]
        now, ever = _role_holders(role, pool, when)
        if ever:
            # The role decides between them. Holding it on the day counts
            # above having held it some other time, which only leaves it
            # open: "President Bush" in 2005 is George W. Bush, but a
            # quote his father gave then is not therefore misattributed.
            ids = now if id(canonical) in now else ever
            if id(canonical) in ids:
                if mine.score == 0:
                    mine = _Fit(1.0, how="role")
            elif mine.score > 0 or role_only:
                mine = _Fit(0.0, conflict=True, how="role")
            others = [(f if f.score > 0 else _Fit(1.0, how="role"), sp)
                      for f, sp in others + [(_NO_FIT, sp) for sp in rest] if id(sp) in ids]
    best_other = max((f.score for f, _ in others), default=0.0)

    def result(status: str, message: Optional[str] = None) -> FieldCheck:
        if message:
            message = re.sub(r"\.\.$", ".", message)  # "... Jr.."
        return FieldCheck(status=status, claimed=text, canonical=canonical.name, message=message)

    eps = 1e-9
    if mine.score > 0 and mine.score > best_other + eps:
        if gender and speaker_gender(canonical) is None:
            # The honorific says who it is as much as the name does; what
            # the record cannot confirm is not verified.
            return result("unknown", f"“{text}” names a {_PERSON[gender]}, and the record does not give "
                                     f"{canonical.name}’s gender; record it on the speaker to check this.")
        msg = None
        if mine.how == "first name":
            msg = f"Only a first name was given; it fits {canonical.name}."
        return result("match", msg)
    if mine.score > 0 and abs(mine.score - best_other) <= eps:
        rivals = [sp.name for f, sp in others if abs(f.score - mine.score) <= eps]
        return result("ambiguous", _ambiguous_message(text, canonical.name, rivals))
    if others:
        top = [sp.name for f, sp in others if abs(f.score - best_other) <= eps]
        if 0 < mine.score and best_other <= 1.0:
            # Bare names on both sides ("Trump" for Donald Trump Jr. when
            # Donald Trump is stored): likelier someone else, but not wrong.
            return result("ambiguous", _ambiguous_message(text, canonical.name, top))
        if mine.score > 0:
            return result(
                "mismatch",
                f"“{text}” fits {_join_names(top)} better than {canonical.name}.",
            )
        return result("mismatch", f"“{text}” refers to {_join_names(top)}, not {canonical.name}.")
    if mine.how == "honorific":
        return result("mismatch", f"“{text}” names a {_PERSON[gender]}; the record has {canonical.name}.")
    if mine.conflict:
        return result("mismatch", f"“{text}” does not name {canonical.name}.")
    if (not claim.name_words or only_role(text)) and claim.phrase not in _profile_of(canonical).phrases:
        # Only titles and descriptors ("the Russian president"): nothing to
        # check a name against, and it is no stored alias of anyone.
        return result(
            "unknown",
            f"“{text}” describes rather than names a speaker, and is not a known alias of {canonical.name}.",
        )
    return result("mismatch", f"“{text}” does not match {canonical.name} or any other known speaker.")
