"""Schemas of source records and transcripts (``/api/v1/sources``).

Kept apart from ``schemas.py`` and ``article_schemas.py`` like those two are
from each other; shared field types come from there.
"""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from .article_schemas import ARTICLE_TEXT_MAX, _published
from .schemas import NAME_MAX, PageArgsSchema, Str, StrictBoolean, _spoken_at, _url, nonblank

_SPEAKER_NAME = Str(validate=nonblank(NAME_MAX))


class TranscriptSchema(Schema):
    """A transcript or the full text of remarks, for the record."""

    kind = Str(load_default="transcript", validate=validate.OneOf(["transcript"]), metadata={
        "description": "What the text is: a transcript (also a single speaker's remarks as delivered)."})
    text = Str(allow_none=True, validate=validate.Length(max=ARTICLE_TEXT_MAX), metadata={
        "description": f"The transcript as plain text (at most {ARTICLE_TEXT_MAX:,} characters), one "
                       "paragraph per line; a speaker label and a colon start a speaker's turn.",
        "example": "PUTIN: I have never refused this.\nQ: Will you meet him?\nPUTIN: If he is ready, "
                   "let him come to Moscow."})
    html = Str(allow_none=True, metadata={"description": "The transcript as HTML; its text is extracted."})
    url = Str(allow_none=True, validate=[validate.Length(max=2000), _url], metadata={
        "description": "Alone: the page to fetch (HTML or plain text). With text or html: where the "
                       "transcript was published, not fetched."})
    title = Str(allow_none=True, validate=validate.Length(max=1000))
    publisher = Str(allow_none=True, validate=validate.Length(max=300), metadata={"example": "Kremlin"})
    published_at = _published()
    spoken_at = Str(allow_none=True, validate=[validate.Length(max=40), _spoken_at], metadata={
        "description": "When it was said (every quote gets it): 2025-09-03, or an ISO timestamp with offset.",
        "example": "2025-09-03"})
    location = Str(allow_none=True, validate=validate.Length(max=300), metadata={"example": "Beijing, China"})
    event = Str(allow_none=True, validate=validate.Length(max=500), metadata={"example": "News conference"})
    language = Str(allow_none=True, validate=[
        validate.Length(max=20),
        validate.Regexp(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", error="Use a language tag such as en or pt-BR."),
    ])
    speaker = Str(allow_none=True, validate=nonblank(NAME_MAX), metadata={
        "description": "Whose remarks these are: the speaker of text before any label (a single "
                       "speaker's remarks), and of labels that fit the name (PUTIN, President Putin).",
        "example": "Vladimir Putin"})
    speakers = fields.Dict(keys=Str(validate=validate.Length(min=1, max=100)), values=_SPEAKER_NAME,
                           validate=validate.Length(max=200), metadata={
                               "description": "Who each label is: {\"LABEL\": \"Full Name\"} (case and a final "
                                              "dot aside). Labels not listed are resolved through stored "
                                              "speakers and aliases.",
                               "example": {"MODERATOR": "Lester Holt", "THE PRESIDENT": "Barack Obama"}})
    review = StrictBoolean(load_default=False, metadata={
        "description": "Store the quotes as pending_review (matched only once approved) instead of approved."})

    @validates_schema
    def _body(self, data: dict, **_: Any) -> None:
        given = [k for k in ("text", "html") if data.get(k) is not None]
        if len(given) > 1:
            raise ValidationError("Send the transcript as text or as html, not both.", "html")
        if not given and not data.get("url"):
            raise ValidationError("Send the transcript: text, html or url.", "text")
        if not any((data.get(k) or "").strip() for k in ("url", "publisher", "title")):
            raise ValidationError("Say where the transcript comes from: a url, a publisher or a title.", "url")

    @post_load
    def _trim(self, data: dict, **_: Any) -> dict:
        for k in ("url", "publisher", "title", "published_at", "spoken_at", "location", "event", "language",
                  "speaker"):
            if isinstance(data.get(k), str):
                data[k] = " ".join(data[k].split()) or None
        return data


class SourceSummarySchema(Schema):
    id = fields.Integer()
    url = Str(allow_none=True)
    publisher = Str(allow_none=True)
    title = Str(allow_none=True)
    published_at = Str(allow_none=True)
    kind = Str(allow_none=True, metadata={"description": "transcript, or null for a source quotes only cite"})
    spoken_at = Str(allow_none=True)
    location = Str(allow_none=True)
    event = Str(allow_none=True)
    language = Str(allow_none=True)
    quote_count = fields.Integer(metadata={"description": "Quotes citing this source (retracted ones too)."})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class SourceQuoteSchema(Schema):
    id = fields.Integer()
    text = Str()
    speaker = Str()
    speaker_id = fields.Integer()
    status = Str()
    position = fields.Integer(allow_none=True, metadata={
        "description": "Its place in the source's order (gaps: what someone unnamed said, or a skipped "
                       "speaker); null for a quote that only cites the source."})
    start = fields.Integer(allow_none=True, attribute="doc_start",
                           metadata={"description": "Offset of the quote in `document`."})
    end = fields.Integer(allow_none=True, attribute="doc_end")


class SourceListItemSchema(SourceSummarySchema):
    quotes = fields.List(fields.Nested(SourceQuoteSchema), metadata={
        "description": "Only with the `url` filter: the source's quotes in order."})


class SourceDetailSchema(SourceSummarySchema):
    document = Str(allow_none=True, metadata={"description": "The transcript's text as stored."})
    quotes = fields.List(fields.Nested(SourceQuoteSchema), metadata={"description": "In order, a page of them."})
    page = fields.Integer()
    per_page = fields.Integer()


class SourceListArgsSchema(PageArgsSchema):
    url = Str(validate=validate.Length(max=2000), metadata={
        "description": "The source with this URL (exactly, or with or without a final slash), with its "
                       "quotes in order."})
    q = Str(validate=validate.Length(max=300), metadata={"description": "Words of the title or publisher."})
    kind = Str(validate=validate.OneOf(["transcript"]))


class SourceQuotesArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000), metadata={
        "description": "Quotes per page (the document is always whole)."})


SourcePageSchema = Schema.from_dict({
    "items": fields.List(fields.Nested(SourceListItemSchema)), **{k: fields.Integer() for k in
                                                                  ("total", "page", "per_page", "pages")}},
    name="SourcePage")


class SpeakerCountSchema(Schema):
    speaker = Str()
    speaker_id = fields.Integer()
    labels = fields.List(Str(), metadata={"description": "The labels resolved to this speaker."})
    quotes = fields.Integer(metadata={"description": "Quotes stored (one per sentence)."})


class SkippedSchema(Schema):
    reason = Str(metadata={"description": "unnamed_speaker, unknown_speaker, ambiguous_speaker, no_speaker, "
                                          "stage_direction, heading or too_long"})
    label = Str(allow_none=True)
    count = fields.Integer()
    message = Str()
    examples = fields.List(Str(), metadata={"description": "The first few of them."})


class TranscriptResultSchema(Schema):
    source = fields.Nested(SourceSummarySchema)
    status = Str(metadata={"description": "approved, or pending_review with review: true"})
    stored = fields.Integer(metadata={"description": "Quotes stored."})
    speakers = fields.List(fields.Nested(SpeakerCountSchema))
    skipped = fields.List(fields.Nested(SkippedSchema))
