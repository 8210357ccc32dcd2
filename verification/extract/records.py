"""The extractor's records: what each stage hands to the next, and what comes out.

Public: :class:`ExtractedQuote` (one quote, its offsets, speaker, place, date) and
:class:`SpeakerMention` (the resolved name and the offsets of the mention written
near the quote). Internal: :class:`Quote` (a quoted piece found by ``marks``,
filled in by the later stages), :class:`Attr` (an attribution: a mention as a
token range, its kind and reporting verb, the name it resolves to) and
:class:`Entity` (a person or organisation the article names, with every form,
title and gender seen).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class SpeakerMention:
    """Who said a quote: ``name`` resolved, ``start``/``end`` the mention written in the text."""

    name: str
    start: int
    end: int


@dataclass
class ExtractedQuote:
    """One direct quote: the words between the marks and their offsets in the text.

    ``too_short`` marks a fragment of three words or fewer that the article does not
    attribute directly (``called the plan "inadequate"``): returned only with
    ``include_short=True``, and too short to verify on its words.
    """

    text: str
    start: int
    end: int
    speaker: Optional[SpeakerMention]
    location: Optional[str]
    date: Optional[str]
    too_short: bool = False


@dataclass
class Quote:
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
    attr: Optional["Attr"] = None
    own_attr: bool = False
    strong: bool = False
    inherited: bool = False
    drop: bool = False
    short: bool = False    # a fragment of fewer than four words with no direct attribution
    group: int = -1
    label_name: Optional[str] = None

    olen: int = 1          # length of the opening and closing marks ('' is two)
    clen: int = 1

    @property
    def outer_end(self) -> int:
        return (self.close + self.clen) if self.close is not None else self.end


@dataclass
class Attr:
    ment_start: int        # token index range of the mention
    ment_end: int
    kind: str              # "pron", "name", "desc", "none"
    verb: int              # token index of the verb (or -1)
    name: Optional[str] = None
    key: Optional[str] = None
    strong: bool = True


@dataclass
class Entity:
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
