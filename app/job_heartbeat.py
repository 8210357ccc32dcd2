"""A process's job heartbeat: one daemon thread that shows its runners are alive.

Every ``JOBS_HEARTBEAT_INTERVAL`` seconds it refreshes ``heartbeat_at`` of the
ranges this process's runners hold (and, on the embedded default, of the
jobs waiting in its own queue), and every ``JOBS_SWEEP_INTERVAL`` seconds it
runs the sweep it was given: look for ranges whose heartbeat is older than
``JOBS_STALE_AFTER`` — their runner died with its process — and hand their
jobs to a live runner (:func:`app.job_runners.sweep`).

A beat is a separate short transaction, not part of a chunk, so a chunk that
takes long (a slow claim, a busy database) does not make a live runner look
dead. One keeper per process and application; after a fork (a gunicorn
worker, an RQ work horse) the child makes its own.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from typing import Callable, Optional

from flask import Flask

from . import job_ranges

log = logging.getLogger(__name__)

EXTENSION = "verbatim_job_heartbeat"


class Keeper:
    def __init__(self, app: Flask):
        self.app = app
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.held: set[tuple[str, int, str]] = set()
        self.pending: Counter[str] = Counter()
        self.sweep: Optional[Callable[[Flask], object]] = None
        self.thread: Optional[threading.Thread] = None
        self.wake = threading.Event()

    # --- what this process holds ---------------------------------------------------

    def hold(self, job_id: str, start: int, owner: str) -> None:
        with self.lock:
            self.held.add((job_id, start, owner))
        self._start()

    def drop(self, job_id: str, start: int, owner: str) -> None:
        with self.lock:
            self.held.discard((job_id, start, owner))

    def queued(self, job_id: str) -> None:
        with self.lock:
            self.pending[job_id] += 1
        self._start()

    def dequeued(self, job_id: str) -> None:
        with self.lock:
            self.pending[job_id] -= 1
            if self.pending[job_id] <= 0:
                del self.pending[job_id]

    def waiting(self, job_id: str) -> int:
        with self.lock:
            return self.pending.get(job_id, 0)

    def sweep_with(self, sweep: Callable[[Flask], object]) -> None:
        """Run ``sweep(app)`` every ``JOBS_SWEEP_INTERVAL`` seconds (0: never), from now on."""
        if float(self.app.config.get("JOBS_SWEEP_INTERVAL", 10)) <= 0:
            return
        self.sweep = sweep
        self._start()

    # --- the thread ---------------------------------------------------------------------

    def _start(self) -> None:
        with self.lock:
            if self.thread is not None and self.thread.is_alive():
                return
            self.thread = threading.Thread(target=self._loop, name="verbatim-job-heartbeat", daemon=True)
            self.thread.start()

    def _loop(self) -> None:
        cfg = self.app.config
        beat = max(0.05, float(cfg.get("JOBS_HEARTBEAT_INTERVAL", 10)))
        every = float(cfg.get("JOBS_SWEEP_INTERVAL", 10))
        next_sweep = time.monotonic() + min(beat, every) if every > 0 else None
        while True:
            self.wake.wait(beat if next_sweep is None else max(0.0, min(beat, next_sweep - time.monotonic())))
            self.wake.clear()
            with self.lock:
                held = sorted(self.held)
                # The unclaimed ranges of the jobs waiting here or being answered here.
                pending = sorted(set(self.pending) | {job_id for job_id, _, _ in self.held})
                sweep = self.sweep
            try:
                job_ranges.touch(self.app, held, pending)
            except Exception as exc:  # the database may be away for a moment: beat again later
                log.warning("job heartbeat failed: %s: %s", type(exc).__name__, exc)
            if sweep is not None and next_sweep is not None and time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + every
                try:
                    sweep(self.app)
                except Exception as exc:
                    log.warning("job sweep failed: %s: %s", type(exc).__name__, exc)
            if sweep is None:
                with self.lock:
                    if not self.held and not self.pending:  # nothing to show: end; hold() starts it again
                        self.thread = None
                        return


_lock = threading.Lock()


def keeper(app: Flask) -> Keeper:
    """This process's keeper for ``app`` (a new one after a fork)."""
    with _lock:
        found = app.extensions.get(EXTENSION)
        if found is None or found.pid != os.getpid():
            found = app.extensions[EXTENSION] = Keeper(app)
        return found
