"""Honorifics and gender: "Mrs. Obama" names a woman, "Mr. Obama" a man.

In: a claimed speaker text ("Mrs. Obama") and a stored speaker (its recorded
gender, if any, and its name). Out: the gender the honorific claims, the
gender the record knows for the speaker, or ``None`` where either is not
known for sure.

A speaker's gender comes from the record when given (the speaker's
``gender`` field), and otherwise from the first given name through the
``nomquamgender`` package's name data (Van Buskirk et al., 2022: a consensus
of 36 name-gender sources with a probability per name). A name counts only
when its sources agree: probability of "female" at least 0.9 or at most 0.1
(the package's own default threshold), from at least 3 sources and 20 people.
Unisex names ("Jordan", "Kim"), names that differ by culture ("Ilhan"),
rare names and unknown ones give ``None``: no guess.

The name data (22 MB of JSON) is read once per process, lazily, into two sets
of names, without importing the package's own module (which would load pandas
and numpy for nothing): about 0.6 s and 30 MB, measured in BENCHMARKS.md.
"""
from __future__ import annotations

import importlib.util
import os
import re
import threading
import unicodedata
from functools import lru_cache
from typing import Literal, Optional

Gender = Literal["female", "male"]

__all__ = ["Gender", "GENDERS", "claimed_gender", "gender_of_given_name", "honorific_gender",
           "load_names"]

GENDERS = ("female", "male")

# Honorifics and the gender they name. Words that are also roles or titles
# of either gender ("Dr.", "Lady Gaga", "Lord") are left out.
_HONORIFICS: dict[str, Gender] = {
    "mrs": "female", "ms": "female", "miss": "female", "madam": "female", "madame": "female",
    "mme": "female", "mlle": "female", "mademoiselle": "female", "dame": "female", "frau": "female",
    "senora": "female", "signora": "female",
    "mr": "male", "mister": "male", "sir": "male", "monsieur": "male", "herr": "male",
    "senor": "male", "signor": "male",
}

# The package's default: a name is classified when P(female) is at most 0.1
# or at least 0.9. Fewer sources or people than this is too little to go on.
_CERTAINTY = 0.1
_MIN_SOURCES = 3
_MIN_PEOPLE = 20

_NAMES: Optional[tuple[frozenset[str], frozenset[str]]] = None
_LOCK = threading.Lock()
# "name": [sources, people, p_female, ...] as the package's JSON writes it.
_ENTRY = re.compile(r'"([a-z][a-z\'-]*)": \[(\d+), (\d+), ([0-9.e-]+)')


def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word)
    return "".join(c for c in word if not unicodedata.combining(c)).lower().strip(".'’")


def honorific_gender(word: str) -> Optional[Gender]:
    """The gender an honorific names ("Mrs." -> female), or None."""
    return _HONORIFICS.get(_fold(word))


def claimed_gender(text: Optional[str]) -> Optional[Gender]:
    """The gender the honorifics in a claimed speaker name agree on.

    "Mrs. Obama" -> female, "Mr Putin" -> male; none, or honorifics of both
    genders ("Mr. and Mrs. Obama"), give None.
    """
    if not text:
        return None
    found = {g for w in re.findall(r"[^\W\d_]+", text) if (g := honorific_gender(w))}
    return found.pop() if len(found) == 1 else None


def _data_path() -> Optional[str]:
    spec = importlib.util.find_spec("nomquamgender")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "name_data.json")
    return path if os.path.exists(path) else None


def load_names() -> tuple[frozenset[str], frozenset[str]]:
    """The female and male given names the data is sure of (loaded once)."""
    global _NAMES
    if _NAMES is None:
        with _LOCK:
            if _NAMES is None:
                female: list[str] = []
                male: list[str] = []
                path = _data_path()
                if path is not None:
                    with open(path, encoding="utf-8") as f:
                        text = f.read()
                    for m in _ENTRY.finditer(text):
                        if int(m.group(2)) < _MIN_SOURCES or int(m.group(3)) < _MIN_PEOPLE:
                            continue
                        p = float(m.group(4))
                        if p >= 1 - _CERTAINTY:
                            female.append(m.group(1))
                        elif p <= _CERTAINTY:
                            male.append(m.group(1))
                    del text
                _NAMES = (frozenset(female), frozenset(male))
    return _NAMES


@lru_cache(maxsize=8192)
def gender_of_given_name(name: str) -> Optional[Gender]:
    """The gender a given name names, when the name data is sure; else None."""
    key = _fold(name)
    if len(key) < 2:  # an initial
        return None
    female, male = load_names()
    if key in female:
        return "female"
    if key in male:
        return "male"
    return None
