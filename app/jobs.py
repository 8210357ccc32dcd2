"""Bulk verification jobs: many claims verified in the background.

A job is stored whole in the database before anything runs: a ``jobs`` row
(status, progress, verdict counts) and one ``job_items`` row per valid claim
(its input line, the client's id, the claim, and later its verify answer).
Any web worker can therefore answer status and results, and a runner that
dies loses at most the chunk it was working on.

The claims are answered in the background by a runner
(:mod:`app.job_runners`: threads of the web process by default, RQ workers
with ``REDIS_URL``) with :mod:`app.job_processing`; the ``jobs`` commands
are in :mod:`app.jobs_cli`. This module reads claims, stores a job, and
answers its status; reading claims is :mod:`app.job_files`' and
writing the answers :mod:`app.job_results`'.
"""
from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any, Iterable, Optional

from flask import Flask
from sqlalchemy import delete
from sqlalchemy.orm import Session

from .models import JOB_QUEUED, Job, JobItem, utcnow
# The readers of claims live in app/job_files.py, the answers in app/job_results.py;
# these names stay importable from here.
from .job_files import (CSV_COLUMNS, CSV_TYPES, NDJSON_TYPES, InputError, Record, iter_csv,  # noqa: F401
                        iter_json_array, iter_ndjson, validate_claim)
from .job_results import iter_results, result_line  # noqa: F401

log = logging.getLogger(__name__)

# The 202 answer (and the job) keep the first this many invalid lines; the
# count of all of them is ``rejected``.
MAX_REPORTED_ERRORS = 1000
INSERT_BATCH = 1000
SUMMARY_KEYS = ("verified", "mismatch", "unverified", "error")

class QueueUnavailable(Exception):
    """Redis could not take the job (503)."""


# --- storing a job ----------------------------------------------------------------------------


def new_job_id() -> str:
    return uuid.uuid4().hex


def create_job(session: Session, records: Iterable[Record], *, max_claims: int,
               api_key_id: Optional[int] = None,
               job_id: Optional[str] = None) -> tuple[Job, list[dict[str, Any]]]:
    """Store a job and its valid claims (not committed); returns it and the reported errors.

    Claims are inserted in batches as they are read, so a 100,000-line body
    is never held in memory. Raises :class:`InputError` when no line is
    valid or there are more than ``max_claims``; the caller rolls back.
    """
    now = utcnow()
    job = Job(id=job_id or new_job_id(), kind="verify", status=JOB_QUEUED, total=0, done=0, verified=0,
              mismatch=0, unverified=0, errored=0, rejected=0, api_key_id=api_key_id,
              created_at=now, updated_at=now)
    session.add(job)
    session.flush()
    errors: list[dict[str, Any]] = []
    rejected = 0
    seq = 0
    batch: list[dict[str, Any]] = []
    items = JobItem.__table__

    for line, client_id, claim, errs in records:
        if errs or claim is None:
            header_note = bool(errs) and set(errs) == {"_header"}
            if not header_note:
                rejected += 1
            if len(errors) < MAX_REPORTED_ERRORS:
                entry: dict[str, Any] = {"line": line}
                if client_id is not None:
                    entry["id"] = client_id
                entry["errors"] = errs or {"_schema": ["Invalid."]}
                errors.append(entry)
            continue
        if seq >= max_claims:
            raise InputError(f"At most {max_claims} claims per job; split the file.",
                             {"_file": [f"More than {max_claims} claims (line {line})."]})
        batch.append({"job_id": job.id, "seq": seq, "line": line, "client_id": client_id, "claim": claim})
        seq += 1
        if len(batch) >= INSERT_BATCH:
            session.execute(items.insert(), batch)
            batch = []
    if batch:
        session.execute(items.insert(), batch)
    if seq == 0:
        raise InputError("No valid claim: every line is invalid or the body is empty.",
                         {"lines": errors} if errors else {"_file": ["No claims."]})
    job.total = seq
    job.rejected = rejected
    job.input_errors = errors or None
    session.flush()
    return job, errors


def job_status(job: Job, results_url: Optional[str] = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": job.id,
        "status": job.status,
        "total": job.total,
        "done": job.done,
        "answered": job.answered,
        "rejected": job.rejected,
        "summary": {"verified": job.verified, "mismatch": job.mismatch,
                    "unverified": job.unverified, "error": job.errored},
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "updated_at": _iso(job.updated_at),
    }
    if job.error:
        out["error"] = job.error
    if results_url:
        out["results"] = results_url
    return out


def _iso(value: Optional[dt.datetime]) -> Optional[str]:
    return value.isoformat() if value is not None else None


def delete_job(session: Session, job_id: str) -> None:
    session.execute(delete(JobItem).where(JobItem.job_id == job_id))
    session.execute(delete(Job).where(Job.id == job_id))


def enqueue(app: Flask, job_id: str) -> str:
    """Hand a stored job to its runner (:func:`app.job_runners.enqueue`); returns the runner's name."""
    from .job_runners import enqueue as hand_over

    return hand_over(app, job_id)


def uses_rq(app: Flask) -> bool:
    """Whether jobs go to RQ workers (``REDIS_URL`` set): :func:`app.job_runners.uses_rq`."""
    from .job_runners import uses_rq as on_rq

    return on_rq(app)


def run_job(job_id: str) -> Optional[str]:
    """RQ jobs queued before the runners moved to :mod:`app.job_runners` name this function."""
    from .job_runners import run_job as run

    return run(job_id)
