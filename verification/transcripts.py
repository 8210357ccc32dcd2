"""Transcripts: who said what, sentence by sentence, in the order it was said.

:func:`parse_transcript` reads the text of a news conference, a debate, a
parliament's record or a single speaker's remarks and gives its *turns*: a
speaker label as written (``PUTIN``, ``President Putin``, ``Q``,
``THE PRESIDENT``) or none (the text before any label: a single speaker's
remarks), and the turn's sentences with their offsets in the text. It does
not decide who a label is; the caller resolves labels against the people it
knows. What is not anybody's words is left out and reported:

* **stage directions**: ``(Applause.)``, ``[inaudible]``, ``(Laughter.)``,
  ``[crosstalk]``, ``(via interpreter)``... (bracketed notes made of the
  words in :data:`STAGE_WORDS`); other brackets, such as an agency's
  ``(US President) Donald (Trump)``, are editorial insertions and stay;
* **headings**: short unpunctuated lines before the first words said
  (``Aboard Air Force One``, ``10:36 A.M. HAST``), end markers (``END``,
  ``###``) and metadata lines (``Subject: ...``).

Questions from unnamed people (``Q:``, ``AUDIENCE MEMBER:``) are turns like
any other, marked ``unnamed``: they belong to the document (they are the
context of the answers) but are nobody's quotes.

A line opens a turn when it starts with a label and a colon. Labels in
capitals, labels of two or more capitalised words, the unnamed ones, labels
the caller names (``labels``, e.g. a request's speaker mapping or
``is_speaker``) and labels used more than once count; a single capitalised
word used once ("Remember: ...") is just text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from .sentences import sentence_spans

__all__ = ["Omitted", "Sentence", "Transcript", "Turn", "label_key", "parse_transcript", "STAGE_WORDS"]

# What a bracketed stage direction is made of (its first word, or all of it).
STAGE_WORDS = frozenset("""
laughter laughs laughing laugh chuckles chuckling applause applauding applauds cheers cheering cheer
boos booing boo jeers jeering crosstalk cross-talk inaudible unintelligible indiscernible incomprehensible
inaudible. music pause pauses silence interruption interrupted interrupting audience crowd off-mic
sighs coughs coughing gavel bell recess break end begin beginning video audio clip commercial
speaking speaks through via translated translation interpreter interpretation phonetic ph sp
technical difficulties mic mics microphone overlapping simultaneous noise background sirens
""".split())
# Labels of people the record does not name.
_UNNAMED = frozenset("""
q question questions questioner audience audience-member participant participants reporter reporters
journalist journalists voice voices crowd unidentified unknown speaker interpreter moderator's
""".split()) | frozenset({
    "audience member", "audience members", "member of the audience", "members of the audience",
    "male voice", "female voice", "unidentified speaker", "unidentified man", "unidentified woman",
    "unidentified male", "unidentified female", "unidentified reporter", "unidentified participant",
    "unknown speaker", "the audience", "a reporter", "press",
})
# "Labels" that are metadata, not speakers: the line is a heading.
_NOT_SPEAKERS = frozenset("""
note notes subject summary update updated editor's source sources transcript date time location
place title by photo photos video watch read related share tags posted published copyright topics
keywords category categories contact attachment attachments re fact facts
""".split()) | frozenset({"editor's note", "editors note", "for immediate release", "press release"})
_PARTICLES = frozenset("of de van von da di du la le al bin el the y der den del dos das".split())

_LABEL = re.compile(
    r"[ \t]*(?P<label>[^\W\d_][^:\n()]{0,59}?)[ \t]*(?:\((?P<note>[^()\n]{1,60})\))?[ \t]*:(?=[ \t]|$)",
    re.UNICODE)
_LABEL_WORD = re.compile(r"[^\W\d_][\w.'\u2019\-]*\.?", re.UNICODE)
_BRACKETED = re.compile(r"[(\[](?P<inner>[^()\[\]\n]{1,80})[)\]]")
_MARKER = re.compile(r"^(?:END\b.*|#\s*#\s*#|\*\s*\*\s*\*|-\s*30\s*-|\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?\s*[Mm]\.?)?(?:\s+\w{1,5})?)$")
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")
_HAS_WORD = re.compile(r"[^\W_]", re.UNICODE)
_TIMESTAMP = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")


@dataclass(frozen=True)
class Sentence:
    """One sentence said: its words (stage directions left out, whitespace
    collapsed), its offsets in the transcript's text, and its number among
    all the sentences of the transcript (the order things were said)."""

    text: str
    start: int
    end: int
    index: int


@dataclass(frozen=True)
class Turn:
    """A speaker's turn: the label as written (None: text before any label),
    whether it is an unnamed person's, and what they said."""

    label: Optional[str]
    unnamed: bool
    start: int
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Omitted:
    """Something in the text that nobody said: a stage direction or a heading."""

    kind: str  # "stage_direction" | "heading"
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Transcript:
    text: str
    turns: tuple[Turn, ...]
    omitted: tuple[Omitted, ...]

    @property
    def labels(self) -> list[str]:
        """The speaker labels, in order of first appearance."""
        return list(dict.fromkeys(t.label for t in self.turns if t.label is not None))

    @property
    def sentence_count(self) -> int:
        return sum(len(t.sentences) for t in self.turns)


