"""What the service does, between the HTTP layer and the database.

Rows become engine objects here (:func:`canonical`, :func:`speaker_ref`);
quotes are stored, changed and retracted here, each change written down as a
revision in the same transaction; verification runs here. Views only parse
and answer; the CLI calls the same functions. The bulk import is
:mod:`app.bulk_import`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from verification.model import CanonicalQuote, Claim, SpeakerRef

from . import engine, passages, repository, retrieval, search_keys
from . import sources as source_records
from .models import (
    APPROVED,
    RETRACTED,
    ApiKey,
    Quote,
    QuoteRevision,
    Speaker,
    SpeakerAlias,
    SpeakerKey,
    utcnow,
)
from .when import parse_spoken_at

log = logging.getLogger(__name__)


class InvalidInput(Exception):
    """Input that passed the schema but not the store (422 with ``errors``)."""

    def __init__(self, errors: dict[str, Any], message: Optional[str] = None):
        super().__init__(message or "Some fields are invalid.")
        self.errors = errors
        self.message = message


class Conflict(Exception):
    """The request contradicts the stored state (409)."""


# --- rows -> engine objects -------------------------------------------------------------


def speaker_ref(s: Speaker) -> SpeakerRef:
    return engine.speaker_ref(s.id, s.name, tuple(s.alias_names), s.gender, s.roles)


def canonical(q: Quote) -> CanonicalQuote:
    return CanonicalQuote(id=q.id, text=q.text, speaker=speaker_ref(q.speaker),
                          spoken_at=q.spoken_at, location=q.location, event=q.event)


# --- speakers -------------------------------------------------------------------------------


def rebuild_speaker_keys(session: Session, speaker: Speaker) -> None:
    """Recompute a speaker's lookup keys from its name and aliases."""
    keys: dict[str, bool] = {}
    for name in [speaker.name, *speaker.alias_names]:
        whole = engine.name_key(name)
        for k in engine.speaker_keys(name):
            k = k[:200]
            keys[k] = keys.get(k, False) or k == whole
        if whole:
            keys[whole[:200]] = True
    # Role keys ("role:first lady"), so that a claim naming only a role finds
    # who held it.
    for k in engine.speaker_role_keys(engine.roles_of(speaker.roles), speaker.alias_names):
        keys.setdefault(k[:200], False)
    speaker.keys = [SpeakerKey(key=k, exact=exact) for k, exact in sorted(keys.items())]


