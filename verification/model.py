"""The engine's vocabulary: plain dataclasses in, plain dataclasses out.

Nothing here knows about HTTP or databases. The service turns its rows into
these objects, calls the engine, and turns the answer into JSON with
``to_dict()``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal, Optional

TextStatus = Literal["exact", "normalized", "fragment", "altered"]
FieldStatus = Literal["match", "mismatch", "ambiguous", "not_claimed", "unparseable", "unknown"]
VerdictName = Literal["verified", "mismatch", "unverified"]
IssueType = Literal["misattributed", "altered_wording", "wrong_date", "wrong_location"]
DiffOpName = Literal["equal", "substitute", "insert", "delete"]


@dataclass(frozen=True)
class Role:
    """An office or position a speaker held ("President of the United
    States", 2009-01-20 to 2017-01-20); open-ended where a date is missing."""

    title: str
    start: Optional[date] = None
    end: Optional[date] = None


@dataclass(frozen=True)
class SpeakerRef:
    """A stored speaker as the engine sees it: a name, its aliases, and
    what the record knows of their gender ("female", "male" or None) and
    roles. With no recorded gender the engine reads it from the first name
    where the name is not in doubt (see verification.genders)."""

    id: Any
    name: str
    aliases: tuple[str, ...] = ()
    gender: Optional[str] = None
    roles: tuple[Role, ...] = ()


@dataclass(frozen=True)
class CanonicalQuote:
    """A quote on the record.

    ``spoken_at`` is the stored string: ``2025-09-03``, ``2025-09``, ``2025``
    or an ISO timestamp with offset (whose local date is the day it was said).
    ``location`` is the place as given (``Beijing, China``); the engine
    resolves it through the gazetteer itself.
    """

    id: Any
    text: str
    speaker: SpeakerRef
    spoken_at: Optional[str] = None
    location: Optional[str] = None
    event: Optional[str] = None


@dataclass(frozen=True)
class Claim:
    """What a user says was said: words, and optionally who, when, where.

    ``reference_date`` anchors relative dates ("on Wednesday"): an article's
    publication date, or today for a bare claim.
    """

    text: str
    speaker: Optional[str] = None
    date: Optional[str] = None
    location: Optional[str] = None
    reference_date: Optional[date] = None


@dataclass(frozen=True)
class DiffOp:
    """One step of the word-level diff, claimed words against canonical words.

    ``gap`` marks canonical words the claim skipped with an ellipsis or by
    quoting a fragment; ``editorial`` marks steps that are the editor's and do
    not count as alteration: bracketed words in either text, and the record's
    words a bracket in the claim stands for ("[the Republicans]" for "they").
    A bracket that may not stand for them (too long, or replacing a negation,
    a number or a name) is an alteration: its steps are not editorial.
    """

    op: DiffOpName
    claimed: str = ""
    canonical: str = ""
    gap: bool = False
    editorial: bool = False


@dataclass
class Note:
    """Something about the claimed words an editor should know that does not
    alter the quote: ``name_spelling`` (a name spelled otherwise than on
    record) or ``bracket`` (what a bracket in the claim stands for)."""

    type: Literal["name_spelling", "bracket"]
    claimed: str
    canonical: str
    message: str


@dataclass
class TextMatch:
    """How the claimed words relate to one canonical quote's words."""

    status: TextStatus
    score: float  # 0..100, how well the claimed words fit (the quoted span)
    coverage: float  # 0..1, share of the canonical words the claim quotes
    diff: list[DiffOp] = field(default_factory=list)
    # Meaning-changing edits: "negation", "number", "name"
    flags: list[str] = field(default_factory=list)
    claimed_words: int = 0
    notes: list[Note] = field(default_factory=list)


@dataclass
class FieldCheck:
    """Speaker, date or place: what was claimed against what is on record."""

    status: FieldStatus
    claimed: Optional[str] = None
    canonical: Optional[str] = None
    message: Optional[str] = None


@dataclass
class Issue:
    type: IssueType
    claimed: Any
    canonical: Any
    message: str


@dataclass
class Match:
    quote: CanonicalQuote
    score: float
    text: TextMatch
    speaker: FieldCheck
    date: FieldCheck
    location: FieldCheck


@dataclass
class Verdict:
    verdict: VerdictName
    issues: list[Issue] = field(default_factory=list)
    match: Optional[Match] = None
    alternatives: list[Match] = field(default_factory=list)
    # Why a found quote is not verified on its own strength (e.g. "too_short"),
    # and a sentence saying so.
    reason: Optional[str] = None
    message: Optional[str] = None


def to_dict(obj: Any) -> Any:
    """A JSON-ready copy of any engine dataclass (tuples become lists)."""
    return asdict(obj)
