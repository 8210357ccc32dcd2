"""Bulk verification jobs: many claims verified in the background.

A job is stored whole in the database before anything runs: a ``jobs`` row
(status, progress, verdict counts) and one ``job_items`` row per valid claim
(its input line, the client's id, the claim, and later its verify answer).
Any web worker can therefore answer status and results, and a runner that
dies loses at most the chunk it was working on.

Processing goes in chunks of ``JOBS_CHUNK_SIZE`` claims, in input order. A
chunk is verified in a read session (no lock held while the engine works),
then its answers and the job's counters are written in one short
transaction, guarded by ``done`` still being what it was when the chunk was
read. So ``done`` items are always exactly the first ``done`` by ``seq``: a
job started again (``flask --app wsgi jobs resume``) continues from the
first unfinished item, and two runners on one job never store an item twice.

Runners:

* ``REDIS_URL`` unset (the embedded default): a small pool of daemon threads
  in the web process (``JOBS_THREADS``); nothing else to install.
* ``REDIS_URL`` set: an RQ job on the ``JOBS_QUEUE`` queue, run by
  ``flask --app wsgi worker`` (:func:`run_job`).

Every runner thread opens its own sessions from the application's session
factories; nothing here uses the request's session (``flask.g``).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import threading
import uuid
from typing import Any, Callable, Iterable, Optional

import click
from flask import Flask, current_app, has_app_context
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import delete, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from . import services, webhooks
from .db import EXTENSION as DB_EXTENSION
from .db import get_engine, get_session, read_apart, replica_set
from .errors import error_payload
# The readers of claims live in app/job_files.py; these names stay importable from here.
from .job_files import (CSV_COLUMNS, CSV_TYPES, NDJSON_TYPES, InputError, Record, iter_csv,  # noqa: F401
                        iter_json_array, iter_ndjson, validate_claim)
from .job_results import iter_results, result_line  # noqa: F401  (the answers, as JSON Lines or CSV)
from .models import JOB_FAILED, JOB_FINISHED, JOB_QUEUED, JOB_RUNNING, Job, JobItem, utcnow
from .schemas import QuoteSchema

log = logging.getLogger(__name__)

EXTENSION = "verbatim_jobs"
RQ_FUNCTION = "app.jobs.run_job"

# The 202 answer (and the job) keep the first this many invalid lines; the
# count of all of them is ``rejected``.
MAX_REPORTED_ERRORS = 1000
INSERT_BATCH = 1000
SUMMARY_KEYS = ("verified", "mismatch", "unverified", "error")
_COUNTER = {"verified": "verified", "mismatch": "mismatch", "unverified": "unverified", "error": "errored"}

_quote_schema = QuoteSchema()


class QueueUnavailable(Exception):
    """Redis could not take the job (503)."""


# --- storing a job ----------------------------------------------------------------------------


def new_job_id() -> str:
    return uuid.uuid4().hex


def create_job(session: Session, records: Iterable[Record], *, max_claims: int,
               api_key_id: Optional[int] = None) -> tuple[Job, list[dict[str, Any]]]:
    """Store a job and its valid claims (not committed); returns it and the reported errors.

    Claims are inserted in batches as they are read, so a 100,000-line body
    is never held in memory. Raises :class:`InputError` when no line is
    valid or there are more than ``max_claims``; the caller rolls back.
    """
    now = utcnow()
    job = Job(id=new_job_id(), kind="verify", status=JOB_QUEUED, total=0, done=0, verified=0,
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


# --- processing ----------------------------------------------------------------------------


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
            # Verifying only reads quotes: a replica may do it (app/db.py).
            answers = read_apart(lambda session: [  # noqa: B023 - called at once
                (seq, *_verify_one(session, claim, candidate_limit)) for seq, claim in rows])
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
            status = job.status
        webhooks.job_ended(app, job_id)  # its callback, if any: stored once, sent by another thread
        return status
    except BaseException as exc:
        message = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:500]
        log.error("job %s failed after %d chunk(s): %s", job_id, chunks, message)
        try:
            _mark(app, job_id, status=JOB_FAILED,
                  error=f"Stopped by an error ({message}); `flask --app wsgi jobs resume {job_id}` "
                        "continues from the first unfinished claim.")
        except Exception:  # the database may be what failed
            log.exception("could not mark job %s failed", job_id)
        webhooks.job_ended(app, job_id)  # never raises
        raise


# --- runners ----------------------------------------------------------------------------


class ThreadRunner:
    """A bounded pool of daemon threads in this process, fed by a queue.

    Started on first use, and again after a fork (gunicorn), so each process
    has its own. Daemon threads die with the process: the chunk in progress
    is not committed, and the job resumes from there.
    """

    def __init__(self, app: Flask, size: int):
        self.app = app
        self.size = max(1, size)
        self.queue: "queue.Queue[str]" = queue.Queue()
        self.threads: list[threading.Thread] = []
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def submit(self, job_id: str) -> None:
        with self.lock:
            if self.pid != os.getpid():  # forked: the parent's threads are not here
                self.queue, self.threads, self.pid = queue.Queue(), [], os.getpid()
            self.threads = [t for t in self.threads if t.is_alive()]
            while len(self.threads) < self.size:
                t = threading.Thread(target=self._loop, name=f"verbatim-job-{len(self.threads)}", daemon=True)
                t.start()
                self.threads.append(t)
        self.queue.put(job_id)

    def _loop(self) -> None:
        while not self.stop.is_set():
            job_id = self.queue.get()
            try:
                process_job(self.app, job_id, runner="thread", stop=self.stop)
            except Exception:
                log.exception("job %s failed in the in-process runner", job_id)
            finally:
                self.queue.task_done()


def thread_runner(app: Flask) -> ThreadRunner:
    ext = app.extensions.setdefault(EXTENSION, {})
    runner = ext.get("threads")
    if runner is None:
        runner = ext["threads"] = ThreadRunner(app, int(app.config.get("JOBS_THREADS", 2)))
    return runner


def redis_connection(app: Flask):
    from redis import Redis

    return Redis.from_url(app.config["REDIS_URL"])


def rq_queue(app: Flask, connection: Any = None):
    from rq import Queue

    return Queue(app.config["JOBS_QUEUE"], connection=connection or redis_connection(app))


def uses_rq(app: Flask) -> bool:
    return bool(app.config.get("REDIS_URL"))


def enqueue(app: Flask, job_id: str) -> str:
    """Hand a stored job to its runner; returns the runner's name (rq or thread)."""
    # Marked first: the runner may pick the job up at once.
    _mark(app, job_id, unless_finished=True, status=JOB_QUEUED, error=None,
          runner="rq" if uses_rq(app) else "thread")
    if uses_rq(app):
        from redis.exceptions import RedisError

        try:
            rq_queue(app).enqueue(RQ_FUNCTION, job_id, job_timeout=int(app.config["JOBS_TIMEOUT"]),
                                  result_ttl=24 * 3600, failure_ttl=7 * 24 * 3600,
                                  description=f"verbatim: verify job {job_id}")
        except RedisError as exc:
            raise QueueUnavailable(f"The job queue (Redis) is unavailable: {type(exc).__name__}.") from exc
        return "rq"
    thread_runner(app).submit(job_id)
    return "thread"


