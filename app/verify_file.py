"""``flask --app wsgi verify-file claims.csv --out results.csv``: a file of claims verified from the shell.

The file becomes a bulk verification job like ``POST /api/v1/jobs/verify``
makes (the same validation, storage, ranges and runners): threads in this
process on the embedded default (``JOBS_THREADS``), the RQ workers when
``REDIS_URL`` is set (``--here`` keeps it in this process). The job's id is
derived from the file's content and the input format, keyed with
``SECRET_KEY``, so the same command run again finds the same job: a run
stopped with Ctrl-C (or killed) continues from where it stopped, and a
finished one is only written out again (``--fresh`` verifies it anew, after
the quotes on record changed).

Input: CSV (a header row with ``text`` and any of ``id``, ``speaker``,
``date``, ``location``, ``reference_date``) or JSON Lines, by the file's
extension (``--format`` to say). Output, by the extension of ``--out``:
``.csv`` (one row per claim, the columns below, UTF-8 with a BOM) or
``.jsonl``/``.ndjson`` (the answers the results endpoint gives). Progress
goes to stderr: a bar with claims/s and the time left on a terminal, a plain
line every few seconds otherwise; the verdict counts at the end.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from typing import IO, Any, Iterator, Optional

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from . import job_files, job_ranges, job_results, jobs
from .db import EXTENSION as DB_EXTENSION
from .db import get_session
from .job_processing import _mark, process_job
from .job_runners import enqueue, uses_rq
from .models import JOB_FAILED, JOB_FINISHED, JOB_QUEUED, Job, JobItem

OUTPUT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
INPUT_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
                 ".json": "jsonl"}
PAGE = 500


# --- the answers as CSV rows (the API's CSV results have the same columns) ------------------


def write_csv(rows: Iterator[tuple[int, Optional[str], Optional[dict[str, Any]]]], out: IO[str]) -> None:
    """The API's CSV results (app/job_results.py): a BOM, the same columns, formulas neutralised."""
    out.write(job_results.BOM)  # so a spreadsheet reads UTF-8
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(job_results.CSV_HEADER)
    for line, client_id, answer in rows:
        writer.writerow(job_results.csv_row(line, client_id, answer))


def write_jsonl(rows: Iterator[tuple[int, Optional[str], Optional[dict[str, Any]]]], out: IO[str]) -> None:
    for line, client_id, answer in rows:
        out.write(jobs.result_line(line, client_id, answer))


def stored_answers(app: Flask, job_id: str) -> Iterator[tuple[int, Optional[str], Optional[dict[str, Any]]]]:
    """Every answer of a job in input order, a page at a time."""
    factory = app.extensions[DB_EXTENSION]["read_sessions"]
    last = -1
    while True:
        with factory() as session:
            rows = session.execute(
                select(JobItem.seq, JobItem.line, JobItem.client_id, JobItem.result)
                .where(JobItem.job_id == job_id, JobItem.seq > last).order_by(JobItem.seq).limit(PAGE)
            ).all()
        if not rows:
            return
        for r in rows:
            yield r.line, r.client_id, r.result
        last = rows[-1].seq


# --- the job ----------------------------------------------------------------------------