def label_key(label: str) -> str:
    """How labels compare: lower case, single spaces, no final dot (``THE PRESIDENT.`` = ``the president``)."""
    return " ".join(label.replace("\u2019", "'").split()).casefold().rstrip(".").strip()


def _is_unnamed(key: str) -> bool:
    return key in _UNNAMED or key.startswith(("unidentified ", "unknown ")) or key.endswith(" audience member")


def _stage_direction(inner: str) -> bool:
    words = re.findall(r"[\w'\-]+", inner.lower())
    if not words:
        return False
    if _TIMESTAMP.match(inner.strip()):
        return True
    return words[0] in STAGE_WORDS or all(w in STAGE_WORDS or w in ("and", "the", "a", "of", "in", "to")
                                           for w in words)


def _label_words_ok(label: str) -> bool:
    words = label.split()
    if not 1 <= len(words) <= 5:
        return False
    for i, w in enumerate(words):
        if not _LABEL_WORD.fullmatch(w):
            return False
        if w[0].isupper():
            continue
        if 0 < i < len(words) - 1 and w.lower() in _PARTICLES:
            continue
        return False
    return True


@dataclass
class _Candidate:
    line: int
    label: str
    key: str
    body_start: int
    caps: bool
    words: int


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        spans.append((pos, end))
        pos = end + 1
    return spans


def parse_transcript(text: str, *, labels: Iterable[str] = (),
                     is_speaker: Optional[Callable[[str], bool]] = None) -> Transcript:
    """The turns and sentences of ``text`` (line breaks separate paragraphs).

    ``labels``: labels the caller knows are speakers (any case). ``is_speaker``:
    asked about a single capitalised word used once as a label (e.g. whether a
    stored speaker goes by it). Offsets refer to ``text`` with ``\\r\\n``
    written as ``\\n`` (:attr:`Transcript.text`).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    known = {label_key(x) for x in labels}
    lines = _line_spans(text)

    # Pass 1: lines that could open a turn.
    candidates: dict[int, _Candidate] = {}
    for n, (a, b) in enumerate(lines):
        m = _LABEL.match(text, a, b)
        if m is None:
            continue
        label = " ".join(m.group("label").split())
        if not _label_words_ok(label):
            continue
        candidates[n] = _Candidate(n, label, label_key(label), m.end(), label.isupper() or len(label) == 1,
                                   len(label.split()))
    uses: dict[str, int] = {}
    for c in candidates.values():
        uses[c.key] = uses.get(c.key, 0) + 1

    def accepted(c: _Candidate) -> bool:
        if c.key in _NOT_SPEAKERS:
            return True  # a heading: handled below
        if c.caps or c.words >= 2 or c.key in known or _is_unnamed(c.key) or uses[c.key] > 1:
            return True
        return bool(is_speaker and is_speaker(c.label))

    turns: list[Turn] = []
    omitted: list[Omitted] = []
    current_label: Optional[str] = None
    current_unnamed = False
    current_start = 0
    sentences: list[Sentence] = []
    said_anything = False
    index = 0

    def close_turn() -> None:
        if sentences or current_label is not None:
            turns.append(Turn(current_label, current_unnamed, current_start, tuple(sentences)))

    for n, (a, b) in enumerate(lines):
        line = text[a:b]
        if not line.strip():
            continue
        cand = candidates.get(n)
        body = a
        if cand is not None and accepted(cand):
            if cand.key in _NOT_SPEAKERS:
                omitted.append(Omitted("heading", line.strip(), a, b))
                continue
            close_turn()
            current_label, current_unnamed, current_start = cand.label, _is_unnamed(cand.key), a
            sentences = []
            body = cand.body_start
        else:
            stripped = line.strip()
            if _MARKER.match(stripped) or (
                    not said_anything and current_label is None and len(stripped.split()) <= 12
                    and not _SENTENCE_END.search(stripped)):
                omitted.append(Omitted("heading", stripped, a, b))
                continue
        # Stage directions, masked with spaces so offsets stay put.
        masked = text[body:b]
        for m in _BRACKETED.finditer(text, body, b):
            if _stage_direction(m.group("inner")):
                omitted.append(Omitted("stage_direction", m.group(), m.start(), m.end()))
                i, j = m.start() - body, m.end() - body
                masked = masked[:i] + " " * (j - i) + masked[j:]
        for s, e in sentence_spans(masked):
            words = " ".join(masked[s:e].split())
            if not _HAS_WORD.search(words):
                continue
            sentences.append(Sentence(words, body + s, body + e, index))
            index += 1
            said_anything = True
    close_turn()
    return Transcript(text, tuple(turns), tuple(sorted(omitted, key=lambda o: o.start)))
