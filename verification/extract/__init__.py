"""Direct quotes in news text: the words, who said them, where and when.

Pure Python, deterministic, no network. The public API:

``extract_quotes(text, published_at=None, min_words=1) -> list[ExtractedQuote]``
    Every direct quote in ``text`` with its speaker (a :class:`SpeakerMention`
    whose offsets point at the name or pronoun written near the quote and whose
    ``name`` is the resolved, fullest name the article gives), place and date.
``html_to_text(html) -> str``
    An article's text from its HTML, one paragraph per line.

How it works (the rules are written out in ``docs/extraction.md``):

1. Quote marks are paired paragraph by paragraph. Straight double marks are
   read as opening or closing from the characters around them; curly and
   angle marks by their shape. A paragraph that ends inside a quote whose next
   paragraph opens with a quote mark continues the quote (the newspaper
   convention), and each paragraph's piece is reported as its own
   :class:`ExtractedQuote` with the same speaker, place and date. Single marks
   inside a double-quoted span are part of its text (nested quotes); single
   marks outside any double quote are paired as quotes too (headline style),
   apostrophes excluded.
2. The text outside quotes is tokenised with every quote standing as one
   token, so attribution patterns see ``Q , he said .`` or
   ``Putin said that Q``. A quote's attribution is, in order: the clause right
   after it (``"…," said Putin`` / ``"…," Putin said`` / ``"…," he added`` /
   ``"…," according to X`` / ``"…" — X``), then the nearest reporting verb
   before it in its sentence (``X said on Thursday that "…"``,
   ``X told CNN: "…"``, ``"…," he said, "…"``), then a bare name and colon
   (``X: "…"``). A quote with no attribution of its own takes, in order: an
   attributed quote of the same sentence; the sentence's subject when that is a
   person the article names (weak: never enough for a short quote); the previous
   piece of a multi-paragraph quote; an attributed quote or a reporting clause
   earlier in the same paragraph; a lead-in paragraph ending with a colon; the
   last speaker of the previous paragraph when its own paragraph is only the
   quote (the newspaper convention). Otherwise its speaker is ``None``.
3. Speakers: titles are dropped ("Russian President Vladimir Putin" ->
   "Vladimir Putin"); a surname resolves to the fullest form of that name in the
   article; he/she resolve to the most recent person named as the subject of a
   clause outside quotes whose known gender does not conflict; "the Ukrainian
   leader"-style descriptions resolve only when exactly one person in the
   article carries matching titles.
4. Scare quotes and terms are dropped: a quote preceded by "so-called",
   "dubbed", "known as", "the term" and the like, a quote of fewer than four
   words with no attribution of its own (a direct reporting verb: "called" does
   not count), and an unattributed Title Case phrase (a title).
5. Place and date come from phrases tied to the act of speaking (the
   attribution clause, a "Speaking at a news conference in Beijing on
   Wednesday," opener, "in Paris on Thursday" right after the verb), resolved
   against ``published_at``. A place or date stated for a speaker carries to
   that speaker's later quotes in the same passage until another is stated (and
   back to a summary quote at most two paragraphs before it); an article's
   dateline is the last resort for the place.

The package, by stage (each module's docstring says what comes in and what goes
out): ``marks`` (quote marks and pieces), ``tokens`` (tokens and sentences),
``clauses`` (reporting verbs and their subjects), ``attribution`` (who said
each quote), ``names`` (names, titles and coreference), ``context`` (places
and dates), ``document`` (one article through the stages), ``lexicon`` (the
word lists), ``records`` (what the stages hand on), ``html`` (text from HTML).
"""
from __future__ import annotations

from datetime import date
from typing import Optional

from .document import Document
from .html import html_to_text
from .records import ExtractedQuote, SpeakerMention

__all__ = ["SpeakerMention", "ExtractedQuote", "extract_quotes", "html_to_text"]


def extract_quotes(text: str, published_at: Optional[date] = None, min_words: int = 1,
                   include_short: bool = False) -> list[ExtractedQuote]:
    """All direct quotes in ``text`` with speaker, place and date.

    ``published_at`` anchors relative dates ("on Wednesday" is the most recent
    Wednesday on or before it). ``min_words`` drops quotes shorter than that.
    ``include_short`` also returns the fragments of three words or fewer that
    the article does not attribute directly, marked ``too_short`` (scare quotes
    after "so-called", "dubbed" … and quoted titles stay out).
    Offsets are into ``text``: ``text[q.start:q.end] == q.text``.
    """
    if not text:
        return []
    doc = Document(text, published_at)
    doc.speaker_labels()
    doc.attribute()
    doc.places_and_dates()
    return doc.results(min_words, include_short)
