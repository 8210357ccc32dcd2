"""The reads behind passages and answers: the boundary index, the quotes
around a quote in its sequences, the documents' text around a quote, and
the records an answer shows."""
from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any, Optional, Sequence

from sqlalchemy import bindparam, select, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from verification.model import CanonicalQuote, SpeakerRef

from . import retrieval
from .driver_sql import Statement, fetch, fetch_described, id_list
from .models import APPROVED, Quote, QuoteSource
from .search_keys import fts5_string, pair_key

_ANSWER_SKIP = {"search_text", "shingles", "text_hash"}
# The columns of a quote an answer shows, and the statement that reads them
# with the speaker's name for a list of ids.
_ANSWER_COLUMNS = tuple(c for c in Quote.__table__.c if c.name not in _ANSWER_SKIP)
_QUOTE_COLUMNS_SQL = ", ".join(f"q.{c.name}" for c in _ANSWER_COLUMNS) + ", s.name"
QUOTE_ROWS = Statement(
    sqlite=f"SELECT {_QUOTE_COLUMNS_SQL} FROM quotes q JOIN speakers s ON s.id = q.speaker_id "
           "WHERE q.id IN (SELECT value FROM json_each(:ids))",
    postgresql=f"SELECT {_QUOTE_COLUMNS_SQL} FROM quotes q JOIN speakers s ON s.id = q.speaker_id "
               "WHERE q.id = ANY(%(ids)s::bigint[])",
)


@functools.lru_cache(maxsize=8)
def _converters(dialect: Dialect, type_codes: tuple[Any, ...]) -> tuple[tuple[str, Any], ...]:
    """Each answer column's name and the function SQLAlchemy would turn the
    driver's value into the column's Python value with (None: as it is), so
    rows read on the driver's cursor are what a Core query gives."""
    return tuple((c.name, c.type.dialect_impl(dialect).result_processor(dialect, code))
                 for c, code in zip(_ANSWER_COLUMNS, type_codes))


def quote_rows(session: Session, ids: Sequence[int]) -> dict[int, SimpleNamespace]:
    """The quotes of ``ids`` with every column an answer shows and the
    speaker's name (``speaker_name``), in one statement; no sources."""
    if not ids:
        return {}
    dialect = session.get_bind().dialect
    rows, types = fetch_described(session, QUOTE_ROWS, {"ids": id_list(dialect.name, ids)})
    columns = _converters(dialect, types)
    out = {}
    for row in rows:
        record = SimpleNamespace(**{name: (convert(v) if convert else v)
                                    for (name, convert), v in zip(columns, row)}, speaker_name=row[-1])
        out[record.id] = record
    return out


def quote_records(session: Session, ids: Sequence[int], links: dict[int, list[dict[str, Any]]],
                  known: Optional[dict[int, SimpleNamespace]] = None) -> dict[int, SimpleNamespace]:
    """The quotes an answer shows, as plain records with the attributes
    :class:`app.schemas.QuoteSchema` reads (``speaker.name``, ``sources``...),
    from ``known`` rows (:func:`quote_rows`, read with the candidates) and
    one statement for the others; ``links``: :func:`source_links` of them."""
    known = known or {}
    rows = {i: known[i] for i in ids if i in known}
    missing = [i for i in ids if i not in rows]
    if missing:
        rows.update(quote_rows(session, missing))
    out = {}
    for qid, r in rows.items():
        mine = [SimpleNamespace(source=SimpleNamespace(id=link["source_id"], url=link["url"],
                                                       publisher=link["publisher"], title=link["title"],
                                                       published_at=link["published_at"]),
                                position=link["position"])
                for link in links.get(qid, ())]
        fields = {k: v for k, v in vars(r).items() if k != "speaker_name"}
        out[qid] = SimpleNamespace(**fields, speaker=SimpleNamespace(id=r.speaker_id, name=r.speaker_name),
                                   source_links=mine, sources=[link.source for link in mine])
    return out


BOUNDARY_HITS = Statement(
    sqlite="SELECT quote_id, source_id, position, boundary_key FROM quote_sources "
           "WHERE boundary_key IN (SELECT value FROM json_each(:keys)) LIMIT :limit",
    postgresql="SELECT quote_id, source_id, position, boundary_key FROM quote_sources "
               "WHERE boundary_key = ANY(%(keys)s::bigint[]) LIMIT %(limit)s",
)


def boundary_hits(session: Session, keys: Sequence[int], limit: int = 20,
                  found_keys: Optional[set[int]] = None) -> dict[int, list[tuple[int, int]]]:
    """Quotes whose boundary with the quote before them is one of ``keys``:
    ``{quote id: [(source id, position)]}`` (both quotes' ids are found by
    position afterwards). ``found_keys``, if given, receives the keys found."""
    out: dict[int, list[tuple[int, int]]] = {}
    if not keys:
        return out
    dialect = session.get_bind().dialect.name
    for qid, sid, pos, key in fetch(session, BOUNDARY_HITS, {"keys": id_list(dialect, keys), "limit": limit}):
        out.setdefault(qid, []).append((sid, pos))
        if found_keys is not None:
            found_keys.add(key)
    return out


# Approved quotes holding at least one pair token of each of two lists (see
# app.passage_rivals): an intersection of two unions of postings.
QUOTES_HOLDING_BOTH = Statement(
    sqlite="SELECT q.id FROM quotes_shingles f JOIN quotes q ON q.id = f.rowid "
           "WHERE quotes_shingles MATCH :m AND q.status = :approved LIMIT :cap",
    postgresql="SELECT id FROM quotes WHERE pair_keys && %(left)s::bigint[] AND pair_keys && %(right)s::bigint[] "
               "AND status = %(approved)s LIMIT %(cap)s",
)


