"""Ranges of a verify job: slices of its items that runners answer independently.

A verify job's items are split into ranges ``[start, stop)`` of
``JOBS_RANGE_SIZE`` claims (``job_ranges``, migration 0011) when it is first
offered to the runners. Each range has its own ``done``, a prefix of the
range moved by compare-and-set as chunks are stored, and its own verdict
counters. A runner *claims* a range (``owner``, a token of its own) and keeps
its ``heartbeat_at`` fresh; a range nobody holds, or whose heartbeat is older
than ``JOBS_STALE_AFTER``, can be claimed by any runner. That is how several
RQ workers share one job, and how a live runner takes over the work of a
dead one.

The job's own row says what a reader may rely on (:func:`refresh_job`, in the
transaction that stores each chunk, with the job's row locked first so two
chunks of one job are counted one after the other):

* ``done``: the answered prefix in input order, the complete ranges from the
  first one on plus the answered part of the first incomplete one. The
  results read items ``seq < done``, so they stay a clean prefix even when a
  later range finished first.
* ``answered``: answers stored in every range (progress).
* the verdict counters: those of the ``done`` prefix, the answers the
  results give.
"""
from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from typing import Any, Optional

from flask import Flask
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from .db import EXTENSION as DB_EXTENSION
from .models import JOB_FINISHED, JOB_QUEUED, JOB_RUNNING, Job, JobRange, utcnow

COUNTERS = ("verified", "mismatch", "unverified", "errored")
# Jobs whose ranges runners may claim; a failed job waits for `jobs resume`.
LIVE = (JOB_QUEUED, JOB_RUNNING)


