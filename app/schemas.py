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
from .when import FORMATS_HELP, check_anchor, parse_spoken_at, parse_timestamp

TEXT_MAX = 10_000


def storable_text(value: str) -> bool:
    """False for text with a lone UTF-16 surrogate (JSON's ``"\\ud800"``),
    which neither database can store."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Str(fields.String):
    """A string field that refuses NUL characters and lone surrogates.

    PostgreSQL cannot store NUL, neither database can store a lone UTF-16
    surrogate (JSON's ``"\\ud800"``), and no quote, name or place contains
    one; refusing them here gives a 422 on both databases instead of an
    error deep in the driver.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not any(hasattr(v, "regex") for v in self.validators):
            self.validators.append(no_nul)  # what the document says of any string

    def _deserialize(self, value, attr, data, **kwargs):
        out = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in out:
            raise ValidationError("Must not contain NUL characters.")
        if not storable_text(out):
            raise ValidationError("Must be valid Unicode text (it holds a lone UTF-16 surrogate).")
        return out


NAME_MAX = 200


# --- validators the OpenAPI document describes -----------------------------------
#
# apispec writes a validator's ``regex`` into the document as the field's
# ``pattern``: each check below carries the pattern of exactly what it
# accepts (as JSON Schema reads a pattern: a search), so the document tells
# a client, and schemathesis, the truth. What a pattern cannot say (30
# February) is in the field's description.

# Whitespace as Python's str.strip() sees it, spelled out: "\\s" means
# less in the document's (ECMA) patterns than in Python's.
WS = "[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
NOT_WS = "[^\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\x00]"
_YEAR = r"(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
_MONTH = r"(0[1-9]|1[0-2])"
# Month and day together (29 February is left to the check).
_MONTH_DAY = r"((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-9]))"
_CLOCK = r"[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?"
_OFFSET = r"(Z|[+-]((0[0-9]|1[0-3]):?[0-5][0-9]|14:?00))"
SPOKEN_AT_PATTERN = rf"^{WS}*{_YEAR}(-{_MONTH}|-{_MONTH_DAY}({_CLOCK}{_OFFSET})?)?{WS}*$"
PUBLISHED_AT_PATTERN = rf"^{WS}*{_YEAR}(-{_MONTH}|-{_MONTH_DAY}({_CLOCK}{_OFFSET}?)?)?{WS}*$"
URL_PATTERN = rf"^{WS}*[hH][tT][tT][pP][sS]?://{NOT_WS}+{WS}*$"
# Dates that may anchor relative ones (app.when.ANCHOR_MIN..ANCHOR_MAX).
ANCHOR_YEAR = r"(0[1-9][0-9]{2}|[1-8][0-9]{3}|9[0-8][0-9]{2})"
ANCHOR_DATE_PATTERN = rf"^{ANCHOR_YEAR}-{_MONTH_DAY}$"
ANCHOR_TIMESTAMP_PATTERN = rf"^{WS}*{ANCHOR_YEAR}-{_MONTH_DAY}({_CLOCK}{_OFFSET}?)?{WS}*$"


class Documented:
    """A validator that the document describes by its pattern: a value must
    match the pattern (as the document says), then pass ``check``."""

    def __init__(self, pattern: str, check: Any, error: str = "Invalid value.") -> None:
        self.regex = re.compile(pattern)
        self.check = check
        self.error = error

    def __call__(self, value: Any) -> Any:
        if value is not None:
            if isinstance(value, str) and not self.regex.search(value):
                self.check(value)  # the check's own message, where it has one
                raise ValidationError(self.error)
            self.check(value)
        return value


class NonBlank(validate.Length):
    """1 to ``max`` characters, not all spaces: the document says ``minLength``
    1 and a pattern (a character that is not a space, and no NUL)."""

    regex = re.compile(rf"^[^\x00]*{NOT_WS}[^\x00]*$")

    def __init__(self, max: int) -> None:  # noqa: A002 - Length's own name
        super().__init__(min=1, max=max)

    def __call__(self, value: str) -> str:
        if not str(value).strip():
            raise ValidationError("Must not be blank.")
        return super().__call__(value)


# Any text without NUL (Str refuses it).
no_nul = Documented(r"^[^\x00]*$", lambda value: None, "Must not contain NUL characters.")


def nonblank(max_length: int) -> list:
    """Validators of a required text: 1 to ``max_length`` characters, not all spaces."""
    return [NonBlank(max_length)]


def _check_spoken_at(value: str) -> None:
    try:
        parse_spoken_at(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


_spoken_at = Documented(SPOKEN_AT_PATTERN, _check_spoken_at, FORMATS_HELP)


_PUBLISHED = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$")


def _check_published_at(value: str) -> None:
    v = value.strip()
    if not _PUBLISHED.match(v):
        raise ValidationError("Use an ISO date or timestamp (2025-09-04 or 2025-09-04T10:00:00Z).")
    try:
        if len(v) > 10:
            parse_timestamp(v)
        elif len(v) == 10:
            dt.date.fromisoformat(v)
        elif len(v) == 7:
            dt.date.fromisoformat(v + "-01")
    except ValueError:
        raise ValidationError("Not a real date and time (hours 00-23, offsets -12:00 to +14:00).") from None


_published_at = Documented(PUBLISHED_AT_PATTERN, _check_published_at,
                           "Use an ISO date or timestamp (2025-09-04 or 2025-09-04T10:00:00Z).")


def _check_anchor(value: dt.date) -> None:
    try:
        check_anchor(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


_anchor = Documented(ANCHOR_DATE_PATTERN, _check_anchor)


def _check_url(value: str) -> None:
    if not re.match(r"^https?://\S+$", value.strip(), re.IGNORECASE):
        raise ValidationError("Must be an http(s) URL.")


_url = Documented(URL_PATTERN, _check_url, "Must be an http(s) URL.")


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

    text = Str(required=True, validate=nonblank(TEXT_MAX),
                         metadata={"example": "Ultimately, if Zelenskyy is ready, let him come to Moscow"})
    speaker = Str(required=True,
                            validate=nonblank(NAME_MAX),
                            metadata={"description": "A name; resolved through stored names and "
                                                     "aliases, or a new speaker is created.",
                                      "example": "Vladimir Putin"})
    speaker_gender = Str(allow_none=True, load_only=True, validate=validate.OneOf(["female", "male"]),
                         metadata={"description": "Records the speaker's gender (female or male) when the "
                                                  "record has none; a 409 if it contradicts the record. "
                                                  "See the speaker's gender."})
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

    text = Str(validate=nonblank(TEXT_MAX))
    speaker = Str(validate=nonblank(NAME_MAX))


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
    reason = Str(validate=nonblank(2000),
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
    api_key = fields.Nested(ApiKeyRefSchema, allow_none=True, metadata={
        "description": "The key that made the change (shown to write keys; null to everyone else)."})


class ImportErrorSchema(Schema):
    line = fields.Integer()
    errors = fields.Dict()


class ImportResultSchema(Schema):
    imported = fields.Integer(metadata={"description": "Quotes stored (all valid lines, in one transaction)."})
    rejected = fields.Integer(metadata={"description": "Invalid lines, skipped (all of them)."})
    errors = fields.List(fields.Nested(ImportErrorSchema), metadata={
        "description": "The first 1,000 rejected lines by line number, with what is wrong with each."})


# --- speakers --------------------------------------------------------------------

_alias = Str(validate=nonblank(NAME_MAX))


class RoleSchema(Schema):
    """An office a speaker held, with the dates they held it (either may be
    open; an end before the start is a 422)."""

    title = Str(required=True, validate=nonblank(NAME_MAX),
                metadata={"example": "President of the United States"})
    start = fields.Date(allow_none=True, metadata={"example": "2009-01-20"})
    end = fields.Date(allow_none=True, metadata={"example": "2017-01-20"})

    @validates_schema
    def _in_order(self, data: dict, **_: Any) -> None:
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("A role cannot end before it starts.", "end")


GENDER_HELP = ("female or male, as the record knows it; null when not recorded (the engine then reads it "
               "from the first name only where the name leaves no doubt). Honorifics in claims "
               "(Mrs., Ms., Mr.) are checked against it.")


class SpeakerCreateSchema(Schema):
    name = Str(required=True, validate=nonblank(NAME_MAX),
                         metadata={"example": "Vladimir Putin"})
    gender = Str(allow_none=True, validate=validate.OneOf(["female", "male"]),
                 metadata={"description": GENDER_HELP})
    roles = fields.List(fields.Nested(RoleSchema), validate=validate.Length(max=50),
                        metadata={"description": "Offices held, with dates. A claimed role (\"President "
                                                 "Obama\") is checked against them and against the aliases."})
    aliases = fields.List(_alias, validate=validate.Length(max=100),
                          metadata={"example": ["Russian President Vladimir Putin"]})
    description = Str(allow_none=True, validate=validate.Length(max=2000))
    wikidata_id = Str(allow_none=True, validate=validate.Regexp(
        r"^Q[1-9][0-9]*$", error="A Wikidata id looks like Q7747."))


class SpeakerUpdateSchema(SpeakerCreateSchema):
    name = Str(validate=nonblank(NAME_MAX))
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
    gender = Str(allow_none=True, metadata={"description": GENDER_HELP})
    roles = fields.Function(lambda s: s.roles or [], metadata={
        "type": "array", "items": {"type": "object", "properties": {
            "title": {"type": "string"}, "start": {"type": "string", "format": "date", "nullable": True},
            "end": {"type": "string", "format": "date", "nullable": True}}}})
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

    text = Str(required=True, validate=nonblank(TEXT_MAX),
                         metadata={"example": "if Zelenskyy is ready, let him come to Moscow"})
    speaker = Str(allow_none=True, validate=validate.Length(max=NAME_MAX),
                            metadata={"example": "Putin"})
    date = Str(allow_none=True, validate=validate.Length(max=100),
                         metadata={"description": "When it was said, as written: 2025-09-03, "
                                                  "September 2025, on Wednesday... A timestamp with a UTC "
                                                  "offset (2025-09-04T01:30:00Z) is compared on the local "
                                                  "calendar of the place where the record says it was said.",
                                   "example": "2025-09-03"})
    location = Str(allow_none=True, validate=validate.Length(max=300),
                             metadata={"example": "Paris"})
    reference_date = fields.Date(allow_none=True, validate=_anchor, metadata={
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
    editorial = fields.Boolean(metadata={"description": (
        "The step is the editor's and does not count as alteration: bracketed words in either "
        "text, and the record's words a bracket in the claim stands for. A bracket that may "
        "not stand for them (more than three words, a negation, a number, another name) is "
        "not editorial.")})


class TextNoteSchema(Schema):
    type = Str(metadata={"description": "name_spelling (a name spelled otherwise than on record) "
                                        "or bracket (what a bracket in the claim stands for)"})
    claimed = Str()
    canonical = Str()
    message = Str(metadata={"description": "A sentence to paste, e.g. "
                                           "\u201cZelensky\u201d is spelled \u201cZelenskyy\u201d on record."})


class TextMatchSchema(Schema):
    status = Str(metadata={"description": "exact, normalized, fragment or altered"})
    score = fields.Float()
    coverage = fields.Float()
    diff = fields.List(fields.Nested(DiffOpSchema))
    flags = fields.List(Str(), metadata={"description": "Meaning-changing edits: negation, number, name"})
    claimed_words = fields.Integer()
    notes = fields.List(fields.Nested(TextNoteSchema), metadata={"description": (
        "What an editor should know that does not alter the quote: a name in another "
        "spelling, what a bracket stands for.")})


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
    reason = Str(metadata={
        "description": "Why a found quote is not verified: too_short (three words or fewer, not narrowed "
                       "down); ambiguous_speaker (the claimed name fits several stored speakers); "
                       "unchecked_speaker (a role or honorific the record cannot confirm); unchecked_date "
                       "(a date that cannot be read, or a record without one); unchecked_place (a place "
                       "that cannot be placed, or a record without one). \"verified\" means every "
                       "claimed field was checked.",
        "enum": ["too_short", "ambiguous_speaker", "unchecked_speaker", "unchecked_date", "unchecked_place"]})
    message = Str(metadata={"description": "The sentence to paste, for an unverified answer."})


class BatchVerifySchema(Schema):
    # Any value is accepted as a claim: one that is not a valid verify body
    # gets an error entry in its place (so the document does not type them).
    claims = fields.List(fields.Raw(allow_none=True), required=True,
                         validate=validate.Length(min=1), metadata={
                             "description": "Up to BATCH_MAX_CLAIMS (100) verify bodies (see POST "
                                            "/api/v1/verify). An invalid claim gets an error entry in its place.",
                             "maxItems": 100})

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


class ReplicaStateSchema(Schema):
    name = Str(metadata={"description": "host:port/database", "example": "10.0.0.12:5432/verbatim"})
    state = Str(metadata={"description": "ok (reads go there), lagging (more than DATABASE_REPLICA_MAX_LAG "
                                         "seconds behind: only used while the primary is away) or down",
                          "example": "ok"})
    lag_seconds = fields.Float(allow_none=True, metadata={
        "description": "How far behind the primary it is (null when down or not known)."})
    error = Str(metadata={"description": "Why it is down."})


class HealthSchema(Schema):
    status = Str(metadata={"description": "ok; degraded when the primary is away but a replica answers "
                                          "reads (verify, searches) meanwhile", "example": "ok"})
    database = Str(metadata={"example": "sqlite"})
    quotes = fields.Integer()
    primary = Str(metadata={"description": "With read replicas only: ok or down.", "example": "ok"})
    replicas = fields.List(fields.Nested(ReplicaStateSchema), metadata={
        "description": "With read replicas only (DATABASE_REPLICA_URLS): each one's state."})


SCOPES = ("read", "write", "admin")


class StrictBoolean(fields.Boolean):
    """true or false, as the document says (not 0, 1 or "yes")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class ApiKeyCreateSchema(Schema):
    name = Str(required=True, validate=nonblank(200))
    scopes = fields.List(Str(validate=validate.OneOf(SCOPES)), load_default=lambda: ["read"],
                         validate=validate.Length(min=1))
    webhook_secret = StrictBoolean(load_default=False, metadata={
        "description": "Also create the secret that signs this key's job webhooks (shown once)."})


class ApiKeySchema(Schema):
    id = fields.Integer()
    name = Str()
    prefix = Str()
    scopes = fields.Function(lambda k: k.scope_list, metadata={"type": "array", "items": {"type": "string"}})
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    has_webhook_secret = fields.Function(lambda k: bool(getattr(k, "webhook_secret", None)), metadata={
        "type": "boolean", "description": "Whether the key can sign job webhooks (callback_url)."})


class ApiKeyCreatedSchema(ApiKeySchema):
    key = Str(metadata={"description": "The key itself. Shown once; store it now."})
    webhook_secret = Str(allow_none=True, metadata={
        "description": "The webhook signing secret, when asked for. Shown once; store it now."})


class ImportJobSchema(Schema):
    """A background import: its progress, then its result."""

    id = Str(metadata={"example": "3f0c6e2a9b8d4e7f8a1b2c3d4e5f6a7b"})
    status = Str(metadata={"description": "queued, running, finished or failed"})
    size = fields.Integer(metadata={"description": "Bytes in the body."})
    read = fields.Integer(metadata={"description": "Bytes of the body read so far."})
    imported = fields.Integer(allow_none=True, metadata={
        "description": "Quotes stored (once finished; every valid line, in one transaction)."})
    rejected = fields.Integer(metadata={"description": "Invalid lines, skipped (all of them)."})
    errors = fields.List(fields.Nested(ImportErrorSchema), metadata={
        "description": "The first 1,000 rejected lines by line number (once finished)."})
    error = Str(metadata={"description": "Why the import failed (nothing was stored)."})
    url = Str(metadata={"description": "This import's status URL."})
    created_at = Str()
    started_at = Str(allow_none=True)
    finished_at = Str(allow_none=True)
    updated_at = Str()


# Rules across fields, which marshmallow checks in @validates_schema and
# apispec cannot see: added to the document's component schemas by name
# (app/blueprints.py), so it says what is accepted.
def _given(name: str, pattern: str = "") -> dict[str, Any]:
    prop: dict[str, Any] = {"type": "string"}
    if pattern:
        prop["pattern"] = pattern
    return {"required": [name], "properties": {name: prop}}


_NAMED = NOT_WS
CROSS_FIELD_RULES: dict[str, dict[str, Any]] = {
    # A source needs a url, a publisher or a title (not empty).
    "Source": {"anyOf": [{**_given(k), "properties": {k: {"type": "string", "minLength": 1}}}
                         for k in ("url", "publisher", "title")]},
    # aliases replaces the list; add_aliases/remove_aliases edit it: not both.
    "SpeakerUpdate": {"not": {"anyOf": [{"required": ["aliases", "add_aliases"]},
                                        {"required": ["aliases", "remove_aliases"]}]}},
    # The article as text or as html: exactly one.
    "ArticleCheck": {"oneOf": [_given("text"), _given("html")]},
    # text or html (not both), or a url alone; and where the quotes come from.
    "Transcript": {"allOf": [
        {"not": {"allOf": [_given("text"), _given("html")]}},
        {"anyOf": [_given("text"), _given("html"), _given("url")]},
        {"anyOf": [_given(k, _NAMED) for k in ("url", "publisher", "title")]},
    ]},
    "Ingest": {"allOf": [
        {"not": {"allOf": [_given("text"), _given("html")]}},
        {"anyOf": [_given("text"), _given("html"), _given("url")]},
        {"anyOf": [_given(k, _NAMED) for k in ("url", "publisher", "title")]},
    ]},
}
