"""What the service does, between the HTTP layer and the database.

Rows become engine objects here (:func:`canonical`, :func:`speaker_ref`);
quotes are stored, changed and retracted here, each change written down as a
revision in the same transaction; verification runs here. Views only parse
and answer; the CLI calls the same functions.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import threading
from collections import deque
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from sqlalchemy import text as sql_text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from verification.model import CanonicalQuote, Claim, SpeakerRef

from . import engine, passages, repository
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
    naive_utc,
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
    return SpeakerRef(id=s.id, name=s.name, aliases=tuple(s.alias_names))


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


def create_speaker(session: Session, name: str, aliases: Iterable[str] = (),
                   description: Optional[str] = None, wikidata_id: Optional[str] = None) -> Speaker:
    name = " ".join(name.split())
    clash = repository.speakers_with_exact_name(session, name)
    if clash:
        raise Conflict(f"A speaker named {name!r} already exists (id {clash[0].id}).")
    speaker = Speaker(name=name, description=description, wikidata_id=wikidata_id)
    speaker.aliases = [SpeakerAlias(alias=a) for a in _clean_aliases(name, aliases)]
    rebuild_speaker_keys(session, speaker)
    session.add(speaker)
    session.flush()
    return speaker


def update_speaker(session: Session, speaker: Speaker, data: dict[str, Any]) -> Speaker:
    if "name" in data:
        name = " ".join(data["name"].split())
        clash = [s for s in repository.speakers_with_exact_name(session, name) if s.id != speaker.id]
        if clash:
            raise Conflict(f"Another speaker is already named {name!r} (id {clash[0].id}).")
        speaker.name = name
    for attr in ("description", "wikidata_id"):
        if attr in data:
            setattr(speaker, attr, data[attr])
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
    """Stored speakers ``name`` can refer to: exact name/alias first, else names that fit."""
    exact = repository.speakers_with_exact_name(session, name)
    if exact:
        return exact
    return [s for s in repository.speakers_sharing_keys(session, name) if engine.names_fit(name, speaker_ref(s))]


def resolve_speaker(session: Session, name: str, *, create: bool = True) -> Optional[Speaker]:
    """The stored speaker ``name`` means; created when nobody fits (if ``create``).

    A name that fits several speakers ("Clinton") is refused rather than
    guessed: the caller must give the full name.
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
            "shingles": repository.shingle_text(st)}


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


# --- bulk import ---------------------------------------------------------------------------


@dataclass
class ImportResult:
    imported: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "errors": self.errors}


# An import at least this large refreshes PostgreSQL's statistics at once.
ANALYZE_AFTER = 1000


@contextmanager
def _driver_connection(session: Session, statement: str, errors: type[Exception]) -> Iterator[Any]:
    """The session's own driver connection (and transaction), for an import's
    bulk writes past SQLAlchemy; the driver's errors come back as
    SQLAlchemy's, so a failing chunk is retried row by row as after an INSERT."""
    from sqlalchemy.exc import DBAPIError

    session.flush()
    try:
        yield session.connection().connection.driver_connection
    except errors as exc:
        raise DBAPIError.instance(statement, None, exc, errors) from exc


