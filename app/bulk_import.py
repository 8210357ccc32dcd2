"""Bulk import: many quotes stored in chunks, the bad lines reported.

:func:`import_quotes` takes the records a reader yields (:mod:`app.importer`
reads JSON Lines and CSV), resolves their speakers, and stores them a chunk at
a time as COPY (PostgreSQL) or the driver's executemany (SQLite), with the
rows prepared in worker processes for a large import (:mod:`app.bulk_rows`).
"""
from __future__ import annotations

import logging
import multiprocessing
import threading
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional

from sqlalchemy import text as sql_text
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from . import child_processes, engine, import_pairs, repository
from . import sources as source_records
from .bulk_rows import (
    REVISION_COPY_COLUMNS,
    SOURCE_COPY_COLUMNS,
    _copy,
    _copy_line,
    _driver_executemany,
    _prepare_in_worker,
    _prepare_rows,
    _reserve_quote_ids,
    _sqlite_insert,
    quote_copy_columns,
)
from .models import ApiKey, Speaker
from .services import Conflict, InvalidInput, PlaceCache, record_gender, resolve_speaker, text_hash

log = logging.getLogger(__name__)


# An import's answer keeps the errors of the first this many rejected lines
# (by line number); ``rejected`` counts all of them. 6 MB of bad lines must
# not become a 200 MB answer.
MAX_REPORTED_ERRORS = 1000


@dataclass
class ImportResult:
    imported: int = 0
    rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    max_errors: int = MAX_REPORTED_ERRORS

    def reject(self, line: int, errors: dict[str, Any]) -> None:
        """Report a line (a note about the CSV header is reported, not counted)."""
        if set(errors) != {"_header"}:
            self.rejected += 1
        self.errors.append({"line": line, "errors": errors})
        if len(self.errors) >= 2 * self.max_errors:
            self._keep_first()

    def _keep_first(self) -> None:
        # Speaker errors are found a chunk after the lines' own: by line.
        self.errors.sort(key=lambda e: e["line"])
        del self.errors[self.max_errors:]

    def to_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "rejected": self.rejected, "errors": self.errors}


# An import at least this large refreshes PostgreSQL's statistics at once.
ANALYZE_AFTER = 1000


# (line number, validated data or None, errors or None)
Record = tuple[int, Optional[dict[str, Any]], Optional[dict[str, Any]]]


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
    (also after an error, without hiding it). The import's one transaction
    is committed or rolled back inside.

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

    PostgreSQL's settings are ``SET LOCAL``: they end with the import's
    transaction, committed or not.
    """
    dialect = session.get_bind().dialect.name
    cache_before = None
    if dialect == "postgresql":
        session.execute(sql_text(f"SET LOCAL gin_pending_list_limit = {IMPORT_GIN_PENDING_KB}"))
        session.execute(sql_text(f"SET LOCAL work_mem = '{IMPORT_WORK_MEM_MB}MB'"))
    elif dialect == "sqlite":
        conn = session.connection()
        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={IMPORT_WAL_PAGES}")
        cache_before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size={-1024 * IMPORT_SQLITE_CACHE_MB}")
    try:
        yield
    finally:
        try:
            if dialect == "sqlite":
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
    planner's statistics, which candidate retrieval reads (rather than
    whenever autovacuum gets to it).

    The three run at once, each on a connection of its own: they are
    independent, and the import's worker processes are done, so the cores are
    free (10,000 quotes: 0.55 s one after the other). A failure is logged, not
    raised: the quotes are stored, and autovacuum does the same work later
    (e.g. a role that does not own the indexes cannot merge them).
    """
    statements = [("SELECT gin_clean_pending_list(CAST(:i AS regclass))", {"i": index})
                  for index in ("ix_quotes_search_vector", "ix_quotes_pair_keys")]
    if analyze:
        # The quotes' links to their sources too: without their statistics the
        # planner joins a passage's neighbours by scanning the quotes.
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
                  on_progress: Optional[Callable[[int], None]] = None,
                  before_commit: Optional[Callable[[ImportResult], None]] = None) -> ImportResult:
    """Store every valid record or none; report the bad lines (the first
    :data:`MAX_REPORTED_ERRORS` of them, and their count).

    The whole import is one transaction: an import cut off by anything (a
    dropped upload, the database going away, a killed process) stores
    nothing, so a retry never stores a line twice. Invalid lines are not
    failures: they are reported and skipped. ``before_commit`` runs inside
    that transaction, just before the commit (the caller's own record of the
    import, e.g. its idempotency key, is stored with it or not at all).

    Each chunk is written per table (quotes, sources, revisions) as one
    ``COPY`` on PostgreSQL or one driver ``executemany`` on SQLite, in a
    savepoint. If the database refuses a chunk's rows (a constraint, a value
    it cannot hold), the chunk is retried row by row so only the offending
    lines are reported; any other database error (the connection lost, a
    lock timeout) fails the import. The speakers of a chunk's new names are
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
    # The stored quotes' word pairs, counted as the chunks are stored
    # (app.import_pairs), and the quotes stored one by one, counted from their rows.
    pairs: Counter = Counter()
    recount: list[int] = []

    def speaker_for(line: int, name: str) -> Optional[Speaker]:
        k = engine.name_key(name)
        if k in speakers:
            return speakers[k]
        try:
            with session.begin_nested():
                sp = resolve_speaker(session, name)
        except InvalidInput as exc:
            result.reject(line, exc.errors)
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

    def store(rows: list[tuple[int, dict[str, Any], Speaker]], prepared: Any) -> None:
        values, keys = prepared
        try:
            with session.begin_nested():
                write(rows, values)
            links.done()
            if keys:
                pairs.update(keys)  # a list: counted in C
        except (IntegrityError, DataError):
            links.undo()
            log.warning("import chunk refused; retrying row by row", exc_info=True)
            for row, value in zip(rows, values):
                try:
                    with session.begin_nested():
                        write([row], [value])
                    links.done()
                    recount.append(result.ids[-1])
                except (IntegrityError, DataError) as exc:
                    links.undo()
                    result.reject(row[0], {"_database": [
                        f"Could not be stored: {type(getattr(exc, 'orig', exc)).__name__}."]})
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
            pool.append(ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                            **child_processes.guarded()))
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
            try:
                record_gender(sp, data.get("speaker_gender"))
            except Conflict as exc:
                result.reject(line, {"speaker_gender": [str(exc)]})
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
            deferred = import_pairs.defer(session)
            for line, data, errors in records:
                if errors or data is None:
                    result.reject(line, errors or {"_schema": ["Invalid."]})
                    continue
                valid.append((line, data))
                if len(valid) >= chunk_size:
                    take()
            take()
            flush(full=False)
            drain(0)
            import_pairs.add(session, deferred, pairs, recount)
            result._keep_first()
            if before_commit is not None:
                before_commit(result)
            session.commit()
            completed = True
        finally:
            for p in pool:
                # Every chunk is stored by now; a worker still starting up
                # finishes on its own rather than holding up the answer.
                p.shutdown(wait=False, cancel_futures=True)
            if not completed:
                # One transaction: an import cut off (a dropped upload, the
                # database gone, a killed worker) stores nothing at all.
                session.rollback()
    if session.get_bind().dialect.name == "postgresql":
        _finish_postgresql_import(session, analyze=result.imported >= ANALYZE_AFTER)
    return result
