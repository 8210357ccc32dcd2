"""Background imports: a large import body stored, then imported by a job runner.

An import body above ``IMPORT_SYNC_MAX_BYTES`` (or any body sent with
``Prefer: respond-async``) is not imported in the request, where a server
time-out could cut it: it is stored, as a ``jobs`` row of kind ``import`` and
its body in 1 MB rows (``quote_import_chunks``), and answered ``202`` with a
status URL. The job machinery of bulk verification (:mod:`app.jobs`) runs it:
a thread of the web process by default, an RQ worker with ``REDIS_URL``;
``flask --app wsgi jobs resume`` runs it again after a crash.

The import itself is :func:`app.bulk_import.import_quotes`, one transaction:
the quotes, the job marked finished with its result, and the body deleted,
commit together, so a job that died half-way has stored nothing and simply
runs again. Progress (``read`` of ``size`` bytes) is written to the job's row
as the import goes on PostgreSQL; on SQLite the import holds the only write
lock, so the runner's process keeps it in memory and answers it from there.
"""
from __future__ import annotations

import io
import logging
import threading
import time
from typing import IO, Any, Optional

from flask import Flask
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from . import bulk_import, importer, job_processing, jobs
from .db import EXTENSION as DB_EXTENSION
from .models import (
    JOB_FAILED,
    JOB_FINISHED,
    JOB_QUEUED,
    JOB_RUNNING,
    ApiKey,
    Job,
    QuoteImport,
    QuoteImportChunk,
    utcnow,
)

log = logging.getLogger(__name__)

KIND = "import"
CHUNK_BYTES = 1024 * 1024
# How often a running import writes its progress (seconds).
PROGRESS_EVERY = 0.5

# SQLite: bytes read so far per running import, in the process running it.
_progress: dict[str, int] = {}
_progress_lock = threading.Lock()


def create(session: Session, body: IO[bytes], size: int, fmt: str, api_key_id: Optional[int]) -> Job:
    """Store an import job and its body (not committed)."""
    now = utcnow()
    job = Job(id=jobs.new_job_id(), kind=KIND, status=JOB_QUEUED, total=size, done=0, verified=0, mismatch=0,
              unverified=0, errored=0, rejected=0, api_key_id=api_key_id, created_at=now, updated_at=now)
    session.add(job)
    session.add(QuoteImport(job_id=job.id, format=fmt, size=size))
    session.flush()
    seq = 0
    while data := body.read(CHUNK_BYTES):
        session.execute(insert(QuoteImportChunk), {"job_id": job.id, "seq": seq, "data": data})
        seq += 1
    return job


def status(session: Session, job: Job) -> dict[str, Any]:
    """What ``GET /api/v1/imports/<id>`` answers."""
    upload = session.get(QuoteImport, job.id)
    with _progress_lock:
        read = max(job.done, _progress.get(job.id, 0))
    out: dict[str, Any] = {
        "id": job.id,
        "status": job.status,
        "size": job.total,
        "read": job.total if job.status == JOB_FINISHED else read,
        "imported": upload.imported if upload is not None else None,
        "rejected": job.rejected,
        "errors": job.input_errors or [],
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "updated_at": _iso(job.updated_at),
    }
    if job.error:
        out["error"] = job.error
    return out


def _iso(value: Any) -> Optional[str]:
    return value.isoformat() if value is not None else None


class StoredBody(io.RawIOBase):
    """A stored import body, read back in order a chunk at a time, each in a
    short read session of its own."""

    def __init__(self, app: Flask, job_id: str) -> None:
        self._sessions = app.extensions[DB_EXTENSION]["read_sessions"]
        self._job_id = job_id
        self._seq = 0
        self._buffer = b""
        self.position = 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: Any) -> int:
        if not self._buffer:
            with self._sessions() as session:
                data = session.scalar(select(QuoteImportChunk.data).where(
                    QuoteImportChunk.job_id == self._job_id, QuoteImportChunk.seq == self._seq))
            if data is None:
                return 0
            self._buffer, self._seq = bytes(data), self._seq + 1
        n = min(len(buffer), len(self._buffer))
        buffer[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        self.position += n
        return n


def process(app: Flask, job_id: str, *, runner: Optional[str] = None) -> Optional[str]:
    """Run an import job (the job runners call this through :mod:`app.job_processing`)."""
    factories = app.extensions[DB_EXTENSION]
    writes = factories["write_sessions"]
    with writes() as session:
        job = session.get(Job, job_id)
        upload = session.get(QuoteImport, job_id)
        if job is None or upload is None:
            log.warning("import %s does not exist (deleted?); nothing to do", job_id)
            return None
        if job.status == JOB_FINISHED:
            return JOB_FINISHED
        now = utcnow()
        job.status, job.error, job.updated_at = JOB_RUNNING, None, now
        job.started_at = job.started_at or now
        job.runner = runner or job.runner
        fmt, size, key_id = upload.format, upload.size, job.api_key_id
        session.commit()

    body = io.BufferedReader(StoredBody(app, job_id), buffer_size=256 * 1024)
    postgres = factories["engine"].dialect.name == "postgresql"
    last = [time.monotonic()]

    def progress(_rows: int) -> None:
        if time.monotonic() - last[0] < PROGRESS_EVERY:
            return
        last[0] = time.monotonic()
        if postgres:  # another connection: the import's transaction holds no lock on the job
            with writes() as s:
                s.execute(update(Job).where(Job.id == job_id).values(done=body.tell(), updated_at=utcnow()))
                s.commit()
        else:
            with _progress_lock:
                _progress[job_id] = body.tell()

    session = writes()
    try:
        api_key = session.get(ApiKey, key_id) if key_id is not None else None

        def finish(result: bulk_import.ImportResult) -> None:
            """In the import's transaction: the job's result, and the body gone."""
            now = utcnow()
            session.execute(update(Job).where(Job.id == job_id).values(
                status=JOB_FINISHED, done=size, rejected=result.rejected, input_errors=result.errors or None,
                error=None, finished_at=now, updated_at=now))
            session.execute(update(QuoteImport).where(QuoteImport.job_id == job_id).values(imported=result.imported))
            session.execute(delete(QuoteImportChunk).where(QuoteImportChunk.job_id == job_id))

        records = importer.records_from_bytes_stream(body, fmt)
        bulk_import.import_quotes(session, records, api_key=api_key,
                                  chunk_size=app.config["IMPORT_CHUNK_SIZE"], workers=app.config["IMPORT_WORKERS"],
                                  on_progress=progress, before_commit=finish)
        return JOB_FINISHED
    except importer.FileError as exc:
        session.rollback()
        _fail(app, job_id, f"The file cannot be imported: {exc} Nothing was stored.")
        return JOB_FAILED
    except BaseException as exc:
        session.rollback()
        message = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:500]
        log.error("import %s failed: %s", job_id, message)
        _fail(app, job_id, f"Stopped by an error ({message}). Nothing was stored; "
                           f"`flask --app wsgi jobs resume {job_id}` runs the import again.")
        raise
    finally:
        session.close()
        with _progress_lock:
            _progress.pop(job_id, None)


def _fail(app: Flask, job_id: str, message: str) -> None:
    try:
        with app.extensions[DB_EXTENSION]["write_sessions"]() as session:
            session.execute(update(Job).where(Job.id == job_id, Job.status != JOB_FINISHED).values(
                status=JOB_FAILED, error=message, updated_at=utcnow()))
            session.commit()
    except Exception:  # the database may be what failed
        log.exception("could not mark import %s failed", job_id)


job_processing.register_kind(KIND, process)