def _driver_executemany(session: Session, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """SQLite: ``executemany`` with rows already in storage form, skipping
    SQLAlchemy's per-value processing (about a fifth of the importing
    process's time)."""
    import sqlite3

    if rows:
        with _driver_connection(session, sql, sqlite3.Error) as raw:
            raw.executemany(sql, rows)


# --- PostgreSQL: COPY lines prepared with the rows --------------------------------------------
#
# On PostgreSQL an import sends each chunk as three ``COPY ... FROM STDIN``
# (quotes, sources, revisions) instead of one INSERT per row: the server sets
# up the insert and the generated columns' expressions once per chunk, not per
# row. The lines are written in COPY's text format where the rows are prepared
# (the worker process, for a large import), with ids drawn from the sequence
# beforehand, so the importing process only passes them on: measured on 50,000
# quotes, its own work per chunk had been the part the server waited for.

SOURCE_COPY_COLUMNS = ("quote_id", "source_order", "source_id", "position", "boundary_key")
REVISION_COPY_COLUMNS = ("quote_id", "revision", "action", "changes", "api_key_id", "created_at")


@lru_cache(maxsize=1)
def quote_copy_columns() -> tuple[str, ...]:
    """The quotes columns an import writes: ``id`` and what :func:`quote_columns` gives."""
    return ("id", *quote_columns({"text": "x"}, SimpleNamespace(id=0)))  # type: ignore[arg-type]


def _copy_field(v: Any) -> str:
    """One value in COPY's text format (NULL is ``\\N``; backslash, tab, newline
    and carriage return escaped)."""
    if v is None:
        return "\\N"
    if isinstance(v, str):
        if "\\" in v or "\t" in v or "\n" in v or "\r" in v:
            v = v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return v
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, dt.datetime):
        return naive_utc(v).isoformat(sep=" ")
    if isinstance(v, (dt.date, int, float)):
        return v.isoformat() if isinstance(v, dt.date) else repr(v)
    raise TypeError(f"no COPY text for {type(v).__name__}")


def _copy_line(values: Iterable[Any]) -> str:
    return "\t".join(map(_copy_field, values)) + "\n"


# A prepared row's sources: None, or (its search text, the source dicts as
# given); their records and positions are the importing process's
# (app.sources.ImportLinks).
Cited = Optional[tuple[str, list[dict[str, Any]]]]
# Per prepared row on PostgreSQL: (quote id, quotes line, sources, revision line).
CopyRow = tuple[int, str, Cited, str]
# Per prepared row on SQLite, in storage form (dates as SQLAlchemy's SQLite
# dialect writes them): (the quote's values after its id, its sources, its
# first revision's changes as JSON, that revision's time).
SqliteRow = tuple[tuple[Any, ...], Cited, str, str]


@lru_cache(maxsize=None)
def _sqlite_insert(table: str) -> str:
    """The INSERT an SQLite import runs per table, columns in prepared order."""
    columns = {"quotes": quote_copy_columns(), "quote_sources": SOURCE_COPY_COLUMNS,
               "quote_revisions": REVISION_COPY_COLUMNS}[table]
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _sqlite_value(v: Any) -> Any:
    """A value as SQLAlchemy's SQLite dialect stores it (naive UTC timestamps
    with microseconds, ISO dates), so the ORM reads imported rows like any other."""
    if isinstance(v, dt.datetime):
        return naive_utc(v).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _row_values(items: Iterable[tuple[dict[str, Any], int, str]], places: "PlaceCache"
                ) -> Iterator[tuple[list[Any], Cited, str, dt.datetime]]:
    """Per new quote: its values (after ``id``, in :func:`quote_copy_columns`
    order), its sources, its first revision's changes as JSON, and the time."""
    columns = quote_copy_columns()[1:]
    for d, sid, name in items:
        cols = quote_columns(d, SimpleNamespace(id=sid), places)  # type: ignore[arg-type]
        cited = (cols["search_text"], list(d["sources"])) if d.get("sources") else None
        yield [cols[c] for c in columns], cited, json.dumps(_created_changes(d, name)), utcnow()


def _prepare_sqlite_rows(items: Iterable[tuple[dict[str, Any], int, str]],
                         places: "PlaceCache") -> list[SqliteRow]:
    return [(tuple(map(_sqlite_value, values)), sources, changes, _sqlite_value(now))
            for values, sources, changes, now in _row_values(items, places)]


def _prepare_copy_rows(items: Iterable[tuple[dict[str, Any], int, str]], places: "PlaceCache",
                       ids: Sequence[int], key_id: Optional[int]) -> list[CopyRow]:
    return [(qid, _copy_line((qid, *values)), sources, _copy_line((qid, 1, "create", changes, key_id, now)))
            for qid, (values, sources, changes, now) in zip(ids, _row_values(items, places))]


