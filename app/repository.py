"""Every database query of the service lives here.

The one that matters most is :func:`find_candidates`: index-based retrieval
of the few dozen stored quotes a claim could come from. The engine reranks
them; no request scans the quotes table or loads the corpus into the process.

Full-text safety: user text never reaches a full-text query as syntax. The
claim is cut into plain word tokens (letters and digits only) and each token
is passed as a quoted FTS5 string / a bound ``plainto_tsquery`` argument, so
``"``, ``AND``, ``NEAR(``, ``*`` and ``-`` are just characters of a quote.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from sqlalchemy import and_, func, literal_column, or_, select, text
from sqlalchemy.orm import Session, selectinload

from . import engine
from .models import APPROVED, RETRACTED, ApiKey, Quote, QuoteRevision, Speaker, SpeakerKey

# At most this many words of a claim go into the candidate query: the
# rarest ones, which identify a quote best and keep the OR query cheap.
MAX_QUERY_TERMS = 12
# ...but at least this many, and beyond that only while the quotes the
# query matches stay under this budget (estimated from document frequencies).
MIN_QUERY_TERMS = 4
MATCH_BUDGET = 5000


# --- turning user text into safe search terms ------------------------------------------


def _stopwords() -> frozenset[str]:
    return engine.STOPWORDS


def query_tokens(claim_text: str) -> list[str]:
    """The claim's content words as index tokens, in order, without repeats.

    Only letters and digits survive, exactly like the tokens both indexes
    store (see :func:`app.engine.index_tokens`), so a token can never be
    search syntax.
    """
    stop = _stopwords()
    seen: dict[str, None] = {}
    for word in engine.content_words(claim_text):
        if engine.fold(word) in stop:
            continue
        for tok in engine.index_tokens(word):
            if tok in stop or (len(tok) == 1 and not tok.isdigit()):
                continue
            seen.setdefault(tok, None)
    return list(seen)


def fts5_string(token: str) -> str:
    """A token as an FTS5 string literal: always a phrase, never an operator."""
    return '"' + token.replace('"', '""') + '"'


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _doc_frequencies(session: Session, tokens: Sequence[str]) -> dict[str, float]:
    """How many quotes contain each token, read cheaply from the database.

    SQLite: exact counts from the FTS5 vocabulary table (an index lookup per
    token). PostgreSQL: the planner's statistics for the tsvector column
    (``pg_stats.most_common_elems``, kept by ANALYZE): a common word gets
    its estimated count; a word not among the common ones is rare, and
    gets 1 (it may also be absent, which costs nothing in the query). No
    statistics yet (a new, small table): every word counts as rare.
    """
    if not tokens:
        return {}
    if _dialect(session) == "sqlite":
        rows = session.execute(
            text("SELECT term, doc FROM quotes_fts_vocab WHERE term IN ("
                 + ",".join(f":t{i}" for i in range(len(tokens))) + ")"),
            {f"t{i}": t for i, t in enumerate(tokens)},
        ).all()
        found = {term: int(doc) for term, doc in rows}
        return {t: found.get(t, 0) for t in tokens}
    row = session.execute(text(
        "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
        "FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = current_schema() "
        "AND s.tablename = 'quotes' AND s.attname = 'search_vector' "
        "WHERE c.oid = to_regclass('quotes')"
    )).first()
    common: dict[str, float] = {}
    if row is not None and row[0] and row[1]:
        rows_total = max(float(row[2] or 0), 1.0)
        common = {elem: float(freq) * rows_total for elem, freq in zip(row[0], row[1])}
    return {t: max(common.get(t, 1.0), 1.0) for t in tokens}


def choose_terms(session: Session, claim_text: str, cap: int = MAX_QUERY_TERMS) -> list[str]:
    """The claim's rarest indexed content words: what the candidate query ORs.

    Rarest first, at most ``cap``; once ``MIN_QUERY_TERMS`` are chosen, a
    word that would bring the quotes matched past ``MATCH_BUDGET`` is left
    out (the rare words already pin the quote down; common words only make
    the ranking slower). Words no quote contains are dropped. A claim with
    no content words at all ("let him come") uses its plain words.
    """
    tokens = query_tokens(claim_text)
    if not tokens:
        tokens = list(dict.fromkeys(engine.index_tokens(claim_text)))
    tokens = tokens[:64]  # a pasted essay must not become a huge query
    if not tokens:
        return []
    freq = _doc_frequencies(session, tokens)
    present = [t for t in tokens if freq.get(t, 0) > 0]
    present.sort(key=lambda t: (freq[t], -len(t)))
    chosen: list[str] = []
    matched = 0.0
    for t in present:
        if len(chosen) >= cap:
            break
        if len(chosen) >= MIN_QUERY_TERMS and matched + freq[t] > MATCH_BUDGET:
            break
        chosen.append(t)
        matched += freq[t]
    return chosen


# --- candidates -------------------------------------------------------------------------


def _with_speaker_and_sources():
    return (selectinload(Quote.speaker).selectinload(Speaker.aliases), selectinload(Quote.sources))


def quotes_by_ids(session: Session, ids: Sequence[int]) -> list[Quote]:
    """Quotes in the order of ``ids``, with speaker, aliases and sources loaded."""
    if not ids:
        return []
    rows = session.scalars(select(Quote).where(Quote.id.in_(ids)).options(*_with_speaker_and_sources()))
    by_id = {q.id: q for q in rows}
    return [by_id[i] for i in ids if i in by_id]


def find_candidates(session: Session, text_: str, limit: int = 40) -> list[Quote]:
    """The approved quotes most likely to be what ``text_`` quotes, best first."""
    return quotes_by_ids(session, candidate_ids(session, text_, limit))


def candidate_ids(session: Session, text_: str, limit: int = 40) -> list[int]:
    """Ids of the approved quotes most likely to be what ``text_`` quotes, best first.

    An OR of the claim's rarest words against the full-text index, ranked by
    BM25 (SQLite FTS5) or ts_rank (PostgreSQL). The speaker is deliberately
    not a filter: a misattributed quote must still be found.
    """
    terms = choose_terms(session, text_)
    if not terms:
        return []
    if _dialect(session) == "sqlite":
        match = " OR ".join(fts5_string(t) for t in terms)
        ids = session.scalars(
            text(
                "SELECT quotes.id FROM quotes_fts JOIN quotes ON quotes.id = quotes_fts.rowid "
                "WHERE quotes_fts MATCH :match AND quotes.status = :approved "
                "ORDER BY bm25(quotes_fts) LIMIT :limit"
            ),
            {"match": match, "approved": APPROVED, "limit": limit},
        ).all()
    else:
        tsq = " || ".join(f"plainto_tsquery('simple', :t{i})" for i in range(len(terms)))
        params = {f"t{i}": t for i, t in enumerate(terms)}
        params.update(approved=APPROVED, limit=limit)
        ids = session.scalars(
            text(
                f"SELECT id FROM quotes, (SELECT {tsq} AS q) AS query "
                "WHERE search_vector @@ query.q AND status = :approved "
                "ORDER BY ts_rank(search_vector, query.q) DESC, id LIMIT :limit"
            ),
            params,
        ).all()
    return list(ids)


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
    """Stored quotes that are not retracted."""
    return session.scalar(select(func.count()).select_from(Quote).where(Quote.status != RETRACTED)) or 0


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
    return list(session.scalars(
        select(Speaker).join(SpeakerKey, SpeakerKey.speaker_id == Speaker.id)
        .where(SpeakerKey.key == key, SpeakerKey.exact.is_(True))
        .options(selectinload(Speaker.aliases)).order_by(Speaker.id)
    ).unique())


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
