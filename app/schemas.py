"""Marshmallow schemas: what the API accepts and answers.

They validate input (every rejection is a 422 with the field's message) and
generate the OpenAPI document served at ``/docs``. Input schemas reject
unknown fields, so a CMS plugin's typo (``speakr``) is an error, not a silent
omission.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, pre_dump, validate, validates, validates_schema

from .models import APPROVED, PENDING_REVIEW, RETRACTED
from .when import parse_spoken_at

TEXT_MAX = 10_000


class Str(fields.String):
    """A string field that refuses NUL characters.

    PostgreSQL cannot store them, and no quote, name or place contains one;
    refusing them here gives a 422 on both databases instead of an error deep
    in the driver.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        out = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in out:
            raise ValidationError("Must not contain NUL characters.")
        return out
NAME_MAX = 200


def not_blank(value: str) -> None:
    if value is None or not str(value).strip():
        raise ValidationError("Must not be blank.")


def _spoken_at(value: str | None) -> None:
    if value is None:
        return
    try:
        parse_spoken_at(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


_PUBLISHED = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$")


def _published_at(value: str | None) -> None:
    if value is None:
        return
    v = value.strip()
    if not _PUBLISHED.match(v):
        raise ValidationError("Use an ISO date or timestamp (2025-09-04 or 2025-09-04T10:00:00Z).")
    try:
        if len(v) >= 10:
            dt.date.fromisoformat(v[:10])
        if len(v) == 7:
            dt.date.fromisoformat(v + "-01")
    except ValueError:
        raise ValidationError("Not a real date.") from None


def _url(value: str | None) -> None:
    if value is None:
        return
    if not re.match(r"^https?://\S+$", value.strip(), re.IGNORECASE):
        raise ValidationError("Must be an http(s) URL.")


def _strip(data: dict[str, Any], *names: str) -> None:
    for n in names:
        if isinstance(data.get(n), str):
            data[n] = data[n].strip() or None


# --- sources ---------------------------------------------------------------------


class SourceSchema(Schema):
    url = Str(allow_none=True, validate=[validate.Length(max=2000), _url],
                        metadata={"example": "https://www.aa.com.tr/en/..."})
    publisher = Str(allow_none=True, validate=validate.Length(max=300),
                              metadata={"example": "Anadolu Agency"})
    title = Str(allow_none=True, validate=validate.Length(max=1000))
    published_at = Str(allow_none=True, validate=_published_at,
                                 metadata={"example": "2025-09-04"})

    @validates_schema
    def _something(self, data: dict, **_: Any) -> None:
        if not any(data.get(k) for k in ("url", "publisher", "title")):
            raise ValidationError("A source needs at least a url, a publisher or a title.")


class SourceRefSchema(Schema):
    """One of a quote's sources, as the quote cites it (dumped from its link)."""

    id = fields.Integer(metadata={"description": "The source record: GET /api/v1/sources/{id}."})
    url = Str(allow_none=True)
    publisher = Str(allow_none=True)
    title = Str(allow_none=True)
    published_at = Str(allow_none=True)
    position = fields.Integer(allow_none=True, metadata={
        "description": "The quote's place in the source's sequence (1 = first said), or null when the "
                       "source keeps no order (a report quoting it)."})

    @pre_dump
    def _from_link(self, link: Any, **_: Any) -> dict:
        s = link.source
        return {"id": s.id, "url": s.url, "publisher": s.publisher, "title": s.title,
                "published_at": s.published_at, "position": link.position}


# --- quotes ----------------------------------------------------------------------

_QUOTE_FIELDS_DOC = {
    "spoken_at": "When it was said: 2025-09-03, 2025-09, 2025, or an ISO timestamp with offset.",
    "location": "Where it was said, as free text (\"Beijing, China\").",
}


class QuoteCreateSchema(Schema):
    """A canonical quote to store."""

    text = Str(required=True, validate=[validate.Length(max=TEXT_MAX), not_blank],
                         metadata={"example": "Ultimately, if Zelenskyy is ready, let him come to Moscow"})
    speaker = Str(required=True,
                            validate=[validate.Length(max=NAME_MAX), not_blank],
                            metadata={"description": "A name; resolved through stored names and "
                                                     "aliases, or a new speaker is created.",
                                      "example": "Vladimir Putin"})
    spoken_at = Str(allow_none=True, validate=[validate.Length(max=40), _spoken_at],
                              metadata={"description": _QUOTE_FIELDS_DOC["spoken_at"],
                                        "example": "2025-09-03"})
    location = Str(allow_none=True, validate=validate.Length(max=300),
                             metadata={"description": _QUOTE_FIELDS_DOC["location"],
                                       "example": "Beijing, China"})
    event = Str(allow_none=True, validate=validate.Length(max=500))
    language = Str(allow_none=True, validate=[
        validate.Length(max=20),
        validate.Regexp(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", error="Use a language tag such as en or pt-BR."),
    ])
    context = Str(allow_none=True, validate=validate.Length(max=TEXT_MAX))
    sources = fields.List(fields.Nested(SourceSchema), validate=validate.Length(max=50))
    status = Str(validate=validate.OneOf([APPROVED, PENDING_REVIEW]),
                           metadata={"description": "approved (default) or pending_review; "
                                                    "only approved quotes are matched."})

    @post_load
    def _trim(self, data: dict, **_: Any) -> dict:
        _strip(data, "spoken_at", "location", "event", "language", "context")
        return data


class QuoteUpdateSchema(QuoteCreateSchema):
    """Fields to change; anything left out stays as it is."""

    text = Str(validate=[validate.Length(max=TEXT_MAX), not_blank])
    speaker = Str(validate=[validate.Length(max=NAME_MAX), not_blank])


class PlaceSchema(Schema):
    name = Str(allow_none=True)
    kind = Str(allow_none=True, metadata={"example": "city"})
    city = Str(allow_none=True)
    region = Str(allow_none=True)
    region_code = Str(allow_none=True)
    country_code = Str(allow_none=True)
    country = Str(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class WhenSchema(Schema):
    start = fields.Date()
    end = fields.Date()
    precision = Str(metadata={"description": "year, month, day or timestamp"})
    tz_offset = Str(allow_none=True)


class QuoteSchema(Schema):
    """A stored quote (dumped from the database row)."""

    id = fields.Integer()
    text = Str()
    speaker = fields.Function(lambda q: q.speaker.name, metadata={"type": "string"})
    speaker_id = fields.Integer()
    spoken_at = Str(allow_none=True)
    when = fields.Method("_when", metadata={"description": "The span of days spoken_at covers."})
    location = Str(allow_none=True)
    place = fields.Method("_place", metadata={"description": "What the gazetteer resolved, or null."})
    event = Str(allow_none=True)
    language = Str(allow_none=True)
    context = Str(allow_none=True)
    sources = fields.List(fields.Nested(SourceRefSchema), attribute="source_links")
    status = Str()
    retraction_reason = Str(allow_none=True)
    retracted_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def _when(self, q: Any) -> dict | None:
        if q.spoken_on_start is None:
            return None
        return {
            "start": q.spoken_on_start.isoformat(),
            "end": q.spoken_on_end.isoformat() if q.spoken_on_end else None,
            "precision": q.date_precision,
            "tz_offset": q.tz_offset,
        }

    def _place(self, q: Any) -> dict | None:
        if not (q.place_name or q.city or q.country_code):
            return None
        return {
            "name": q.place_name, "kind": q.place_kind, "city": q.city, "region": q.region,
            "region_code": q.region_code, "country_code": q.country_code, "country": q.country,
            "lat": q.lat, "lon": q.lon,
        }


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class QuoteListArgsSchema(PageArgsSchema):
    speaker = Str(metadata={"description": "Speaker name or alias (or numeric id)."})
    q = Str(validate=validate.Length(max=1000),
                      metadata={"description": "Words the quote contains (all of them)."})
    from_ = Str(data_key="from", validate=_spoken_at,
                          metadata={"description": "Said on or after (2025, 2025-09, 2025-09-03)."})
    to = Str(validate=_spoken_at, metadata={"description": "Said on or before."})
    location = Str(validate=validate.Length(max=300),
                             metadata={"description": "Place: matches the location text, city, "
                                                      "region, country or country code."})
    status = Str(validate=validate.OneOf([APPROVED, PENDING_REVIEW, RETRACTED, "all"]),
                           metadata={"description": "Default: every quote that is not retracted."})


class QuotePageSchema(Schema):
    items = fields.List(fields.Nested(QuoteSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()


class RetractSchema(Schema):
    reason = Str(validate=[validate.Length(max=2000), not_blank],
                           metadata={"description": "Why the quote is retracted (required, "
                                                    "in the JSON body or the query string)."})


class ApiKeyRefSchema(Schema):
    id = fields.Integer()
    name = Str()
    prefix = Str()


class RevisionSchema(Schema):
    revision = fields.Integer()
    action = Str(metadata={"description": "create, update or retract"})
    changes = fields.Dict(metadata={"description": "field -> {before, after}"})
    created_at = fields.DateTime()
    api_key = fields.Nested(ApiKeyRefSchema, allow_none=True)


class ImportErrorSchema(Schema):
    line = fields.Integer()
    errors = fields.Dict()


class ImportResultSchema(Schema):
    imported = fields.Integer()
    errors = fields.List(fields.Nested(ImportErrorSchema))


# --- speakers --------------------------------------------------------------------

_alias = Str(validate=[validate.Length(max=NAME_MAX), not_blank])


class SpeakerCreateSchema(Schema):
    name = Str(required=True, validate=[validate.Length(max=NAME_MAX), not_blank],
                         metadata={"example": "Vladimir Putin"})
    aliases = fields.List(_alias, validate=validate.Length(max=100),
                          metadata={"example": ["Russian President Vladimir Putin"]})
    description = Str(allow_none=True, validate=validate.Length(max=2000))
    wikidata_id = Str(allow_none=True, validate=validate.Regexp(
        r"^Q[1-9][0-9]*$", error="A Wikidata id looks like Q7747."))


class SpeakerUpdateSchema(SpeakerCreateSchema):
    name = Str(validate=[validate.Length(max=NAME_MAX), not_blank])
    aliases = fields.List(_alias, validate=validate.Length(max=100),
                          metadata={"description": "Replaces the list of aliases."})
    add_aliases = fields.List(_alias, validate=validate.Length(max=100))
    remove_aliases = fields.List(_alias, validate=validate.Length(max=100))

    @validates_schema
    def _one_way(self, data: dict, **_: Any) -> None:
        if "aliases" in data and ("add_aliases" in data or "remove_aliases" in data):
            raise ValidationError("Send aliases (replace) or add_aliases/remove_aliases, not both.")


class SpeakerSchema(Schema):
    id = fields.Integer()
    name = Str()
    aliases = fields.Function(lambda s: s.alias_names, metadata={"type": "array", "items": {"type": "string"}})
    description = Str(allow_none=True)
    wikidata_id = Str(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class SpeakerListArgsSchema(PageArgsSchema):
    q = Str(validate=validate.Length(max=NAME_MAX),
                      metadata={"description": "A name or alias (or part of one, like a surname)."})


class SpeakerPageSchema(Schema):
    items = fields.List(fields.Nested(SpeakerSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()


# --- verification ----------------------------------------------------------------


class VerifySchema(Schema):
    """A quote as someone claims it was said."""

    text = Str(required=True, validate=[validate.Length(max=TEXT_MAX), not_blank],
                         metadata={"example": "if Zelenskyy is ready, let him come to Moscow"})
    speaker = Str(allow_none=True, validate=validate.Length(max=NAME_MAX),
                            metadata={"example": "Putin"})
    date = Str(allow_none=True, validate=validate.Length(max=100),
                         metadata={"description": "When it was said, as written: 2025-09-03, "
                                                  "September 2025, on Wednesday...",
                                   "example": "2025-09-03"})
    location = Str(allow_none=True, validate=validate.Length(max=300),
                             metadata={"example": "Paris"})
    reference_date = fields.Date(allow_none=True, metadata={
        "description": "Anchors relative dates (\"on Wednesday\"), e.g. the article's "
                       "publication date. Default: today."})

    @post_load
    def _trim(self, data: dict, **_: Any) -> dict:
        _strip(data, "speaker", "date", "location")
        return data


class IssueSchema(Schema):
    type = Str(metadata={"description": "misattributed, altered_wording, wrong_date, wrong_location, or "
                                        "spliced (a passage that is not one person's single remark)"})
    claimed = fields.Raw()
    canonical = fields.Raw()
    message = Str()


class DiffOpSchema(Schema):
    op = Str(metadata={"description": "equal, substitute, insert or delete"})
    claimed = Str()
    canonical = Str()
    gap = fields.Boolean()
    editorial = fields.Boolean()


class TextMatchSchema(Schema):
    status = Str(metadata={"description": "exact, normalized, fragment or altered"})
    score = fields.Float()
    coverage = fields.Float()
    diff = fields.List(fields.Nested(DiffOpSchema))
    flags = fields.List(Str())
    claimed_words = fields.Integer()


class FieldCheckSchema(Schema):
    status = Str(metadata={"description": "match, mismatch, ambiguous, not_claimed, "
                                                    "unparseable or unknown"})
    claimed = Str(allow_none=True)
    canonical = Str(allow_none=True)
    message = Str(allow_none=True)


class PassageSchema(Schema):
    source_id = fields.Integer()
    quote_ids = fields.List(fields.Integer(), metadata={"description": "The passage's quotes, in order."})
    text = Str(metadata={"description": "The passage on record: its quotes' words joined."})


class ContextSchema(Schema):
    source_id = fields.Integer()
    url = Str(allow_none=True)
    title = Str(allow_none=True)
    publisher = Str(allow_none=True)
    before = Str(metadata={"description": "The sentence or two said just before the matched words "
                                          "(speaker labels and questions included, as in the document)."})
    after = Str(metadata={"description": "The sentence or two said just after."})


class MatchSchema(Schema):
    quote = fields.Nested(QuoteSchema, metadata={"description": "The quote on record (a passage's first)."})
    score = fields.Float(metadata={"description": "0-100"})
    text = fields.Nested(TextMatchSchema, metadata={
        "description": "The claimed words against the quote's, or the whole passage's."})
    speaker = fields.Nested(FieldCheckSchema)
    date = fields.Nested(FieldCheckSchema)
    location = fields.Nested(FieldCheckSchema)
    passage = fields.Nested(PassageSchema, allow_none=True, metadata={
        "description": "When the claimed words run across consecutive quotes of one source: those "
                       "quotes; the text, diff and issues are the whole passage's. Else null."})
    context = fields.Nested(ContextSchema, allow_none=True, metadata={
        "description": "What was said around the matched words, when the record has the source's "
                       "document or sequence; else null."})


class VerdictSchema(Schema):
    verdict = Str(metadata={"description": "verified, mismatch or unverified"})
    issues = fields.List(fields.Nested(IssueSchema))
    match = fields.Nested(MatchSchema, allow_none=True)
    alternatives = fields.List(fields.Nested(MatchSchema))
    reason = Str(metadata={"description": "Why a found quote is not verified (too_short)."})
    message = Str()


class BatchVerifySchema(Schema):
    claims = fields.List(fields.Raw(metadata={"type": "object"}), required=True,
                         metadata={"description": "Up to 100 verify bodies (see POST /api/v1/verify). "
                                                  "An invalid claim gets an error entry in its place."})

    @validates("claims")
    def _size(self, value: list, **_: Any) -> None:
        from flask import current_app

        limit = current_app.config["BATCH_MAX_CLAIMS"]
        if not value:
            raise ValidationError("Send at least one claim.")
        if len(value) > limit:
            raise ValidationError(f"At most {limit} claims per batch (got {len(value)}).")


class BatchResultSchema(Schema):
    results = fields.List(fields.Raw(metadata={"type": "object"}), metadata={
        "description": "One verify answer per claim, in order; an invalid claim gives "
                       "{code, status, message, errors} in its place."})


# --- health and keys -------------------------------------------------------------


class HealthSchema(Schema):
    status = Str(metadata={"example": "ok"})
    database = Str(metadata={"example": "sqlite"})
    quotes = fields.Integer()


SCOPES = ("read", "write", "admin")


class ApiKeyCreateSchema(Schema):
    name = Str(required=True, validate=[validate.Length(max=200), not_blank])
    scopes = fields.List(Str(validate=validate.OneOf(SCOPES)), load_default=lambda: ["read"],
                         validate=validate.Length(min=1))


class ApiKeySchema(Schema):
    id = fields.Integer()
    name = Str()
    prefix = Str()
    scopes = fields.Function(lambda k: k.scope_list, metadata={"type": "array", "items": {"type": "string"}})
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class ApiKeyCreatedSchema(ApiKeySchema):
    key = Str(metadata={"description": "The key itself. Shown once; store it now."})