def _copy(session: Session, table: str, columns: Sequence[str], lines: str) -> None:
    """PostgreSQL: ``COPY table (columns) FROM STDIN`` of prepared text lines."""
    import psycopg

    if not lines:
        return
    stmt = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with _driver_connection(session, stmt, psycopg.Error) as raw, raw.cursor() as cur, cur.copy(stmt) as copy:
        copy.write(lines)


def _reserve_quote_ids(session: Session, n: int) -> list[int]:
    """PostgreSQL: ``n`` ids from the quotes sequence (unused ones leave a gap)."""
    return list(session.scalars(
        sql_text("SELECT nextval(pg_get_serial_sequence('quotes', 'id')) FROM generate_series(1, :n)"),
        {"n": n},
    ))


# (line number, validated data or None, errors or None)
Record = tuple[int, Optional[dict[str, Any]], Optional[dict[str, Any]]]


# Preparing imported rows in other processes. A quote's columns (normalised
# text, word pairs, date span, gazetteer place) are pure Python and about a
# third of an import's time; the rest (validation, the database writes) stays
# in the importing process, in input order. Threads do not help: the GIL
# serialises the Python part, and SQLite's per-row release of it makes the
# two threads take turns.
_WORKER_PLACES: Optional["PlaceCache"] = None


def _prepare_rows(items: Iterable[tuple[dict[str, Any], int, str]], places: "PlaceCache",
                  copy_ids: Optional[Sequence[int]] = None, key_id: Optional[int] = None) -> list[Any]:
    """Per row: given the quotes' ids (PostgreSQL), its COPY lines
    (:data:`CopyRow`); else its values for SQLite (:data:`SqliteRow`)."""
    if copy_ids is not None:
        return _prepare_copy_rows(items, places, copy_ids, key_id)
    return _prepare_sqlite_rows(items, places)


def _prepare_in_worker(items: list[tuple[dict[str, Any], int, str]],
                       copy_ids: Optional[Sequence[int]] = None, key_id: Optional[int] = None) -> list[Any]:
    global _WORKER_PLACES
    if _WORKER_PLACES is None:
        _WORKER_PLACES = PlaceCache()
    return _prepare_rows(items, _WORKER_PLACES, copy_ids, key_id)


# WAL pages between checkpoints during an SQLite import (200 MB), and the
# page cache of the importing connection while it imports.
IMPORT_WAL_PAGES = 50000
IMPORT_SQLITE_CACHE_MB = 256
# PostgreSQL: the GIN pending list of an importing session (64 MB).
IMPORT_GIN_PENDING_KB = 65536
# PostgreSQL: the importing session's work_mem, which merging the pending list uses.
IMPORT_WORK_MEM_MB = 64


def _checkpoint(session: Session) -> None:
    """Copy SQLite's write-ahead log into the database now (outside any
    transaction, on a connection of its own)."""
    raw = session.get_bind().raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        raw.close()


@contextmanager
def _bulk_write_settings(session: Session) -> Iterator[None]:
    """Database settings for the length of a bulk import, put back afterwards
    (also after an error, without hiding it).

    PostgreSQL: each row adds to two GIN indexes (words, word pairs), whose
    new entries gather in a pending list merged into the index whenever it
    passes 4 MB; a longer list for this session means fewer, larger merges
    (the import merges it at the end, so searches never scan a long one).
    A merge gathers entries in ``work_mem`` before putting them into the
    index; 64 MB instead of the usual 4 lets it put them in sorted runs
    (100,000 quotes: 4,956 -> 5,338 quotes/s, COPY time 11.4 -> 10.0 s).
    SQLite: the write-ahead log is copied into the database every 1,000 pages
    by default; an import rewrites the same index pages chunk after chunk, so
    a longer log copies each page once instead of many times (copied at the
    end). And a bigger page cache for the importing connection: at a million
    quotes the indexes outgrow the usual 64 MB and every chunk would read
    their pages back.
    """
    dialect = session.get_bind().dialect.name
    cache_before = None
    if dialect == "postgresql":
        session.execute(sql_text(f"SET gin_pending_list_limit = {IMPORT_GIN_PENDING_KB}"))
        session.execute(sql_text(f"SET work_mem = '{IMPORT_WORK_MEM_MB}MB'"))
    elif dialect == "sqlite":
        conn = session.connection()
        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={IMPORT_WAL_PAGES}")
        cache_before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size={-1024 * IMPORT_SQLITE_CACHE_MB}")
    try:
        yield
    finally:
        try:
            if dialect == "postgresql":
                session.execute(sql_text("RESET gin_pending_list_limit"))
                session.execute(sql_text("RESET work_mem"))
                session.commit()
            elif dialect == "sqlite":
                session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint=1000")
                session.connection().exec_driver_sql(f"PRAGMA cache_size={int(cache_before)}")
                session.commit()
                _checkpoint(session)
        except SQLAlchemyError:
            log.warning("could not put the connection settings back after an import", exc_info=True)
            session.rollback()


