"""Labelled claims for the wording kinds of the engine benchmark.

Made from the same real quotes as the other kinds (``bench/corpus.py``); each
kind has a half the engine must verify and a half it must not:

``bracketed_substitution``
    A pronoun or a short noun phrase of the real quote replaced by a
    bracketed name or noun phrase, the way news copy does it ("[he]" for
    "I", "[the Republicans]'re" for "we're", "[Clinton]'s" for "his",
    "[the deal]" for "this agreement"): **verified**. Or a bracket over a
    negation or a number of the quote ("is [now]" for "is not", "[many]"
    for "15,000"): **mismatch** {altered_wording}.
``name_spelling``
    A surname of a person inside the quote ("Obama", "Romney", "McCain"
    written mid-sentence or at its start) respelled the way transliterations
    and house styles differ: a final y/i, a doubled or single consonant, x/ks,
    ph/f, kh/h, w/v ("Romnei", "Pery", "Kasik"...): **verified**. Or swapped
    for another speaker's surname: **mismatch** {altered_wording}.
``paraphrase``
    A few words reworded: real rewordings first (a held-out passage that
    says a canonical quote's line in other words, as the speaker did at
    another event), then common rewordings of speech ("do not"/"don't",
    "a lot of"/"many", "kids"/"children", "will"/"are going to" ...), at
    least two words changed in at least ten: **mismatch**
    {altered_wording}, never verified.

Mismatch halves use words found in one canonical quote only; verified halves
accept every canonical quote of the speaker holding the original words.
"""
from __future__ import annotations

import random
import re
from typing import Callable, Optional, Sequence

from verification.model import CanonicalQuote, Claim, SpeakerRef

__all__ = ["WORDING_KINDS", "WORDING_EXPECTED", "make_wording_claims"]

WORDING_KINDS = ("bracketed_substitution", "name_spelling", "paraphrase")
_ALTERED = ("mismatch", frozenset({"altered_wording"}))
_VERIFIED = ("verified", frozenset())
# The expectation of each kind's first half (the variants without "!").
WORDING_EXPECTED = {"bracketed_substitution": _VERIFIED, "name_spelling": _VERIFIED, "paraphrase": _ALTERED}

# --- brackets ---------------------------------------------------------------------------

_GROUPS = ("the Republicans", "the Democrats", "Americans", "the American people", "Congress",
           "the administration", "the voters", "our troops")
_THINGS = ("the deal", "the plan", "the law", "Obamacare", "the economy", "the war", "the tax plan")
# pronoun -> bracket template: {self} the speaker's surname, {group} a plural
# noun phrase, {other} another person's surname, {thing} a noun phrase.
_PRONOUNS = {
    "i": ("[{self}]", "[he]"), "me": ("[{self}]",), "my": ("[{self}]'s", "[{self}'s]"),
    "i'm": ("[{self}]'s", "[he]'s"), "i've": ("[{self}]'s",), "i'll": ("[{self}]'ll", "[he]'ll"),
    "i'd": ("[{self}]'d",),
    "we": ("[{group}]",), "us": ("[{group}]",), "our": ("[{group}']",), "we're": ("[{group}]'re",),
    "we've": ("[{group}]'ve",), "we'll": ("[{group}]'ll",), "we'd": ("[{group}]'d",),
    "they": ("[{group}]",), "them": ("[{group}]",), "their": ("[{group}']",),
    "they're": ("[{group}]'re",), "they've": ("[{group}]'ve",), "they'll": ("[{group}]'ll",),
    "he": ("[{other}]",), "him": ("[{other}]",), "his": ("[{other}]'s", "[{other}'s]"),
    "she": ("[{other}]",), "her": ("[{other}]",), "he's": ("[{other}]'s",), "she's": ("[{other}]'s",),
    "it": ("[{thing}]",), "it's": ("[{thing}]'s",),
}
_DETERMINERS = ("this", "that", "these", "those")
# What an editor's bracket puts over a negation or a number (the alteration half).
_OVER_NEGATION = {
    "not": ("[now]", "[also]", "[really]"), "never": ("[always]", "[often]"), "no": ("[some]", "[the]"),
    "cannot": ("[can]",), "nothing": ("[something]",), "nobody": ("[somebody]",), "none": ("[all]",),
}
# Contractions typed without their apostrophe ("arent"), common in the data:
# "that arent" is no determiner and its noun.
_UNQUOTED_NEGATIONS = frozenset("arent isnt dont doesnt didnt cant wont wasnt werent couldnt wouldnt shouldnt "
                                "havent hasnt hadnt aint".split())
