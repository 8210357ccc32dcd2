"""Processing a bulk verification job: ranges of claims, answered a chunk at a time.

A runner claims one of the job's ranges (:mod:`app.job_ranges`) and answers
it in chunks of ``JOBS_CHUNK_SIZE`` claims: a chunk is verified in a read
session (no lock held while the engine works), then its answers, the range's
``done`` and counters, and the job's row are written in one short
transaction, guarded by the range's ``done`` still being what it was when the
chunk was read (and the range still being this runner's). So the answered
items of a range are always exactly its first ``done``; a runner that dies
loses at most its chunk; a range taken over (its heartbeat went stale, or
``jobs resume`` offered it anew) continues at its first unfinished item; and
two runners never store an item twice. When its range is complete the
runner claims the next free one, until none is left.

Other kinds of job (background imports, :mod:`app.import_jobs`) register
their own ``process`` here and are run by the same runners
(:mod:`app.job_runners`); they are one piece of work, without ranges.
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

from . import job_heartbeat, job_ranges, services, webhooks
from .db import EXTENSION as DB_EXTENSION
from .db import read_apart
from .errors import error_payload
from .models import JOB_FAILED, JOB_FINISHED, JOB_RUNNING, Job, JobItem, JobRange, utcnow
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
    """Claim the job's ranges one after the other and answer them, until none is left for this runner."""
    factories = app.extensions[DB_EXTENSION]
    with factories["write_sessions"]() as session:
        if not job_ranges.lock_job(session, job_id):
            log.warning("job %s does not exist (deleted?); nothing to do", job_id)
            return None
        job = session.get(Job, job_id)
        assert job is not None
        if job.status in (JOB_FINISHED, JOB_FAILED):  # a failed job runs again through `jobs resume`
            session.commit()
            return job.status
        job_ranges.ensure_ranges(session, job, int(app.config.get("JOBS_RANGE_SIZE", 1000)))
        now = utcnow()
        job.status = JOB_RUNNING
        job.started_at = job.started_at or now
        job.error = None
        if runner:
            job.runner = runner
        session.commit()

    owner = job_ranges.new_owner()
    beat = job_heartbeat.keeper(app)
    left = [max_chunks]
    held: Optional[tuple[int, int]] = None
    try:
        while True:
            held = job_ranges.claim(app, job_id, owner)
            if held is None:
                break
            beat.hold(job_id, held[0], owner)
            try:
                outcome = _answer_range(app, job_id, held, owner, left, stop)
            finally:
                beat.drop(job_id, held[0], owner)
            if outcome == "deleted":
                return None
            if outcome == "stopped":
                job_ranges.release(app, job_id, held[0], owner)
                return JOB_RUNNING
            held = None
        with factories["read_sessions"]() as session:
            status = session.scalar(select(Job.status).where(Job.id == job_id))
        if status == JOB_FINISHED:
            webhooks.job_ended(app, job_id)  # its callback, if any: stored once, sent by another thread
        return status
    except BaseException as exc:
        message = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:500]
        log.error("job %s failed: %s", job_id, message)
        try:
            if held is not None:
                job_ranges.release(app, job_id, held[0], owner)
            _mark(app, job_id, unless_finished=True, status=JOB_FAILED,
                  error=f"Stopped by an error ({message}); `flask --app wsgi jobs resume {job_id}` "
                        "continues from the first unfinished claim.")
        except Exception:  # the database may be what failed
            log.exception("could not mark job %s failed", job_id)
        webhooks.job_ended(app, job_id)  # never raises
        raise


def _answer_range(app: Flask, job_id: str, rng: tuple[int, int], owner: str, left: list[Optional[int]],
                  stop: Optional[threading.Event]) -> str:
    """Answer a claimed range chunk by chunk: ``complete``, ``lost`` (another runner holds it now),
    ``stopped`` (``stop`` set or no chunks ``left``) or ``deleted``."""
    cfg = app.config
    chunk_size = max(1, int(cfg.get("JOBS_CHUNK_SIZE", 200)))
    candidate_limit = cfg.get("CANDIDATE_LIMIT", 40)
    factories = app.extensions[DB_EXTENSION]
    reads, writes = factories["read_sessions"], factories["write_sessions"]
    start, stop_seq = rng
    while True:
        if (left[0] is not None and left[0] <= 0) or (stop is not None and stop.is_set()):
            return "stopped"
        with reads() as session:
            state = session.execute(select(JobRange.done, JobRange.owner).where(
                JobRange.job_id == job_id, JobRange.start == start)).first()
            if state is None:
                return "deleted"
            if state.owner != owner:
                return "lost"
            done = state.done
            first = start + done
            if first >= stop_seq:
                return "complete"
            rows = session.execute(
                select(JobItem.seq, JobItem.claim)
                .where(JobItem.job_id == job_id, JobItem.seq >= first, JobItem.seq < stop_seq)
                .order_by(JobItem.seq).limit(chunk_size)
            ).all()
        # Verifying only reads quotes: a replica may do it (app/db.py).
        with app.app_context():
            answers = read_apart(lambda session: [  # noqa: B023 - called at once
                (seq, *_verify_one(session, claim, candidate_limit)) for seq, claim in rows])
        counts = {k: 0 for k in _COUNTER.values()}
        for _, key, _ in answers:
            counts[_COUNTER[key]] += 1
        with writes() as session:
            if not job_ranges.lock_job(session, job_id):
                return "deleted"
            # The guarantee: the range's `done` is still what this chunk was read
            # at (and the range still this runner's), or nothing is stored.
            moved = session.execute(
                update(JobRange).where(JobRange.job_id == job_id, JobRange.start == start,
                                       JobRange.done == done, JobRange.owner == owner).values(
                    done=JobRange.done + len(answers),
                    verified=JobRange.verified + counts["verified"],
                    mismatch=JobRange.mismatch + counts["mismatch"],
                    unverified=JobRange.unverified + counts["unverified"],
                    errored=JobRange.errored + counts["errored"],
                    heartbeat_at=utcnow(),
                ).execution_options(synchronize_session=False)
            ).rowcount
            if moved != 1:
                session.rollback()
                log.info("job %s: items from %d are another runner's now", job_id, first)
                continue  # the next read sees the new owner and leaves the range
            session.execute(update(JobItem), [
                {"job_id": job_id, "seq": seq, "verdict": key, "result": answer}
                for seq, key, answer in answers
            ])
            job_ranges.refresh_job(session, job_id)
            session.commit()
        if left[0] is not None:
            left[0] -= 1
