"""The document: one article going through the stages.

In: the text and its publication date. :class:`Document` builds the paragraphs
and passages, the quoted pieces (``marks``), the tokens (``tokens``) and the
entities (``names``); ``extract_quotes`` then runs ``speaker_labels``,
``attribute`` (``attribution``), ``places_and_dates`` (``context``) and
``results``, which turns the surviving pieces into :class:`ExtractedQuote`.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from .attribution import Attribution
from .clauses import Clauses
from .context import PlacesAndDates
from .lexicon import strip_possessive
from .marks import find_quotes, paragraphs
from .names import Names
from .records import ExtractedQuote, SpeakerMention
from .tokens import PASSAGE_BREAK_RE, Tokens


class Document(Tokens, Names, Clauses, Attribution, PlacesAndDates):
    def __init__(self, text: str, published_at: Optional[date]):
        self.text = text
        if isinstance(published_at, datetime):
            published_at = published_at.date()
        self.pub = published_at
        self.paras = paragraphs(text)
        # index of each paragraph among the non-empty ones (distances skip blank lines), and
        # passages: separator lines ("___", "* * *") and time stamps ("12:35 p.m.") of live
        # blogs start a new passage, which a stated place or date does not cross
        self.ne_index = []
        self.passage = []
        c = 0
        pg = 0
        for (a, b) in self.paras:
            line = text[a:b].strip()
            if line and PASSAGE_BREAK_RE.match(line):
                pg += 1
            self.ne_index.append(c)
            self.passage.append(pg)
            if line:
                c += 1
        self.quotes = find_quotes(text, self.paras)
        self._rv_cache: dict[int, bool] = {}
        self._tokenize()
        # words the article writes in lower case outside quotes ("hours", "speaking"): a
        # capitalised sentence opener among them is not a name
        self._lower_words = {w for w, k, c in zip(self.low, self.kind, self.cap) if k == "w" and not c}
        self._build_entities()

    def results(self, min_words: int, include_short: bool = False) -> list[ExtractedQuote]:
        out = []
        for q in sorted(self.quotes, key=lambda x: x.start):
            if (q.drop and not (include_short and q.short)) or q.words < min_words:
                continue
            sp = None
            at = q.attr
            if q.short and at is not None and at.kind != "pron" and not self._is_person_name(at):
                at = None  # a fragment keeps only a speaker the article names as a person
            if at is not None and at.name:
                if at.kind == "label":
                    s, e = q._label_span  # type: ignore[attr-defined]
                    sp = SpeakerMention(at.name, s, e)
                elif at.ment_start >= 0 and at.ment_end > at.ment_start:
                    s = self.ts[at.ment_start]
                    e = self.te[at.ment_end - 1]
                    w = self.text[s:e]
                    # the mention without a possessive 's
                    stripped = strip_possessive(w)
                    e = s + len(stripped)
                    sp = SpeakerMention(at.name, s, e)
            out.append(ExtractedQuote(
                text=self.text[q.start:q.end], start=q.start, end=q.end, speaker=sp,
                location=getattr(q, "location", None), date=getattr(q, "when", None), too_short=q.short))
        return out
