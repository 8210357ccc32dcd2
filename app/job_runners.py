"""Job runners: who answers a stored job, in this process or on RQ workers.

* ``REDIS_URL`` unset (the embedded default): a small pool of daemon threads
  in the web process (``JOBS_THREADS``); nothing else to install.
* ``REDIS_URL`` set: RQ jobs on the ``JOBS_QUEUE`` queue, one per range of
  the job (at most ``JOBS_PARALLEL``), run by ``flask --app wsgi worker``
  (:func:`run_job`): several workers answer one job at once.

Either way the runners of a process keep a heartbeat on the ranges they hold
and sweep for ranges whose runner went silent (:mod:`app.job_heartbeat`,
:func:`sweep`): a job whose process died is taken over without an operator.
Every runner thread opens its own sessions from the application's session
factories; nothing here uses the request's session (``flask.g``). The work
itself is :func:`app.job_processing.process_job`.
"""
from __future__ import annotations

import logging
import os
import queue
import threading
from typing import Any, Optional

from flask import Flask, current_app, has_app_context

from . import job_heartbeat, job_ranges
from .job_processing import _mark, process_job
from .jobs import QueueUnavailable
from .models import JOB_QUEUED

log = logging.getLogger(__name__)

EXTENSION = "verbatim_jobs"
RQ_FUNCTION = "app.job_runners.run_job"


class ThreadRunner:
    """A bounded pool of daemon threads in this process, fed by a queue.

    Started on first use, and again after a fork (gunicorn), so each process
    has its own. Daemon threads die with the process: the chunk in progress
    is not committed, and the job is taken over by a live runner once its
    heartbeat is stale. A job is queued for as many threads as it has ranges
    (at most ``JOBS_THREADS``), so one big job uses the whole pool.
    """

    def __init__(self, app: Flask, size: int):
        self.app = app
        self.size = max(1, size)
        self.queue: "queue.Queue[str]" = queue.Queue()
        self.threads: list[threading.Thread] = []
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.busy = 0

    def idle(self) -> bool:
        """No thread is answering a job and none is waiting."""
        with self.lock:
            return self.busy == 0 and self.queue.empty()

    def start(self) -> None:
        """Threads up, and the sweep for jobs whose runner died (``JOBS_SWEEP_INTERVAL``)."""
        with self.lock:
            if self.pid != os.getpid():  # forked: the parent's threads are not here
                self.queue, self.threads, self.pid = queue.Queue(), [], os.getpid()
            self.threads = [t for t in self.threads if t.is_alive()]
            while len(self.threads) < self.size:
                t = threading.Thread(target=self._loop, name=f"verbatim-job-{len(self.threads)}", daemon=True)
                t.start()
                self.threads.append(t)
        job_heartbeat.keeper(self.app).sweep_with(sweep_and_help)

    def submit(self, job_id: str, runners: int = 1) -> None:
        """Queue ``job_id`` for up to ``runners`` threads (fewer when some already wait for it)."""
        self.start()
        beat = job_heartbeat.keeper(self.app)
        for _ in range(max(0, min(runners, self.size) - beat.waiting(job_id))):
            beat.queued(job_id)
            self.queue.put(job_id)

    def _loop(self) -> None:
        beat = job_heartbeat.keeper(self.app)
        while not self.stop.is_set():
            job_id = self.queue.get()
            with self.lock:
                self.busy += 1
            beat.dequeued(job_id)
            try:
                process_job(self.app, job_id, runner="thread", stop=self.stop)
            except Exception:
                log.exception("job %s failed in the in-process runner", job_id)
            finally:
                with self.lock:
                    self.busy -= 1
                self.queue.task_done()


def thread_runner(app: Flask) -> ThreadRunner:
    with _lock:
        ext = app.extensions.setdefault(EXTENSION, {})
        runner = ext.get("threads")
        if runner is None:
            runner = ext["threads"] = ThreadRunner(app, int(app.config.get("JOBS_THREADS", 2)))
        return runner


_lock = threading.Lock()


