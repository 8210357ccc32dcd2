"""Job runners: who answers a stored job, in this process or on RQ workers.

* ``REDIS_URL`` unset (the embedded default): a small pool of daemon threads
  in the web process (``JOBS_THREADS``); nothing else to install.
* ``REDIS_URL`` set: an RQ job on the ``JOBS_QUEUE`` queue, run by
  ``flask --app wsgi worker`` (:func:`run_job`).

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
