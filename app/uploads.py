"""Request bodies of imports: read to their declared end, hashed, spooled.

An import body is read whole before anything is stored: a body shorter than
its Content-Length (the client hung up) is a 400, never a shorter file; one
longer than the limit is a 413, chunked or not. Its bytes feed the request's
:class:`~app.idempotency.Fingerprint` on the way, and wait in a spooled file
(memory up to a few MB, then disk) for the import, which runs in this request
or, for a large body, in the background (:mod:`app.import_jobs`).
"""
from __future__ import annotations

import io
import tempfile
from typing import IO, Any, Optional

from flask import request
from flask_smorest import abort

from .idempotency import Fingerprint

READ_SIZE = 256 * 1024
SPOOL_IN_MEMORY = 8 * 1024 * 1024


class WholeBody(io.RawIOBase):
    """The request body, read to its declared end.

    A body shorter than its Content-Length means the client hung up: that is
    an error (400), not the end of a shorter file, which is how gunicorn's
    reader (``wsgi.input_terminated``) hands it over. A read that fails (a
    reset connection, a broken chunked encoding) is the same.
    """

    def __init__(self, stream: Any, expected: Optional[int]) -> None:
        self._stream, self._expected, self._read = stream, expected, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._stream.read(len(buffer))
        except (OSError, ValueError):
            data = None
        if data is None or (not data and self._expected is not None and self._read < self._expected):
            abort(400, message="The request body ended early (the connection was closed before "
                               "Content-Length bytes arrived). Nothing was stored; send it again.")
        n = len(data)
        buffer[:n] = data
        self._read += n
        return n


def spool_body(fingerprint: Fingerprint, limit: int) -> tuple[IO[bytes], int]:
    """The whole request body (at most ``limit`` bytes, else 413) in a
    spooled file, at its start, and its size."""
    request.max_content_length = limit
    body = WholeBody(request.stream, request.content_length)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    size = 0
    while True:
        data = body.read(READ_SIZE)
        if not data:
            break
        fingerprint.update(data)
        spool.write(data)
        size += len(data)
    spool.seek(0)
    return spool, size