def _worker_context() -> Any:
    """How import workers start: forked where that is safe, else spawned.

    A forked worker starts at once with what this process has loaded (the
    modules, the gazetteer); a spawned one imports the application and loads
    the gazetteer itself, about 1.2 s, which is most of a 10,000-quote import.
    Forking is safe only while this process runs one thread (the CLI, a
    gunicorn sync worker, a job's work horse): a thread holding a lock when
    the process forks leaves the lock held forever in the child. A threaded
    server spawns.
    """
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _warm_worker() -> bool:
    """Load what preparing rows needs (the gazetteer) before the first chunk."""
    from verification.places import load_gazetteer

    load_gazetteer()
    return True


def _finish_postgresql_import(session: Session, *, analyze: bool) -> None:
    """After a PostgreSQL import: merge both GIN pending lists into their
    indexes (searches would otherwise scan the lists) and refresh the
    planner's statistics, which candidate retrieval reads, and of the quotes'
    links to their sources, without which the planner joins a passage's
    neighbours by scanning the quotes (rather than whenever autovacuum gets
    to it).

    They run at once, each on a connection of its own: they are
    independent, and the import's worker processes are done, so the cores are
    free (10,000 quotes: 0.55 s one after the other). A failure is logged, not
    raised: the quotes are stored, and autovacuum does the same work later
    (e.g. a role that does not own the indexes cannot merge them).
    """
    statements = [("SELECT gin_clean_pending_list(CAST(:i AS regclass))", {"i": index})
                  for index in ("ix_quotes_search_vector", "ix_quotes_pair_keys")]
    if analyze:
        statements += [("ANALYZE quotes", {}), ("ANALYZE quote_sources", {}), ("ANALYZE sources", {})]
    engine_ = session.get_bind()

    def run(statement: tuple[str, dict[str, Any]]) -> None:
        try:
            with engine_.connect() as conn:
                conn.execute(sql_text(statement[0]), statement[1])
                conn.commit()
        except SQLAlchemyError:
            log.warning("after an import, %s failed", statement[0], exc_info=True)

    with ThreadPoolExecutor(max_workers=len(statements)) as pool:
        list(pool.map(run, statements))