def job_key(app: Flask, path: str, in_format: str) -> str:
    """The job id for this file and format: the same on every run, unguessable without SECRET_KEY."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    message = json.dumps({"file": digest.hexdigest(), "format": in_format, "kind": "verify-file"})
    key = str(app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]


def _records(path: str, in_format: str):
    # The API's readers (app/job_files.py): sniffed delimiters, a BOM or none,
    # a row that is not UTF-8 reported at its line.
    stream = open(path, "rb")
    return stream, job_files.records({"jsonl": "ndjson"}.get(in_format, in_format), stream)


class Progress:
    """A bar on a terminal (claims/s, time left), a plain line every ``every`` seconds otherwise."""

    def __init__(self, total: int, start: int, out: IO[str], every: float = 5.0):
        self.total, self.start, self.out, self.every = total, start, out, every
        self.tty = out.isatty()
        self.t0 = time.monotonic()
        self.last_line = 0.0

    def show(self, answered: int, final: bool = False) -> None:
        elapsed = max(1e-6, time.monotonic() - self.t0)
        rate = (answered - self.start) / elapsed
        left = self.total - answered
        eta = "-" if rate <= 0 else _duration(left / rate)
        pct = 100.0 * answered / self.total if self.total else 100.0
        if self.tty:
            width = 30
            filled = int(width * answered / self.total) if self.total else width
            self.out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {answered:,}/{self.total:,} "
                           f"{pct:5.1f}%  {rate:,.0f} claims/s  ETA {eta}   ")
            if final:
                self.out.write("\n")
            self.out.flush()
        elif final or time.monotonic() - self.last_line >= self.every:
            self.last_line = time.monotonic()
            self.out.write(f"verify-file: {answered}/{self.total} claims ({pct:.1f}%), {rate:.0f} claims/s, "
                           f"ETA {eta}\n")
            self.out.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _state(app: Flask, job_id: str):
    with app.extensions[DB_EXTENSION]["read_sessions"]() as session:
        return session.execute(select(Job.status, Job.answered, Job.done, Job.total, Job.error, Job.verified,
                                      Job.mismatch, Job.unverified, Job.errored, Job.rejected)
                               .where(Job.id == job_id)).first()


@click.command("verify-file")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="Where the answers go: .csv, or .jsonl / .ndjson.")
@click.option("--format", "in_format", type=click.Choice(["csv", "jsonl"]),
              help="The input's format (default: from its extension).")
@click.option("--here", is_flag=True, help="Answer in this process even when REDIS_URL is set.")
@click.option("--fresh", is_flag=True, help="Verify again from the start (drops this file's earlier job).")
@click.option("--progress-every", type=float, default=5.0, show_default=True,
              help="Seconds between progress lines when stderr is not a terminal.")
@with_appcontext
def verify_file_command(path: str, out_path: str, in_format: Optional[str], here: bool, fresh: bool,
                        progress_every: float) -> None:
    """Verify a file of claims (CSV or JSON Lines) into OUT, with progress; resumable."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    out_format = OUTPUT_FORMATS.get(os.path.splitext(out_path)[1].lower())
    if out_format is None:
        raise click.UsageError("--out must end in .csv, .jsonl or .ndjson (the format of the answers).")
    in_format = in_format or INPUT_FORMATS.get(os.path.splitext(path)[1].lower())
    if in_format is None:
        raise click.UsageError("Cannot tell the input's format from its name: use --format csv or --format jsonl.")
    job_id = job_key(app, path, in_format)
    err = sys.stderr

    session = get_session()
    job = session.get(Job, job_id)
    if job is not None and fresh:
        jobs.delete_job(session, job_id)
        session.commit()
        job = None
    if job is None:
        stream, records = _records(path, in_format)
        try:
            job, errors = jobs.create_job(session, records, max_claims=sys.maxsize, job_id=job_id)
        except jobs.InputError as exc:
            session.rollback()
            raise click.ClickException(f"{exc.message} {json.dumps(exc.errors)[:1000]}") from None
        finally:
            stream.close()
        session.commit()
        for entry in errors[:20]:
            err.write(f"line {entry['line']}: skipped: {json.dumps(entry['errors'], ensure_ascii=False)}\n")
        if job.rejected > 20:
            err.write(f"... {job.rejected} invalid line(s) in all, skipped.\n")
        err.write(f"Job {job_id}: {job.total} claim(s) to verify.\n")
    elif job.status == JOB_FINISHED:
        err.write(f"Job {job_id} (this file, run before) is finished; writing its answers "
                  "(--fresh verifies again).\n")
    else:
        err.write(f"Job {job_id} (this file, run before): {job.answered}/{job.total} answered, continuing.\n")
    session.close()

    state = _state(app, job_id)
    if state.status != JOB_FINISHED:
        _follow(app, job_id, state, err, progress_every, here)
    state = _state(app, job_id)
    if state.status != JOB_FINISHED:
        raise click.ClickException(f"The job stopped: {state.error or state.status}. "
                                   "Run the same command again to continue.")

    tmp = f"{out_path}.part"
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        (write_csv if out_format == "csv" else write_jsonl)(stored_answers(app, job_id), out)
    os.replace(tmp, out_path)
    click.echo(f"{state.total} claim(s): verified {state.verified}, mismatch {state.mismatch}, "
               f"unverified {state.unverified}, error {state.errored}"
               + (f"; {state.rejected} invalid line(s) skipped" if state.rejected else "")
               + f". Answers in {out_path}.")


def _follow(app: Flask, job_id: str, state: Any, err: IO[str], progress_every: float, here: bool) -> None:
    """Start the job's runners (here, or on RQ) and show its progress until it ends; Ctrl-C stops it."""
    threads: list[threading.Thread] = []
    stop = threading.Event()
    if uses_rq(app) and not here:
        enqueue(app, job_id)
        err.write("Queued for the RQ workers; following its progress (Ctrl-C stops following, not the job).\n")
    else:
        _mark(app, job_id, unless_finished=True, status=JOB_QUEUED, error=None, runner="cli")
        n = min(int(app.config.get("JOBS_THREADS", 2)), max(1, job_ranges.offer(app, job_id)))
        for i in range(n):
            t = threading.Thread(target=_run, args=(app, job_id, stop), name=f"verify-file-{i}", daemon=True)
            t.start()
            threads.append(t)

    progress = Progress(state.total, state.answered, err, progress_every)
    try:
        while True:
            state = _state(app, job_id)
            if state is None:
                raise click.ClickException(f"Job {job_id} was deleted.")
            if state.status in (JOB_FINISHED, JOB_FAILED) or (threads and not any(t.is_alive() for t in threads)):
                break
            progress.show(state.answered)
            time.sleep(0.25 if progress.tty else 0.5)
    except KeyboardInterrupt:
        stop.set()
        for t in threads:
            t.join(10)
        state = _state(app, job_id)
        err.write(f"\nStopped at {state.answered}/{state.total}. Run the same command again to continue.\n")
        sys.exit(130)
    progress.show(_state(app, job_id).answered, final=True)


def _run(app: Flask, job_id: str, stop: threading.Event) -> None:
    try:
        process_job(app, job_id, runner="cli", stop=stop)
    except Exception as exc:  # the job is marked failed with the reason; the command says it
        click.echo(f"verify-file: {type(exc).__name__}: {exc}", err=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(verify_file_command)
