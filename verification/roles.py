"""Roles: "President Obama", "Secretary Clinton", "the First Lady".

In: a claimed speaker text and the roles the record knows for a stored
speaker (the speaker's ``roles``, with optional date ranges, and the titles
in its aliases: "Secretary Clinton" gives the role "secretary"). Out: the
role a claim names, as a key, and whether a speaker held it (at a date).

A role is compared by its *head*: the words that say what the office is,
before its jurisdiction ("President of the United States" -> president;
"United States Senator from Vermont" -> senator; "Vice President" stays vice
president; "First Lady of the United States" -> first lady). Abbreviations
are read in full ("Sen." is senator, "Gov." governor). Words that do not
change the office (former, then, U.S., Russian, the) are not part of it, so
"former Secretary of State" is the role "secretary" and "Russian President"
the role "president". A claim names a role when it has such words before the
name; a bare name names none.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Iterable, Optional, Sequence

from .model import Role

__all__ = ["ROLE_WORDS", "ROLE_ABBREVIATIONS", "role_key", "claimed_role", "only_role", "speaker_role_keys", "holds_role", "ROLE_KEY_PREFIX"]

# Keys are stored among a speaker's lookup keys, so this prefix keeps a role
# ("president") apart from a name that is the same word.
ROLE_KEY_PREFIX = "role:"

# The words an office is made of. Others (places, nationalities, parties,
# "former") describe who or where, not which office.
_ROLE_WORDS = set(
    """
    president vice prime minister secretary senator representative congressman congresswoman
    congressmember delegate governor lieutenant mayor first lady gentleman speaker leader
    majority minority whip chief justice judge attorney general ambassador envoy deputy
    assistant under press chancellor premier king queen prince princess pope emperor empress
    chairman chairwoman chair chairperson ceo founder commissioner sheriff nominee candidate
    spokesman spokeswoman spokesperson adviser advisor counselor counsellor director
    admiral colonel major captain sergeant commander councillor councilor councilman
    councilwoman alderman mp elect designate state
    """.split()
)
# Names of one office: "Congresswoman" and "Rep." are both a representative.
_SAME_OFFICE = {
    "congressman": "representative", "congresswoman": "representative", "congressmember": "representative",
    "congressperson": "representative", "chairman": "chair", "chairwoman": "chair", "chairperson": "chair",
    "spokesman": "spokesperson", "spokeswoman": "spokesperson", "councilman": "councillor",
    "councilwoman": "councillor", "councilor": "councillor", "advisor": "adviser", "counsellor": "counselor",
}
# A title that says it is over ("former Secretary of State") was held at
# another time.
_PAST = {"former", "ex", "retired", "onetime", "erstwhile"}
_ABBREVIATIONS = {
    "sen": "senator", "sens": "senator", "senators": "senator",
    "rep": "representative", "reps": "representative", "representatives": "representative",
    "gov": "governor", "govs": "governor", "governors": "governor",
    "pres": "president", "presidents": "president", "sec": "secretary", "secy": "secretary",
    "amb": "ambassador", "atty": "attorney", "gen": "general", "lt": "lieutenant",
    "adm": "admiral", "col": "colonel", "maj": "major", "capt": "captain", "sgt": "sergeant",
    "cmdr": "commander", "del": "delegate", "congresswomen": "congresswoman",
    "congressmen": "congressman", "pm": "prime minister", "vp": "vice president",
    "potus": "president", "flotus": "first lady",
}
# A role's head ends where its jurisdiction begins.
_PREPOSITIONS = {"of", "for", "from", "to", "in", "at", "on", "with"}


# Seats named by their chamber: a member of it holds the office.
_CHAMBERS = re.compile(r"\b(?:member of (?:the )?(?:u\.? ?s\.? )?(?:congress|house of representatives)|"
                       r"(?:u\.? ?s\.? )?house of representatives)\b")


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _CHAMBERS.sub("representative", text)
    text = re.sub(r"\bmember of parliament\b", "mp", text)
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text)  # "u.s." -> "us."
    out: list[str] = []
    for w in re.findall(r"[a-z]+(?:'[a-z]+)?", text):
        w = re.sub(r"'s$", "", w)
        out.extend(_ABBREVIATIONS.get(w, w).split())
    return out


def _head(words: Sequence[str]) -> frozenset[str]:
    out: set[str] = set()
    for i, w in enumerate(words):
        if w in _PREPOSITIONS and i:
            break  # "Pastor and father of Sen. Ted Cruz" is no senator
        if w in _ROLE_WORDS:
            out.add(_SAME_OFFICE.get(w, w))
    return frozenset(out)


def role_key(title: Optional[str]) -> Optional[str]:
    """A role title as a key ("President of the United States" ->
    "role:president"), or None when it has no office words."""
    head = _head(_words(title or ""))
    return ROLE_KEY_PREFIX + " ".join(sorted(head)) if head else None


def claimed_role(text: Optional[str]) -> Optional[str]:
    """The role a claimed speaker text names before the name, as a key:
    "President Obama" -> "role:president", "Mr. King" -> None (the last word
    is the name), "the First Lady" -> "role:first lady"."""
    words = _words(text or "")
    if len(words) > 1 and not (words[-1] in _ROLE_WORDS and _all_role(words)):
        words = words[:-1]  # the last word of "President Obama" is the name
    head = _head(words)
    return ROLE_KEY_PREFIX + " ".join(sorted(head)) if head else None


_FILLERS = {"the", "a", "an", "former", "then", "late", "ex", "current", "acting", "interim", "us",
            "outgoing", "incoming", "of", "united", "states"}


def _all_role(words: Sequence[str]) -> bool:
    return all(w in _ROLE_WORDS or w in _FILLERS for w in words)


def only_role(text: Optional[str]) -> bool:
    """Whether a claimed speaker is a role and nothing else ("the First Lady")."""
    words = _words(text or "")
    return bool(words) and _all_role(words) and any(w in _ROLE_WORDS for w in words)


def speaker_role_keys(roles: Iterable[Role], aliases: Iterable[str] = ()) -> set[str]:
    """Every role key the record gives a speaker: its roles, and the titles
    its aliases carry ("Secretary Clinton")."""
    keys = {k for r in roles if (k := role_key(r.title))}
    keys |= {k for a in aliases if (k := claimed_role(a))}
    return keys


def holds_role(key: str, roles: Iterable[Role], aliases: Iterable[str] = (),
               when: Optional[date] = None) -> Optional[bool]:
    """Whether the record gives a speaker the role ``key``: True, False, or
    None when it does, but not at ``when`` (their dates say otherwise)."""
    held_other_time = False
    for r in roles:
        if role_key(r.title) != key:
            continue
        dated = r.start is not None or r.end is not None
        past = not dated and bool(_PAST & set(_words(r.title)))
        if not past and (when is None or ((r.start is None or r.start <= when) and (r.end is None or when <= r.end))):
            return True
        held_other_time = True
    if any(claimed_role(a) == key for a in aliases):
        return True
    return None if held_other_time else False


ROLE_WORDS = frozenset(_ROLE_WORDS)
ROLE_ABBREVIATIONS = frozenset(_ABBREVIATIONS)
