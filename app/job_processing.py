"""Processing a bulk verification job: chunks of claims answered in input order.

A chunk is verified in a read session (no lock held while the engine works),
then its answers and the job's counters are written in one short
transaction, guarded by ``done`` still being what it was when the chunk was
read. So ``done`` items are always exactly the first ``done`` by ``seq``: a
job started again (``flask --app wsgi jobs resume``) continues from the
first unfinished item, and two runners on one job never store an item twice.

Other kinds of job (background imports, :mod:`app.import_jobs`) register
their own ``process`` here and are run by the same runners
(:mod:`app.job_runners`).
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any, Callable, Optional

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from . import services
from .db import EXTENSION as DB_EXTENSION
from .errors import error_payload
from .models import JOB_FAILED, JOB_FINISHED, JOB_RUNNING, Job, JobItem, utcnow
from .schemas import QuoteSchema

log = logging.getLogger(__name__)

_COUNTER = {"verified": "verified", "mismatch": "mismatch", "unverified": "unverified", "error": "errored"}

_quote_schema = QuoteSchema()


def _verify_one(session: Session, claim: dict[str, Any], candidate_limit: int) -> tuple[str, dict[str, Any]]:
    """(summary key, answer) for one stored claim. One bad claim never fails the job."""
    data = dict(claim)
    if isinstance(data.get("reference_date"), str):
        data["reference_date"] = dt.date.fromisoformat(data["reference_date"])
    try:
        answer = services.verify_claim(session, data, candidate_limit=candidate_limit,
                                       quote_serializer=_quote_schema.dump)
    except (OperationalError, InterfaceError):
        raise  # the database is away: the job stops (and resumes later), no claim is marked
    except Exception:
        log.exception("verification failed for a job claim")
        session.rollback()
        return "error", {"verdict": "error", "error": error_payload(
            500, "Internal Server Error", "This claim could not be verified; the error is logged.")}
    verdict = answer.get("verdict")
    return (verdict if verdict in _COUNTER else "error"), answer


def _mark(app: Flask, job_id: str, *, unless_finished: bool = False, **values: Any) -> None:
    factory = app.extensions[DB_EXTENSION]["write_sessions"]
    stmt = update(Job).where(Job.id == job_id)
    if unless_finished:
        stmt = stmt.where(Job.status != JOB_FINISHED)
    with factory() as session:
        session.execute(stmt.values(updated_at=utcnow(), **values))
        session.commit()


# Other kinds of job run by the same runners, queue and `jobs resume`:
# kind -> process(app, job_id, runner=...) -> status (e.g. "import",
# app/import_jobs.py). A job of a kind not registered here is a verify job.
KINDS: dict[str, Callable[..., Optional[str]]] = {}


def register_kind(kind: str, process: Callable[..., Optional[str]]) -> None:
    KINDS[kind] = process


def process_job(app: Flask, job_id: str, *, runner: Optional[str] = None,
                max_chunks: Optional[int] = None, stop: Optional[threading.Event] = None) -> Optional[str]:
    """Run (or continue) a job until it is finished; returns its status.

    ``max_chunks`` stops after that many chunks, leaving the job running (for
    tests and benchmarks of resuming); ``stop`` is checked between chunks.
    An unexpected error marks the job failed and is raised again. Runs in an
    application context of its own (whatever thread calls it), with sessions
    of its own. Jobs of a registered kind go to their own ``process``.
    """
    with app.app_context():
        if KINDS:
            with app.extensions[DB_EXTENSION]["read_sessions"]() as session:
                kind = session.scalar(select(Job.kind).where(Job.id == job_id))
            if kind in KINDS:
                return KINDS[kind](app, job_id, runner=runner)
        return _process_job(app, job_id, runner=runner, max_chunks=max_chunks, stop=stop)


def _process_job(app: Flask, job_id: str, *, runner: Optional[str], max_chunks: Optional[int],
                 stop: Optional[threading.Event]) -> Optional[str]:
    cfg = app.config
    chunk_size = max(1, int(cfg.get("JOBS_CHUNK_SIZE", 200)))
    candidate_limit = cfg.get("CANDIDATE_LIMIT", 40)
    factories = app.extensions[DB_EXTENSION]
    reads, writes = factories["read_sessions"], factories["write_sessions"]

    with writes() as session:
        job = session.get(Job, job_id)
        if job is None:
            log.warning("job %s does not exist (deleted?); nothing to do", job_id)
            return None
        if job.status == JOB_FINISHED:
            return JOB_FINISHED
        now = utcnow()
        job.status = JOB_RUNNING
        job.started_at = job.started_at or now
        job.error = None
        job.updated_at = now
        if runner:
            job.runner = runner
        session.commit()

    chunks = 0
    try:
        while True:
            if (max_chunks is not None and chunks >= max_chunks) or (stop is not None and stop.is_set()):
                return JOB_RUNNING
            with reads() as session:
                done = session.scalar(select(Job.done).where(Job.id == job_id))
                if done is None:
                    return None  # deleted meanwhile
                rows = session.execute(
                    select(JobItem.seq, JobItem.claim)
                    .where(JobItem.job_id == job_id, JobItem.seq >= done)
                    .order_by(JobItem.seq).limit(chunk_size)
                ).all()
                if not rows:
                    break
                answers = [(seq, *_verify_one(session, claim, candidate_limit)) for seq, claim in rows]
            counts = {k: 0 for k in _COUNTER.values()}
            for _, key, _ in answers:
                counts[_COUNTER[key]] += 1
            with writes() as session:
                moved = session.execute(
                    update(Job).where(Job.id == job_id, Job.done == done).values(
                        done=Job.done + len(answers),
                        verified=Job.verified + counts["verified"],
                        mismatch=Job.mismatch + counts["mismatch"],
                        unverified=Job.unverified + counts["unverified"],
                        errored=Job.errored + counts["errored"],
                        updated_at=utcnow(),
                    ).execution_options(synchronize_session=False)
                ).rowcount
                if moved != 1:
                    # Another runner stored this chunk first: take up after it.
                    session.rollback()
                    log.info("job %s: items from %d were stored by another runner", job_id, done)
                    continue
                session.execute(update(JobItem), [
                    {"job_id": job_id, "seq": seq, "verdict": key, "result": answer}
                    for seq, key, answer in answers
                ])
                session.commit()
            chunks += 1

        with writes() as session:
            job = session.get(Job, job_id)
            if job is None:
                return None
            if job.done >= job.total and job.status != JOB_FINISHED:
                job.status = JOB_FINISHED
                job.finished_at = job.updated_at = utcnow()
                session.commit()
            return job.status
    except BaseException as exc:
        message = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:500]
        log.error("job %s failed after %d chunk(s): %s", job_id, chunks, message)
        try:
            _mark(app, job_id, status=JOB_FAILED,
                  error=f"Stopped by an error ({message}); `flask --app wsgi jobs resume {job_id}` "
                        "continues from the first unfinished claim.")
        except Exception:  # the database may be what failed
            log.exception("could not mark job %s failed", job_id)
        raise

