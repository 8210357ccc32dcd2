"""Schemas of the article check and of source ingestion.

Kept apart from ``schemas.py`` (the store's and the verifier's) so each
side can change without touching the other; the shared field types come
from there.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from .schemas import (ANCHOR_TIMESTAMP_PATTERN, NAME_MAX, Documented, QuoteSchema, Str, StrictBoolean,
                      VerdictSchema, _url)
from .when import check_anchor, parse_timestamp

# An article (or a transcript) of up to this many characters; a long feature
# is 30,000. The body limit (MAX_CONTENT_LENGTH) applies as well.
ARTICLE_TEXT_MAX = 200_000

_DATE_OR_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)
PUBLISHED_AT_HELP = "Use a date (2025-09-04) or an ISO timestamp (2025-09-04T10:00:00+02:00)."


def publication_date(value: Optional[str]) -> Optional[dt.date]:
    """The calendar date of ``published_at`` as written (its local date); ValueError if not one."""
    if value is None:
        return None
    v = value.strip()
    if not _DATE_OR_TIMESTAMP.match(v):
        raise ValueError(f"{value!r} is not a date. {PUBLISHED_AT_HELP}")
    try:
        day = dt.date.fromisoformat(v) if len(v) == 10 else parse_timestamp(v).date()
    except ValueError:
        raise ValueError(f"{value!r} is not a real date. {PUBLISHED_AT_HELP}") from None
    return check_anchor(day)


def _check_published_at(value: str) -> None:
    try:
        publication_date(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


# What publication_date accepts: a date or a timestamp (offset optional),
# anchoring relative dates (years 0100 to 9899).
_published_at = Documented(ANCHOR_TIMESTAMP_PATTERN, _check_published_at, PUBLISHED_AT_HELP)


def _text_or_html(data: dict[str, Any], *, url_alone: bool) -> None:
    given = [k for k in ("text", "html") if data.get(k) is not None]
    if len(given) > 1:
        raise ValidationError("Send the article as text or as html, not both.", "html")
    if not given and not (url_alone and data.get("url")):
        need = "text, html or url" if url_alone else "text or html"
        raise ValidationError(f"Send the article: {need}.", "text")


def _text() -> Str:
    return Str(allow_none=True, validate=validate.Length(max=ARTICLE_TEXT_MAX), metadata={
        "description": f"The article as plain text (at most {ARTICLE_TEXT_MAX:,} characters).",
        "example": 'Putin said in Paris on Thursday: "if Zelenskyy is ready, let him come to Moscow."'})


def _html() -> Str:
    return Str(allow_none=True, metadata={
        "description": "The article as HTML (up to the request size limit); its text is extracted "
                       "and the answer's offsets refer to that text."})


def _published() -> Str:
    return Str(allow_none=True, validate=[validate.Length(max=40), _published_at], metadata={
        "description": "When the article is (or will be) published: a date or an ISO timestamp. "
                       "Anchors relative dates (\"on Wednesday\"). Default: today.",
        "example": "2025-09-04"})


# --- article check ----------------------------------------------------------------------


class ArticleCheckSchema(Schema):
    """A draft to check: every quote in it is extracted and verified."""

    text = _text()
    html = _html()
    published_at = _published()
    url = Str(allow_none=True, validate=[validate.Length(max=2000), _url], metadata={
        "description": "Where the article lives or will live. Accepted for the plugin's "
                       "convenience; it is not fetched and does not change the answer."})

    @validates_schema
    def _one_body(self, data: dict, **_: Any) -> None:
        _text_or_html(data, url_alone=False)


class SpeakerMentionSchema(Schema):
    name = Str(metadata={"description": "The speaker's fullest name in the article.",
                         "example": "Vladimir Putin"})
    start = fields.Integer(metadata={"description": "Offset of the mention (name or pronoun) in `text`."})
    end = fields.Integer()


class CheckedQuoteSchema(Schema):
    text = Str(metadata={"description": "The quoted words: `text[start:end]` of the answer."})
    start = fields.Integer()
    end = fields.Integer()
    speaker = fields.Nested(SpeakerMentionSchema, allow_none=True)
    location = Str(allow_none=True, metadata={"description": "Where it was said, per the article."})
    date = Str(allow_none=True, metadata={"description": "When it was said, per the article "
                                                          "(2025-09-03, 2025-09 or 2025)."})
    too_short = fields.Boolean(metadata={
        "description": "A fragment of three words or fewer that the article does not attribute "
                       "directly (`called the plan \"inadequate\"`): listed so that every quote is "
                       "shown, never searched for; its verification is `unverified` with reason "
                       "`too_short`."})
    verification = fields.Nested(VerdictSchema, metadata={
        "description": "The same answer POST /api/v1/verify gives for this quote, speaker, date "
                       "and place (for a `too_short` fragment: unverified, reason too_short, no "
                       "search)."})


class SummarySchema(Schema):
    verified = fields.Integer()
    mismatch = fields.Integer()
    unverified = fields.Integer()


class ArticleCheckResultSchema(Schema):
    text = Str(metadata={"description": "The plain text the offsets refer to (the text sent, or "
                                        "the text extracted from the html)."})
    quotes = fields.List(fields.Nested(CheckedQuoteSchema))
    summary = fields.Nested(SummarySchema)


# --- ingestion --------------------------------------------------------------------------


class IngestSchema(Schema):
    """A trusted report or transcript whose quotes join the canonical store."""

    url = Str(allow_none=True, validate=[validate.Length(max=2000), _url], metadata={
        "description": "Alone: the page to fetch (HTML or plain text). With text or html: "
                       "the source's address, not fetched.",
        "example": "https://www.aa.com.tr/en/russia-ukraine-war/..."})
    text = _text()
    html = _html()
    publisher = Str(allow_none=True, validate=validate.Length(max=300), metadata={
        "example": "Anadolu Agency"})
    title = Str(allow_none=True, validate=validate.Length(max=1000))
    published_at = _published()
    language = Str(allow_none=True, validate=[
        validate.Length(max=20),
        validate.Regexp(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", error="Use a language tag such as en or pt-BR."),
    ], metadata={"description": "The language of the quotes (stored with each)."})
    auto_approve = StrictBoolean(load_default=False, metadata={
        "description": "Store the quotes approved (matched by verification at once) instead of "
                       "pending_review."})

    @validates_schema
    def _one_body(self, data: dict, **_: Any) -> None:
        _text_or_html(data, url_alone=True)
        if not any((data.get(k) or "").strip() for k in ("url", "publisher", "title")):
            raise ValidationError("Say where the quotes come from: a url, a publisher or a title.", "url")

    @post_load
    def _trim(self, data: dict, **_: Any) -> dict:
        for k in ("url", "publisher", "title", "published_at", "language"):
            if isinstance(data.get(k), str):
                data[k] = data[k].strip() or None
        return data


class IngestSourceSchema(Schema):
    url = Str(allow_none=True)
    publisher = Str(allow_none=True)
    title = Str(allow_none=True)
    published_at = Str(allow_none=True)


class SkippedQuoteSchema(Schema):
    text = Str()
    start = fields.Integer()
    end = fields.Integer()
    speaker = Str(allow_none=True, validate=validate.Length(max=NAME_MAX))
    reason = Str(metadata={"description": "no_speaker, too_short, too_long, ambiguous_speaker or "
                                          "repeated (the same words earlier in this source)"})
    message = Str()


class IngestResultSchema(Schema):
    source = fields.Nested(IngestSourceSchema, metadata={
        "description": "The source attached to every quote (for a fetched page: the final URL, "
                       "and the page's own title, site name and date where not given)."})
    created = fields.List(fields.Nested(QuoteSchema), metadata={"description": "Quotes stored now."})
    existing = fields.List(fields.Nested(QuoteSchema), metadata={
        "description": "Quotes already on record (same speaker, same words): not stored again; "
                       "this source is added to their sources if it was missing."})
    skipped = fields.List(fields.Nested(SkippedQuoteSchema))
