"""The reads behind passages and answers: the boundary index, the quotes
around a quote in its sequences, the documents' text around a quote, and
the records an answer shows."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Optional, Sequence

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from verification.model import CanonicalQuote, SpeakerRef

from .models import APPROVED, Quote, QuoteSource, Source, Speaker
from .retrieval import speaker_refs

_ANSWER_SKIP = {"search_text", "shingles", "text_hash"}


def quote_records(session: Session, ids: Sequence[int]) -> dict[int, SimpleNamespace]:
    """The quotes an answer shows, as plain records with the attributes
    :class:`app.schemas.QuoteSchema` reads (``speaker.name``, ``sources``...):
    two Core queries instead of the ORM's four, for the few quotes a verify
    answer shows."""
    if not ids:
        return {}
    cols = [c for c in Quote.__table__.c if c.name not in _ANSWER_SKIP]
    rows = session.execute(
        select(*cols, Speaker.name.label("speaker_name"))
        .join(Speaker, Speaker.id == Quote.speaker_id).where(Quote.id.in_(ids))
    ).mappings().all()
    links: dict[int, list[SimpleNamespace]] = {}
    for r in session.execute(
        select(QuoteSource.quote_id, QuoteSource.position, Source.id, Source.url, Source.publisher,
               Source.title, Source.published_at)
        .join(Source, Source.id == QuoteSource.source_id)
        .where(QuoteSource.quote_id.in_(ids)).order_by(QuoteSource.quote_id, QuoteSource.source_order)
    ).mappings():
        source = SimpleNamespace(id=r["id"], url=r["url"], publisher=r["publisher"], title=r["title"],
                                 published_at=r["published_at"])
        links.setdefault(r["quote_id"], []).append(SimpleNamespace(source=source, position=r["position"]))
    out = {}
    for r in rows:
        d = dict(r)
        name = d.pop("speaker_name")
        mine = links.get(d["id"], [])
        out[d["id"]] = SimpleNamespace(**d, speaker=SimpleNamespace(id=d["speaker_id"], name=name),
                                       source_links=mine, sources=[link.source for link in mine])
    return out


def boundary_hits(session: Session, keys: Sequence[int], limit: int = 20) -> dict[int, list[tuple[int, int]]]:
    """Quotes whose boundary with the quote before them is one of ``keys``:
    ``{quote id: [(source id, position)]}`` (both quotes' ids are found by
    position afterwards)."""
    out: dict[int, list[tuple[int, int]]] = {}
    if not keys:
        return out
    rows = session.execute(
        select(QuoteSource.quote_id, QuoteSource.source_id, QuoteSource.position)
        .where(QuoteSource.boundary_key.in_(list(keys))).limit(limit)).all()
    for qid, sid, pos in rows:
        out.setdefault(qid, []).append((sid, pos))
    return out


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
    refs.update(speaker_refs(session, {r.speaker_id for r in rows} - refs.keys()))
    return [(r.source_id, r.position, CanonicalQuote(id=r.id, text=r.text, speaker=refs[r.speaker_id],
                                                     spoken_at=r.spoken_at, location=r.location, event=r.event))
            for r in rows]


# How much of a document around a quote is read to find the sentences before and after it.
CONTEXT_CHARS = 1500


def context_links(session: Session, quote_ids: Sequence[int]) -> list[Any]:
    """For each of ``quote_ids``, its links to sources that hold a document or a
    sequence, with the document's text just before and after the quote."""
    if not quote_ids:
        return []
    n = CONTEXT_CHARS
    # document[max(0, start - n):start] and document[end:end + n], in SQL's 1-based substr.
    before_from = f"CASE WHEN l.doc_start > {n} THEN l.doc_start - {n} + 1 ELSE 1 END"
    before_len = f"CASE WHEN l.doc_start > {n} THEN {n} ELSE l.doc_start END"
    return list(session.execute(text(
        "SELECT l.quote_id, l.source_order, l.source_id, l.position, l.doc_start, l.doc_end, "
        "s.url, s.title, s.publisher, s.kind, "
        f"CASE WHEN s.document IS NULL OR l.doc_start IS NULL THEN NULL "
        f"ELSE substr(s.document, {before_from}, {before_len}) END AS doc_before, "
        f"CASE WHEN s.document IS NULL OR l.doc_end IS NULL THEN NULL "
        f"ELSE substr(s.document, l.doc_end + 1, {n}) END AS doc_after "
        "FROM quote_sources l JOIN sources s ON s.id = l.source_id "
        "WHERE l.quote_id IN :ids AND (l.position IS NOT NULL OR l.doc_start IS NOT NULL) "
        "ORDER BY l.quote_id, l.source_order"
    ).bindparams(bindparam("ids", expanding=True)), {"ids": list(quote_ids)}).mappings().all())


def sequence_neighbours(session: Session, quote_ids: Sequence[int], reach: int) -> dict[tuple[int, int], str]:
    """The texts of the approved quotes within ``reach`` positions of ``quote_ids``:
    ``{(source id, position): text}``."""
    return {(r.source_id, r.position): r.text for r in _around(session, quote_ids, reach)}