def start_in_process(app: Flask) -> None:
    """On the embedded default, start this process's runners (and their sweep) if not yet started.

    Called before each request, so a web process that has not run a job yet
    still takes over the jobs of a process that died.
    """
    if uses_rq(app) or float(app.config.get("JOBS_SWEEP_INTERVAL", 10)) <= 0:
        return
    runner = thread_runner(app)
    if runner.pid != os.getpid() or not runner.threads:
        runner.start()


def redis_connection(app: Flask):
    from redis import Redis

    return Redis.from_url(app.config["REDIS_URL"])


def rq_queue(app: Flask, connection: Any = None):
    from rq import Queue

    return Queue(app.config["JOBS_QUEUE"], connection=connection or redis_connection(app))


def uses_rq(app: Flask) -> bool:
    return bool(app.config.get("REDIS_URL"))


def enqueue(app: Flask, job_id: str) -> str:
    """Hand a stored job to its runners; returns the runners' name (rq or thread).

    The job's unfinished ranges are offered anew (a runner still holding one
    loses it at its next chunk), then one runner per range is called, up to
    ``JOBS_THREADS`` threads here or ``JOBS_PARALLEL`` RQ jobs.
    """
    # Marked first: the runner may pick the job up at once.
    _mark(app, job_id, unless_finished=True, status=JOB_QUEUED, error=None,
          runner="rq" if uses_rq(app) else "thread")
    ranges = job_ranges.offer(app, job_id)
    if uses_rq(app):
        _enqueue_helpers(app, job_id, ranges)
        return "rq"
    thread_runner(app).submit(job_id, ranges)
    return "thread"


def _enqueue_helpers(app: Flask, job_id: str, ranges: int) -> None:
    from redis.exceptions import RedisError

    n = max(1, min(ranges, int(app.config.get("JOBS_PARALLEL", 8))))
    try:
        q = rq_queue(app)
        for i in range(n):
            q.enqueue(RQ_FUNCTION, job_id, job_timeout=int(app.config["JOBS_TIMEOUT"]),
                      result_ttl=24 * 3600, failure_ttl=7 * 24 * 3600,
                      description=f"verbatim: verify job {job_id} ({i + 1} of {n})")
    except RedisError as exc:
        raise QueueUnavailable(f"The job queue (Redis) is unavailable: {type(exc).__name__}.") from exc


def sweep(app: Flask) -> dict[str, int]:
    """Hand the jobs whose runner went silent to live runners: this process's threads, or RQ.

    On RQ only ranges a runner had claimed count (an unclaimed one still has
    its RQ job waiting in Redis); here, also the unclaimed ranges of jobs that
    were queued in a process that died.
    """
    freed = job_ranges.release_stale(app, claimed_only=uses_rq(app))
    for job_id, n in freed.items():
        log.warning("job %s: %d range(s) without a heartbeat taken over", job_id, n)
        if uses_rq(app):
            _enqueue_helpers(app, job_id, n)
        else:
            thread_runner(app).submit(job_id, n)
    return freed


def help_out(app: Flask) -> dict[str, int]:
    """Embedded default, when this process's threads are idle: take a share of the jobs other
    processes run, their ranges nobody has claimed yet.

    With several web processes (gunicorn workers), one big job is so answered
    by all of them, on all the cores, where one process's threads share one
    interpreter lock. Returns ``{job_id: free ranges}`` of the jobs taken up.
    """
    if uses_rq(app):
        return {}
    runner = thread_runner(app)
    if not runner.idle():
        return {}
    free = job_ranges.unclaimed(app)
    for job_id, n in free.items():
        runner.submit(job_id, n)
    return free


def sweep_and_help(app: Flask) -> None:
    sweep(app)
    help_out(app)


def init_app(app: Flask) -> None:
    started: dict[str, Optional[int]] = {"pid": None}

    @app.before_request
    def _runners_up() -> None:
        if started["pid"] != os.getpid():  # once per process (and again in a forked worker)
            started["pid"] = os.getpid()
            start_in_process(app)


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