_NUMBER_BRACKETS = ("[many]", "[several]", "[a few]", "[some]", "[a lot of]")
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve twenty thirty forty "
                          "fifty hundred thousand million billion trillion".split())

# --- rewordings ---------------------------------------------------------------------------

# (record phrase, reworded phrase), tried in both directions; matched on words.
_REWORDINGS = [
    ("do not", "don't"), ("does not", "doesn't"), ("did not", "didn't"), ("is not", "isn't"),
    ("are not", "aren't"), ("was not", "wasn't"), ("will not", "won't"), ("cannot", "can't"),
    ("we are", "we're"), ("they are", "they're"), ("i am", "i'm"), ("it is", "it's"), ("that is", "that's"),
    ("we have", "we've"), ("i have", "i've"), ("you are", "you're"),
    ("a lot of", "many"), ("a lot of", "lots of"), ("kids", "children"), ("folks", "people"),
    ("very", "really"), ("big", "large"), ("start", "begin"), ("started", "began"), ("help", "assist"),
    ("want to", "wish to"), ("make sure", "ensure"), ("more than", "over"), ("because", "since"),
    ("get", "obtain"), ("going to", "about to"), ("will", "are going to"), ("country", "nation"),
    ("jobs", "work"), ("money", "funds"), ("think", "believe"), ("said", "stated"), ("fight", "battle"),
    ("job", "position"), ("right now", "at the moment"), ("all of", "all"), ("every", "each"),
]
_MIN_PARAPHRASE_WORDS = 10
# "A few words": at most this share of the quoted words reworded.
_MAX_REWORDED = 0.2


def _core(tok: str) -> tuple[str, str, str]:
    m = re.match(r"^([^\w]*)(.*?)([^\w]*)$", tok)
    return m.group(1), m.group(2), m.group(3)


def _plain(word: str) -> str:
    return word.replace("\u2019", "'").lower()


# --- name respellings ---------------------------------------------------------------------

_VOWELS = "aeiou"


def respellings(name: str) -> list[tuple[str, str]]:
    """Other spellings of ``name`` the way transliterations and house styles
    differ: [(rule, spelling)]. Only changes that keep the sound."""
    out: list[tuple[str, str]] = []
    low = name.lower()

    def keep_case(new: str) -> str:
        return new[0].upper() + new[1:] if name[:1].isupper() else new

    if low.endswith("y") and len(low) > 3:
        out += [("final_y_i", keep_case(low[:-1] + "i")), ("final_y_yy", keep_case(low + "y")),
                ("final_y_iy", keep_case(low[:-1] + "iy"))]
    if low.endswith("i") and len(low) > 3:
        out += [("final_i_y", keep_case(low[:-1] + "y")), ("final_i_iy", keep_case(low + "y"))]
    for a, b, rule in (("x", "ks", "x_ks"), ("ks", "x", "ks_x"), ("ph", "f", "ph_f"), ("kh", "h", "kh_h"),
                       ("ck", "k", "ck_k")):
        if a in low[1:]:
            out.append((rule, keep_case(low[0] + low[1:].replace(a, b, 1))))
    if low.startswith("w"):
        out.append(("w_v", keep_case("v" + low[1:])))
    for i in range(1, len(low) - 1):
        c = low[i]
        if c == low[i + 1] and c not in _VOWELS:
            out.append(("double_single", keep_case(low[:i] + low[i + 1:])))
            break
    else:
        for i in range(1, len(low) - 1):
            c = low[i]
            if c in "lnrst" and low[i - 1] in _VOWELS and low[i + 1] in _VOWELS:
                out.append(("single_double", keep_case(low[:i + 1] + c + low[i + 1:])))
                break
    return [(r, s) for r, s in out if s.lower() != low]


# --- the generator --------------------------------------------------------------------------