def _clean_aliases(name: str, aliases: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    own = engine.name_key(name)
    for a in aliases:
        a = " ".join(a.split())
        k = engine.name_key(a)
        if a and k and k != own and k not in seen:
            seen[k] = a
    return list(seen.values())


def stored_roles(roles: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validated roles as the JSON the speakers table keeps (ISO dates)."""
    def iso(d: Any) -> Optional[str]:
        return d.isoformat() if d is not None else None

    return [{"title": " ".join(r["title"].split()), "start": iso(r.get("start")), "end": iso(r.get("end"))}
            for r in roles]


def lock_speaker_name(session: Session, name: str) -> None:
    """Serialise, until this transaction ends, everyone creating or renaming
    a speaker to ``name`` (PostgreSQL; SQLite's writers are serialised
    already by BEGIN IMMEDIATE). The check for an existing speaker that
    follows then sees the other's commit: one speaker per name, however many
    requests race (the same lock :func:`resolve_speaker` takes)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql_text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": engine.name_key(name)})


def create_speaker(session: Session, name: str, aliases: Iterable[str] = (),
                   description: Optional[str] = None, wikidata_id: Optional[str] = None,
                   gender: Optional[str] = None, roles: Iterable[dict[str, Any]] = ()) -> Speaker:
    name = " ".join(name.split())
    lock_speaker_name(session, name)
    clash = repository.speakers_with_exact_name(session, name)
    if clash:
        raise Conflict(f"A speaker named {name!r} already exists (id {clash[0].id}).")
    speaker = Speaker(name=name, description=description, wikidata_id=wikidata_id, gender=gender,
                      roles=stored_roles(roles) or None)
    speaker.aliases = [SpeakerAlias(alias=a) for a in _clean_aliases(name, aliases)]
    rebuild_speaker_keys(session, speaker)
    session.add(speaker)
    session.flush()
    return speaker


def update_speaker(session: Session, speaker: Speaker, data: dict[str, Any]) -> Speaker:
    if "name" in data:
        name = " ".join(data["name"].split())
        lock_speaker_name(session, name)
        clash = [s for s in repository.speakers_with_exact_name(session, name) if s.id != speaker.id]
        if clash:
            raise Conflict(f"Another speaker is already named {name!r} (id {clash[0].id}).")
        speaker.name = name
    for attr in ("description", "wikidata_id", "gender"):
        if attr in data:
            setattr(speaker, attr, data[attr])
    if "roles" in data:
        speaker.roles = stored_roles(data["roles"]) or None
    aliases = list(speaker.alias_names)
    if "aliases" in data:
        aliases = list(data["aliases"])
    aliases += data.get("add_aliases", [])
    removed = {engine.name_key(a) for a in data.get("remove_aliases", [])}
    aliases = [a for a in aliases if engine.name_key(a) not in removed]
    wanted = _clean_aliases(speaker.name, aliases)
    current = {a.alias: a for a in speaker.aliases}
    speaker.aliases = [current.get(a) or SpeakerAlias(alias=a) for a in wanted]
    rebuild_speaker_keys(session, speaker)
    speaker.updated_at = utcnow()
    session.flush()
    return speaker


def candidate_speakers(session: Session, name: str) -> list[Speaker]:
    """Stored speakers ``name`` means: its exact name or alias first; else,
    for a full name, speakers whose given names fit ("Donald J. Trump" is
    Donald Trump, "Van Jones" is not Dennis Jones); for a short form
    ("Jones"), every speaker it fits."""
    exact = repository.speakers_with_exact_name(session, name)
    if exact:
        return exact
    sharing = {s.id: s for s in repository.speakers_sharing_keys(session, name)}
    meant = engine.resolve_name(name, [speaker_ref(s) for s in sharing.values()])
    return [sharing[ref.id] for ref in meant]


def record_gender(speaker: Speaker, gender: Optional[str]) -> None:
    """Record a speaker's gender given with a quote: set when the record has
    none; a :class:`Conflict` (409) when it says otherwise."""
    if not gender or speaker.gender == gender:
        return
    if speaker.gender is not None:
        raise Conflict(f"The record has {speaker.name} (id {speaker.id}) as {speaker.gender}; "
                       "change it on the speaker.")
    speaker.gender = gender
    speaker.updated_at = utcnow()


def resolve_speaker(session: Session, name: str, *, create: bool = True) -> Optional[Speaker]:
    """The stored speaker ``name`` means; created when nobody fits (if ``create``).

    Never a guess: a full name that is no stored speaker's creates a new
    one, and a short form that fits several speakers ("Clinton") is refused,
    with the candidates named: the caller must give the full name.
    """
    found = candidate_speakers(session, name)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        who = ", ".join(f"{s.name} (id {s.id})" for s in found[:5])
        raise InvalidInput({"speaker": [f"{name!r} could be several speakers: {who}. Give the full name."]})
    if not create:
        return None
    if session.get_bind().dialect.name == "postgresql":
        # Two workers storing the first quote of a new speaker at once must
        # not create two speakers: serialise creation per name, then look
        # again. (On SQLite, writers are already serialised by BEGIN IMMEDIATE.)
        session.execute(sql_text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": engine.name_key(name)})
        found = candidate_speakers(session, name)
        if len(found) == 1:
            return found[0]
    return create_speaker(session, name)


# --- quotes -------------------------------------------------------------------------------

# The fields a revision records, in this order.
TRACKED = ("text", "speaker", "spoken_at", "location", "event", "language", "context", "sources", "status")


def text_hash(search_text: str) -> str:
    return hashlib.sha1(search_text.encode("utf-8")).hexdigest()


class PlaceCache:
    """Gazetteer answers per location text (an import repeats the same places)."""

    def __init__(self) -> None:
        self._cache: dict[str, dict[str, Any]] = {}

    def columns(self, location: Optional[str]) -> dict[str, Any]:
        if not location:
            return dict.fromkeys(_PLACE_COLUMNS)
        hit = self._cache.get(location)
        if hit is None:
            hit = place_columns(engine.resolve_place(location))
            self._cache[location] = hit
        return dict(hit)


_PLACE_COLUMNS = ("place_name", "place_kind", "city", "region", "region_code", "country_code",
                  "country", "lat", "lon")


def place_columns(place: Any) -> dict[str, Any]:
    if place is None:
        return dict.fromkeys(_PLACE_COLUMNS)

    def get(attr: str, limit: int = 200) -> Any:
        v = getattr(place, attr, None)
        return v[:limit] if isinstance(v, str) else v

    def num(attr: str) -> Optional[float]:
        v = getattr(place, attr, None)
        try:
            return float(v) if v is not None else None
        except (TypeError, ValueError):
            return None

    cc = get("country_code", 2)
    return {
        "place_name": get("name"), "place_kind": get("kind", 20), "city": get("city"),
        "region": get("region"), "region_code": get("region_code", 20),
        "country_code": cc.upper() if cc else None, "country": get("country"),
        "lat": num("lat"), "lon": num("lon"),
    }


def text_columns(text: str) -> dict[str, Any]:
    st = engine.search_text(text)
    return {"text": text, "search_text": st, "text_hash": text_hash(st),
            "shingles": search_keys.shingle_text(st)}


def date_columns(spoken_at: Optional[str]) -> dict[str, Any]:
    if not spoken_at:
        return {"spoken_at": None, "spoken_on_start": None, "spoken_on_end": None,
                "date_precision": None, "tz_offset": None}
    s = parse_spoken_at(spoken_at)
    return {"spoken_at": s.value, "spoken_on_start": s.start, "spoken_on_end": s.end,
            "date_precision": s.precision, "tz_offset": s.tz_offset}


def _sources_json(sources: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    for s in sources:
        get = s.get if isinstance(s, dict) else (lambda k, _s=s: getattr(_s, k))
        out.append({k: get(k) for k in ("url", "publisher", "title", "published_at")})
    return out


def quote_state(q: Quote) -> dict[str, Any]:
    """A quote's tracked fields as plain JSON values (what revisions compare)."""
    return {
        "text": q.text, "speaker": q.speaker.name if q.speaker else None, "spoken_at": q.spoken_at,
        "location": q.location, "event": q.event, "language": q.language, "context": q.context,
        "sources": _sources_json(q.sources), "status": q.status,
    }


def _created_changes(data: dict[str, Any], speaker_name: str) -> dict[str, Any]:
    state = {
        "text": data["text"], "speaker": speaker_name, "spoken_at": data.get("spoken_at"),
        "location": data.get("location"), "event": data.get("event"),
        "language": data.get("language"), "context": data.get("context"),
        "sources": _sources_json(data.get("sources") or []), "status": data.get("status") or APPROVED,
    }
    return {k: {"before": None, "after": v} for k, v in state.items() if v not in (None, [], "")}


def quote_columns(data: dict[str, Any], speaker: Speaker, places: Optional[PlaceCache] = None) -> dict[str, Any]:
    """Column values for a new quote from validated input."""
    now = utcnow()
    cols = {
        **text_columns(data["text"]),
        "speaker_id": speaker.id,
        **date_columns(data.get("spoken_at")),
        "location": data.get("location"),
        **(places or PlaceCache()).columns(data.get("location")),
        "event": data.get("event"),
        "language": data.get("language"),
        "context": data.get("context"),
        "status": data.get("status") or APPROVED,
        "created_at": now,
        "updated_at": now,
    }
    return cols


def create_quote(session: Session, data: dict[str, Any], api_key: Optional[ApiKey] = None) -> Quote:
    speaker = resolve_speaker(session, data["speaker"])
    assert speaker is not None
    record_gender(speaker, data.get("speaker_gender"))
    quote = Quote(**quote_columns(data, speaker))
    quote.speaker = speaker
    source_records.link_quote(session, quote, data.get("sources") or [])
    session.add(quote)
    session.flush()
    session.add(QuoteRevision(quote_id=quote.id, revision=1, action="create",
                              changes=_created_changes(data, speaker.name),
                              api_key_id=api_key.id if api_key else None))
    session.flush()
    return quote


def _record(session: Session, quote: Quote, action: str, before: dict[str, Any],
            api_key: Optional[ApiKey]) -> Optional[QuoteRevision]:
    after = quote_state(quote)
    changes = {k: {"before": before.get(k), "after": after.get(k)}
               for k in TRACKED if before.get(k) != after.get(k)}
    if action == "retract":
        changes["retraction_reason"] = {"before": None, "after": quote.retraction_reason}
    elif before.get("_reason") and quote.retraction_reason is None:
        changes["retraction_reason"] = {"before": before["_reason"], "after": None}
    if not changes:
        return None
    rev = QuoteRevision(quote_id=quote.id, revision=repository.last_revision_number(session, quote.id) + 1,
                        action=action, changes=changes, api_key_id=api_key.id if api_key else None)
    session.add(rev)
    quote.updated_at = utcnow()
    return rev


def update_quote(session: Session, quote: Quote, data: dict[str, Any],
                 api_key: Optional[ApiKey] = None) -> Quote:
    before = quote_state(quote)
    before["_reason"] = quote.retraction_reason
    if "text" in data and data["text"] != quote.text:
        for k, v in text_columns(data["text"]).items():
            setattr(quote, k, v)
        session.flush()
        source_records.refresh_boundaries(session, [quote.id])
    if "speaker" in data and data["speaker"] != quote.speaker.name:
        speaker = resolve_speaker(session, data["speaker"])
        assert speaker is not None
        quote.speaker = speaker
    record_gender(quote.speaker, data.get("speaker_gender"))
    if "spoken_at" in data:
        for k, v in date_columns(data["spoken_at"]).items():
            setattr(quote, k, v)
    if "location" in data and data["location"] != quote.location:
        quote.location = data["location"]
        for k, v in PlaceCache().columns(data["location"]).items():
            setattr(quote, k, v)
    for attr in ("event", "language", "context"):
        if attr in data:
            setattr(quote, attr, data[attr])
    if "sources" in data:
        new = _sources_json(data["sources"])
        if new != before["sources"]:
            source_records.link_quote(session, quote, data["sources"])
    if "status" in data and data["status"] != quote.status:
        quote.status = data["status"]
        if quote.status != RETRACTED:  # restoring a retracted quote
            quote.retraction_reason = None
            quote.retracted_at = None
    session.flush()
    _record(session, quote, "update", before, api_key)
    session.flush()
    return quote


def retract_quote(session: Session, quote: Quote, reason: str, api_key: Optional[ApiKey] = None) -> Quote:
    if quote.status == RETRACTED:
        raise Conflict(f"Quote {quote.id} is already retracted.")
    before = quote_state(quote)
    quote.status = RETRACTED
    quote.retraction_reason = reason.strip()
    quote.retracted_at = utcnow()
    _record(session, quote, "retract", before, api_key)
    session.flush()
    return quote


# --- verification ----------------------------------------------------------------------------


def known_speakers_for(session: Session, claimed: Optional[str], candidates: Sequence[Quote]) -> list[SpeakerRef]:
    """The candidates' speakers plus every stored speaker the claimed name could mean.

    With both Clintons stored, "Clinton" is ambiguous; a claimed person who is
    on record but did not say this is recognised as a misattribution.
    """
    refs: dict[int, SpeakerRef] = {}
    for q in candidates:
        refs.setdefault(q.speaker.id, speaker_ref(q.speaker))
    if claimed:
        for s in repository.speakers_sharing_keys(session, claimed):
            refs.setdefault(s.id, speaker_ref(s))
    return list(refs.values())


def verify_claim(session: Session, data: dict[str, Any], *, candidate_limit: int = 40,
                 quote_serializer: Callable[[Quote], dict]) -> dict[str, Any]:
    """The verify answer for one validated claim (see POST /api/v1/verify)."""
    claim = Claim(
        text=data["text"],
        speaker=data.get("speaker"),
        date=data.get("date"),
        location=data.get("location"),
        reference_date=data.get("reference_date") or dt.date.today(),
    )
    # Candidates as plain engine records (Core queries); full rows with their
    # sources only for the quotes the answer shows.
    claimed = retrieval.speaker_refs_sharing_keys(session, claim.speaker) if claim.speaker else []
    # A claim of sentences said one after the other is verified from the
    # sequences on record when it can be, without candidate retrieval.
    boundaries = passages.by_boundaries(session, claim, claimed)
    verdict = boundaries.verdict
    records: dict[int, Any] = {}  # the candidates' rows, for the answer
    if verdict is None:
        prefer = [ref.id for ref in claimed if engine.names_fit(claim.speaker, ref)]
        candidates = retrieval.candidate_quotes(session, claim.text, limit=candidate_limit, prefer_speakers=prefer,
                                                records=records)
        known = {c.speaker.id: c.speaker for c in candidates}
        for ref in claimed:
            known.setdefault(ref.id, ref)
        # Quotes and the passages they are part of, judged together.
        verdict = passages.judge(session, claim, candidates, list(known.values()), boundaries)
    # Full rows (with sources and context) only for what the answer shows.
    return passages.answer(session, verdict, quote_serializer, records)


def demo_records(path: str) -> Iterator[dict[str, Any]]:
    import json

    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
