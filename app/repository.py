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

import hashlib
import math
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Iterable, Optional, Sequence

from sqlalchemy import and_, bindparam, func, literal_column, or_, select, text
from sqlalchemy.orm import Session, selectinload

from verification.model import CanonicalQuote, SpeakerRef

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
    SpeakerAlias,
    SpeakerKey,
)

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


# --- word pairs (shingles) ----------------------------------------------------------------
#
# A pair of consecutive words is far rarer than either word: "come to" and
# "to moscow" pin a quote down where "come", "to" and "moscow" each match
# thousands. Each pair is stored as one opaque token (a 40-bit hash, written
# as ``s`` and 10 hex digits), a plain letters-and-digits word that SQLite's
# unicode61 tokenizer keeps whole; PostgreSQL indexes the same hashes as
# integers (``quotes.pair_keys``, migration 0005). Pairs of
# two function words ("of the") are left out: they are in most quotes and
# identify none.

_PAIR_STOP = frozenset(
    "a an and are as at be but by for from had has have he her his i if in is it its me my "
    "not of on or our she so that the their them they this to was we were what which who "
    "will with you your".split()
)


def _pair_token(a: str, b: str) -> str:
    return "s" + hashlib.blake2b(f"{a} {b}".encode("utf-8"), digest_size=5).hexdigest()


def pair_tokens(search_text: str) -> list[str]:
    """The word-pair tokens of a search text, in order, without repeats."""
    words = search_text.split()
    out: dict[str, None] = {}
    for a, b in zip(words, words[1:]):
        if a in _PAIR_STOP and b in _PAIR_STOP:
            continue
        out.setdefault(_pair_token(a, b), None)
    return list(out)


def pair_key(token: str) -> int:
    """A pair token as the integer PostgreSQL's ``pair_keys`` holds (migration 0005)."""
    return int(token[1:], 16)


def boundary_key(before: str, after: str) -> Optional[int]:
    """The key of the boundary between two consecutive quotes of a sequence:
    a hash of the last two words of ``before`` and the first two of ``after``
    (search texts), or None when either has fewer than two words."""
    a, b = before.split()[-2:], after.split()[:2]
    if len(a) < 2 or len(b) < 2:
        return None
    return _four_key(*a, *b)


