"""Whole articles: check a draft's quotes, and ingest a trusted source's quotes.

* :func:`check_article` (``POST /api/v1/articles/check``): every quote the
  extractor finds in a draft, with its offsets, speaker, place and date, and
  the verify answer for it (``services.verify_claim``, so exactly what
  ``POST /api/v1/verify`` says for the same claim).
* :func:`ingest` (``POST /api/v1/sources/ingest``): the quotes of a report or
  transcript stored as canonical quotes with the source attached,
  ``pending_review`` unless auto-approved, each with its creation revision.
* :func:`approve_quote` (``POST /api/v1/quotes/<id>/approve``): a pending
  quote starts counting for verification.

Extraction is the engine's (the ``verification.extract`` package); nothing here
touches HTTP.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from verification import extract
from verification.extract import ExtractedQuote
from verification.model import Verdict

from . import engine, repository, services
from .models import APPROVED, PENDING_REVIEW, RETRACTED, ApiKey, Quote
from .schemas import NAME_MAX, TEXT_MAX
from .when import parse_spoken_at

log = logging.getLogger(__name__)

# Quotes of fewer words than this are not stored by ingestion: the engine
# never verifies a quote that short on its words alone, and in a report
# such a fragment ("not bad") is nearly always part of a longer remark.
INGEST_MIN_WORDS = 4
VERDICTS = ("verified", "mismatch", "unverified")


def html_to_text(html: str) -> str:
    """The article text of an HTML page (one paragraph per line), without NUL characters."""
    return extract.html_to_text(html).replace("\x00", "")


def extract_quotes(text: str, published_on: Optional[dt.date], *,
                   include_short: bool = False) -> list[ExtractedQuote]:
    return extract.extract_quotes(text, published_on, include_short=include_short)


def _mention(q: ExtractedQuote) -> Optional[dict[str, Any]]:
    if q.speaker is None:
        return None
    return {"name": q.speaker.name, "start": q.speaker.start, "end": q.speaker.end}


# --- the article check ---------------------------------------------------------------------


def _too_short_answer(text: str) -> dict[str, Any]:
    """The verification of a fragment the article does not attribute ("inadequate"): the shape
    of a verify answer, unverified, reason too_short."""
    verdict = Verdict(
        verdict="unverified", reason="too_short",
        message=(f"\u201c{text.strip()}\u201d is a fragment of {_words(text)} word"
                 f"{'s' if _words(text) != 1 else ''} that the article does not attribute: too short "
                 "to verify on its own words."))
    return engine.verdict_to_dict(verdict, lambda cq: {})


def _words(text: str) -> int:
    return len(engine.all_words(text))


class TooManyQuotes(Exception):
    """More quotes than one article check verifies."""

    def __init__(self, found: int, limit: int):
        super().__init__(f"The article has {found:,} quotes; one check verifies at most {limit:,}. "
                         "Split it, or verify its quotes with a bulk job (POST /api/v1/jobs/verify).")


def check_article(session: Session, text: str, published_on: Optional[dt.date], *,
                  candidate_limit: int, quote_serializer: Callable[[Quote], dict],
                  max_quotes: Optional[int] = None) -> dict[str, Any]:
    """The answer of ``POST /api/v1/articles/check`` for ``text``.

    Each quote is verified as the claim (its words, the speaker the article
    names, the date and place it gives), relative dates anchored at the
    publication date (default: today). Every retrieval runs in the request's
    one session, so the whole article is judged against one state of the
    store. Identical claims (a line repeated in the article) are verified
    once. Fragments of three words or fewer that the article does not
    attribute are listed with ``too_short`` and never searched for (nor
    counted against ``max_quotes``).
    """
    reference = published_on or dt.date.today()
    quotes = extract_quotes(text, reference, include_short=True)
    searched = sum(1 for q in quotes if not q.too_short)  # fragments are listed, never searched for
    if max_quotes is not None and searched > max_quotes:
        raise TooManyQuotes(searched, max_quotes)
    summary = dict.fromkeys(VERDICTS, 0)
    answers: dict[tuple, dict[str, Any]] = {}
    out = []
    for q in quotes:
        if q.too_short:
            verification = _too_short_answer(q.text)
        else:
            claim = {
                "text": q.text,
                "speaker": q.speaker.name if q.speaker else None,
                "date": q.date,
                "location": q.location,
                "reference_date": reference,
            }
            key = (claim["text"], claim["speaker"], claim["date"], claim["location"])
            verification = answers.get(key)
            if verification is None:
                verification = services.verify_claim(session, claim, candidate_limit=candidate_limit,
                                                     quote_serializer=quote_serializer)
                answers[key] = verification
        summary[verification["verdict"]] = summary.get(verification["verdict"], 0) + 1
        out.append({
            "text": q.text, "start": q.start, "end": q.end, "speaker": _mention(q),
            "location": q.location, "date": q.date, "too_short": q.too_short, "verification": verification,
        })
    return {"text": text, "quotes": out, "summary": summary}


# --- ingestion ---------------------------------------------------------------------------


@dataclass
class IngestResult:
    source: dict[str, Any]
    created: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


def _same_source(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The same publication: the same URL, or (one URL missing) the same publisher and title."""
    if a.get("url") and b.get("url"):
        return a["url"].rstrip("/") == b["url"].rstrip("/")

    def label(s: dict[str, Any]) -> tuple[str, str]:
        return ((s.get("publisher") or "").strip().casefold(), (s.get("title") or "").strip().casefold())

    return any(label(a)) and label(a) == label(b)