def delete_job(session: Session, job_id: str) -> None:
    session.execute(delete(JobItem).where(JobItem.job_id == job_id))
    session.execute(delete(Job).where(Job.id == job_id))


_worker_app: Optional[Flask] = None


def run_job(job_id: str) -> Optional[str]:
    """The RQ job function: process ``job_id`` with the worker's application.

    ``flask --app wsgi worker`` pushes its application context, so the job
    uses exactly that configuration (and database); a bare ``rq worker``
    builds one with ``create_app()`` from the environment.
    """
    global _worker_app
    if has_app_context():
        app = current_app._get_current_object()  # type: ignore[attr-defined]
    else:
        if _worker_app is None:
            from . import create_app

            _worker_app = create_app()
        app = _worker_app
    return process_job(app, job_id, runner="rq")


# --- command line ------------------------------------------------------------------------


jobs_cli = AppGroup("jobs", help="Bulk verification jobs: list, resume, purge.")


@jobs_cli.command("list")
@click.option("--status", type=click.Choice([JOB_QUEUED, JOB_RUNNING, JOB_FINISHED, JOB_FAILED]))
@click.option("--limit", default=20, show_default=True)
def jobs_list(status: Optional[str], limit: int) -> None:
    """The latest jobs with their progress."""
    stmt = select(Job).order_by(Job.created_at.desc()).limit(limit)
    if status:
        stmt = stmt.where(Job.status == status)
    rows = list(get_session().scalars(stmt))
    if not rows:
        click.echo("No jobs.")
        return
    click.echo(f"{'ID':<32}  {'STATUS':<9} {'DONE':>15}  {'RUNNER':<6} CREATED")
    for j in rows:
        click.echo(f"{j.id:<32}  {j.status:<9} {f'{j.done}/{j.total}':>15}  {j.runner or '-':<6} "
                   f"{j.created_at:%Y-%m-%d %H:%M}Z")