def _four_key(w1: str, w2: str, w3: str, w4: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{w1} {w2}|{w3} {w4}".encode("utf-8"), digest_size=5).digest(), "big")


def claim_boundary_keys(search_text: str, limit: int = 200) -> list[int]:
    """Every boundary key a claim could hold: one per run of four words."""
    w = search_text.split()
    return list(dict.fromkeys(_four_key(*w[i:i + 4]) for i in range(len(w) - 3)))[:limit]


def shingle_text(search_text: str) -> str:
    """What the word-pair index stores for a quote (``quotes.shingles``)."""
    return " ".join(pair_tokens(search_text))


# A quote sharing at least this many of the claim's pairs is found by its
# wording; below that (a one-word claim, a heavy rewording) the single-word
# query adds its candidates.
STRONG_PAIRS = 2
# Quotes found by their wording are few; the engine aligns only its best
# eight, so more than this many (copies of a stock line) only cost time.
STRONG_LIMIT = 10
# A claim of more words than this that shares no two pairs with any quote
# does not run the single-word query (see candidate_ids).
WORD_FALLBACK_MAX_WORDS = 8


# FTS5 keeps no document counts: fts5vocab reads a pair's whole postings
# list to count them, which for the pairs of a line repeated across a large
# archive is most of what choosing a claim's pairs costs. A worker therefore
# remembers the counts of common pairs (at most COMMON_PAIRS_KEPT, dropped all
# at once when full). Only common ones: a count that has grown since is still
# common, which is all the choice needs, while a rare or absent pair (one
# new quote away from mattering) is always read fresh.
COMMON_PAIR = 50
COMMON_PAIRS_KEPT = 200_000
_COMMON_PAIRS: dict[tuple[str, str], float] = {}


def _pair_frequencies(session: Session, tokens: Sequence[str]) -> dict[str, float]:
    """How many quotes contain each pair token.

    SQLite: the FTS5 vocabulary, one ``term = ?`` probe per token (an
    ``IN (...)`` list would make fts5vocab walk the whole vocabulary).
    PostgreSQL: the planner's statistics for ``pair_keys``; a pair not
    among the most common ones counts as rare (1). Known limit: at a million
    quotes a pair in hundreds of quotes, or in none, then looks rare, and 5%
    of one-word edits miss their quote (BENCHMARKS.md, "PostgreSQL at 1M");
    exact counts per pair are the fix still to make.
    """
    if not tokens:
        return {}
    if _dialect(session) == "sqlite":
        db = str(session.get_bind().url)
        found = {t: _COMMON_PAIRS.get((db, t)) for t in tokens}
        ask = [t for t, f in found.items() if f is None]
        if ask:
            sql = " UNION ALL ".join(
                f"SELECT term, doc FROM quotes_shingles_vocab WHERE term = :t{i}" for i in range(len(ask)))
            for term, doc in session.execute(text(sql), {f"t{i}": t for i, t in enumerate(ask)}).all():
                found[term] = float(doc)
                if doc >= COMMON_PAIR:
                    if len(_COMMON_PAIRS) >= COMMON_PAIRS_KEPT:
                        _COMMON_PAIRS.clear()
                    _COMMON_PAIRS[(db, term)] = float(doc)
        return {t: found.get(t) or 0.0 for t in tokens}
    common = _pg_common_elements(session, "pair_keys")  # keyed by the integer, as text
    return {t: max(common.get(str(pair_key(t)), 1.0), 1.0) for t in tokens}


def _pg_common_elements(session: Session, column: str) -> dict[str, float]:
    row = session.execute(text(
        "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
        "FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = current_schema() "
        "AND s.tablename = 'quotes' AND s.attname = :col "
        "WHERE c.oid = to_regclass('quotes')"
    ), {"col": column}).first()
    if row is None or not row[0] or not row[1]:
        return {}
    rows_total = max(float(row[2] or 0), 1.0)
    return {elem: float(freq) * rows_total for elem, freq in zip(row[0], row[1])}


@dataclass
class PairPlan:
    """What the word-pair index knows of a claim: every pair of it that some
    quote contains (with how many quotes, rarest first; a pair no quote holds,
    such as the two around an edited word, is left out), and the claim's
    content words that are in no such pair (next to an edited word)."""

    present: list[tuple[str, float]]
    loose_words: list[str]
    n_words: int = 0


def pair_plan(session: Session, claim_text: str) -> PairPlan:
    """The claim's word pairs that some quote contains, rarest first."""
    words = engine.search_text(claim_text).split()
    tokens = pair_tokens(" ".join(words))[:80]
    if not tokens:
        return PairPlan([], [], len(words))
    freq = _pair_frequencies(session, tokens)
    # Equally rare pairs (PostgreSQL knows only the common ones, so most
    # pairs tie there) are ordered spread over the whole claim, not from its
    # first sentence on: a sentence repeated in many quotes must not fill the
    # probe while the next sentence is what tells them apart.
    spread = {t: (i * 0.6180339887498949) % 1.0 for i, t in enumerate(tokens)}
    present = sorted((t for t in tokens if freq[t] > 0), key=lambda t: (freq[t], spread[t]))
    # Content words that no present pair covers.
    present_set = set(present)
    covered = [False] * len(words)
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        if not (a in _PAIR_STOP and b in _PAIR_STOP) and _pair_token(a, b) in present_set:
            covered[i] = covered[i + 1] = True
    stop = _stopwords()
    loose = [w for w, c in zip(words, covered) if not c and w not in stop and w not in _PAIR_STOP]
    return PairPlan([(t, freq[t]) for t in present], loose, len(words))


# --- candidates -------------------------------------------------------------------------


def _with_speaker_and_sources():
    return (selectinload(Quote.speaker).selectinload(Speaker.aliases), selectinload(Quote.source_links))


def quotes_by_ids(session: Session, ids: Sequence[int]) -> list[Quote]:
    """Quotes in the order of ``ids``, with speaker, aliases and sources loaded."""
    if not ids:
        return []
    rows = session.scalars(select(Quote).where(Quote.id.in_(ids)).options(*_with_speaker_and_sources()))
    by_id = {q.id: q for q in rows}
    return [by_id[i] for i in ids if i in by_id]


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


def find_candidates(session: Session, text_: str, limit: int = 40) -> list[Quote]:
    """The approved quotes most likely to be what ``text_`` quotes, best first (ORM objects)."""
    return quotes_by_ids(session, candidate_ids(session, text_, limit))


def candidate_ids(session: Session, text_: str, limit: int = 40, prefer_speakers: Sequence[int] = ()) -> list[int]:
    """Ids of the approved quotes most likely to be what ``text_`` quotes, best first.

    Probe, then count. The claim's rarest word pairs (a few, whose quotes
    stay under a budget) give the candidates: the quote a claim comes from
    holds nearly all of the claim's pairs, so it holds some of the rarest
    ones. Each candidate's stored pairs (``quotes.shingles``) are then
    counted against *all* of the claim's pairs in Python, which costs a set
    intersection per candidate instead of a database scan of every common
    pair's postings (the copies of a stock line at a million quotes). A
    fragment shares all its pairs with its quote, a one-word edit all but
    the two around the edit.

    Among quotes sharing as much, those of ``prefer_speakers`` (the speakers
    the claimed name can mean) come first. The speaker is never a filter: a
    misattributed quote must still be found. When no quote shares
    ``STRONG_PAIRS`` pairs (a single word, a short claim), the single-word
    query fills up the list.
    """
    plan = pair_plan(session, text_)
    found: list[int] = []
    if plan.present:
        ranked = _probe_and_count(session, plan, prefer_speakers)
        if ranked and ranked[0][1] >= min(STRONG_PAIRS, len(plan.present)):
            top = ranked[0][1]
            keep = max(min(STRONG_PAIRS, len(plan.present)), math.ceil(top / 3))
            strong = [i for i, c in ranked if c >= keep]
            tied = [i for i, c in ranked if c == top]
            if len(tied) > STRONG_LIMIT and plan.loose_words and top * 3 >= len(plan.present):
                # Copies of a line hold the claim's pairs equally; words of
                # the claim that are in no pair (next to an edited word)
                # tell them apart.
                order = _by_loose_words(session, tied[:PROBE_CAP], plan.loose_words)
                first = set(order)
                strong = order + [i for i in strong if i not in first]
            return strong[:STRONG_LIMIT]
        found = [i for i, _c in ranked[:limit]]
    if plan.n_words > WORD_FALLBACK_MAX_WORDS:
        # A longer claim that shares no two word pairs with any quote cannot
        # reach the engine's MATCH_THRESHOLD (65% of its words matched in
        # order leaves matched neighbours, i.e. shared pairs): the
        # single-word query, the dearest one on a large archive (BM25 over
        # common words), would only find sentences that share vocabulary.
        return found
    words = _word_candidates(session, text_, limit)
    seen = set(found)
    return (found + [i for i in words if i not in seen])[:limit]


# The rarest pairs whose quotes are the candidates: at least PROBE_MIN_PAIRS
# (an edit can put a pair in the claim that its quote lacks), at most
# PROBE_PAIRS, and beyond the minimum only while their quotes stay under
# PROBE_BUDGET. At most PROBE_CAP candidate rows are read per probe.
PROBE_MIN_PAIRS = 3
PROBE_PAIRS = 5
PROBE_BUDGET = 1000
PROBE_CAP = 1500
# The intersection probe is trusted when its best quote holds this share of
# the claim's pairs.
CONFIDENT_SHARE = 0.8


def _probe_pairs(present: Sequence[tuple[str, float]]) -> list[str]:
    chosen: list[str] = []
    total = 0.0
    for t, f in present:
        if len(chosen) >= PROBE_PAIRS:
            break
        if len(chosen) >= PROBE_MIN_PAIRS and total + f > PROBE_BUDGET:
            break
        chosen.append(t)
        total += f
    return chosen


def _probe_rows(session: Session, pairs: Sequence[str], op: str, cap: int,
                speakers: Sequence[int] = ()) -> list[tuple[int, int, str]]:
    """``(id, speaker id, shingles)`` of approved quotes holding any (``op="or"``)
    or all (``"and"``) of ``pairs``; only those of ``speakers`` if given."""
    params: dict[str, Any] = {"approved": APPROVED, "cap": cap}
    by_speaker = ""
    if speakers:
        params["speakers"] = list(speakers)
        by_speaker = " AND q.speaker_id IN :speakers"
    if _dialect(session) == "sqlite":
        params["m"] = (" OR " if op == "or" else " AND ").join(fts5_string(t) for t in pairs)
        inner_cap = "" if speakers else " LIMIT :cap"
        sql = ("SELECT q.id, q.speaker_id, q.shingles FROM quotes q WHERE q.id IN "
               f"(SELECT rowid FROM quotes_shingles WHERE quotes_shingles MATCH :m{inner_cap}) "
               f"AND q.status = :approved{by_speaker} LIMIT :cap")
    else:
        params["keys"] = [pair_key(t) for t in pairs]
        sql = ("SELECT q.id, q.speaker_id, q.shingles FROM quotes q "
               f"WHERE q.pair_keys {'&&' if op == 'or' else '@>'} CAST(:keys AS bigint[]) "
               f"AND q.status = :approved{by_speaker} LIMIT :cap")
    stmt = text(sql)
    if speakers:
        stmt = stmt.bindparams(bindparam("speakers", expanding=True))
    return [(int(i), int(sp), sh or "") for i, sp, sh in session.execute(stmt, params).all()]


def _probe_and_count(session: Session, plan: PairPlan,
                     prefer_speakers: Sequence[int]) -> list[tuple[int, int]]:
    """Candidates from the rarest pairs, ranked by the claim's pairs they hold:
    ``[(id, pairs shared)]``, best first (the claimed speaker's first among equals)."""
    probe = _probe_pairs(plan.present)
    weight = {t: 1.0 + 1.0 / (1.0 + math.log(max(f, 1.0))) for t, f in plan.present}
    and_rows: list[tuple[int, int, str]] = []
    if len(probe) > 1:
        # Most claims are the quote's own words, cut or retyped: their quote
        # holds every probe pair, and an intersection of the rarest pairs'
        # postings is a handful of rows. Enough when the best of them holds
        # nearly all of the claim's pairs; otherwise (an edit put a pair in
        # the claim that its quote lacks) the union below.
        and_rows = _probe_rows(session, probe, "and", PROBE_CAP)
        if len(and_rows) >= PROBE_CAP and prefer_speakers:
            and_rows = _merge(and_rows, _probe_rows(session, probe, "and", PROBE_CAP, prefer_speakers))
        ranked = _count_pairs(and_rows, weight, prefer_speakers)
        if ranked and ranked[0][1] >= CONFIDENT_SHARE * len(plan.present):
            return ranked
    rows = _probe_rows(session, probe, "or", PROBE_CAP)
    if len(rows) >= PROBE_CAP:
        # Read only part of the quotes (a line repeated across the archive):
        # those holding all the probe pairs, and the claimed speaker's, are
        # read in full.
        rows = _merge(rows, and_rows)
        if prefer_speakers:
            rows = _merge(rows, _probe_rows(session, probe[:1], "or", PROBE_CAP, prefer_speakers))
    return _count_pairs(rows, weight, prefer_speakers)


def _merge(rows: list[tuple[int, int, str]], more: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    seen = {r[0] for r in rows}
    return rows + [r for r in more if r[0] not in seen]


def _count_pairs(rows: Sequence[tuple[int, int, str]], weight: dict[str, float],
                 prefer_speakers: Sequence[int]) -> list[tuple[int, int]]:
    claim_pairs = set(weight)
    prefer = set(prefer_speakers)
    scored = []
    for qid, sid, shingles in rows:
        shared = claim_pairs.intersection(shingles.split())
        if not shared:
            continue
        score = round(sum(weight[t] for t in shared), 6)
        scored.append((-score, sid not in prefer, qid, len(shared)))
    scored.sort()
    return [(qid, n) for _s, _other, qid, n in scored]


def _by_loose_words(session: Session, ids: Sequence[int], loose: Sequence[str]) -> list[int]:
    """``ids`` ordered by how many of ``loose`` (search-text words) each quote holds."""
    rows = session.execute(select(Quote.id, Quote.search_text).where(Quote.id.in_(list(ids)))).all()
    want = set(loose)
    order = {i: n for n, i in enumerate(ids)}
    ranked = sorted(rows, key=lambda r: (-len(want.intersection(r[1].split())), order[r[0]]))
    return [r[0] for r in ranked]


def _word_candidates(session: Session, text_: str, limit: int) -> list[int]:
    """An OR of the claim's rarest words, ranked by BM25 (SQLite FTS5) or ts_rank (PostgreSQL)."""
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


def _refs_from_rows(rows) -> dict[int, SpeakerRef]:
    speakers: dict[int, tuple[str, Optional[str], Any]] = {}
    aliases: dict[int, list[str]] = {}
    for sid, name, gender, roles, alias in rows:
        speakers[sid] = (name, gender, roles)
        if alias is not None:
            aliases.setdefault(sid, []).append(alias)
    return {sid: engine.speaker_ref(sid, name, tuple(aliases.get(sid, ())), gender, roles)
            for sid, (name, gender, roles) in speakers.items()}


def _speaker_rows(where):
    return (
        select(Speaker.id, Speaker.name, Speaker.gender, Speaker.roles, SpeakerAlias.alias)
        .outerjoin(SpeakerAlias, SpeakerAlias.speaker_id == Speaker.id)
        .where(where).order_by(Speaker.id, SpeakerAlias.id)
    )


def speaker_refs(session: Session, ids: Iterable[int]) -> dict[int, SpeakerRef]:
    """Engine speaker records (name and aliases) for speaker ids: one indexed Core query."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    return _refs_from_rows(session.execute(_speaker_rows(Speaker.id.in_(ids))).all())


def speaker_refs_sharing_keys(session: Session, name: str, limit: int = 50) -> list[SpeakerRef]:
    """Like :func:`speakers_sharing_keys`, as engine records, in one Core query."""
    keys = engine.speaker_keys(name)
    if not keys:
        return []
    ids = (select(SpeakerKey.speaker_id).where(SpeakerKey.key.in_(sorted(keys)))
           .distinct().order_by(SpeakerKey.speaker_id).limit(limit))
    refs = _refs_from_rows(session.execute(_speaker_rows(Speaker.id.in_(ids))).all())
    return [refs[i] for i in sorted(refs)]


def candidate_quotes(session: Session, text_: str, limit: int = 40,
                     prefer_speakers: Sequence[int] = ()) -> list[CanonicalQuote]:
    """The candidates as engine records: one Core query for the quotes, two for their speakers.

    The verify path needs only text, speaker, date, place and event to judge;
    sources and the full rows are loaded afterwards for the few quotes an
    answer shows (:func:`quotes_by_ids`).
    """
    ids = candidate_ids(session, text_, limit, prefer_speakers)
    if not ids:
        return []
    rows = session.execute(
        select(Quote.id, Quote.text, Quote.speaker_id, Quote.spoken_at, Quote.location, Quote.event)
        .where(Quote.id.in_(ids))
    ).all()
    refs = speaker_refs(session, (r.speaker_id for r in rows))
    by_id = {
        r.id: CanonicalQuote(id=r.id, text=r.text, speaker=refs[r.speaker_id], spoken_at=r.spoken_at,
                             location=r.location, event=r.event)
        for r in rows
    }
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


# --- passages and context --------------------------------------------------------------------


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
