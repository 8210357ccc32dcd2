"""gunicorn's workers, answering in JSON what the server layer itself refuses.

gunicorn answers some requests before the application sees them: a request
line over ``limit_request_line`` (414), headers over their limits (431), a
malformed request (400), and a request that outlived the worker
``timeout`` (the worker is aborted mid-request). It writes those answers as
HTML; a client of this API reads JSON. These worker classes write the same
answers as ``{"code", "status", "message"}``, and a time-out as a ``503``
with ``Retry-After`` rather than a bare 500. ``gunicorn.conf.py`` selects
them.
"""
from __future__ import annotations

import json

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker

MESSAGES = {
    400: "The request is malformed.",
    414: "The request line (the URL) is too long. Send a long search as POST /api/v1/quotes/search.",
    431: "The request's headers are too large.",
    500: "Internal error. It has been logged.",
    503: "The request took longer than the server's time-out and was stopped; nothing it was storing "
         "was kept. Send large imports with Prefer: respond-async (or over IMPORT_SYNC_MAX_BYTES) to "
         "import them in the background.",
}


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """What ``gunicorn.util.write_error`` writes, as JSON."""
    message = MESSAGES.get(status_int) or reason
    if status_int == 400 and mesg:
        message = f"The request is malformed: {mesg[:200]}"
    body = json.dumps({"code": status_int, "status": reason, "message": message}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n")
    if status_int == 503:
        head += "Retry-After: 5\r\n"
    util.write_nonblock(sock, head.encode("latin-1") + b"\r\n" + body)


class JsonErrors:
    """Mixin: gunicorn's own error answers in JSON; a time-out is a 503."""

    def init_process(self) -> None:
        util.write_error = write_json_error  # this worker process's own gunicorn
        super().init_process()  # type: ignore[misc]

    def handle_error(self, req, client, addr, exc) -> None:  # type: ignore[override]
        if isinstance(exc, SystemExit) and not self.alive:  # type: ignore[attr-defined]
            # handle_abort: the arbiter's time-out stopped this request.
            self.log.error("Request stopped by the worker time-out (%ss)", self.cfg.timeout)  # type: ignore[attr-defined]
            try:
                write_json_error(client, 503, "Service Unavailable", "")
            except Exception:
                pass
            return
        super().handle_error(req, client, addr, exc)  # type: ignore[misc]


class JsonErrorSyncWorker(JsonErrors, SyncWorker):
    pass


class JsonErrorThreadWorker(JsonErrors, ThreadWorker):
    pass