@jobs_cli.command("resume")
@click.argument("job_ids", nargs=-1)
@click.option("--here", is_flag=True, help="Run in this process even when REDIS_URL is set.")
def jobs_resume(job_ids: tuple[str, ...], here: bool) -> None:
    """Continue unfinished jobs (all queued, running or failed ones, or JOB_IDS).

    With REDIS_URL they are queued for the RQ workers; without it (or with
    --here) they run here, one after the other, from their first unfinished
    claim. Run it after a web process or worker died mid-job.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    session = get_session()
    if job_ids:
        jobs = [j for j in (session.get(Job, i) for i in job_ids) if j is not None]
        missing = set(job_ids) - {j.id for j in jobs}
        if missing:
            raise click.ClickException(f"No such job: {', '.join(sorted(missing))}")
    else:
        jobs = list(session.scalars(select(Job).where(Job.status != JOB_FINISHED).order_by(Job.created_at)))
    session.close()
    todo = [j for j in jobs if j.status != JOB_FINISHED]
    if not todo:
        click.echo("No unfinished jobs.")
        return
    for job in todo:
        if uses_rq(app) and not here:
            try:
                enqueue(app, job.id)
            except QueueUnavailable as exc:
                raise click.ClickException(str(exc)) from None
            click.echo(f"Queued job {job.id} ({job.done}/{job.total} done).")
        else:
            _mark(app, job.id, unless_finished=True, status=JOB_QUEUED, error=None)
            click.echo(f"Running job {job.id} from claim {job.done + 1} of {job.total}...")
            status = process_job(app, job.id, runner="cli")
            click.echo(f"Job {job.id}: {status}.")


@jobs_cli.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=30, show_default=True,
              help="Delete finished and failed jobs created more than this many days ago.")
def jobs_purge(days: int) -> None:
    """Delete old finished and failed jobs with their claims and answers."""
    session = get_session()
    cutoff = utcnow() - dt.timedelta(days=days)
    ids = list(session.scalars(select(Job.id).where(Job.status.in_((JOB_FINISHED, JOB_FAILED)),
                                                     Job.created_at < cutoff)))
    for job_id in ids:
        delete_job(session, job_id)
        session.commit()
    click.echo(f"Deleted {len(ids)} job(s).")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--simple", is_flag=True, help="Run jobs in this process instead of a forked child per job.")
@with_appcontext
def worker_command(burst: bool, simple: bool) -> None:
    """Run an RQ worker for bulk verification jobs (needs REDIS_URL)."""
    from rq import SimpleWorker, Worker

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not uses_rq(app):
        raise click.ClickException("REDIS_URL is not set. Without it, jobs run inside the web process "
                                   "and no worker is needed.")
    connection = redis_connection(app)
    q = rq_queue(app, connection)
    if not simple:
        # The work horse is a fork of this process: it must not reuse the
        # parent's pooled database connections.
        replicas = replica_set(app)
        engines = [get_engine(app)] + ([s.engine for s in replicas.replicas] if replicas else [])
        os.register_at_fork(after_in_child=lambda: [e.dispose(close=False) for e in engines])
    cls = SimpleWorker if simple else Worker
    click.echo(f"Worker on queue {q.name!r} at {app.config['REDIS_URL'].split('@')[-1]}; "
               f"database {get_engine(app).url.render_as_string(hide_password=True)}.", err=True)
    cls([q], connection=connection).work(burst=burst, logging_level=app.config.get("LOG_LEVEL", "INFO"))


def init_app(app: Flask) -> None:
    app.cli.add_command(jobs_cli)
    app.cli.add_command(worker_command)