def make_wording_claims(kind: str, n: int, seed: int, *, quotes: Sequence[CanonicalQuote],
                        speakers: Sequence[SpeakerRef], idx, heldout, prominent: Sequence[SpeakerRef],
                        add: Callable, tools: dict) -> None:
    """Add ``n`` labelled claims of ``kind`` through ``add(kind, claim, quote,
    acceptable_ids, variant, expected)``. ``tools`` carries corpus helpers:
    ``norm_words``, ``fragment_span``, ``surface``, ``surname``, ``stopwords``;
    ``idx`` is the corpus's text index, ``heldout`` the held-out passages."""
    norm_words, fragment_span, surface = tools["norm_words"], tools["fragment_span"], tools["surface"]
    surname, stopwords = tools["surname"], tools["stopwords"]
    if kind == "name_spelling":
        surnames = {surname(s.name) for s in speakers}
        lowercase_words = {w for q in quotes for w in re.findall(r"(?<![\w'])[a-z]+(?![\w'])", q.text)}
    r = random.Random(f"{seed}:{kind}")
    pool = list(quotes)
    r.shuffle(pool)
    others = [surname(s.name) for s in prominent]
    by_id = {q.id: q for q in quotes}

    def span_of(q: CanonicalQuote, lo: int = 8) -> list[str]:
        toks = q.text.split()
        if len(toks) > 30 or r.random() < 0.5:
            span = fragment_span(toks, r, lo, 25)
            if span is None:
                return []
            return toks[span[0]:span[1]]
        return toks

    def same_speaker(words, q):
        return [quotes[j].id for j in idx.containing(words) if quotes[j].speaker.name == q.speaker.name]

    made = 0
    if kind == "paraphrase":
        made = _real_rewordings(n, r, idx, quotes, heldout, norm_words, add)
    half = 0
    for q in pool:
        if made >= n:
            break
        toks = span_of(q, _MIN_PARAPHRASE_WORDS if kind == "paraphrase" else 8)
        if not toks:
            continue
        orig = norm_words(surface(toks))
        if len(orig) < 8:
            continue
        negative = kind == "paraphrase" or half % 2 == 1  # the half that must not verify
        if negative and len(idx.containing(orig)) != 1:
            continue
        if kind == "bracketed_substitution":
            out = (_bracket_over(toks, r) if negative else
                   _bracket_for(toks, r, surname(q.speaker.name), others, stopwords))
        elif kind == "name_spelling":
            out = _respell(toks, r, surnames, others, lowercase_words, swap=negative)
        else:
            out = _reword(toks, r)
        if out is None:
            continue
        new_toks, variant = out
        text = surface(new_toks)
        if negative and (norm_words(text) == orig or idx.containing(norm_words(text))):
            continue
        # A claim that must not verify may be matched to any quote of the
        # speaker it reads as an altered version of (a line said twice).
        acc = ({q.id} | {i for i in idx.near_variants(norm_words(text)) if by_id[i].speaker.name == q.speaker.name}
               if negative else same_speaker(orig, q))
        expected = _ALTERED if negative else _VERIFIED
        add(kind, Claim(text=text, speaker=q.speaker.name), q, acc,
            ("!" if negative and kind != "paraphrase" else "") + variant, expected)
        made += 1
        half += 1


def _bracket_for(toks: list[str], r: random.Random, me: str, others: Sequence[str],
                 stopwords) -> Optional[tuple[list[str], str]]:
    """A pronoun (or a determiner and its noun) replaced by a bracket."""
    spots = []
    for i, t in enumerate(toks):
        pre, core, post = _core(t)
        w = _plain(core)
        if w in _PRONOUNS:
            spots.append((i, 1, w))
        elif (w in _DETERMINERS and not post and i + 1 < len(toks)
              and _core(toks[i + 1])[1].isalpha() and _core(toks[i + 1])[1].islower()
              and _core(toks[i + 1])[1] not in stopwords and _core(toks[i + 1])[1] not in _UNQUOTED_NEGATIONS):
            spots.append((i, 2, w))
    if not spots:
        return None
    i, width, w = r.choice(spots)
    pre = _core(toks[i])[0]
    post = _core(toks[i + width - 1])[2]
    if width == 2:
        new, variant = "[" + r.choice(_THINGS) + "]", "phrase"
    else:
        template = r.choice(_PRONOUNS[w])
        other = r.choice([o for o in others if o != me] or ["Clinton"])
        new = template.format(self=me, group=r.choice(_GROUPS), other=other, thing=r.choice(_THINGS))
        variant = "glued" if "]'" in new else "pronoun"
        variant += f":{w}"
    return toks[:i] + [pre + new + post] + toks[i + width:], variant


