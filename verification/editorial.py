"""What an editor may change inside a quote without altering it.

Two conventions of the newsroom, and their limits:

* **Bracketed substitutions.** A bracket in a claimed quote is the editor's
  word standing for the speaker's: "[the Republicans]'ve" for "they've",
  "[he]" for "I" in reported speech, "[Trump]'s" for "his", "[T]he" for
  "the". :func:`bracket_fits` says whether a bracket (with any word glued to
  it) may stand for some words of the record. It may not when it stands for
  more than :data:`MAX_BRACKET_WORDS` words (a bracket that long rewrites a
  clause, which no reader can check), when it drops or adds a negation or a
  number, when it replaces a name the speaker said with another, or when the
  contraction glued to it does not fit the record's ("[they]'re" for "we're"
  fits; "[they]'ll" for "we're" does not).
* **Spellings of a name.** "Zelensky" for the record's "Zelenskyy" is house
  style: :func:`same_name` compares two capitalised words with the speaker
  check's own transliteration fold and given-name groups
  (:mod:`verification.speakers`).
"""
from __future__ import annotations

from typing import Optional, Sequence

from verification.normalize import Token, is_negation, number_value
from verification.speakers import _given_fits, fold_name

__all__ = ["MAX_BRACKET_WORDS", "bracket_fits", "same_name", "reading"]

# The most words of the record one bracket may stand for. Brackets in news
# copy name a referent: a pronoun ("he", "they've"), or a short noun phrase
# ("this guy", "the other side", "that country"), three words at most.
# Anything longer replaces part of what was said with the editor's summary,
# which is not a quote any more (and which Verbatim cannot check).
MAX_BRACKET_WORDS = 3

# A contraction glued to a bracket stands for the record's contraction or
# full form of the same verb, in any person ("[he]'s" for "I'm" or "I am").
# Possessive 's stands for a possessive determiner or a possessive.
_CLITIC_GROUPS = (
    frozenset({"'s", "'re", "'m", "is", "are", "am"}),
    frozenset({"'s", "'ve", "has", "have"}),
    frozenset({"'d", "would", "had"}),
    frozenset({"'ll", "will", "shall"}),
    frozenset({"'s", "my", "your", "his", "her", "its", "our", "their", "whose"}),
)
_POSSESSIVES = _CLITIC_GROUPS[-1] - {"'s"}
_I_FORMS = frozenset({"i", "i'm", "i've", "i'll", "i'd"})
# The speaker's letters glued to a bracket ("love[s]", "pick[ing]") must be
# at least this long to vouch for the record's word.
_MIN_STEM = 3


def _clitic_key(norm: str) -> str:
    """"they've" -> "'ve"; "democrats'" -> "'s"; a word without one: itself."""
    if norm.endswith("'"):
        return "'s"
    i = norm.rfind("'")
    return norm[i:] if i > 0 else norm


def _clitic_fits(clitic: str, record: str) -> bool:
    mine, theirs = "'" + clitic, _clitic_key(record)
    return any(mine in g and theirs in g for g in _CLITIC_GROUPS)


def same_name(a: Token, b: Token) -> bool:
    """Whether two capitalised words are one name in two spellings: the same
    after the speaker check's transliteration fold ("Zelensky" /
    "Zelenskyy", "Medvedev's" / "Medvedyev's") or given names of one group
    ("Volodymyr" / "Vladimir"). Common words never are: both must be
    written with a capital, and "I" is no name."""
    if not (a.capitalized and b.capitalized) or a.norm in _I_FORMS or b.norm in _I_FORMS:
        return False
    fa, fb = fold_name(a.raw), fold_name(b.raw)
    return len(fa) > 1 and len(fb) > 1 and _given_fits(fa, fb)


def reading(unit: Sequence[Token]) -> str:
    """The normalised words a bracket and the letters glued to it read as:
    "[Trump]'s" -> "trump's", "[T]he" -> "the", "[the Republicans]'ve" ->
    "the republicans've"."""
    out = ""
    for n, t in enumerate(unit):
        if n and t.clitic:
            out += "'" + t.norm
        elif n and (not t.editorial or not unit[n - 1].editorial):
            out += t.norm  # letters written against the bracket
        else:
            out += (" " if n else "") + t.norm
    return out


def bracket_fits(unit: Sequence[Token], record: Sequence[Token], name_like) -> Optional[str]:
    """Whether the bracket ``unit`` (its bracketed words and any word glued
    to it) may stand for the ``record``'s words: ``None`` if so, else the
    reason it may not ("long", "negation", "number", "name", "clitic",
    "word"). ``name_like(token)`` says whether a record word is a name."""
    said = [k for k in record if not k.editorial]
    if reading(unit) == " ".join(k.norm for k in record):
        return None  # the bracket repeats the record's words
    bracketed = [t for t in unit if t.editorial]
    glued = [t for t in unit if not t.editorial]
    clitic = next((t for t in glued if t.clitic), None)
    if glued and clitic is None:
        # Letters of the speaker's word outside the bracket ("love[s]",
        # "pick[ing]"): one word of the record, which those letters begin
        # or end.
        if len(said) != 1 or len(record) != 1:
            return "word"
        k = said[0].norm
        letters = "".join(t.norm for t in glued)
        if is_negation(k) or number_value(k) is not None:
            return "negation" if is_negation(k) else "number"
        if len(letters) >= _MIN_STEM and (k.startswith(letters) or k.endswith(letters)):
            return None
        return "word"
    if len(said) > MAX_BRACKET_WORDS:
        return "long"
    if clitic is not None:
        # The bracket stands for the subject, the glued ending for the verb
        # or the possessive: "I'm" or "I am" for "[he]'s", never "am" alone.
        if not said or not _clitic_fits(clitic.norm, said[-1].norm):
            return "clitic"
        if "'" not in said[-1].norm and said[-1].norm not in _POSSESSIVES and len(said) < 2:
            return "clitic"
    if any(is_negation(k.norm) for k in said) != any(is_negation(t.norm) for t in bracketed):
        return "negation"
    numbers = sorted(v for v in (number_value(k.norm) for k in said) if v is not None)
    if numbers and numbers != sorted(v for v in (number_value(t.norm) for t in bracketed) if v is not None):
        return "number"
    for k in said:
        if name_like(k) and not any(t.norm == k.norm or same_name(t, k) for t in bracketed):
            return "name"
    return None