def _spoken_at(value: Optional[str]) -> Optional[str]:
    if not value:
        return None
    try:
        return parse_spoken_at(value).value
    except ValueError:
        return None  # a date the store cannot hold is left out, never guessed


def ingest(session: Session, quotes: list[Any], source: dict[str, Any], *,
           language: Optional[str] = None, auto_approve: bool = False,
           api_key: Optional[ApiKey] = None) -> IngestResult:
    """Store extracted ``quotes`` with ``source`` attached; nothing is committed here.

    A quote needs a speaker (an unattributed quote cannot be canonical) and
    at least :data:`INGEST_MIN_WORDS` words. The speaker is resolved as
    ``POST /quotes`` resolves it (an ambiguous name is skipped, never
    guessed). A quote already on record (same speaker, same words after
    normalisation) is not stored again: it is listed as existing, and this
    source is added to its sources if missing (an update revision), unless
    it is retracted.
    """
    result = IngestResult(source=source)
    status = APPROVED if auto_approve else PENDING_REVIEW
    seen: set[tuple[int, str]] = set()

    def skip(q: Any, reason: str, message: str) -> None:
        result.skipped.append({"text": q.text, "start": q.start, "end": q.end,
                               "speaker": q.speaker.name if q.speaker else None,
                               "reason": reason, "message": message})

    for q in quotes:
        if q.speaker is None:
            skip(q, "no_speaker", "The article does not say who said this; a canonical quote needs a speaker.")
            continue
        words = len(engine.all_words(q.text))
        if words < INGEST_MIN_WORDS:
            skip(q, "too_short", f"Only {words} word{'s' if words != 1 else ''}: too short to verify "
                                 "against; store the whole remark with POST /quotes if it matters.")
            continue
        if len(q.text) > TEXT_MAX:
            skip(q, "too_long", f"Longer than {TEXT_MAX:,} characters.")
            continue
        name = " ".join(q.speaker.name.split())[:NAME_MAX]
        try:
            with session.begin_nested():
                speaker = services.resolve_speaker(session, name)
        except services.InvalidInput as exc:
            message = "; ".join(exc.errors.get("speaker", [])) or str(exc)
            skip(q, "ambiguous_speaker", message)
            continue
        assert speaker is not None
        digest = services.text_hash(engine.search_text(q.text))
        if (speaker.id, digest) in seen:
            skip(q, "repeated", "The same words by the same speaker appear earlier in this source.")
            continue
        seen.add((speaker.id, digest))
        if session.get_bind().dialect.name == "postgresql":
            # Two ingestions of the same story at once must not both store a
            # quote: serialise per (speaker, words), then look. (SQLite writers
            # are already serialised by BEGIN IMMEDIATE.)
            session.execute(sql_text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                            {"k": f"quote:{speaker.id}:{digest}"})
        found = repository.find_same_quote(session, speaker.id, digest)
        if found is not None:
            current = services._sources_json(found.sources)
            if found.status != RETRACTED and not any(_same_source(s, source) for s in current):
                services.update_quote(session, found, {"sources": [*current, source]}, api_key)
            result.existing.append(found.id)
            continue
        data = {
            "text": q.text,
            "speaker": speaker.name,
            "spoken_at": _spoken_at(q.date),
            "location": q.location[:300] if q.location else None,
            "language": language,
            "sources": [source],
            "status": status,
        }
        quote = services.create_quote(session, data, api_key)
        result.created.append(quote.id)
    return result


# --- review ------------------------------------------------------------------------------


def approve_quote(session: Session, quote: Quote, api_key: Optional[ApiKey] = None) -> bool:
    """pending_review -> approved, as a revision; True if it changed.

    Approving an approved quote changes nothing. A retracted quote is not
    approved (409): if the retraction was a mistake, restore it with
    ``PATCH /quotes/<id> {"status": "approved"}``, which says so in the history.
    """
    if quote.status == RETRACTED:
        raise services.Conflict(
            f"Quote {quote.id} is retracted ({quote.retraction_reason or 'no reason given'}); it cannot be "
            "approved. If the retraction was a mistake, restore it with PATCH "
            f"/api/v1/quotes/{quote.id} and {{\"status\": \"approved\"}}.")
    if quote.status == APPROVED:
        return False
    before = services.quote_state(quote)
    quote.status = APPROVED
    session.flush()
    services._record(session, quote, "approve", before, api_key)
    session.flush()
    return True
