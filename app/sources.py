"""Sources as records: one row per source, shared by the quotes that cite it.

* :func:`find_or_create`: the source a quote's ``{url, publisher, title,
  published_at}`` means. A source with a URL is that URL; without one, its
  publisher and title. An existing record is reused when nothing in the given
  fields contradicts it (what it lacks is filled in); otherwise a new record
  is made, so no quote's source is ever rewritten into another.
* :func:`link_quote`: a quote's sources, in order, as links (the position in a
  source's sequence and the offsets in its document are kept when a quote's
  list is edited).
* :class:`ImportLinks`: the same for a bulk import, a chunk at a time, where
  the quotes citing one URL form that source's sequence in line order (an
  archive loaded line by line gets passages too). Sources that hold a
  document keep their own order: an import citing one adds no positions.

Transcripts are stored by :mod:`app.transcripts`.
"""
from __future__ import annotations

import hashlib
from typing import Any, Iterable, Optional, Sequence

from sqlalchemy import insert, update
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from . import repository, search_keys
from .models import Quote, QuoteSource, Source, utcnow

FIELDS = ("url", "publisher", "title", "published_at")


def source_key(url: Optional[str], publisher: Optional[str], title: Optional[str]) -> str:
    """The lookup key: the URL, or without one the publisher and title (case and spacing aside).

    Migration 0009 computes the same (tests/integration/test_source_migration.py checks).
    """
    if url and url.strip():
        basis = "url " + url.strip()
    else:
        basis = "label " + " | ".join(" ".join((v or "").split()).casefold() for v in (publisher, title))
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()


def key_of(data: Any) -> str:
    get = data.get if isinstance(data, dict) else (lambda k: getattr(data, k))
    return source_key(get("url"), get("publisher"), get("title"))


def _contradicts(record: Any, data: dict[str, Any]) -> bool:
    get = record.get if isinstance(record, dict) else (lambda k: getattr(record, k))
    return any(data.get(k) and get(k) and get(k) != data[k] for k in FIELDS)


def _missing(record: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The fields ``data`` gives that ``record`` lacks."""
    get = record.get if isinstance(record, dict) else (lambda k: getattr(record, k))
    return {k: data[k] for k in FIELDS if data.get(k) and not get(k)}


def lock_key(session: Session, key: str) -> None:
    """PostgreSQL: serialise the creation of one source (SQLite writers are serialised already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql_text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"source:{key}"})


def find_or_create(session: Session, data: dict[str, Any]) -> Source:
    """The stored source ``data`` means, or a new one (flushed, not committed)."""
    key = key_of(data)
    lock_key(session, key)
    for record in repository.sources_with_keys(session, [key]).get(key, []):
        if not _contradicts(record, data):
            fill = _missing(record, data)
            for k, v in fill.items():
                setattr(record, k, v)
            if fill:
                record.updated_at = utcnow()
            return record
    record = Source(key=key, **{k: data.get(k) for k in FIELDS})
    session.add(record)
    session.flush()
    return record


def link_quote(session: Session, quote: Quote, sources: Sequence[dict[str, Any]]) -> None:
    """Point ``quote`` at ``sources`` in this order. A link to a source the
    quote already cites keeps its position and document offsets. Links are
    changed in place (a quote's link rows are keyed by their order)."""
    kept = {link.source_id: {"position": link.position, "doc_start": link.doc_start, "doc_end": link.doc_end}
            for link in reversed(quote.source_links) if link.source_id is not None}
    wanted = []
    for s in sources:
        record = find_or_create(session, dict(s))
        place = kept.pop(record.id, None) or {"position": None, "doc_start": None, "doc_end": None}
        wanted.append({"source": record, **place})
    links = quote.source_links
    for i, values in enumerate(wanted):
        if i < len(links):
            for k, v in values.items():
                setattr(links[i], k, v)
        else:
            links.append(QuoteSource(source_order=i, **values))
    del links[len(wanted):]


