"""Transcripts into the record: every sentence of every named speaker, in order, in one step.

``POST /api/v1/sources`` and ``flask --app wsgi sources add`` call
:func:`add_transcript`. The engine reads the text into turns and sentences
(:func:`verification.transcripts.parse_transcript`); here each turn's label
is resolved to a stored speaker, and the source, its quotes, their links
(position in the document's order, offsets in its text) and their creation
revisions are written in the caller's transaction: all of it or, on any
error, nothing.

Who a label is, in this order: the request's ``speakers`` mapping
(``{"PUTIN": "Vladimir Putin"}``; the name is resolved or created like a
quote's speaker); the ``speaker`` the request names, when the label fits
that name (``President Putin``, ``PUTIN``); a stored speaker whose name or
alias fits the label. A label that fits several stored speakers, or none, is
not guessed: its sentences are skipped and the answer says how to name it.
Unnamed people (``Q:``, ``AUDIENCE MEMBER:``) stay in the document and are
nobody's quotes; so do the sentences of skipped labels, and none of them is
counted as next to the sentences around it, so no passage joins across them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from sqlalchemy import insert
from sqlalchemy.orm import Session

from verification.transcripts import label_key, parse_transcript

from . import engine, repository, search_keys, services
from . import sources as source_records
from .models import APPROVED, PENDING_REVIEW, ApiKey, Quote, QuoteRevision, QuoteSource, Source, Speaker, utcnow
from .schemas import TEXT_MAX

TRANSCRIPT = "transcript"
# At most this many examples of each kind of thing skipped.
EXAMPLES = 3

_MESSAGES = {
    "unnamed_speaker": "Said by someone the transcript does not name: kept in the document (it is the context of "
                       "the answers), but nobody's quote.",
    "no_speaker": "The text before the first speaker label: name its speaker with `speaker`, or it is not stored.",
    "stage_direction": "Not words anyone said.",
    "heading": "A heading or a note, not words anyone said.",
    "too_long": f"A sentence longer than {TEXT_MAX:,} characters is not stored.",
}


@dataclass
class StoredTranscript:
    source: Source
    status: str
    quote_ids: list[int] = field(default_factory=list)
    speakers: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


class _Skips:
    def __init__(self) -> None:
        self.entries: dict[tuple[str, Optional[str]], dict[str, Any]] = {}

    def add(self, reason: str, label: Optional[str], text: str, message: Optional[str] = None) -> None:
        e = self.entries.setdefault((reason, label), {
            "reason": reason, "label": label, "count": 0, "message": message or _MESSAGES[reason], "examples": []})
        e["count"] += 1
        if len(e["examples"]) < EXAMPLES:
            e["examples"].append(text)


def _source_for(session: Session, data: dict[str, Any], text: str) -> Source:
    """The transcript's source: the record of its URL if one is stored (it gets
    the document), else a new one. A URL whose record already holds a
    document is a conflict: the transcript is on record."""
    fields = {k: data.get(k) for k in source_records.FIELDS}
    if fields.get("url"):
        record = source_records.find_or_create(session, fields)
        if record.document is not None:
            raise services.Conflict(f"A transcript from {record.url} is on record already (source {record.id}).")
    else:
        record = Source(key=source_records.key_of(fields), **fields)
        session.add(record)
    record.kind = TRANSCRIPT
    record.document = text
    for k in ("spoken_at", "location", "event", "language"):
        setattr(record, k, data.get(k))
    record.updated_at = utcnow()
    session.flush()
    return record


class _Labels:
    """Who each label is (see the module's docstring), asked once per label."""

    def __init__(self, session: Session, data: dict[str, Any]) -> None:
        self.session = session
        self.mapping = {label_key(k): v for k, v in (data.get("speakers") or {}).items()}
        self.main = services.resolve_speaker(session, data["speaker"]) if data.get("speaker") else None
        self.known: dict[Optional[str], tuple[Optional[Speaker], Optional[tuple[str, str]]]] = {}

    def is_speaker(self, label: str) -> bool:
        return bool((self.main and engine.names_fit(label, services.speaker_ref(self.main)))
                    or services.candidate_speakers(self.session, label))

    def resolve(self, label: Optional[str], unnamed: bool) -> tuple[Optional[Speaker], Optional[tuple[str, str]]]:
        if label not in self.known:
            self.known[label] = self._resolve(label, unnamed)
        return self.known[label]

    def _resolve(self, label: Optional[str], unnamed: bool) -> tuple[Optional[Speaker], Optional[tuple[str, str]]]:
        if label is None:
            return (self.main, None) if self.main else (None, ("no_speaker", _MESSAGES["no_speaker"]))
        key = label_key(label)
        if key in self.mapping:
            try:
                with self.session.begin_nested():
                    return services.resolve_speaker(self.session, self.mapping[key]), None
            except services.InvalidInput as exc:
                return None, ("ambiguous_speaker", "; ".join(exc.errors.get("speaker", [])) or str(exc))
        if unnamed:
            return None, ("unnamed_speaker", _MESSAGES["unnamed_speaker"])
        if self.main and engine.names_fit(label, services.speaker_ref(self.main)):
            return self.main, None
        found = services.candidate_speakers(self.session, label)
        if len(found) == 1:
            return found[0], None
        hint = f'name it in `speakers`, e.g. {{"{label}": "Full Name"}}'
        if found:
            who = ", ".join(f"{s.name} (id {s.id})" for s in found[:5])
            return None, ("ambiguous_speaker", f"\u201c{label}\u201d could be {who}: {hint}.")
        return None, ("unknown_speaker", f"Nobody on record goes by \u201c{label}\u201d: {hint}.")


def add_transcript(session: Session, text: str, data: dict[str, Any],
                   api_key: Optional[ApiKey] = None) -> StoredTranscript:
    """Store a transcript and its speakers' sentences as quotes (not committed here)."""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    labels = _Labels(session, data)
    transcript = parse_transcript(text, labels=labels.mapping.keys(), is_speaker=labels.is_speaker)
    source = _source_for(session, data, transcript.text)
    status = PENDING_REVIEW if data.get("review") else APPROVED
    result = StoredTranscript(source=source, status=status)
    skips = _Skips()

    base = {k: data.get(k) for k in ("spoken_at", "location", "event", "language")}
    base["status"] = status
    cited = {k: getattr(source, k) for k in source_records.FIELDS}
    places = services.PlaceCache()
    rows: list[dict[str, Any]] = []
    places_in_doc: list[tuple[int, int, int]] = []  # (position, start, end)
    revisions: list[dict[str, Any]] = []
    counts: dict[int, dict[str, Any]] = {}
    for turn in transcript.turns:
        speaker, skip = labels.resolve(turn.label, turn.unnamed)
        for s in turn.sentences:
            if speaker is None:
                assert skip is not None
                skips.add(skip[0], turn.label, s.text, skip[1])
                continue
            if len(s.text) > TEXT_MAX:
                skips.add("too_long", turn.label, s.text[:200] + "\u2026")
                continue
            quote = {**base, "text": s.text, "speaker": speaker.name, "sources": [cited]}
            rows.append(services.quote_columns(quote, speaker, places))
            places_in_doc.append((s.index + 1, s.start, s.end))
            revisions.append(services._created_changes(quote, speaker.name))
            c = counts.setdefault(speaker.id, {"speaker": speaker.name, "speaker_id": speaker.id,
                                               "labels": [], "quotes": 0})
            c["quotes"] += 1
            if turn.label is not None and turn.label not in c["labels"]:
                c["labels"].append(turn.label)
    for o in transcript.omitted:
        skips.add(o.kind, None, o.text)

    if rows:
        ids = list(session.scalars(insert(Quote).returning(Quote.id, sort_by_parameter_order=True), rows))
        said = {pos: row["search_text"] for (pos, _, _), row in zip(places_in_doc, rows)}
        session.execute(insert(QuoteSource), [
            {"quote_id": qid, "source_order": 0, "source_id": source.id, "position": pos,
             "doc_start": start, "doc_end": end,
             "boundary_key": search_keys.boundary_key(said[pos - 1], said[pos]) if pos - 1 in said else None}
            for qid, (pos, start, end) in zip(ids, places_in_doc)])
        now = utcnow()
        session.execute(insert(QuoteRevision), [
            {"quote_id": qid, "revision": 1, "action": "create", "changes": changes, "created_at": now,
             "api_key_id": api_key.id if api_key else None}
            for qid, changes in zip(ids, revisions)])
        result.quote_ids = ids
    result.speakers = sorted(counts.values(), key=lambda c: -c["quotes"])
    result.skipped = list(skips.entries.values())
    return result


def as_json(session: Session, result: StoredTranscript) -> dict[str, Any]:
    """The answer of POST /api/v1/sources."""
    return {"source": summary(session, result.source), "status": result.status, "stored": len(result.quote_ids),
            "speakers": result.speakers, "skipped": result.skipped}


def summary(session: Session, source: Source) -> dict[str, Any]:
    """A source as the API lists it (with how many quotes cite it)."""
    n = repository.quote_counts(session, [source.id]).get(source.id, 0)
    return source_summary(source, n)


def source_summary(source: Source, quote_count: int) -> dict[str, Any]:
    return {
        "id": source.id, "url": source.url, "publisher": source.publisher, "title": source.title,
        "published_at": source.published_at, "kind": source.kind, "spoken_at": source.spoken_at,
        "location": source.location, "event": source.event, "language": source.language,
        "quote_count": quote_count, "created_at": source.created_at, "updated_at": source.updated_at,
    }


def detail(session: Session, source: Source, *, page: int = 1, per_page: int = 500) -> dict[str, Any]:
    """A source with its document and its quotes in order (a page of them)."""
    out = summary(session, source)
    out["document"] = source.document
    out["quotes"] = [dict(r) for r in repository.source_quotes(session, source.id, limit=per_page,
                                                                offset=(page - 1) * per_page)]
    out["page"], out["per_page"] = page, per_page
    return out


def label_arguments(values: list[str]) -> dict[str, str]:
    """``LABEL=Full Name`` pairs (the CLI's ``--label``) as a ``speakers`` mapping."""
    out = {}
    for v in values:
        label, sep, name = v.partition("=")
        if not sep or not label.strip() or not name.strip():
            raise ValueError(f"{v!r}: write LABEL=Full Name, e.g. \"PUTIN=Vladimir Putin\".")
        out[label.strip()] = name.strip()
    return out