def _bracket_over(toks: list[str], r: random.Random) -> Optional[tuple[list[str], str]]:
    """A negation or a number replaced by a bracket."""
    spots = []
    for i, t in enumerate(toks):
        w = _plain(_core(t)[1])
        if w in _OVER_NEGATION:
            spots.append((i, r.choice(_OVER_NEGATION[w]), "negation"))
        elif w.endswith("n't") and len(w) > 4:
            spots.append((i, "[" + {"won't": "will", "can't": "can", "don't": "do"}.get(w, w[:-3]) + "]",
                          "negation"))
        elif re.fullmatch(r"\$?\d[\d,.]*%?", w) or w in _NUMBER_WORDS:
            spots.append((i, r.choice(_NUMBER_BRACKETS), "number"))
    if not spots:
        return None
    kinds = sorted({v for _, _, v in spots})
    want = r.choice(kinds)  # negations as often as numbers
    i, new, variant = r.choice([x for x in spots if x[2] == want])
    pre, _, post = _core(toks[i])
    return toks[:i] + [pre + new + post] + toks[i + 1:], f"over_{variant}"


def _respell(toks: list[str], r: random.Random, surnames: set[str], others: Sequence[str],
             lowercase_words: set[str], swap: bool) -> Optional[tuple[list[str], str]]:
    """A person's surname inside the quote respelled (or swapped for another)."""
    spots = []
    for i, t in enumerate(toks):
        pre, core, post = _core(t)
        base, poss = (core[:-2], core[-2:]) if re.search(r"['\u2019]s$", core) else (core, "")
        if (base in surnames and len(base) >= 4 and base[0].isupper() and base[1:].islower()
                and base.lower() not in lowercase_words):
            spots.append((i, pre, base, poss, post))
    if not spots:
        return None
    i, pre, base, poss, post = r.choice(spots)
    where = "start" if i == 0 or toks[i - 1].endswith((".", "!", "?")) else "inside"
    if swap:
        choices = [o for o in others if o[:3].lower() != base[:3].lower() and len(o) >= 4]
        if not choices:
            return None
        new, variant = r.choice(choices), "swap"
    else:
        options = respellings(base)
        if not options:
            return None
        variant, new = r.choice(options)
    return toks[:i] + [pre + new + poss + post] + toks[i + 1:], f"{variant}:{where}:{base}->{new}"


def _reword(toks: list[str], r: random.Random) -> Optional[tuple[list[str], str]]:
    """Two or three common rewordings of speech applied to the words."""
    words = [_plain(_core(t)[1]) for t in toks]
    spots = []
    for a, b in _REWORDINGS:
        for src, dst in ((a, b), (b, a)):
            pat = src.split()
            for i in range(len(words) - len(pat) + 1):
                if words[i:i + len(pat)] == pat:
                    spots.append((i, len(pat), dst, f"{src}->{dst}"))
    r.shuffle(spots)
    out = list(toks)
    taken: set[int] = set()
    changed, names = 0, []
    for i, width, dst, name in spots:
        if taken & set(range(i - 1, i + width + 1)):
            continue
        pre = _core(toks[i])[0]
        post = _core(toks[i + width - 1])[2]
        first = toks[i].lstrip("\"'(\u201c\u2018")[:1]
        new = dst[0].upper() + dst[1:] if first.isupper() else dst
        out[i] = pre + new + post
        for k in range(i + 1, i + width):
            out[k] = ""
        taken |= set(range(i, i + width))
        changed += max(width, len(dst.split()))
        names.append(name)
        if changed >= 2 and (len(names) >= 2 or r.random() < 0.5):
            break
    if changed < 2 or changed > len(toks) * _MAX_REWORDED:
        return None
    return [t for t in out if t], "rule:" + "+".join(names)


def _real_rewordings(n: int, r: random.Random, idx, quotes, heldout, norm_words, add) -> int:
    """Held-out passages that say a canonical quote's line in other words."""
    made = 0
    seen: set[str] = set()
    for p in heldout:
        if made >= n // 4:  # at most a quarter: there are few
            break
        w = norm_words(p.text)
        key = " ".join(w)
        if key in seen or len(w) < _MIN_PARAPHRASE_WORDS or idx.containing(w):
            continue
        j = idx.near_variant(w)
        if j is None or quotes[j].speaker.name != p.speaker:
            continue
        seen.add(key)
        q = quotes[j]
        add("paraphrase", Claim(text=p.text, speaker=q.speaker.name), q, idx.near_variants(w), "real", _ALTERED)
        made += 1
    return made
