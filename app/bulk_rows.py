"""An import's rows in storage form, and the writes that send them past the ORM.

A quote's columns (normalised text, word pairs, date span, gazetteer place)
are computed here, in the importing process or in an import worker process,
down to what the database receives: COPY text lines for PostgreSQL, driver
values for SQLite (:func:`_prepare_rows`). The pipeline that reads records,
resolves speakers and stores chunks is :mod:`app.bulk_import`.
"""
from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, Iterable, Iterator, Optional, Sequence

from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from .models import naive_utc, utcnow
from .services import PlaceCache, _created_changes, quote_columns


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
# A prepared PostgreSQL chunk: its rows, and the word-pair keys its quotes
# hold, one per quote that holds it (what the import adds to ``pair_counts``,
# migration 0012). A list rather than a Counter: the importing process counts
# a list in C (``Counter.update``), a Counter's items in Python, 3x slower.
CopyChunk = tuple[list[CopyRow], list[int]]
# Per prepared row on SQLite, in storage form (dates as SQLAlchemy's SQLite
# dialect writes them): (the quote's values after its id, its sources, its
# first revision's changes as JSON, that revision's time).
SqliteRow = tuple[tuple[Any, ...], Cited, str, str]
# A prepared SQLite chunk: its rows, and the word-pair tokens its quotes hold,
# one per quote that holds it (SQLite's ``pair_counts``, migration 0013).
SqliteChunk = tuple[list[SqliteRow], list[str]]


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
                         places: "PlaceCache") -> SqliteChunk:
    shingles = quote_copy_columns().index("shingles") - 1
    rows, tokens = [], []
    for values, sources, changes, now in _row_values(items, places):
        rows.append((tuple(map(_sqlite_value, values)), sources, changes, _sqlite_value(now)))
        if values[shingles]:
            tokens.extend(values[shingles].split(" "))
    return rows, tokens


def pair_keys_of(shingles: Iterable[Optional[str]]) -> list[int]:
    """These quotes' word-pair keys, each as often as ``pair_counts`` counts
    it: what PostgreSQL generates from ``shingles`` into ``pair_keys``
    (``verbatim_pair_keys``, migration 0005: each space-separated token of 11
    characters, its hex digits after the ``s`` as an integer)."""
    return [int(t[1:], 16) for s in shingles if s for t in s.split(" ") if len(t) == 11]


def _prepare_copy_rows(items: Iterable[tuple[dict[str, Any], int, str]], places: "PlaceCache",
                       ids: Sequence[int], key_id: Optional[int]) -> CopyChunk:
    shingles = quote_copy_columns().index("shingles") - 1
    rows, texts = [], []
    for qid, (values, sources, changes, now) in zip(ids, _row_values(items, places)):
        rows.append((qid, _copy_line((qid, *values)), sources, _copy_line((qid, 1, "create", changes, key_id, now))))
        texts.append(values[shingles])
    return rows, pair_keys_of(texts)


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



# Preparing imported rows in other processes. A quote's columns (normalised
# text, word pairs, date span, gazetteer place) are pure Python and about a
# third of an import's time; the rest (validation, the database writes) stays
# in the importing process, in input order. Threads do not help: the GIL
# serialises the Python part, and SQLite's per-row release of it makes the
# two threads take turns.
_WORKER_PLACES: Optional["PlaceCache"] = None


def _prepare_rows(items: Iterable[tuple[dict[str, Any], int, str]], places: "PlaceCache",
                  copy_ids: Optional[Sequence[int]] = None, key_id: Optional[int] = None) -> Any:
    """Given the quotes' ids (PostgreSQL), each row's COPY lines and the
    chunk's pair keys (:data:`CopyChunk`); else each row's values for
    SQLite and the chunk's pair tokens (:data:`SqliteChunk`)."""
    if copy_ids is not None:
        return _prepare_copy_rows(items, places, copy_ids, key_id)
    return _prepare_sqlite_rows(items, places)


def _prepare_in_worker(items: list[tuple[dict[str, Any], int, str]],
                       copy_ids: Optional[Sequence[int]] = None, key_id: Optional[int] = None) -> Any:
    global _WORKER_PLACES
    if _WORKER_PLACES is None:
        _WORKER_PLACES = PlaceCache()
    return _prepare_rows(items, _WORKER_PLACES, copy_ids, key_id)
