"""Candidate retrieval: the few dozen stored quotes a claim could come from.

:func:`candidate_ids` is index-based retrieval in the database's own
indexes (word pairs, then words); the engine reranks what it returns. No
request scans the quotes table or loads the corpus into the process.
:func:`candidate_quotes` gives the candidates as engine records, with their
speakers (:func:`speaker_refs`). The keys looked up are
:mod:`app.search_keys`'.
"""
from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from verification.model import CanonicalQuote, SpeakerRef

from . import engine, passage_reads, speaker_cache
from .driver_sql import Statement, fetch, id_list
from .models import APPROVED, Quote
from .search_keys import PAIR_STOP, pair_token, stopwords, fts5_string, pair_key, query_tokens

# At most this many words of a claim go into the candidate query: the
# rarest ones, which identify a quote best and keep the OR query cheap.
MAX_QUERY_TERMS = 12
# ...but at least this many, and beyond that only while the quotes the
# query matches stay under this budget (estimated from document frequencies).
MIN_QUERY_TERMS = 4
MATCH_BUDGET = 5000


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


# wording; below that (a one-word claim, a heavy rewording) the single-word
# query adds its candidates.
STRONG_PAIRS = 2
# Quotes found by their wording are few; the engine aligns only its best
# eight, so more than this many (copies of a stock line) only cost time.
STRONG_LIMIT = 10
# A claim of more words than this that shares no two pairs with any quote
# does not run the single-word query (see candidate_ids).
WORD_FALLBACK_MAX_WORDS = 8


def _pair_frequencies(session: Session, tokens: Sequence[str]) -> dict[str, float]:
    """How many quotes contain each pair token (0: none), from ``pair_counts``
    (PostgreSQL: migration 0012, by the pairs' integer keys; SQLite: 0013, by
    their tokens), kept exact by triggers where quotes are written and by
    :mod:`app.import_pairs` for imports: one look-up of its primary key."""
    if not tokens:
        return {}
    if _dialect(session) == "sqlite":
        counts = dict(fetch(session, SQLITE_PAIR_COUNTS, {"terms": json.dumps(list(tokens))}))
        return {t: float(counts.get(t, 0)) for t in tokens}
    counts = dict(fetch(session, PAIR_COUNTS, {"keys": [pair_key(t) for t in tokens]}))
    return {t: float(counts.get(pair_key(t), 0)) for t in tokens}


PAIR_COUNTS = "SELECT key, n FROM pair_counts WHERE key = ANY(%(keys)s::bigint[])"
SQLITE_PAIR_COUNTS = "SELECT term, n FROM pair_counts WHERE term IN (SELECT value FROM json_each(:terms))"


# A claim's first this many pair tokens are looked up (a pasted essay must not become a huge query).
PAIR_TOKENS_LOOKED_UP = 80


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
    # Each position's pair token, hashed once (pair_tokens' order, without repeats).
    at = [None if (a in PAIR_STOP and b in PAIR_STOP) else pair_token(a, b) for a, b in zip(words, words[1:])]
    tokens = list(dict.fromkeys(t for t in at if t is not None))[:PAIR_TOKENS_LOOKED_UP]
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
    for i, t in enumerate(at):
        if t is not None and t in present_set:
            covered[i] = covered[i + 1] = True
    stop = stopwords()
    loose = [w for w, c in zip(words, covered) if not c and w not in stop and w not in PAIR_STOP]
    return PairPlan([(t, freq[t]) for t in present], loose, len(words))


# --- candidates -------------------------------------------------------------------------


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
    dialect = _dialect(session)
    params: dict[str, Any] = {"approved": APPROVED, "cap": cap}
    if speakers:
        params["speakers"] = id_list(dialect, speakers)
    if dialect == "sqlite":
        params["m"] = (" OR " if op == "or" else " AND ").join(fts5_string(t) for t in pairs)
    else:
        params["keys"] = [pair_key(t) for t in pairs]
    return [(i, sp, sh or "") for i, sp, sh in fetch(session, _probe_sql(dialect, op, bool(speakers)), params)]


