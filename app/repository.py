"""The service's reads: quotes, speakers, sources, revisions and API keys for
the API and the CLI. Candidate retrieval (the verify hot path) is
:mod:`app.retrieval`; the reads behind passages and answers are
:mod:`app.passage_reads`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

from sqlalchemy import and_, func, literal_column, or_, select, text
from sqlalchemy.orm import Session, selectinload

from . import engine
from .models import (
    APPROVED,
    RETRACTED,
    ApiKey,
    Quote,
    QuoteRevision,
    QuoteSource,
    Source,
    Speaker,
    SpeakerKey,
)
from .retrieval import MAX_QUERY_TERMS, _dialect
from .search_keys import boundary_key, fts5_string, query_tokens


# --- quotes ----------------------------------------------------------------------------------


def _with_speaker_and_sources():
    return (selectinload(Quote.speaker).selectinload(Speaker.aliases), selectinload(Quote.source_links))


def quotes_by_ids(session: Session, ids: Sequence[int]) -> list[Quote]:
    """Quotes in the order of ``ids``, with speaker, aliases and sources loaded."""
    if not ids:
        return []
    rows = session.scalars(select(Quote).where(Quote.id.in_(ids)).options(*_with_speaker_and_sources()))
    by_id = {q.id: q for q in rows}
    return [by_id[i] for i in ids if i in by_id]


def _contains_all_words(session: Session, q: str):
    """A WHERE clause: the quote contains every content word of ``q``."""
    tokens = query_tokens(q) or list(dict.fromkeys(engine.index_tokens(q)))
    tokens = tokens[:MAX_QUERY_TERMS * 2]
    if not tokens:
        return None
    if _dialect(session) == "sqlite":
        match = " AND ".join(fts5_string(t) for t in tokens)
        sub = select(literal_column("rowid")).select_from(text("quotes_fts")).where(
            text("quotes_fts MATCH :q_match").bindparams(q_match=match)
        )
        return Quote.id.in_(sub)
    return literal_column("quotes.search_vector").op("@@")(func.plainto_tsquery("simple", " ".join(tokens)))


# --- listing quotes ----------------------------------------------------------------------


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _location_clause(location: str):
    loc = location.strip()
    low = loc.lower()
    conds = [
        func.lower(Quote.location).like(f"%{_like_escape(low)}%", escape="\\"),
        func.lower(Quote.city) == low,
        func.lower(Quote.region) == low,
        func.lower(Quote.country) == low,
    ]
    if len(loc) == 2 and loc.isalpha():
        conds.append(Quote.country_code == loc.upper())
    place = engine.resolve_place(loc)
    if place is not None:
        kind = getattr(place, "kind", None)
        cc = getattr(place, "country_code", None)
        city = getattr(place, "city", None)
        if kind == "country" and cc:
            conds.append(Quote.country_code == cc)
        elif city and cc:
            conds.append(and_(func.lower(Quote.city) == city.lower(), Quote.country_code == cc))
    return or_(*conds)


def list_quotes(
    session: Session,
    *,
    speaker_ids: Optional[Sequence[int]] = None,
    q: Optional[str] = None,
    date_from=None,
    date_to=None,
    location: Optional[str] = None,
    status: Optional[str] = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    conds = []
    if speaker_ids is not None:
        if not speaker_ids:
            return Page([], 0, page, per_page)
        conds.append(Quote.speaker_id.in_(speaker_ids))
    if q:
        clause = _contains_all_words(session, q)
        if clause is not None:
            conds.append(clause)
    # A quote's span of days overlaps the asked range.
    if date_from is not None:
        conds.append(Quote.spoken_on_end >= date_from)
    if date_to is not None:
        conds.append(Quote.spoken_on_start <= date_to)
    if location:
        conds.append(_location_clause(location))
    if status in (None, ""):
        conds.append(Quote.status != RETRACTED)
    elif status != "all":
        conds.append(Quote.status == status)

    total = session.scalar(select(func.count()).select_from(Quote).where(*conds)) or 0
    ids = session.scalars(
        select(Quote.id).where(*conds).order_by(Quote.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(quotes_by_ids(session, list(ids)), total, page, per_page)


def get_quote(session: Session, quote_id: int) -> Optional[Quote]:
    found = quotes_by_ids(session, [quote_id])
    return found[0] if found else None


def count_quotes(session: Session) -> int:
    """Stored quotes that are not retracted.

    All rows (the smallest covering index) minus the retracted ones (the
    partial index on non-approved statuses, which SQLite uses only when the
    query repeats its condition): 5 ms at a million quotes on SQLite, where
    ``status != 'retracted'`` read the whole table (420 ms).
    """
    total = session.scalar(select(func.count()).select_from(Quote)) or 0
    retracted = session.scalar(
        select(func.count()).select_from(Quote).where(Quote.status != APPROVED, Quote.status == RETRACTED)) or 0
    return total - retracted


def find_same_quote(session: Session, speaker_id: int, text_hash: str) -> Optional[Quote]:
    return session.scalars(
        select(Quote).where(Quote.text_hash == text_hash, Quote.speaker_id == speaker_id).limit(1)
    ).first()


def revisions(session: Session, quote_id: int) -> list[QuoteRevision]:
    return list(session.scalars(
        select(QuoteRevision).where(QuoteRevision.quote_id == quote_id).order_by(QuoteRevision.revision)
    ))


def last_revision_number(session: Session, quote_id: int) -> int:
    return session.scalar(
        select(func.coalesce(func.max(QuoteRevision.revision), 0)).where(QuoteRevision.quote_id == quote_id)
    ) or 0


# --- speakers ------------------------------------------------------------------------------


def speakers_with_exact_name(session: Session, name: str) -> list[Speaker]:
    """Speakers whose name or an alias is exactly ``name`` (case, accents aside)."""
    key = engine.name_key(name)
    if not key:
        return []
    return speakers_with_exact_keys(session, [key]).get(key, [])


def speakers_with_exact_keys(session: Session, keys: Sequence[str]) -> dict[str, list[Speaker]]:
    """For each whole-name key (:func:`app.engine.name_key`), the speakers whose
    name or an alias it is exactly; keys nobody has are left out."""
    found: dict[str, list[Speaker]] = {}
    for i in range(0, len(keys), 500):
        rows = session.execute(
            select(SpeakerKey.key, Speaker).join(Speaker, SpeakerKey.speaker_id == Speaker.id)
            .where(SpeakerKey.key.in_(keys[i:i + 500]), SpeakerKey.exact.is_(True))
            .options(selectinload(Speaker.aliases)).order_by(Speaker.id)
        ).all()
        for key, speaker in rows:
            if speaker not in found.setdefault(key, []):
                found[key].append(speaker)
    return found


def speakers_sharing_keys(session: Session, name: str, limit: int = 50) -> list[Speaker]:
    """Speakers any of whose name keys ``name`` shares: an index lookup on speaker_keys."""
    keys = engine.speaker_keys(name)
    if not keys:
        return []
    ids = select(SpeakerKey.speaker_id).where(SpeakerKey.key.in_(sorted(keys))).distinct()
    return list(session.scalars(
        select(Speaker).where(Speaker.id.in_(ids)).options(selectinload(Speaker.aliases))
        .order_by(Speaker.id).limit(limit)
    ))


def get_speaker(session: Session, speaker_id: int) -> Optional[Speaker]:
    return session.scalars(
        select(Speaker).where(Speaker.id == speaker_id).options(selectinload(Speaker.aliases))
    ).first()


def list_speakers(session: Session, *, q: Optional[str] = None, page: int = 1, per_page: int = 20) -> Page:
    conds = []
    if q:
        keys = engine.speaker_keys(q)
        key = engine.name_key(q)
        if key:
            keys.add(key)
        conds.append(Speaker.id.in_(select(SpeakerKey.speaker_id).where(SpeakerKey.key.in_(sorted(keys)))))
    total = session.scalar(select(func.count()).select_from(Speaker).where(*conds)) or 0
    items = list(session.scalars(
        select(Speaker).where(*conds).options(selectinload(Speaker.aliases)).order_by(Speaker.name, Speaker.id)
        .limit(per_page).offset((page - 1) * per_page)
    ))
    return Page(items, total, page, per_page)


# --- API keys --------------------------------------------------------------------------------


def api_key_by_hash(session: Session, key_hash: str) -> Optional[ApiKey]:
    return session.scalars(select(ApiKey).where(ApiKey.key_hash == key_hash)).first()


def list_api_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def iter_all_quotes(session: Session, batch: int = 500) -> Iterable[Quote]:
    """Every quote, in id order, a batch at a time (maintenance commands only)."""
    last = 0
    while True:
        rows = list(session.scalars(select(Quote).where(Quote.id > last).order_by(Quote.id).limit(batch)))
        if not rows:
            return
        yield from rows
        last = rows[-1].id


# --- sources ----------------------------------------------------------------------------------


def sources_with_keys(session: Session, keys: Sequence[str]) -> dict[str, list[Source]]:
    """For each lookup key (:func:`app.sources.source_key`), the sources with it, oldest first."""
    found: dict[str, list[Source]] = {}
    for i in range(0, len(keys), 500):
        for s in session.scalars(select(Source).where(Source.key.in_(keys[i:i + 500])).order_by(Source.id)):
            found.setdefault(s.key, []).append(s)
    return found


def last_positions(session: Session, source_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """The last position of each source's sequence and its quote's search text
    (sources without a sequence are left out)."""
    out: dict[int, tuple[int, str]] = {}
    for i in range(0, len(source_ids), 500):
        last = (select(QuoteSource.source_id, func.max(QuoteSource.position).label("position"))
                .where(QuoteSource.source_id.in_(source_ids[i:i + 500]), QuoteSource.position.is_not(None))
                .group_by(QuoteSource.source_id).subquery())
        rows = session.execute(
            select(last.c.source_id, last.c.position, Quote.search_text)
            .join(QuoteSource, and_(QuoteSource.source_id == last.c.source_id,
                                    QuoteSource.position == last.c.position))
            .join(Quote, Quote.id == QuoteSource.quote_id)).all()
        out.update({sid: (int(pos), st) for sid, pos, st in rows})
    return out


def boundary_keys_around(session: Session, quote_ids: Optional[Sequence[int]] = None,
                         batch: int = 5000) -> Iterable[tuple[QuoteSource, Optional[int]]]:
    """Links in sequences with the boundary key their texts give now: those of
    ``quote_ids`` and of the quotes right after them, or (None) every link
    with a position, a source at a time."""
    if quote_ids is not None:
        mine = session.execute(select(QuoteSource.source_id, QuoteSource.position)
                               .where(QuoteSource.quote_id.in_(list(quote_ids)),
                                      QuoteSource.position.is_not(None))).all()
        spots = {(sid, pos + d) for sid, pos in mine for d in (0, 1)}
        sources = sorted({sid for sid, _ in spots})
    else:
        spots = None
        sources = list(session.scalars(select(QuoteSource.source_id).where(QuoteSource.position.is_not(None))
                                       .distinct().order_by(QuoteSource.source_id)))
    for sid in sources:
        rows = session.execute(
            select(QuoteSource, Quote.search_text).join(Quote, Quote.id == QuoteSource.quote_id)
            .where(QuoteSource.source_id == sid, QuoteSource.position.is_not(None))
            .order_by(QuoteSource.position)).all()
        before: dict[int, str] = {link.position: st for link, st in rows}
        for link, st in rows:
            if spots is not None and (sid, link.position) not in spots:
                continue
            prev = before.get(link.position - 1)
            yield link, (boundary_key(prev, st) if prev is not None else None)


def get_source(session: Session, source_id: int) -> Optional[Source]:
    return session.get(Source, source_id)


def quote_counts(session: Session, source_ids: Sequence[int]) -> dict[int, int]:
    if not source_ids:
        return {}
    rows = session.execute(select(QuoteSource.source_id, func.count()).where(QuoteSource.source_id.in_(source_ids))
                           .group_by(QuoteSource.source_id)).all()
    return {sid: int(n) for sid, n in rows}


def list_sources(session: Session, *, url: Optional[str] = None, key: Optional[str] = None,
                 q: Optional[str] = None, kind: Optional[str] = None, page: int = 1, per_page: int = 20) -> Page:
    """Sources, newest first. ``key`` narrows by lookup key (the URL's) and
    ``url`` to that exact URL; ``q`` finds words of the title or publisher."""
    conds = []
    if key is not None:
        conds.append(Source.key == key)
    if url is not None:
        conds.append(Source.url == url)
    if kind:
        conds.append(Source.kind == kind)
    if q:
        pattern = f"%{_like_escape(q.strip().lower())}%"
        conds.append(or_(func.lower(Source.title).like(pattern, escape="\\"),
                         func.lower(Source.publisher).like(pattern, escape="\\")))
    total = session.scalar(select(func.count()).select_from(Source).where(*conds)) or 0
    items = list(session.scalars(select(Source).where(*conds).order_by(Source.id.desc())
                                 .limit(per_page).offset((page - 1) * per_page)))
    return Page(items, total, page, per_page)


def source_quotes(session: Session, source_id: int, *, limit: int, offset: int = 0) -> list[Any]:
    """A source's quotes in order (by position; quotes that only cite it, after),
    with each quote's place in it and its speaker."""
    return list(session.execute(
        select(Quote.id, Quote.text, Quote.speaker_id, Speaker.name.label("speaker"), Quote.status,
               QuoteSource.position, QuoteSource.doc_start, QuoteSource.doc_end)
        .join(QuoteSource, QuoteSource.quote_id == Quote.id).join(Speaker, Speaker.id == Quote.speaker_id)
        .where(QuoteSource.source_id == source_id)
        .order_by(QuoteSource.position.is_(None), QuoteSource.position, Quote.id)
        .limit(limit).offset(offset)).mappings().all())