class ImportLinks:
    """Source records and sequence positions for an import's quotes.

    :meth:`rows` turns each stored quote's sources into link rows
    ``(quote_id, source_order, source_id, position, boundary_key)``: sources
    are looked up once per import (new ones inserted a chunk at a time), and
    each URL's positions continue from where its sequence ends, each quote
    with the key of its boundary with the one before. If a chunk fails,
    :meth:`undo` forgets what it did, so the rows retried one by one get the
    same positions.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.records: dict[str, list[dict[str, Any]]] = {}  # key -> records (id, fields, document)
        self.next_position: dict[int, int] = {}
        self.tail: dict[int, str] = {}  # search text of each sequence's last quote
        # The record each source as given resolved to (most rows of an import cite a few sources).
        self._memo: dict[tuple, dict[str, Any]] = {}
        self._undo: list[tuple[str, Any, Any]] = []

    def _load(self, keys: Iterable[str]) -> None:
        missing = sorted({k for k in keys if k not in self.records})
        if not missing:
            return
        found = repository.sources_with_keys(self.session, missing)
        for k in missing:
            self.records[k] = [{"id": s.id, **{f: getattr(s, f) for f in FIELDS},
                                "document": s.document is not None} for s in found.get(k, [])]
            self._undo.append(("records", k, None))

    def _record_for(self, data: dict[str, Any], new: list[dict[str, Any]]) -> dict[str, Any]:
        given = tuple(data.get(f) for f in FIELDS)
        hit = self._memo.get(given)
        if hit is not None:
            return hit
        record = self._resolve(data, new)
        self._memo[given] = record
        return record

    def _resolve(self, data: dict[str, Any], new: list[dict[str, Any]]) -> dict[str, Any]:
        key = key_of(data)
        for record in self.records[key]:
            if not _contradicts(record, data):
                fill = _missing(record, data)
                if fill:
                    self._undo.append(("fill", record, dict(record)))
                    record.update(fill)
                    if "id" in record:
                        self.session.execute(update(Source).where(Source.id == record["id"])
                                             .values(**fill, updated_at=utcnow()))
                return record
        record = {"key": key, **{f: data.get(f) for f in FIELDS}, "document": False}
        self._undo.append(("new", key, record))
        self.records[key].append(record)
        new.append(record)
        return record

    def _positions(self, ids: Iterable[int]) -> None:
        ask = sorted({i for i in ids if i not in self.next_position})
        if ask:
            last = repository.last_positions(self.session, ask)
            for i in ask:
                pos, text = last.get(i, (0, ""))
                self.next_position[i] = pos + 1
                self._undo.append(("position", i, None))
                self._undo.append(("tail", i, self.tail.get(i)))
                self.tail[i] = text

    def rows(self, quotes: Sequence[tuple[int, str, Sequence[dict[str, Any]]]]
             ) -> list[tuple[int, int, int, Optional[int], Optional[int]]]:
        """Link rows for ``[(quote_id, search_text, [source dicts in order])]``, in that order."""
        self._load({key_of(s) for _, _, sources in quotes for s in sources
                    if tuple(s.get(f) for f in FIELDS) not in self._memo})
        new: list[dict[str, Any]] = []
        chosen = [[self._record_for(dict(s), new) for s in sources] for _, _, sources in quotes]
        if new:
            now = utcnow()
            ids = self.session.scalars(
                insert(Source).returning(Source.id, sort_by_parameter_order=True),
                [{"key": r["key"], **{f: r[f] for f in FIELDS}, "created_at": now, "updated_at": now}
                 for r in new]).all()
            for r, i in zip(new, ids):
                r["id"] = i
                self.next_position[i] = 1
                self._undo.append(("position", i, None))
                self._undo.append(("tail", i, None))
                self.tail[i] = ""
        self._positions(r["id"] for records in chosen for r in records if r["url"] and not r["document"])
        out = []
        for (quote_id, text, _), records in zip(quotes, chosen):
            for order, r in enumerate(records):
                position = key = None
                if r["url"] and not r["document"]:
                    sid = r["id"]
                    position = self.next_position[sid]
                    key = search_keys.boundary_key(self.tail[sid], text)
                    self._undo.append(("advance", sid, position))
                    self._undo.append(("tail", sid, self.tail[sid]))
                    self.next_position[sid] = position + 1
                    self.tail[sid] = text
                out.append((quote_id, order, r["id"], position, key))
        return out

    def done(self) -> None:
        """The rows given so far are stored: nothing to undo any more."""
        self._undo.clear()

    def undo(self) -> None:
        """Forget everything since :meth:`done` (the chunk's transaction was rolled back)."""
        self._memo.clear()
        for what, k, old in reversed(self._undo):
            if what == "records":
                self.records.pop(k, None)
            elif what == "new":
                if k in self.records and old in self.records[k]:
                    self.records[k].remove(old)
            elif what == "fill":
                k.clear()
                k.update(old)
            elif what == "position":
                self.next_position.pop(k, None)
            elif what == "advance":
                self.next_position[k] = old
            elif what == "tail":
                if old is None:
                    self.tail.pop(k, None)
                else:
                    self.tail[k] = old
        self._undo.clear()


def refresh_boundaries(session: Session, quote_ids: Optional[Sequence[int]] = None) -> int:
    """Recompute the boundary keys around ``quote_ids`` (their own and the next
    quotes' in their sequences), or of every sequence: after a quote's text
    changes, or the engine's normalisation does (``quotes reindex``).
    Returns how many keys changed."""
    changed = 0
    for link, key in repository.boundary_keys_around(session, quote_ids):
        if link.boundary_key != key:
            link.boundary_key = key
            changed += 1
    session.flush()
    return changed
