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
answers its status and results.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import uuid
from typing import IO, Any, Iterable, Iterator, Optional

from flask import Flask
from marshmallow import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .db import EXTENSION as DB_EXTENSION
from .models import JOB_QUEUED, Job, JobItem, utcnow
from .schemas import VerifySchema, storable_text

log = logging.getLogger(__name__)

NDJSON_TYPES = {"application/x-ndjson", "application/ndjson", "application/jsonl",
                "application/x-jsonlines", "application/jsonlines", "application/json-lines"}
CSV_TYPES = {"text/csv", "application/csv"}
CSV_COLUMNS = ("id", "text", "speaker", "date", "location", "reference_date")

CLIENT_ID_MAX = 200
# The 202 answer (and the job) keep the first this many invalid lines; the
# count of all of them is ``rejected``.
MAX_REPORTED_ERRORS = 1000
INSERT_BATCH = 1000
RESULTS_PAGE = 500
SUMMARY_KEYS = ("verified", "mismatch", "unverified", "error")

_verify_schema = VerifySchema()


class InputError(Exception):
    """The body as a whole cannot become a job (422 with ``errors``)."""

    def __init__(self, message: str, errors: Any = None):
        super().__init__(message)
        self.message = message
        self.errors = errors


class QueueUnavailable(Exception):
    """Redis could not take the job (503)."""


# --- reading claims ------------------------------------------------------------------------

# (line, client id, claim ready to store, errors)
Record = tuple[int, Optional[str], Optional[dict[str, Any]], Optional[dict[str, Any]]]


def validate_claim(line: int, obj: Any) -> Record:
    """One input line as a claim to store, or its errors."""
    if not isinstance(obj, dict):
        return line, None, None, {"_schema": ["Each claim must be a JSON object."]}
    obj = dict(obj)
    errors: dict[str, Any] = {}
    client_id = obj.pop("id", None)
    if client_id is not None:
        if isinstance(client_id, bool) or not isinstance(client_id, (str, int)):
            errors["id"] = ["The id must be a string or an integer."]
            client_id = None
        else:
            client_id = str(client_id)
            if not storable_text(client_id):
                errors["id"] = ["Must be valid Unicode text (it holds a lone UTF-16 surrogate)."]
                client_id = None
            elif len(client_id) > CLIENT_ID_MAX:
                errors["id"] = [f"At most {CLIENT_ID_MAX} characters."]
                client_id = client_id[:CLIENT_ID_MAX]
    try:
        data = _verify_schema.load(obj)
    except ValidationError as exc:
        msgs = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        errors.update(msgs)
        data = None
    if errors:
        return line, client_id, None, errors
    assert data is not None
    claim = {k: v for k, v in data.items() if v is not None and v != ""}
    if isinstance(claim.get("reference_date"), dt.date):
        claim["reference_date"] = claim["reference_date"].isoformat()
    return line, client_id, claim, None


def iter_ndjson(lines: Iterable[bytes | str]) -> Iterator[Record]:
    for n, raw in enumerate(lines, start=1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield n, None, None, {"_line": ["Not UTF-8 text."]}
                continue
        if n == 1:
            raw = raw.lstrip("\ufeff")
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield n, None, None, {"_line": [f"Not valid JSON: {exc.msg} (column {exc.colno})."]}
            continue
        yield validate_claim(n, obj)


def iter_csv(stream: IO[str]) -> Iterator[Record]:
    """CSV with a header row: text (required), speaker, date, location, reference_date, id."""
    reader = csv.DictReader(stream)
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        raise InputError(f"Not readable as CSV: {exc}", {"_file": [str(exc)]}) from None
    if not header:
        return
    header = [h.strip().lstrip("\ufeff") if h else h for h in header]
    reader.fieldnames = header
    if "text" not in header:
        raise InputError("The CSV header needs a text column (and may have id, speaker, date, location, "
                         "reference_date).", {"_header": ["Missing column: text."]})
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        yield 1, None, None, {"_header": [f"Unknown column(s) ignored: {', '.join(map(str, unknown))}."]}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, None, None, {"_line": [f"Not readable as CSV: {exc}"]}
            continue
        line = reader.line_num
        if not any((v or "").strip() for k, v in row.items() if k is not None and isinstance(v, str)):
            continue
        if None in row:
            yield line, None, None, {"_line": [f"{len(row[None])} more cell(s) than the header has columns."]}
            continue
        obj = {k: v for k, v in row.items() if k in CSV_COLUMNS and v is not None and v.strip() != ""}
        yield validate_claim(line, obj)


def iter_json_array(body: Any) -> Iterator[Record]:
    """A JSON array of claims (or ``{"claims": [...]}``); ``line`` is the 1-based position."""
    if isinstance(body, dict) and isinstance(body.get("claims"), list):
        body = body["claims"]
    if not isinstance(body, list):
        raise InputError("Send JSON Lines, CSV, or a JSON array of claims.", {"json": ["Not an array."]})
    for i, obj in enumerate(body, start=1):
        yield validate_claim(i, obj)


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


def result_line(line: int, client_id: Optional[str], result: Optional[dict[str, Any]]) -> str:
    return json.dumps({"line": line, "id": client_id, **(result or {})}, ensure_ascii=False) + "\n"


def iter_results(app: Flask, job_id: str, upto: int, offset: int = 0) -> Iterator[str]:
    """The answers of items ``offset`` .. ``upto - 1`` as JSON Lines, a page at a time.

    Each page is read in a short session of its own, so a long download holds
    no transaction (and, on SQLite, does not pin the WAL).
    """
    factory = app.extensions[DB_EXTENSION]["read_sessions"]
    last = offset - 1
    while last + 1 < upto:
        with factory() as session:
            rows = session.execute(
                select(JobItem.seq, JobItem.line, JobItem.client_id, JobItem.result)
                .where(JobItem.job_id == job_id, JobItem.seq > last, JobItem.seq < upto)
                .order_by(JobItem.seq).limit(RESULTS_PAGE)
            ).all()
        if not rows:
            return
        yield "".join(result_line(r.line, r.client_id, r.result) for r in rows)
        last = rows[-1].seq


def delete_job(session: Session, job_id: str) -> None:
    session.execute(delete(JobItem).where(JobItem.job_id == job_id))
    session.execute(delete(Job).where(Job.id == job_id))


def enqueue(app: Flask, job_id: str) -> str:
    """Hand a stored job to its runner (:func:`app.job_runners.enqueue`); returns the runner's name."""
    from .job_runners import enqueue as hand_over

    return hand_over(app, job_id)


def run_job(job_id: str) -> Optional[str]:
    """RQ jobs queued before the runners moved to :mod:`app.job_runners` name this function."""
    from .job_runners import run_job as run

    return run(job_id)