def new_owner() -> str:
    """A runner's token: where it runs (for people reading the table) and a random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def lock_job(session: Session, job_id: str) -> bool:
    """Take the job's row lock first (False: it is gone).

    An UPDATE takes it on PostgreSQL (a second writer waits, then reads what
    the first committed); SQLite's write sessions begin IMMEDIATE anyway.
    """
    return session.execute(
        update(Job).where(Job.id == job_id).values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def ensure_ranges(session: Session, job: Job, range_size: int) -> None:
    """Split a verify job into ranges, once (the caller holds the job's row lock).

    A job stored before ranges existed and already partly answered gets its
    answered prefix as one finished range with the job's counters.
    """
    if session.scalar(select(func.count()).select_from(JobRange).where(JobRange.job_id == job.id)):
        return
    size = max(1, range_size)
    rows: list[dict[str, Any]] = []
    start = 0
    if job.done:
        rows.append({"job_id": job.id, "start": 0, "stop": job.done, "done": job.done,
                     **{k: getattr(job, k) for k in COUNTERS}})
        start = job.done
    while start < job.total:
        stop = min(start + size, job.total)
        rows.append({"job_id": job.id, "start": start, "stop": stop, "done": 0,
                     **{k: 0 for k in COUNTERS}})
        start = stop
    if rows:
        session.execute(insert(JobRange), rows)


def _open() -> Any:
    return JobRange.done < JobRange.stop - JobRange.start


def offer(app: Flask, job_id: str) -> int:
    """Make the job's ranges (once) and free its unfinished ones for any runner, now.

    Used when a job is submitted or resumed: a runner still holding a range
    loses it at its next chunk (its store is refused) and moves on. Returns
    how many ranges are left to answer.
    """
    with app.extensions[DB_EXTENSION]["write_sessions"]() as session:
        if not lock_job(session, job_id):
            return 0
        job = session.get(Job, job_id)
        assert job is not None
        if job.kind != "verify":  # another kind of job (an import) is one piece of work
            session.commit()
            return 1
        ensure_ranges(session, job, int(app.config.get("JOBS_RANGE_SIZE", 1000)))
        n = session.execute(
            update(JobRange).where(JobRange.job_id == job_id, _open())
            .values(owner=None, heartbeat_at=utcnow()).execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        return n


def claim(app: Flask, job_id: str, owner: str) -> Optional[tuple[int, int]]:
    """Claim the first unfinished range nobody holds (or whose holder is silent): ``(start, stop)``."""
    stale = utcnow() - dt.timedelta(seconds=float(app.config.get("JOBS_STALE_AFTER", 60)))
    free = or_(JobRange.owner.is_(None), JobRange.owner == owner, JobRange.heartbeat_at.is_(None),
               JobRange.heartbeat_at < stale)
    writes = app.extensions[DB_EXTENSION]["write_sessions"]
    for _ in range(20):  # lost races: another runner claimed the same range first
        with writes() as session:
            row = session.execute(
                select(JobRange.start, JobRange.stop).join(Job, Job.id == JobRange.job_id)
                .where(JobRange.job_id == job_id, Job.status.in_(LIVE), _open(), free)
                .order_by(JobRange.start).limit(1)
            ).first()
            if row is None:
                return None
            got = session.execute(
                update(JobRange).where(JobRange.job_id == job_id, JobRange.start == row.start, _open(), free)
                .values(owner=owner, heartbeat_at=utcnow()).execution_options(synchronize_session=False)
            ).rowcount
            session.commit()
        if got == 1:
            return row.start, row.stop
    return None


def release(app: Flask, job_id: str, start: int, owner: str) -> None:
    """Give a range back (the runner stops early): any runner may claim it at once."""
    with app.extensions[DB_EXTENSION]["write_sessions"]() as session:
        session.execute(
            update(JobRange).where(JobRange.job_id == job_id, JobRange.start == start, JobRange.owner == owner)
            .values(owner=None, heartbeat_at=utcnow()).execution_options(synchronize_session=False))
        session.commit()


def refresh_job(session: Session, job_id: str) -> None:
    """The job's ``done`` prefix, ``answered``, counters and status from its ranges (row lock held)."""
    rows = session.execute(
        select(JobRange.start, JobRange.stop, JobRange.done, *(getattr(JobRange, k) for k in COUNTERS))
        .where(JobRange.job_id == job_id).order_by(JobRange.start)
    ).all()
    prefix, answered = 0, 0
    counts = dict.fromkeys(COUNTERS, 0)
    in_prefix = True
    for r in rows:
        answered += r.done
        if in_prefix and r.start == prefix:
            prefix += r.done
            for k in COUNTERS:
                counts[k] += getattr(r, k)
            in_prefix = r.done >= r.stop - r.start
        else:
            in_prefix = False
    now = utcnow()
    values: dict[str, Any] = {"done": prefix, "answered": answered, "updated_at": now, **counts}
    job = session.execute(select(Job.total, Job.status).where(Job.id == job_id)).first()
    if job is None:
        return
    if prefix >= job.total:
        values.update(status=JOB_FINISHED, finished_at=now, error=None)
    elif job.status == JOB_QUEUED:
        values.update(status=JOB_RUNNING)
    session.execute(update(Job).where(Job.id == job_id).values(**values)
                    .execution_options(synchronize_session=False))


def touch(app: Flask, held: list[tuple[str, int, str]], pending: list[str]) -> None:
    """Heartbeat: the ranges this process holds, and the unclaimed ranges of jobs waiting in its queue.

    A short transaction each (no two range rows locked at once by a beat, so
    it cannot deadlock with a sweep or an offer).
    """
    writes = app.extensions[DB_EXTENSION]["write_sessions"]
    now = utcnow()
    for job_id, start, owner in held:
        with writes() as session:
            session.execute(
                update(JobRange).where(JobRange.job_id == job_id, JobRange.start == start,
                                       JobRange.owner == owner)
                .values(heartbeat_at=now).execution_options(synchronize_session=False))
            session.commit()
    for job_id in pending:
        with writes() as session:
            session.execute(
                update(JobRange).where(JobRange.job_id == job_id, JobRange.owner.is_(None), _open())
                .values(heartbeat_at=now).execution_options(synchronize_session=False))
            session.commit()


def release_stale(app: Flask, *, claimed_only: bool) -> dict[str, int]:
    """Free the unfinished ranges of live verify jobs whose heartbeat is older than ``JOBS_STALE_AFTER``.

    Each is freed by compare-and-set on the heartbeat it had, so of several
    sweeping runners one frees it. A live verify job that has no ranges yet
    and has not moved for as long is offered too. ``claimed_only``: only ranges a runner had
    claimed (on RQ a range nobody claimed yet still has a helper waiting in
    Redis). Returns ``{job_id: ranges freed}``: the caller hands those jobs
    to runners.
    """
    stale = utcnow() - dt.timedelta(seconds=float(app.config.get("JOBS_STALE_AFTER", 60)))
    cond = [Job.status.in_(LIVE), Job.kind == "verify", _open(),
            or_(JobRange.heartbeat_at.is_(None), JobRange.heartbeat_at < stale)]
    if claimed_only:
        cond.append(JobRange.owner.is_not(None))
    freed: dict[str, int] = {}
    writes = app.extensions[DB_EXTENSION]["write_sessions"]
    with writes() as session:
        # A job stored but never offered (its process died between the two): no ranges yet.
        orphans = session.scalars(
            select(Job.id).where(Job.status.in_(LIVE), Job.kind == "verify", Job.updated_at < stale,
                                 ~select(JobRange.start).where(JobRange.job_id == Job.id).exists())
        ).all()
    for job_id in orphans:
        n = offer(app, job_id)
        if n:
            freed[job_id] = n
    with writes() as session:
        rows = session.execute(
            select(JobRange.job_id, JobRange.start, JobRange.heartbeat_at)
            .join(Job, Job.id == JobRange.job_id).where(*cond).order_by(JobRange.job_id, JobRange.start)
        ).all()
        now = utcnow()
        for r in rows:
            beat = JobRange.heartbeat_at.is_(None) if r.heartbeat_at is None else JobRange.heartbeat_at == r.heartbeat_at
            if session.execute(
                update(JobRange).where(JobRange.job_id == r.job_id, JobRange.start == r.start, beat)
                .values(owner=None, heartbeat_at=now).execution_options(synchronize_session=False)
            ).rowcount:
                freed[r.job_id] = freed.get(r.job_id, 0) + 1
        session.commit()
    return freed


def unclaimed(app: Flask, limit: int = 20) -> dict[str, int]:
    """``{job_id: ranges}`` of live verify jobs with unfinished ranges no runner holds, oldest jobs first."""
    with app.extensions[DB_EXTENSION]["read_sessions"]() as session:
        rows = session.execute(
            select(JobRange.job_id, func.count()).join(Job, Job.id == JobRange.job_id)
            .where(Job.status.in_(LIVE), Job.kind == "verify", JobRange.owner.is_(None), _open())
            .group_by(JobRange.job_id, Job.created_at).order_by(Job.created_at).limit(limit)
        ).all()
    return {job_id: n for job_id, n in rows}
