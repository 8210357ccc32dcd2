"""Helper processes that die with their parent and hold none of its sockets.

An import's worker processes are forked from a web worker (a gunicorn sync
worker is single-threaded, so forking is what it does): a fork inherits every
file descriptor, the server's listening socket and the client's connection
among them. Killed with its parent, such a helper used to live on, adopted by
init, blocked on its task pipe (which it also held open), keeping the port
open with nobody answering, and the service could not be started on it again.

:func:`guard` runs first in every helper (the pool's ``initializer``):

* it closes every socket it inherited (a helper only computes rows; its
  task and result pipes are pipes, not sockets);
* it asks Linux to kill it when the thread that started it ends
  (``PR_SET_PDEATHSIG``), when that thread is the parent's main thread;
* and a watchdog thread ends it within :data:`WATCH_EVERY` seconds of its
  parent's death however it died, anywhere (its parent id changes).
"""
from __future__ import annotations

import ctypes
import os
import signal
import stat
import sys
import threading
import time
from typing import Any

WATCH_EVERY = 0.25
_PR_SET_PDEATHSIG = 1


def guarded() -> dict[str, Any]:
    """``ProcessPoolExecutor`` arguments that guard its helpers (see above)."""
    main = threading.current_thread() is threading.main_thread()
    return {"initializer": guard, "initargs": (os.getpid(), main)}


def guard(parent: int, parent_is_main_thread: bool = False) -> None:
    close_inherited_sockets()
    if parent_is_main_thread and sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watchdog alone
            pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="parent-watchdog", daemon=True).start()


def close_inherited_sockets() -> int:
    """Close every socket this process has; returns how many."""
    closed = 0
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: try the usual range
        fds = list(range(3, 1024))
    for fd in fds:
        if fd < 3:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
                closed += 1
        except OSError:
            pass
    return closed


def _watch(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(WATCH_EVERY)