def import_quotes(session: Session, records: Iterable[Record], *, api_key: Optional[ApiKey] = None,
                  chunk_size: int = 1000, skip_existing: bool = False, workers: int = 0,
                  on_progress: Optional[Callable[[int], None]] = None) -> ImportResult:
    """Store validated records in chunks; report every bad line, keep every good one.

    Each chunk is written per table (quotes, sources, revisions) as one
    ``COPY`` on PostgreSQL or one driver ``executemany`` on SQLite, then
    committed, so readers and other writers get a turn between chunks. If a
    chunk fails in the database, it is retried row by row so only the
    offending lines are reported. The speakers of a chunk's new names are
    looked up in one query. With ``workers``, a large import parses,
    validates and prepares its rows, down to what the database receives, in
    that many other processes while this one resolves speakers and writes.
    Errors are reported in line order.
    """
    result = ImportResult()
    speakers: dict[str, Optional[Speaker]] = {}
    places = PlaceCache()
    links = source_records.ImportLinks(session)
    chunk: list[tuple[int, dict[str, Any], Speaker]] = []
    key_id = api_key.id if api_key else None

    def speaker_for(line: int, name: str) -> Optional[Speaker]:
        k = engine.name_key(name)
        if k in speakers:
            return speakers[k]
        try:
            with session.begin_nested():
                sp = resolve_speaker(session, name)
        except InvalidInput as exc:
            result.errors.append({"line": line, "errors": exc.errors})
            return None
        speakers[k] = sp
        return sp

    def look_up_speakers(names: Iterable[str]) -> None:
        """Speakers named exactly so, in one query for a chunk's new names
        (one lookup per name took a tenth of a 10,000-quote import)."""
        keys = {engine.name_key(n) for n in names} - speakers.keys() - {""}
        for k, found in repository.speakers_with_exact_keys(session, sorted(keys)).items():
            if len(found) == 1:  # several: resolve_speaker explains the ambiguity
                speakers[k] = found[0]

    postgres = session.get_bind().dialect.name == "postgresql"

    def prepare_args(rows: list[tuple[int, dict[str, Any], Speaker]]) -> tuple[Any, ...]:
        items = [(d, sp.id, sp.name) for _, d, sp in rows]
        if postgres:
            return items, _reserve_quote_ids(session, len(rows)), key_id
        return items, None, None

    def prepare(args: tuple[Any, ...]) -> list[Any]:
        return _prepare_rows(args[0], places, args[1], args[2])

    def write(rows: list[tuple[int, dict[str, Any], Speaker]], prepared: list[Any]) -> None:
        if postgres:
            _copy(session, "quotes", quote_copy_columns(), "".join(p[1] for p in prepared))
            _copy(session, "quote_sources", SOURCE_COPY_COLUMNS,
                  "".join(map(_copy_line, links.rows([(p[0], *p[2]) for p in prepared if p[2]]))))
            _copy(session, "quote_revisions", REVISION_COPY_COLUMNS, "".join(p[3] for p in prepared))
            ids = [p[0] for p in prepared]
            result.ids.extend(ids)
            result.imported += len(ids)
            return
        # SQLite: the next ids, read under the write lock this transaction
        # holds (writers BEGIN IMMEDIATE).
        start = session.scalar(sql_text("SELECT coalesce(max(id), 0) FROM quotes")) + 1
        ids = list(range(start, start + len(prepared)))
        _driver_executemany(session, _sqlite_insert("quotes"), [(i, *p[0]) for i, p in zip(ids, prepared)])
        _driver_executemany(session, _sqlite_insert("quote_sources"),
                            links.rows([(i, *p[1]) for i, p in zip(ids, prepared) if p[1]]))
        _driver_executemany(session, _sqlite_insert("quote_revisions"),
                            [(i, 1, "create", p[2], key_id, p[3]) for i, p in zip(ids, prepared)])
        result.ids.extend(ids)
        result.imported += len(ids)

    def store(rows: list[tuple[int, dict[str, Any], Speaker]], values: list[Any]) -> None:
        try:
            with session.begin_nested():
                write(rows, values)
            links.done()
        except SQLAlchemyError:
            links.undo()
            log.warning("import chunk failed; retrying row by row", exc_info=True)
            for row, value in zip(rows, values):
                try:
                    with session.begin_nested():
                        write([row], [value])
                    links.done()
                except SQLAlchemyError as exc:
                    links.undo()
                    result.errors.append({"line": row[0], "errors": {"_database": [
                        f"Could not be stored: {type(getattr(exc, 'orig', exc)).__name__}."]}})
        session.commit()
        if on_progress:
            on_progress(len(rows))

    pool: list[ProcessPoolExecutor] = []
    warm: list[Future] = []
    pending: deque[tuple[list, tuple, Future]] = deque()
    handed: list[bool] = []  # the workers' readiness has been acted on

    def drain(keep: int) -> None:
        while len(pending) > keep:
            rows, args, future = pending.popleft()
            try:
                values = future.result()
            except Exception:  # a worker died: prepare these rows here
                log.warning("import worker failed; preparing the chunk in-process", exc_info=True)
                values = prepare(args)
            store(rows, values)

    def flush(full: bool = True) -> None:
        if not chunk:
            return
        rows = list(chunk)
        chunk.clear()
        if workers > 0 and full and not warm:
            # An import of more than one chunk: start the workers. A forked
            # one is ready at once; a spawned one takes about a second
            # (imports, the gazetteer), while this process goes on storing
            # chunks itself.
            context = _worker_context()
            pool.append(ProcessPoolExecutor(max_workers=workers, mp_context=context))
            warm.extend(pool[0].submit(_warm_worker) for _ in range(workers))
            if context.get_start_method() == "fork":
                # Ready in milliseconds: let them take this chunk already.
                futures_wait(warm, timeout=5)
        # Whether the workers are ready is read once per chunk: read twice, a
        # worker finishing its start-up in between would get this chunk
        # without the lines being handed over.
        ready = bool(pool) and all(f.done() for f in warm)
        if ready and not handed:
            handed.append(True)
            if any(f.exception() for f in warm):
                log.warning("import workers did not start; importing in-process", exc_info=warm[0].exception())
                pool.pop().shutdown(wait=False, cancel_futures=True)
                ready = False
            elif hasattr(records, "use_pool"):
                # JSON Lines: the rest of the lines are parsed and validated
                # in the pool too.
                records.use_pool(pool[0], ahead=workers + 1)
        args = prepare_args(rows)
        if ready:
            pending.append((rows, args, pool[0].submit(_prepare_in_worker, *args)))
            drain(workers + 1)
        else:
            store(rows, prepare(args))

    valid: list[tuple[int, dict[str, Any]]] = []

    def take() -> None:
        """The valid records read so far: their speakers, then into chunks."""
        look_up_speakers(d["speaker"] for _, d in valid)
        for line, data in valid:
            sp = speaker_for(line, data["speaker"])
            if sp is None:
                continue
            if skip_existing:
                st = engine.search_text(data["text"])
                if repository.find_same_quote(session, sp.id, text_hash(st)) is not None:
                    continue
            chunk.append((line, data, sp))
            if len(chunk) >= chunk_size:
                flush()
        valid.clear()

    completed = False
    with _bulk_write_settings(session):
        try:
            for line, data, errors in records:
                if errors or data is None:
                    result.errors.append({"line": line, "errors": errors or {"_schema": ["Invalid."]}})
                    continue
                valid.append((line, data))
                if len(valid) >= chunk_size:
                    take()
            take()
            flush(full=False)
            drain(0)
            completed = True
        finally:
            for p in pool:
                # Every chunk is stored by now; a worker still starting up
                # finishes on its own rather than holding up the answer.
                p.shutdown(wait=False, cancel_futures=True)
            # Each stored chunk is committed already; after an error only the
            # unfinished one is dropped.
            if completed:
                session.commit()
            else:
                session.rollback()
    # Speaker errors are found a chunk after the lines' own: report by line.
    result.errors.sort(key=lambda e: e["line"])
    if session.get_bind().dialect.name == "postgresql":
        _finish_postgresql_import(session, analyze=result.imported >= ANALYZE_AFTER)
    return result


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
    claimed = repository.speaker_refs_sharing_keys(session, claim.speaker) if claim.speaker else []
    # A claim of sentences said one after the other is verified from the
    # sequences on record when it can be, without candidate retrieval.
    boundaries = passages.by_boundaries(session, claim, claimed)
    verdict = boundaries.verdict
    if verdict is None:
        prefer = [ref.id for ref in claimed if engine.names_fit(claim.speaker, ref)]
        candidates = repository.candidate_quotes(session, claim.text, limit=candidate_limit, prefer_speakers=prefer)
        known = {c.speaker.id: c.speaker for c in candidates}
        for ref in claimed:
            known.setdefault(ref.id, ref)
        # Quotes and the passages they are part of, judged together.
        verdict = passages.judge(session, claim, candidates, list(known.values()), boundaries)
    # Full rows (with sources and context) only for what the answer shows.
    return passages.answer(session, verdict, quote_serializer)


def demo_records(path: str) -> Iterator[dict[str, Any]]:
    import json

    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
