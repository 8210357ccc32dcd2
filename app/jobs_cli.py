"""Command line for bulk verification jobs: ``jobs list|resume|purge`` and the RQ ``worker``."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from .db import get_engine, get_session
from .job_processing import _mark, process_job
from . import job_heartbeat, job_ranges
from .job_runners import QueueUnavailable, enqueue, redis_connection, rq_queue, sweep, uses_rq
from .jobs import delete_job
from .models import JOB_FAILED, JOB_FINISHED, JOB_QUEUED, JOB_RUNNING, Job, utcnow

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
            job_ranges.offer(app, job.id)  # a range a dead runner held is this command's at once
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
    # (Without ``simple`` the work horse is a fork of this process; every
    # engine forgets the parent's pooled connections in a fork, app/db.py.)
    cls = SimpleWorker if simple else Worker
    # Between jobs and while one runs (in the work horse), this process looks
    # for ranges whose runner went silent and queues them again: any live
    # worker takes over a dead one's work.
    job_heartbeat.keeper(app).sweep_with(sweep)
    click.echo(f"Worker on queue {q.name!r} at {app.config['REDIS_URL'].split('@')[-1]}; "
               f"database {get_engine(app).url.render_as_string(hide_password=True)}.", err=True)
    cls([q], connection=connection).work(burst=burst, logging_level=app.config.get("LOG_LEVEL", "INFO"))


def init_app(app: Flask) -> None:
    from . import verify_file  # `verify-file claims.csv --out results.csv`

    app.cli.add_command(jobs_cli)
    app.cli.add_command(worker_command)
    verify_file.init_app(app)