@functools.lru_cache(maxsize=None)
def _probe_sql(dialect: str, op: str, by_speaker: bool) -> str:
    if dialect == "sqlite":
        inner_cap = "" if by_speaker else " LIMIT :cap"
        return ("SELECT q.id, q.speaker_id, q.shingles FROM quotes q WHERE q.id IN "
                f"(SELECT rowid FROM quotes_shingles WHERE quotes_shingles MATCH :m{inner_cap}) "
                "AND q.status = :approved"
                + (" AND q.speaker_id IN (SELECT value FROM json_each(:speakers))" if by_speaker else "")
                + " LIMIT :cap")
    return ("SELECT q.id, q.speaker_id, q.shingles FROM quotes q "
            f"WHERE q.pair_keys {'&&' if op == 'or' else '@>'} %(keys)s::bigint[] AND q.status = %(approved)s"
            + (" AND q.speaker_id = ANY(%(speakers)s::bigint[])" if by_speaker else "")
            + " LIMIT %(cap)s")


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
        if isinstance(roles, str):  # SQLite's JSON is text on the driver's cursor
            roles = json.loads(roles)
        speakers[sid] = (name, gender, roles)
        if alias is not None:
            aliases.setdefault(sid, []).append(alias)
    return {sid: engine.speaker_ref(sid, name, tuple(aliases.get(sid, ())), gender, roles)
            for sid, (name, gender, roles) in speakers.items()}


# Read on the driver's cursor (app.driver_sql): a speaker the worker does not
# keep yet costs these two statements, not the ORM's building and compiling.
SPEAKER_ROWS = Statement(
    sqlite="SELECT s.id, s.name, s.gender, s.roles, a.alias FROM speakers s "
           "LEFT OUTER JOIN speaker_aliases a ON a.speaker_id = s.id "
           "WHERE s.id IN (SELECT value FROM json_each(:ids)) ORDER BY s.id, a.id",
    postgresql="SELECT s.id, s.name, s.gender, s.roles, a.alias FROM speakers s "
               "LEFT OUTER JOIN speaker_aliases a ON a.speaker_id = s.id "
               "WHERE s.id = ANY(%(ids)s) ORDER BY s.id, a.id",
)
SPEAKERS_WITH_KEYS = Statement(
    sqlite="SELECT DISTINCT speaker_id FROM speaker_keys WHERE key IN (SELECT value FROM json_each(:keys)) "
           "ORDER BY speaker_id LIMIT :limit",
    postgresql="SELECT DISTINCT speaker_id FROM speaker_keys WHERE key = ANY(%(keys)s) "
               "ORDER BY speaker_id LIMIT %(limit)s",
)


def _load_refs(session: Session, ids: list[int]) -> dict[int, SpeakerRef]:
    return _refs_from_rows(fetch(session, SPEAKER_ROWS, {"ids": id_list(_dialect(session), ids)}))


def speaker_refs(session: Session, ids: Iterable[int]) -> dict[int, SpeakerRef]:
    """Engine speaker records (name and aliases) for speaker ids: the worker's
    (:mod:`app.speaker_cache`), else one indexed Core query."""
    ids = set(ids)
    return speaker_cache.refs(session, ids, _load_refs) if ids else {}


def _ids_sharing_keys(session: Session, name: str, limit: int = 50) -> list[int]:
    keys = engine.speaker_keys(name)
    if not keys:
        return []
    params = {"keys": id_list(_dialect(session), sorted(keys)), "limit": limit}
    return [sid for (sid,) in fetch(session, SPEAKERS_WITH_KEYS, params)]


def speaker_refs_sharing_keys(session: Session, name: str) -> list[SpeakerRef]:
    """The speakers any of whose name keys ``name`` shares (at most 50), as
    engine records, in id order (kept by the worker, see :mod:`app.speaker_cache`)."""
    ids = speaker_cache.ids_for_name(session, name, _ids_sharing_keys)
    refs = speaker_refs(session, ids)
    return [refs[i] for i in sorted(refs)]


def candidate_quotes(session: Session, text_: str, limit: int = 40, prefer_speakers: Sequence[int] = (),
                     records: Optional[dict[int, Any]] = None) -> list[CanonicalQuote]:
    """The candidates as engine records, best first.

    Their rows are read in one statement with every column an answer shows,
    so the quotes an answer shows are usually among them: ``records``, if
    given, receives them (:func:`app.passage_reads.quote_rows`).
    """
    return quotes_by_id(session, candidate_ids(session, text_, limit, prefer_speakers), records)


def quotes_by_id(session: Session, ids: Sequence[int], records: Optional[dict[int, Any]] = None) -> list[CanonicalQuote]:
    """The approved quotes of ``ids`` as engine records, in that order
    (``records``: see :func:`candidate_quotes`)."""
    if not ids:
        return []
    rows = passage_reads.quote_rows(session, ids)
    refs = speaker_refs(session, {r.speaker_id for r in rows.values()})
    if records is not None:
        records.update(rows)
    return [CanonicalQuote(id=i, text=r.text, speaker=refs[r.speaker_id], spoken_at=r.spoken_at,
                           location=r.location, event=r.event)
            for i in ids if (r := rows.get(i)) is not None]