def quotes_holding_both(session: Session, left: Sequence[str], right: Sequence[str], cap: int) -> list[int]:
    """Ids of the approved quotes (at most ``cap``) whose stored word pairs
    include one of ``left`` and one of ``right`` (pair tokens, :mod:`app.search_keys`)."""
    dialect = session.get_bind().dialect.name
    params: dict[str, Any] = {"approved": APPROVED, "cap": cap}
    if dialect == "sqlite":
        params["m"] = " AND ".join("(" + " OR ".join(fts5_string(t) for t in side) + ")" for side in (left, right))
    else:
        params.update(left=[pair_key(t) for t in left], right=[pair_key(t) for t in right])
    return [r[0] for r in fetch(session, QUOTES_HOLDING_BOTH, params)]


def positions_of(session: Session, quote_ids: Sequence[int]) -> dict[int, list[tuple[int, int]]]:
    """Each quote's ``(source id, position)`` places in the sequences it belongs to."""
    out: dict[int, list[tuple[int, int]]] = {}
    if not quote_ids:
        return out
    for qid, sid, pos in session.execute(
            select(QuoteSource.quote_id, QuoteSource.source_id, QuoteSource.position)
            .where(QuoteSource.quote_id.in_(list(quote_ids)), QuoteSource.position.is_not(None))):
        out.setdefault(qid, []).append((sid, pos))
    return out


def _around(session: Session, quote_ids: Sequence[int], reach: int) -> list[Any]:
    """The approved quotes within ``reach`` positions of each of ``quote_ids``
    in the sequences they belong to, in one query over the (source, position) index."""
    if not quote_ids:
        return []
    return list(session.execute(text(
        "SELECT DISTINCT n.source_id, n.position, q.id, q.text, q.speaker_id, q.spoken_at, q.location, q.event "
        "FROM quote_sources c JOIN quote_sources n ON n.source_id = c.source_id "
        "AND n.position BETWEEN c.position - :r AND c.position + :r "
        "JOIN quotes q ON q.id = n.quote_id "
        "WHERE c.quote_id IN :ids AND c.position IS NOT NULL AND q.status = :approved"
    ).bindparams(bindparam("ids", expanding=True)),
        {"ids": list(quote_ids), "r": reach, "approved": APPROVED}).all())


def stretches_around(session: Session, quote_ids: Sequence[int], reach: int,
                     refs: Optional[dict[int, SpeakerRef]] = None) -> list[tuple[int, int, CanonicalQuote]]:
    """``(source id, position, quote)`` of the approved quotes within ``reach``
    positions of ``quote_ids`` in their sequences (and one query for the
    speakers not in ``refs``)."""
    rows = _around(session, quote_ids, reach)
    if not rows:
        return []
    refs = dict(refs or {})
    refs.update(retrieval.speaker_refs(session, {r.speaker_id for r in rows} - refs.keys()))
    return [(r.source_id, r.position, CanonicalQuote(id=r.id, text=r.text, speaker=refs[r.speaker_id],
                                                     spoken_at=r.spoken_at, location=r.location, event=r.event))
            for r in rows]


# How much of a document around a quote is read to find the sentences before and after it.
CONTEXT_CHARS = 1500

_N = CONTEXT_CHARS
# document[max(0, start - n):start] and document[end:end + n], in SQL's 1-based substr.
_LINKS_SQL = (
    "SELECT l.quote_id, l.source_order, l.source_id, l.position, l.doc_start, l.doc_end, "
    "s.url, s.title, s.publisher, s.kind, s.published_at, "
    f"CASE WHEN s.document IS NULL OR l.doc_start IS NULL THEN NULL ELSE substr(s.document, "
    f"CASE WHEN l.doc_start > {_N} THEN l.doc_start - {_N} + 1 ELSE 1 END, "
    f"CASE WHEN l.doc_start > {_N} THEN {_N} ELSE l.doc_start END) END AS doc_before, "
    f"CASE WHEN s.document IS NULL OR l.doc_end IS NULL THEN NULL "
    f"ELSE substr(s.document, l.doc_end + 1, {_N}) END AS doc_after "
    "FROM quote_sources l JOIN sources s ON s.id = l.source_id "
)
SOURCE_LINKS = Statement(
    sqlite=_LINKS_SQL + "WHERE l.quote_id IN (SELECT value FROM json_each(:ids)) ORDER BY l.quote_id, l.source_order",
    postgresql=_LINKS_SQL + "WHERE l.quote_id = ANY(%(ids)s::bigint[]) ORDER BY l.quote_id, l.source_order",
)
_LINK_FIELDS = ("quote_id", "source_order", "source_id", "position", "doc_start", "doc_end", "url", "title",
                "publisher", "kind", "published_at", "doc_before", "doc_after")


def source_links(session: Session, quote_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Each quote's links to its sources, in order, with the source's
    reference and, where the source holds the document, its text just
    before and after the quote (``doc_before``, ``doc_after``): what the
    answer's ``sources`` and ``context`` need, in one statement."""
    out: dict[int, list[dict[str, Any]]] = {}
    if not quote_ids:
        return out
    dialect = session.get_bind().dialect.name
    for row in fetch(session, SOURCE_LINKS, {"ids": id_list(dialect, quote_ids)}):
        out.setdefault(row[0], []).append(dict(zip(_LINK_FIELDS, row)))
    return out


def sequence_neighbours(session: Session, quote_ids: Sequence[int], reach: int) -> dict[tuple[int, int], str]:
    """The texts of the approved quotes within ``reach`` positions of ``quote_ids``:
    ``{(source id, position): text}``."""
    return {(r.source_id, r.position): r.text for r in _around(session, quote_ids, reach)}
